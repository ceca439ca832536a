package eventstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Imported is one event of a log being imported: an envelope as an export wrote it.
type Imported struct {
	Stream  string
	Version uint64 // its version in Stream: 1, 2, 3… in order
	Proposed
	Backfilled bool
}

// importBatch is how many events Import commits in one atomic batch (one fsync on the server).
const importBatch = 500

func (s *Store) Import(ctx context.Context, next func() (Imported, bool, error)) (int, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	if err := s.checkWritable(); err != nil {
		return 0, err
	}
	s.appendMu.Lock()
	defer s.appendMu.Unlock()

	stored, err := s.LastSequence(ctx)
	if err != nil {
		return 0, err
	}
	var lastStored *Envelope
	if stored > 0 {
		if lastStored, err = s.lastEnvelope(ctx); err != nil {
			return 0, err
		}
	}
	heads := map[string]uint64{}    // stream → global sequence of its last event
	versions := map[string]uint64{} // stream → its last version
	var (
		seq     uint64 // global sequence the next event gets
		msgs    []*nats.Msg
		inBatch = map[string]bool{} // streams already written in the current batch
		n       int
		last    = s.lastRecorded
	)
	flush := func() error {
		if len(msgs) == 0 {
			return nil
		}
		if _, err := s.publishBatch(ctx, msgs); err != nil {
			return fmt.Errorf("eventstore: import: %w", mapPublishError("", err))
		}
		n += len(msgs)
		msgs = msgs[:0]
		clear(inBatch)
		return nil
	}
	for {
		e, ok, err := next()
		if err != nil {
			return n, err
		}
		if !ok {
			if seq < stored {
				return n, fmt.Errorf("eventstore: import: the ledger already holds %d events and the log only %d: import only into an empty ledger", stored, seq)
			}
			break
		}
		seq++
		if err := ValidStreamName(e.Stream); err != nil {
			return n, fmt.Errorf("eventstore: import: event %d: %w", seq, err)
		}
		if want := versions[e.Stream] + 1; e.Version != want {
			return n, invalid(int(seq), "version", strconv.FormatUint(e.Version, 10),
				"breaks the order of %s: version %d comes next in the log", e.Stream, want)
		}
		versions[e.Stream] = e.Version
		prev := heads[e.Stream]
		heads[e.Stream] = seq
		if seq <= stored {
			if seq == stored && lastStored != nil && lastStored.ID != e.ID {
				return n, fmt.Errorf("eventstore: import: the ledger is not empty and its event %d (%s) is not the log's (%s): import only into an empty ledger", seq, lastStored.ID, e.ID)
			}
			continue // stored by an earlier, interrupted import
		}
		d, err := validate(int(seq), e.Proposed, s.cfg.Clock())
		if err != nil {
			return n, err
		}
		if e.RecordedAt.IsZero() {
			return n, invalid(int(seq), "recorded_at", "", "is missing: an imported event keeps the time the ledger learned it")
		}
		rec := e.RecordedAt.UTC()
		if rec.After(last) {
			last = rec
		}
		b, err := encode(body{ID: e.ID, Type: e.Type, Schema: e.Schema, Stream: e.Stream, Version: e.Version, RecordedAt: rec,
			Backfilled: e.Backfilled, Actor: e.Actor, Source: e.Source, CorrelationID: e.CorrelationID, Data: d})
		if err != nil {
			return n, err
		}
		if len(b) > MaxEventSize {
			return n, invalid(int(seq), "data", "", "is too large: %d bytes", len(b))
		}
		m := nats.NewMsg(SubjectPrefix + e.Stream)
		m.Data = b
		m.Header.Set(jetstream.MsgIDHeader, e.ID)
		m.Header.Set(HeaderType, e.Type)
		m.Header.Set(HeaderVersion, strconv.FormatUint(e.Version, 10))
		if !inBatch[e.Stream] {
			// Within one batch only the first message of a subject may carry the check (10164).
			m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(prev, 10))
			inBatch[e.Stream] = true
		}
		msgs = append(msgs, m)
		if len(msgs) >= importBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	s.lastRecorded = last
	return n, nil
}
