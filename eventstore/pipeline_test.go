package eventstore_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// Appends are pipelined (many in flight at once). With a clock that gives every call a later
// time, any append sent out of the order its time was given would show as a recorded time
// going back along the log. Many writers append single events and batches to their own records,
// others race for the same record with the same expected version: for every pair of entries,
// log order ⇒ recorded_at non-decreasing; the racing appends store exactly one winner per
// version, the losers get ErrConcurrency and store nothing; versions run 1..n.
func TestRecordedAtFollowsLogUnderConcurrency(t *testing.T) {
	base := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	var tick atomic.Int64
	s := storetest.MustOpenStore(t, func(c *eventstore.Config) {
		c.Clock = func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Microsecond) }
	})
	ctx := t.Context()
	const writers, each = 24, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	var stored, lost atomic.Int64
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("product.own%d", w)
			v := int64(0)
			for i := range each {
				n := 1 + i%3 // single events and atomic batches
				evs := storetest.Events(fmt.Sprintf("w%d-%d-", w, i), n)
				if _, err := s.Append(ctx, stream, v, evs...); err != nil {
					errs <- err
					return
				}
				v += int64(n)
				stored.Add(int64(n))
			}
		})
	}
	// Racers: four writers append version k+1 of one shared record, each with its own ID.
	const racers, rounds = 4, 30
	var barrier sync.WaitGroup
	for r := range racers {
		barrier.Add(1)
		wg.Go(func() {
			defer barrier.Done()
			for k := range rounds {
				for {
					cur, err := s.StreamVersion(ctx, "product.shared")
					if err != nil {
						errs <- err
						return
					}
					if cur > uint64(k) {
						break // someone else took version k+1
					}
					_, err = s.Append(ctx, "product.shared", int64(cur), storetest.Event(fmt.Sprintf("r%d-%d", r, k)))
					if errors.Is(err, eventstore.ErrConcurrency) {
						lost.Add(1)
						continue
					}
					if err != nil {
						errs <- err
						return
					}
					stored.Add(1)
					break
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var all []eventstore.Envelope
	if err := s.Read(ctx, 0, func(e eventstore.Envelope) error { all = append(all, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if int64(len(all)) != stored.Load() {
		t.Fatalf("the log holds %d entries, %d appends were acknowledged", len(all), stored.Load())
	}
	versions := map[string]uint64{}
	for i, e := range all {
		if i > 0 && e.RecordedAt.Before(all[i-1].RecordedAt) {
			t.Fatalf("entry %d (%s, recorded %s) comes after entry %d (recorded %s) in the log but was recorded earlier",
				e.Sequence, e.ID, e.RecordedAt.Format(time.RFC3339Nano), all[i-1].Sequence, all[i-1].RecordedAt.Format(time.RFC3339Nano))
		}
		if e.Version != versions[e.Stream]+1 {
			t.Fatalf("entry %d: %s version %d after %d", e.Sequence, e.Stream, e.Version, versions[e.Stream])
		}
		versions[e.Stream] = e.Version
	}
	if versions["product.shared"] != rounds {
		t.Fatalf("the shared record is at version %d, want %d", versions["product.shared"], rounds)
	}
	t.Logf("%d entries, %d appends lost a race and stored nothing", len(all), lost.Load())
}
