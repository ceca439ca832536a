package projections

import (
	"context"

	"github.com/ocopledger/ocopledger/domain"
)

// Source is the log the projections read: events in log order, from a position on.
// The ledger's JetStream store provides it; so does a log loaded from an export.
type Source interface {
	// Read calls fn for every event from position from (1-based) to the end of the log as it
	// stands when Read starts, then returns.
	Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error
	// Follow is Read that keeps following new events until ctx is done.
	Follow(ctx context.Context, from uint64, fn func(domain.Recorded) error) error
	// LastSequence is the position of the last event in the log.
	LastSequence(ctx context.Context) (uint64, error)
}

// SliceSource is a Source over events already in memory, e.g. a log read from an export file.
// It does not follow: Follow returns after the last event, like Read.
type SliceSource []domain.Recorded

var _ Source = SliceSource(nil)

// Read implements Source.
func (s SliceSource) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	for _, r := range s {
		if r.Sequence < from {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// Follow implements Source.
func (s SliceSource) Follow(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return s.Read(ctx, from, fn)
}

// LastSequence implements Source.
func (s SliceSource) LastSequence(context.Context) (uint64, error) {
	if len(s) == 0 {
		return 0, nil
	}
	return s[len(s)-1].Sequence, nil
}
