package eventstore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// One atomic append across records: every record lands at the versions after its head, as the
// last entries read in one direct get give it; an append after a head that is no longer the
// record's, or with event IDs already stored, stores nothing at all (test).
func TestAppendStreams(t *testing.T) {
	s := storetest.MustOpenStore(t)
	ctx := ctxOf(t)
	if _, err := s.Append(ctx, "product.a", 0, storetest.Events("a", 2)...); err != nil {
		t.Fatal(err)
	}
	streams := []string{"product.a", "product.b", "product.c"}
	lasts, err := s.LastEntries(ctx, streams)
	if err != nil {
		t.Fatal(err)
	}
	if len(lasts) != 1 || lasts["product.a"].Version != 2 || lasts["product.a"].Sequence != 2 {
		t.Fatalf("last entries: %+v; want product.a at version 2, position 2, and nothing else", lasts)
	}
	heads := map[string]eventstore.Head{"product.a": {Version: 2, Sequence: 2}}
	batch := func(tag string) []eventstore.StreamAppend {
		var out []eventstore.StreamAppend
		for _, st := range streams {
			out = append(out, eventstore.StreamAppend{Stream: st, After: heads[st], Events: storetest.Events(tag+st, 2)})
		}
		return out
	}
	res, err := s.AppendStreams(ctx, batch("one"))
	if err != nil || res.FirstSequence != 3 || res.LastSequence != 8 {
		t.Fatalf("append across records: %+v, %v; want positions 3 to 8", res, err)
	}
	for st, want := range map[string]uint64{"product.a": 4, "product.b": 2, "product.c": 2} {
		envs, err := s.ReadStream(ctx, st)
		if err != nil || uint64(len(envs)) != want || envs[len(envs)-1].Version != want {
			t.Errorf("%s: %d events, %v; want versions 1 to %d", st, len(envs), err, want)
		}
	}
	// The heads are now stale: nothing of the next batch is stored.
	if _, err := s.AppendStreams(ctx, batch("two")); !errors.Is(err, eventstore.ErrConcurrency) {
		t.Errorf("append after stale heads: %v; want ErrConcurrency", err)
	}
	heads = map[string]eventstore.Head{"product.a": {Version: 4, Sequence: 4}, "product.b": {Version: 2, Sequence: 6}, "product.c": {Version: 2, Sequence: 8}}
	if _, err := s.AppendStreams(ctx, batch("one")); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Errorf("append of stored event IDs: %v; want ErrDuplicateID", err)
	}
	if n, _ := s.LastSequence(ctx); n != 8 {
		t.Errorf("refused batches stored something: last position %d, want 8", n)
	}
	if res, err := s.AppendStreams(ctx, batch("three")); err != nil || res.LastSequence != 14 {
		t.Errorf("append after the current heads: %+v, %v; want positions 9 to 14", res, err)
	}
	// More than a batch takes, and a record given twice, are refused before anything is sent.
	var big []eventstore.StreamAppend
	for i := range eventstore.MaxEventsPerAppend + 1 {
		big = append(big, eventstore.StreamAppend{Stream: fmt.Sprintf("product.n%d", i), Events: storetest.Events(fmt.Sprint("n", i), 1)})
	}
	if _, err := s.AppendStreams(ctx, big); !errors.Is(err, eventstore.ErrInvalid) {
		t.Errorf("%d events in one batch: %v; want ErrInvalid", len(big), err)
	}
	twice := []eventstore.StreamAppend{{Stream: "product.x", Events: storetest.Events("x1", 1)}, {Stream: "product.x", Events: storetest.Events("x2", 1)}}
	if _, err := s.AppendStreams(ctx, twice); !errors.Is(err, eventstore.ErrInvalid) {
		t.Errorf("a record given twice: %v; want ErrInvalid", err)
	}
}
