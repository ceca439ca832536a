package eventstore

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Imported is one entry of a log being imported: an event from its fields (an envelope as an
// export of format 1 wrote it), or a stored message kept exactly (Body: format 2, see
// ImportedBody and ImportedUnreadable).
type Imported struct {
	Stream  string
	Version uint64 // its version in Stream: 1, 2, 3… in order
	Proposed
	Backfilled bool
	// Body, when set, is stored byte for byte instead of a message encoded from the fields
	// (which must be what it says): the restored log then holds, and hashes, what the
	// original held.
	Body []byte
	// NotAnEvent marks an entry that is not an event (a message the original log held that
	// no reader could take for one): Body is stored as it is on the subject of Stream, with
	// no version and no checks, so that every later entry keeps its position.
	NotAnEvent bool
	// Missing marks a NotAnEvent entry that stands for an entry the log being imported lacks
	// (a salvaged backup): an aggregate stream's versions may then skip, at most one for each
	// such entry before it, since the lost entry's stream is unknown.
	Missing bool
}

// ImportedBody returns the event whose stored message is body (a line of an export, format 2),
// to be stored again exactly.
func ImportedBody(data []byte) (Imported, error) {
	var b body
	if !decodeFast(data, &b) {
		var err error
		if b, err = decodeJSON(data); err != nil {
			return Imported{}, err
		}
	}
	switch {
	case b.ID == "":
		return Imported{}, invalid(0, "id", "", "is missing")
	case b.Stream == "":
		return Imported{}, invalid(0, "stream", "", "is missing")
	case b.Version == 0:
		return Imported{}, invalid(0, "version", "", "is missing")
	case len(b.Data) == 0:
		return Imported{}, invalid(0, "data", "", "is missing")
	}
	return Imported{Stream: b.Stream, Version: b.Version, Backfilled: b.Backfilled, Body: bytes.Clone(data),
		Proposed: Proposed{ID: b.ID, Type: b.Type, Schema: b.Schema, Data: b.Data, Actor: b.Actor, Source: b.Source,
			CorrelationID: b.CorrelationID, RecordedAt: b.RecordedAt}}, nil
}

// ImportedUnreadable returns an entry that is not an event: the exact bytes a log held on
// subject, to be stored again as they are.
func ImportedUnreadable(subject string, data []byte) (Imported, error) {
	stream, ok := strings.CutPrefix(subject, SubjectPrefix)
	if !ok || stream == "" {
		return Imported{}, invalid(0, "subject", subject, "is not a subject of the ledger (%s)", Subjects)
	}
	return Imported{Stream: stream, Body: bytes.Clone(data), NotAnEvent: true}, nil
}

// importBatch is how many events Import commits in one atomic batch (one fsync on the server);
// importInFlight how many batches it sends before awaiting the first one's commit. Each batch's
// first message expects the log's last sequence to be the one before it, so a batch is stored
// only right after the one before it: one that failed stops all those sent after it.
const (
	importBatch    = 500
	importInFlight = 4
)

func (s *Store) Import(ctx context.Context, next func() (Imported, bool, error)) (int, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	if err := s.checkWritable(); err != nil {
		return 0, err
	}
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	s.acks.drain()

	stored, err := s.LastSequence(ctx)
	if err != nil {
		return 0, err
	}
	var lastStored []byte // the message at position stored, exactly
	if stored > 0 {
		m, err := s.leaderGet(ctx, msgGetRequest{Seq: stored})
		if err != nil {
			return 0, fmt.Errorf("eventstore: import: read message %d: %w", stored, err)
		}
		lastStored = m.Data
	}
	heads := map[string]uint64{}    // stream → global sequence of its last entry
	versions := map[string]uint64{} // stream → its last version
	var (
		seq     uint64 // global sequence the next event gets
		msgs    []*nats.Msg
		inBatch = map[string]bool{} // streams already written in the current batch
		n       int
		last    = s.lastRecorded
		lost    uint64 // Missing entries so far not matched by a skipped version

	)
	type sent struct {
		p *pendingAck
		n int
	}
	var inFlight []sent
	await := func() error { // the commit of the oldest batch in flight
		b := inFlight[0]
		inFlight = inFlight[1:]
		wctx, cancel := s.batchCtx(ctx, b.n)
		defer cancel()
		ack, err := b.p.wait(wctx)
		if err == nil {
			err = checkCommit(ack, b.n)
		}
		if err != nil {
			return fmt.Errorf("eventstore: import: %w", mapPublishError("", s.brokerError(wctx, err)))
		}
		n += b.n
		return nil
	}
	flush := func() error {
		if len(msgs) == 0 {
			return nil
		}
		msgs[0].Header.Set(jetstream.ExpectedLastSeqHeader, strconv.FormatUint(seq-uint64(len(msgs)), 10))
		wctx, cancel := s.batchCtx(ctx, len(msgs))
		p, err := s.sendBatch(wctx, msgs)
		cancel()
		if err != nil {
			return fmt.Errorf("eventstore: import: %w", mapPublishError("", s.brokerError(wctx, err)))
		}
		inFlight = append(inFlight, sent{p, len(msgs)})
		msgs = msgs[:0]
		clear(inBatch)
		if len(inFlight) > importInFlight {
			return await()
		}
		return nil
	}
	// finish awaits every batch in flight; after a failure, the batches sent after it are
	// refused by the broker (their expected last sequence) and only awaited.
	finish := func(err error) (int, error) {
		for len(inFlight) > 0 {
			if werr := await(); err == nil {
				err = werr
			}
		}
		return n, err
	}
	for {
		e, ok, err := next()
		if err != nil {
			return finish(err)
		}
		if !ok {
			if seq < stored {
				return finish(fmt.Errorf("eventstore: import: the ledger already holds %d events and the log only %d: import only into an empty ledger", stored, seq))
			}
			break
		}
		seq++
		if e.NotAnEvent {
			if e.Missing {
				lost++
			}
			prev := heads[e.Stream]
			heads[e.Stream] = seq
			if seq <= stored {
				if seq == stored && !bytes.Equal(lastStored, e.Body) {
					return finish(fmt.Errorf("eventstore: import: the ledger is not empty and its entry %d is not the log's: import only into an empty ledger", seq))
				}
				continue
			}
			msgs = append(msgs, importMsg(e.Stream, e.Body, prev, inBatch))
			if len(msgs) >= importBatch {
				if err := flush(); err != nil {
					return finish(err)
				}
			}
			continue
		}
		if err := ValidStreamName(e.Stream); err != nil {
			return finish(fmt.Errorf("eventstore: import: event %d: %w", seq, err))
		}
		if want := versions[e.Stream] + 1; e.Version != want {
			if e.Version < want || e.Version-want > lost {
				return finish(invalid(int(seq), "version", strconv.FormatUint(e.Version, 10),
					"breaks the order of %s: version %d comes next in the log", e.Stream, want))
			}
			lost -= e.Version - want // the versions between were lost with missing entries
		}
		versions[e.Stream] = e.Version
		prev := heads[e.Stream]
		heads[e.Stream] = seq
		if seq <= stored {
			if seq == stored && !sameEntry(lastStored, e) {
				return finish(fmt.Errorf("eventstore: import: the ledger is not empty and its entry %d is not the log's (%s): import only into an empty ledger", seq, e.ID))
			}
			continue // stored by an earlier, interrupted import
		}
		d, err := validate(int(seq), e.Proposed, s.cfg.Clock())
		if err != nil {
			return finish(err)
		}
		if e.RecordedAt.IsZero() {
			return finish(invalid(int(seq), "recorded_at", "", "is missing: an imported event keeps the time the ledger learned it"))
		}
		rec := e.RecordedAt.UTC()
		if rec.After(last) {
			last = rec
		}
		b := e.Body
		if b == nil {
			if b, err = encode(body{ID: e.ID, Type: e.Type, Schema: e.Schema, Stream: e.Stream, Version: e.Version, RecordedAt: rec,
				Backfilled: e.Backfilled, Actor: e.Actor, Source: e.Source, CorrelationID: e.CorrelationID, Data: d}); err != nil {
				return finish(err)
			}
		}
		if len(b) > MaxEventSize {
			return finish(invalid(int(seq), "data", "", "is too large: %d bytes", len(b)))
		}
		// No Nats-Msg-Id: the subject checks already refuse a batch stored before, and the
		// broker would keep every imported ID in memory for its duplicate window, reloading
		// them all at each start within it (1M entries: 115 MB of its heap).
		m := importMsg(e.Stream, b, prev, inBatch)
		m.Header.Set(HeaderType, e.Type)
		m.Header.Set(HeaderVersion, strconv.FormatUint(e.Version, 10))
		msgs = append(msgs, m)
		if len(msgs) >= importBatch {
			if err := flush(); err != nil {
				return finish(err)
			}
		}
	}
	if _, err := finish(flush()); err != nil {
		return n, err
	}
	s.lastRecorded = last
	s.stored(last)
	return n, nil
}

// importMsg is the message storing data on the subject of stream, after the entry at global
// sequence prev on that subject (0: none).
func importMsg(stream string, data []byte, prev uint64, inBatch map[string]bool) *nats.Msg {
	m := nats.NewMsg(SubjectPrefix + stream)
	m.Data = data
	if !inBatch[stream] {
		// Within one batch only the first message of a subject may carry the check (10164).
		m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(prev, 10))
		inBatch[stream] = true
	}
	return m
}

// sameEntry reports whether the message stored is the entry e of the log being imported: the
// same bytes, or, for an entry given by its fields, the same event ID.
func sameEntry(stored []byte, e Imported) bool {
	if e.Body != nil {
		return bytes.Equal(stored, e.Body)
	}
	b, err := decodeJSON(stored)
	return err == nil && b.ID == e.ID
}
