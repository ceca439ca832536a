package eventstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// Single appends that wait together are stored as one group (group.go); a group the broker
// refuses is sent again append by append. Publishes launched together, after their heads were
// read: to new records, and one to a record that moved since its head was read (the broker
// refuses it). Each gets the answer it would get alone: stored, or ErrConcurrency with nothing
// stored; and at least one group was refused and re-sent, so the test exercises it.
func TestGroupedAppendsAnswerEachAsAlone(t *testing.T) {
	s, err := Open(t.Context(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx := t.Context()
	ev := func(id string) ([]Proposed, []json.RawMessage) {
		return []Proposed{{ID: id, Type: "t", Schema: 1, Data: json.RawMessage(`{}`)}}, []json.RawMessage{json.RawMessage(`{}`)}
	}
	refusedBefore := groupsRefused.Load()
	const rounds, fresh = 5, 30
	for round := range rounds {
		stale := fmt.Sprintf("product.stale%d", round)
		if _, err := s.Append(ctx, stale, 0, Proposed{ID: fmt.Sprintf("first-%d", round), Type: "t", Schema: 1, Data: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, fresh+1)
		res := make([]AppendResult, fresh+1)
		start := make(chan struct{})
		for i := range fresh + 1 {
			wg.Go(func() {
				<-start
				if i == fresh { // its head as read before "first" was stored
					// Sent once others wait in the queue, so that it joins a group with them.
					for deadline := time.Now().Add(5 * time.Second); len(s.group) < fresh/2 && time.Now().Before(deadline); {
						time.Sleep(100 * time.Microsecond)
					}
					evs, data := ev(fmt.Sprintf("late-%d", round))
					res[i], errs[i] = s.publish(ctx, stale, 0, 0, evs, data)
					return
				}
				evs, data := ev(fmt.Sprintf("g%d-%d", round, i))
				res[i], errs[i] = s.publish(ctx, fmt.Sprintf("product.g%d-%d", round, i), 0, 0, evs, data)
			})
		}
		close(start)
		wg.Wait()
		for i := range fresh {
			if errs[i] != nil || res[i].Version != 1 {
				t.Fatalf("round %d, append %d to a new record: %+v, %v", round, i, res[i], errs[i])
			}
		}
		if !errors.Is(errs[fresh], ErrConcurrency) {
			t.Fatalf("round %d: stale append: %+v, %v; want ErrConcurrency", round, res[fresh], errs[fresh])
		}
		if v, err := s.StreamVersion(ctx, stale); err != nil || v != 1 {
			t.Fatalf("round %d: the stale append's record is at version %d (%v), want 1: nothing stored", round, v, err)
		}
	}
	if n, err := s.LastSequence(ctx); err != nil || n != rounds*(fresh+1) {
		t.Fatalf("the log holds %d entries (%v), want %d", n, err, rounds*(fresh+1))
	}
	if groupsRefused.Load() == refusedBefore {
		t.Fatal("no group was refused: the stale append was never sent with others")
	}
}
