package ledger_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/synth"
)

// importSynthetic imports a synthetic ledger of about n events, as
// bench/main.go does, and returns how many were stored.
func importSynthetic(tb testing.TB, s *eventstore.Store, n int) int {
	tb.Helper()
	entries := synth.Generate(synth.Config{Events: n, Seed: 1})
	versions := map[string]uint64{}
	i := 0
	stored, err := s.Import(tb.Context(), func() (eventstore.Imported, bool, error) {
		if i == len(entries) {
			return eventstore.Imported{}, false, nil
		}
		e := entries[i]
		i++
		st := e.Event.Stream()
		versions[st]++
		data, err := json.Marshal(e.Event)
		if err != nil {
			return eventstore.Imported{}, false, err
		}
		return eventstore.Imported{Stream: st, Version: versions[st], Backfilled: true, Proposed: eventstore.Proposed{
			ID: e.ID, Type: e.Event.EventType(), Schema: e.Event.SchemaVersion(), Data: data,
			Actor: "bench", Source: "synthetic", RecordedAt: e.RecordedAt}}, true, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return stored
}

// Read and Follow decode the payloads ahead of fn; what fn gets is still
// ToRecorded of each envelope with its leaf hash, in log order.
func TestReadDeliversToRecordedInOrder(t *testing.T) {
	s := storetest.MustOpenStore(t)
	n := importSynthetic(t, s, 3000)
	// One event of a type this build does not know: Event stays nil.
	if _, err := s.Append(t.Context(), "product.future", eventstore.AnyVersion, eventstore.Proposed{
		ID: "future-1", Type: "product.teleported", Schema: 1, Data: json.RawMessage(`{"to":"moon"}`)}); err != nil {
		t.Fatal(err)
	}
	n++
	var want []domain.Recorded
	if err := s.Read(t.Context(), 1, func(e eventstore.Envelope) error {
		r := ledger.ToRecorded(e)
		r.Leaf = ledger.LeafHash(e.Body) // the leaf of the entry in the log's Merkle tree
		want = append(want, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) != n || want[n-1].Event != nil || want[0].Event == nil || len(want[0].Raw) == 0 {
		t.Fatalf("store read %d events, want %d", len(want), n)
	}
	l := ledger.New(s, nil)
	var got []domain.Recorded
	if err := l.Read(t.Context(), 1, func(r domain.Recorded) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Ledger.Read delivered %d events different from ToRecorded of the store's %d", len(got), len(want))
	}

	errStop := errors.New("stop")
	calls := 0
	if err := l.Read(t.Context(), 100, func(r domain.Recorded) error {
		calls++
		if r.Sequence != uint64(99+calls) {
			t.Fatalf("call %d got sequence %d", calls, r.Sequence)
		}
		if calls == 1000 {
			return errStop
		}
		return nil
	}); !errors.Is(err, errStop) || calls != 1000 {
		t.Fatalf("Read stopped by fn: %v after %d calls", err, calls)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	got = got[:0]
	err := l.Follow(ctx, 1, func(r domain.Recorded) error {
		got = append(got, r)
		if len(got) == n {
			cancel()
		}
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Follow: %v, %d events, want the %d of Read", err, len(got), len(want))
	}
}
