package ledger

import (
	"context"
	"errors"

	"github.com/ocopledger/ocopledger/eventstore"
)

// LogQuery selects entries of the log, as `ocopledger log` does.
type LogQuery struct {
	// Stream and Type select an entry's record and event type: exact, or a prefix ending in *;
	// "" selects all.
	Stream, Type string
	// From and To are the first and last positions read (From 0 is 1; To 0: to the end).
	From, To uint64
	// Limit is the most entries visited (0: no limit).
	Limit int
	// End is where the log is known to have reached (0: not known): read at least to there, so
	// that a log cut short names the positions it lost.
	End uint64
	// Follow keeps reading the entries recorded after the end until ctx is done.
	Follow bool
}

var errStopRead = errors.New("stop")

// ReadLog calls visit with each entry of the store that q selects, in order of position.
func ReadLog(ctx context.Context, s *eventstore.Store, q LogQuery, visit func(e eventstore.Envelope) error) error {
	n := 0
	selected := func(e eventstore.Envelope) error {
		if q.To > 0 && e.Sequence > q.To {
			return errStopRead
		}
		if !eventstore.MatchPattern(q.Stream, e.Stream) || !eventstore.MatchPattern(q.Type, e.Type) {
			return nil
		}
		if err := visit(e); err != nil {
			return err
		}
		if n++; q.Limit > 0 && n >= q.Limit {
			return errStopRead
		}
		return nil
	}
	var err error
	if from := max(q.From, 1); q.Follow {
		err = s.Follow(ctx, from, selected)
	} else {
		err = s.ReadWith(ctx, eventstore.ReadOptions{From: from, End: q.End}, selected)
	}
	if errors.Is(err, errStopRead) || ctx.Err() != nil && q.Follow {
		err = nil
	}
	return err
}
