package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/text/unicode/norm"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// BatchSize is how many entries Batch.Commit stores in one atomic append across records.
const BatchSize = 500

// historyReaders is how many records' histories NewBatch reads at the same time.
const historyReaders = 8

// Batch checks many entries, of many records, by the rules RecordEvent applies — each against
// the history of its record and the entries of the batch checked before it — and stores those
// that passed in atomic appends across records. The histories are read once, when the batch is
// made, instead of once per entry.
type Batch struct {
	l       *Ledger
	mu      sync.Mutex // guards recs while NewBatch reads them
	recs    map[string]*batchRecord
	entries []batchEntry // accepted, in the order they were checked
}

type batchRecord struct {
	all  []domain.Recorded // its history, then the batch's accepted entries
	head eventstore.Head   // where the store holds it, as read
}

type batchEntry struct {
	e    domain.Event
	m    Meta
	data []byte
}

// NewBatch reads the histories of the records the entries will land in (streams; others are
// read when an entry first names them): one direct get per thousand records for their last
// entries, which is the whole history of a record that holds one event, then the history of
// each record that holds more.
func (l *Ledger) NewBatch(ctx context.Context, streams []string) (*Batch, error) {
	b := &Batch{l: l, recs: make(map[string]*batchRecord, len(streams))}
	lasts, err := l.store.LastEntries(ctx, streams)
	if err != nil {
		return nil, StoreError(err)
	}
	more := map[string]uint64{} // records holding more than one event → their last message
	for _, s := range streams {
		last, ok := lasts[s]
		switch {
		case !ok:
			b.recs[s] = &batchRecord{}
		case last.Unreadable == "" && last.Version == 1:
			// Its first event is its last message: nothing before it but messages that are
			// not events (no ID, no version), which no decision reads.
			b.recs[s] = &batchRecord{all: []domain.Recorded{ToRecorded(last)}, head: eventstore.Head{Version: 1, Sequence: last.Sequence}}
		default:
			more[s] = last.Sequence
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(historyReaders)
	for s, end := range more {
		g.Go(func() error {
			r, err := l.readRecordTo(gctx, s, end)
			if err != nil {
				return StoreError(err)
			}
			b.mu.Lock()
			b.recs[s] = r
			b.mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return b, nil
}

// readRecord reads the history of a record and where the store holds it.
func (l *Ledger) readRecord(ctx context.Context, stream string) (*batchRecord, error) {
	return l.readRecordTo(ctx, stream, 0)
}

// readRecordNearest is readRecord from whichever server of the stream answers first
// (eventstore.Store.ReadStreamNearest): on a cluster it may lack the latest appends.
func (l *Ledger) readRecordNearest(ctx context.Context, stream string) (*batchRecord, error) {
	envs, head, err := l.store.ReadStreamNearest(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("ledger: read %s: %w", stream, err)
	}
	r := &batchRecord{all: make([]domain.Recorded, len(envs)), head: head}
	for i, e := range envs {
		r.all[i] = ToRecorded(e)
	}
	return r, nil
}

// readRecordTo is readRecord up to the message at global sequence end (0: its last now).
func (l *Ledger) readRecordTo(ctx context.Context, stream string, end uint64) (*batchRecord, error) {
	var envs []eventstore.Envelope
	var head eventstore.Head
	var err error
	if end == 0 {
		envs, head, err = l.store.ReadStreamHead(ctx, stream)
	} else {
		envs, err = l.store.ReadStreamTo(ctx, stream, end)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: read %s: %w", stream, err)
	}
	r := &batchRecord{all: make([]domain.Recorded, len(envs))}
	for i, e := range envs {
		r.all[i] = ToRecorded(e)
		if e.Unreadable == "" {
			r.head.Version = e.Version
		}
		r.head.Sequence = e.Sequence
	}
	if end == 0 {
		r.head = head // as the leader gave it with the history
	}
	return r, nil
}

// Check checks e as RecordEvent would record it with m, against its record's history and the
// entries this batch accepted before it; an entry that passes is accepted: Commit stores it.
// present reports that the entry is already recorded (same ID, same content): it is not
// accepted, as storing it would store nothing. m.RecordedAt and m.ExpectedVersion are refused.
func (b *Batch) Check(ctx context.Context, e domain.Event, m Meta) (present bool, err error) {
	if !m.RecordedAt.IsZero() || m.ExpectedVersion != nil {
		return false, domain.Invalid("recorded_at", "a batch records entries now, after the versions it read: no backfill or expected version")
	}
	if m.ID == "" {
		m.ID = NewID()
	}
	if err := checkMeta(e, m); err != nil {
		return false, err
	}
	r, ok := b.recs[e.Stream()]
	if !ok {
		if r, err = b.l.readRecord(ctx, e.Stream()); err != nil {
			return false, StoreError(err)
		}
		b.recs[e.Stream()] = r
	}
	data, present, err := decideOn(r.all, e, m)
	if err != nil || present {
		return present, err
	}
	r.all = append(r.all, Pending(e, m.ID))
	b.entries = append(b.entries, batchEntry{e: e, m: m, data: data})
	return false, nil
}

// Mark is a point to come back to with Rollback: the entries accepted so far.
func (b *Batch) Mark() int { return len(b.entries) }

// Rollback forgets the entries accepted since mark (a group of entries that must be stored
// together, one of which failed its checks).
func (b *Batch) Rollback(mark int) {
	for i := len(b.entries) - 1; i >= mark; i-- {
		r := b.recs[b.entries[i].e.Stream()]
		r.all = r.all[:len(r.all)-1] // its entries are the tail of its record, in order
	}
	b.entries = b.entries[:mark]
}

// Len is how many entries the batch has accepted.
func (b *Batch) Len() int { return len(b.entries) }

// EntryError is an error storing one entry of a batch.
type EntryError struct {
	ID  string
	Err error
}

func (e *EntryError) Error() string { return fmt.Sprintf("entry %s: %v", e.ID, e.Err) }
func (e *EntryError) Unwrap() error { return e.Err }

// Commit stores the accepted entries, BatchSize at a time, each such chunk in one atomic append
// across records: all of a chunk or none. A chunk the store refuses because one of its records
// moved on since it was read (another writer) is recorded entry by entry through RecordEvent,
// which reads again and decides again; an entry already recorded then stores nothing (present).
// progress, if not nil, is told how many entries are done after each chunk.
func (b *Batch) Commit(ctx context.Context, progress func(done int)) (stored, present int, err error) {
	slow := map[string]bool{} // records whose heads are no longer known
	for from := 0; from < len(b.entries); from += BatchSize {
		chunk := b.entries[from:min(from+BatchSize, len(b.entries))]
		var appends []eventstore.StreamAppend
		at := map[string]int{}
		fast := true
		for _, x := range chunk {
			s := x.e.Stream()
			if slow[s] {
				fast = false
				break
			}
			i, ok := at[s]
			if !ok {
				i = len(appends)
				at[s] = i
				appends = append(appends, eventstore.StreamAppend{Stream: s, After: b.recs[s].head})
			}
			appends[i].Events = append(appends[i].Events, eventstore.Proposed{
				ID: x.m.ID, Type: x.e.EventType(), Schema: x.e.SchemaVersion(), Data: x.data,
				Actor: norm.NFC.String(x.m.Actor), Source: norm.NFC.String(x.m.Source), CorrelationID: x.m.CorrelationID,
			})
		}
		if fast {
			res, err := b.l.store.AppendStreams(ctx, appends)
			switch {
			case err == nil:
				seq := res.FirstSequence
				for _, a := range appends {
					seq += uint64(len(a.Events))
					h := &b.recs[a.Stream].head
					h.Version += uint64(len(a.Events))
					h.Sequence = seq - 1
				}
				stored += len(chunk)
			case errors.Is(err, eventstore.ErrConcurrency), errors.Is(err, eventstore.ErrDuplicateID):
				b.l.log.Info("a batch's records moved on since they were read; recording its entries one by one", "entries", len(chunk), "err", err)
				fast = false
			default:
				return stored, present, StoreError(err)
			}
		}
		if !fast {
			for _, x := range chunk {
				slow[x.e.Stream()] = true
				pos, err := b.l.RecordEvent(ctx, x.e, x.m)
				if err != nil {
					return stored, present, &EntryError{ID: x.m.ID, Err: err}
				}
				if pos.Duplicate {
					present++
				} else {
					stored++
				}
			}
		}
		if progress != nil {
			progress(from + len(chunk))
		}
	}
	return stored, present, nil
}
