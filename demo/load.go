package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"golang.org/x/text/unicode/norm"
)

// Stats says what Load did.
type Stats struct {
	Entries  int            `json:"entries"`  // entries of the demo history
	Recorded int            `json:"recorded"` // stored by this run
	Skipped  int            `json:"skipped"`  // already in the ledger
	Appends  int            `json:"appends"`  // appends to the event store (consecutive entries of a stream go in one)
	ByType   map[string]int `json:"by_type"`  // entries of the demo history by event type
	Elapsed  time.Duration  `json:"elapsed_ns"`
}

// Load records the demo history in the ledger, in order, and returns what it did. It is
// idempotent: when the history's last entry is already recorded it stores nothing; otherwise it
// skips every entry whose ID is already in its stream and records the others, so a run that was
// interrupted resumes where it stopped.
//
// Every entry is checked with domain.Decide against the history of its stream, as the ledger
// would, but against a copy kept in memory: the log is read once, and consecutive entries of one
// stream are appended together, at the version Load tracks (a concurrent writer makes the append
// fail with a conflict rather than be overtaken). The history is a backfill from 2012 on, so the
// ledger must hold nothing recorded later than where the demo resumes: load it into an empty
// ledger. progress, if set, is called with the entries done and the total.
func Load(ctx context.Context, l *ledger.Ledger, progress func(done, total int)) (st Stats, err error) {
	start := time.Now()
	defer func() { st.Elapsed = time.Since(start) }()
	h := History()
	st = Stats{Entries: len(h), ByType: map[string]int{}}
	for _, e := range h {
		st.ByType[e.Event.EventType()]++
	}
	report := func(done int) {
		if progress != nil {
			progress(done, len(h))
		}
	}

	last := h[len(h)-1]
	hist, _, err := l.History(ctx, last.Event.Stream())
	if err != nil {
		return st, err
	}
	for _, r := range hist {
		if r.ID == last.Meta.ID {
			st.Skipped = len(h)
			report(len(h))
			return st, nil
		}
	}

	// What the ledger holds: each stream's history, and where each entry ID is.
	streams := map[string][]domain.Recorded{}
	where := map[string]string{}
	err = l.Read(ctx, 1, func(r domain.Recorded) error {
		streams[r.Stream] = append(streams[r.Stream], r)
		where[r.ID] = r.Stream
		return nil
	})
	if err != nil {
		e := domain.Internal("the demo cannot read the ledger: %v", err)
		e.Err = err
		return st, e
	}

	for i := 0; i < len(h); {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		stream := h[i].Event.Stream()
		j := i + 1
		for j < len(h) && j-i < eventstore.MaxEventsPerAppend && h[j].Event.Stream() == stream {
			j++
		}
		sh := streams[stream]
		version := uint64(len(sh))
		if len(sh) > 0 {
			version = sh[len(sh)-1].Version
		}
		var batch []eventstore.Proposed
		for _, e := range h[i:j] {
			if s, ok := where[e.Meta.ID]; ok {
				if s != stream {
					return st, domain.Conflict("the demo's entry %s belongs to %s, but this ledger holds an entry %s in %s: the ledger holds other data than the demo; load the demo into an empty ledger (another --data directory)", e.Meta.ID, stream, e.Meta.ID, s)
				}
				st.Skipped++
				continue
			}
			if _, err := domain.Decide(sh, e.Event); err != nil {
				// The demo's history holds by itself: what refuses it is what this ledger holds.
				c := domain.Conflict("the demo's entry %s (%s in %s) is refused by what this ledger holds: %v; load the demo into an empty ledger (another --data directory)", e.Meta.ID, e.Event.EventType(), stream, err)
				c.Err = err
				return st, c
			}
			data, err := json.Marshal(e.Event)
			if err != nil {
				return st, fmt.Errorf("demo: encode %s: %w", e.Meta.ID, err)
			}
			batch = append(batch, eventstore.Proposed{ID: e.Meta.ID, Type: e.Event.EventType(), Schema: e.Event.SchemaVersion(),
				Data: norm.NFC.Bytes(data), Actor: e.Meta.Actor, Source: norm.NFC.String(e.Meta.Source), RecordedAt: e.Meta.RecordedAt})
			sh = append(sh, domain.Recorded{ID: e.Meta.ID, Type: e.Event.EventType(), Stream: stream, Version: version + uint64(len(batch)),
				RecordedAt: e.Meta.RecordedAt, Actor: e.Meta.Actor, Source: e.Meta.Source, Event: e.Event})
		}
		if len(batch) > 0 {
			if _, err := l.Store().Append(ctx, stream, int64(version), batch...); err != nil {
				if errors.Is(err, eventstore.ErrBackfillOrder) {
					c := domain.Conflict("the demo backfills history recorded from 2012 to 30/10/2025, and this ledger already holds entries recorded later than entry %s (%s): load the demo into an empty ledger (another --data directory)",
						batch[0].ID, batch[0].RecordedAt.In(domain.Vietnam).Format("02/01/2006 15:04"))
					c.Field, c.Err = "recorded_at", err
					return st, c
				}
				e := domain.Internal("the demo's entries from %s on cannot be recorded: %v", batch[0].ID, err)
				e.Err = err
				return st, e
			}
			st.Appends++
			st.Recorded += len(batch)
			streams[stream] = sh
			for _, p := range batch {
				where[p.ID] = stream
			}
		}
		report(j)
		i = j
	}
	return st, nil
}
