package eventstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// A durable position starts after the end of the log when it is made, delivers the events in log
// order as Read decodes them, and delivers again an event whose handling failed or panicked
// (the panic handed to onPanic); a second process opening the same name goes on from where the
// first stopped.
func TestDurableDeliversOnceHandledInOrder(t *testing.T) {
	s := storetest.MustOpenStore(t)
	ctx := ctxOf(t)
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Event("history")); err != nil {
		t.Fatal(err)
	}
	cfg := eventstore.DurableConfig{Name: "test-durable", Retry: 50 * time.Millisecond}
	d, err := s.OpenDurable(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.p1", 1, storetest.Event("e2"), storetest.Event("e3")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	tries := map[string]int{}
	panics := 0
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- d.Run(runCtx, func(e eventstore.Envelope) error {
			mu.Lock()
			defer mu.Unlock()
			tries[e.ID]++
			switch {
			case e.ID == "e2" && tries[e.ID] == 1:
				return errors.New("not now")
			case e.ID == "e3" && tries[e.ID] == 1:
				panic("a bug")
			}
			got = append(got, e.ID)
			if len(got) == 2 {
				stop()
			}
			return nil
		}, func(any) { panics++ })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the events were not all handled")
	}
	mu.Lock()
	if len(got) != 2 || got[0] != "e2" || got[1] != "e3" || tries["history"] != 0 || panics != 1 {
		t.Errorf("handled %v, tries %v, panics %d; want e2 then e3, each tried twice, one panic", got, tries, panics)
	}
	mu.Unlock()

	if _, err := s.Append(ctx, "product.p1", 3, storetest.Event("e4")); err != nil {
		t.Fatal(err)
	}
	again, err := s.OpenDurable(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	next := make(chan eventstore.Envelope, 4)
	runCtx2, stop2 := context.WithCancel(ctx)
	defer stop2()
	go func() { _ = again.Run(runCtx2, func(e eventstore.Envelope) error { next <- e; return nil }, nil) }()
	select {
	case e := <-next:
		if e.ID != "e4" || e.Sequence != 4 || e.Stream != "product.p1" || e.AppendedAt.IsZero() || len(e.Body) == 0 {
			t.Errorf("the next process got %+v, want e4 at position 4", e)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the next process got nothing")
	}
}

// A durable position the broker loses while a process follows it (deleted, as when its stream
// is deleted and restored) is made again after the last event that process handled: the events
// appended meanwhile are delivered, the handled one not again, and Run goes on instead of
// failing; it returns nil when its context ends.
func TestDurableMadeAgainAfterTheLastHandledWhenLost(t *testing.T) {
	s := storetest.MustOpenStore(t)
	ctx := ctxOf(t)
	cfg := eventstore.DurableConfig{Name: "test-lost", Retry: 50 * time.Millisecond}
	d, err := s.OpenDurable(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 8)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- d.Run(runCtx, func(e eventstore.Envelope) error { got <- e.ID; return nil }, nil)
	}()
	next := func() string {
		t.Helper()
		select {
		case id := <-got:
			return id
		case err := <-done:
			t.Fatalf("Run returned %v while following", err)
		case <-time.After(20 * time.Second):
			t.Fatal("nothing delivered")
		}
		return ""
	}
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Event("e1")); err != nil {
		t.Fatal(err)
	}
	if id := next(); id != "e1" {
		t.Fatalf("first delivery %s, want e1", id)
	}
	if err := s.JetStream().DeleteConsumer(ctx, s.StreamName(), cfg.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.p1", 1, storetest.Event("e2")); err != nil {
		t.Fatal(err)
	}
	if id := next(); id != "e2" {
		t.Fatalf("after the position was lost: %s, want e2 (e1 was handled already)", id)
	}
	if _, err := s.JetStream().Consumer(ctx, s.StreamName(), cfg.Name); err != nil {
		t.Errorf("the position was not made again: %v", err)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v when its context ended, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
	select {
	case id := <-got:
		t.Errorf("%s delivered again", id)
	default:
	}
}
