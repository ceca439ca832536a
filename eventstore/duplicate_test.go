package eventstore_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// An event ID the broker reports as a duplicate is a retry only if the stored event is this one
// (same stream, type and data); otherwise the append is refused with a *DuplicateIDError naming
// the stored event, and nothing is written.
func TestDuplicateIDWithOtherContentIsRefused(t *testing.T) {
	s := storetest.MustOpenStore(t)
	ctx := ctxOf(t)
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Event("before"), storetest.Event("key-1")); err != nil {
		t.Fatal(err)
	}
	retry, err := s.Append(ctx, "product.p1", eventstore.AnyVersion, storetest.Event("key-1"))
	if err != nil || !retry.Duplicate || retry.LastSequence != 2 {
		t.Fatalf("the same event again: %+v, %v; want a duplicate at 2", retry, err)
	}
	other := storetest.Event("key-1")
	other.Data = json.RawMessage(`{"id":"key-1","changed":true}`)
	otherType := storetest.Event("key-1")
	otherType.Type = "test.other"
	for name, c := range map[string]struct {
		stream string
		e      eventstore.Proposed
		same   bool
	}{
		"other data":   {"product.p1", other, true},
		"other type":   {"product.p1", otherType, true},
		"other stream": {"product.p2", storetest.Event("key-1"), false},
	} {
		_, err := s.Append(ctx, c.stream, eventstore.AnyVersion, c.e)
		var dup *eventstore.DuplicateIDError
		if !errors.As(err, &dup) || !errors.Is(err, eventstore.ErrDuplicateID) {
			t.Errorf("%s: err = %v, want a *DuplicateIDError", name, err)
			continue
		}
		if dup.ID != "key-1" || dup.Sequence != 2 || dup.Stream != "product.p1" || dup.Version != 2 || dup.Type != "test.happened" || dup.SameStream != c.same {
			t.Errorf("%s: %+v", name, dup)
		}
	}
	if n, err := s.LastSequence(ctx); err != nil || n != 2 {
		t.Errorf("the log holds %d entries (%v), want 2", n, err)
	}
}
