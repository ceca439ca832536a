package eventstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

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

// importWindow is how many publishes may await their acknowledgement at once.
const importWindow = 2048

// Import appends a whole log in order: a restore from an export, or a bulk migration. Events are
// published many at a time, each with the broker's check that its aggregate stream has not moved
// since the event before it (Nats-Expected-Last-Subject-Sequence) and its ID as Nats-Msg-Id, and
// keep the recorded time and version they were exported with.
//
// The ledger must be empty, or hold exactly the first events of the same log (an interrupted
// import is resumed: Import checks the last stored event's ID against the log and skips what is
// stored). next returns the events in log order and false at the end. Import returns how many
// events it stored. Nothing else may write to the ledger while it runs.
func (s *Store) Import(ctx context.Context, next func() (Imported, bool, error)) (int, error) {
	if err := s.checkOpen(); err != nil {
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
		pending []jetstream.PubAckFuture
		n       int
		last    = s.lastRecorded
	)
	wait := func(all bool) error {
		for len(pending) > 0 && (all || len(pending) >= importWindow) {
			f := pending[0]
			select {
			case ack := <-f.Ok():
				if ack.Duplicate {
					return fmt.Errorf("eventstore: import: event %s was already stored elsewhere in the ledger", f.Msg().Header.Get(jetstream.MsgIDHeader))
				}
			case err := <-f.Err():
				return fmt.Errorf("eventstore: import: event %s: %w", f.Msg().Header.Get(jetstream.MsgIDHeader), mapPublishError(f.Msg().Subject, err))
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(publishTimeout):
				return fmt.Errorf("eventstore: import: no acknowledgement for event %s in %s", f.Msg().Header.Get(jetstream.MsgIDHeader), publishTimeout)
			}
			pending = pending[1:]
		}
		return nil
	}
	// Whatever happens, leave no publish in flight: a resumed import must see a settled ledger.
	defer func() {
		for _, f := range pending {
			select {
			case <-f.Ok():
			case <-f.Err():
			case <-time.After(publishTimeout):
			}
		}
	}()
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
			return n, &InvalidError{Event: int(seq), Field: "version", Value: strconv.FormatUint(e.Version, 10),
				Reason: fmt.Sprintf("breaks the order of %s: version %d comes next in the log", e.Stream, want)}
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
		d, err := validate(int(seq), e.Proposed, e.RecordedAt)
		if err != nil {
			return n, err
		}
		if e.RecordedAt.IsZero() {
			return n, &InvalidError{Event: int(seq), Field: "recorded_at", Reason: "is missing: an imported event keeps the time the ledger learned it"}
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
			return n, &InvalidError{Event: int(seq), Field: "data", Reason: fmt.Sprintf("is too large: %d bytes", len(b))}
		}
		m := nats.NewMsg(SubjectPrefix + e.Stream)
		m.Data = b
		m.Header.Set(jetstream.MsgIDHeader, e.ID)
		m.Header.Set(HeaderType, e.Type)
		m.Header.Set(HeaderVersion, strconv.FormatUint(e.Version, 10))
		m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(prev, 10))
		f, err := s.js.PublishMsgAsync(m)
		if err != nil {
			return n, fmt.Errorf("eventstore: import: %w", err)
		}
		pending = append(pending, f)
		n++
		if err := wait(false); err != nil {
			return n, err
		}
	}
	if err := wait(true); err != nil {
		return n, err
	}
	s.lastRecorded = last
	return n, nil
}
