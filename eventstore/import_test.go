package eventstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// importLog returns a log of n events over 7 streams with increasing recorded times.
func importLog(n int) []eventstore.Imported {
	var out []eventstore.Imported
	versions := map[string]uint64{}
	t0 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		stream := fmt.Sprintf("product.p%d", i%7)
		versions[stream]++
		out = append(out, eventstore.Imported{Stream: stream, Version: versions[stream], Backfilled: i%2 == 0, Proposed: eventstore.Proposed{
			ID: fmt.Sprintf("imp-%05d", i), Type: "test.happened", Schema: 1, Data: json.RawMessage(fmt.Sprintf(`{"n":%d,"tên":"Tỏi Lý Sơn"}`, i)),
			Actor: "migration", Source: "Sổ đăng ký cũ", RecordedAt: t0.Add(time.Duration(i) * time.Minute)}})
	}
	return out
}

func feed(log []eventstore.Imported, stopAfter int) func() (eventstore.Imported, bool, error) {
	i := 0
	return func() (eventstore.Imported, bool, error) {
		if stopAfter >= 0 && i == stopAfter {
			return eventstore.Imported{}, false, errors.New("interrupted")
		}
		if i == len(log) {
			return eventstore.Imported{}, false, nil
		}
		i++
		return log[i-1], true, nil
	}
}

func TestImportRestoresTheLogExactly(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpenStore(t)
	log := importLog(3000)
	// An import interrupted part way…
	if _, err := s.Import(ctx, feed(log, 1234)); err == nil {
		t.Fatal("an interrupted import reported success")
	}
	// …is resumed by importing the same log again.
	n, err := s.Import(ctx, feed(log, -1))
	if err != nil {
		t.Fatalf("resume import: %v", err)
	}
	if n >= len(log) {
		t.Errorf("resumed import stored %d events again; the first ones were already stored", n)
	}
	var got []eventstore.Envelope
	if err := s.Read(ctx, 1, func(e eventstore.Envelope) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(log) {
		t.Fatalf("the ledger holds %d events after import, want %d", len(got), len(log))
	}
	for i, e := range got {
		w := log[i]
		if e.ID != w.ID || e.Stream != w.Stream || e.Version != w.Version || !e.RecordedAt.Equal(w.RecordedAt) || e.Backfilled != w.Backfilled || e.Source != w.Source || e.Sequence != uint64(i+1) {
			t.Fatalf("event %d = %+v, want %+v", i+1, e, w)
		}
	}
	// The store continues after the import with the right versions.
	v, err := s.StreamVersion(ctx, "product.p3")
	if err != nil || v != 3000/7+1 {
		t.Errorf("version of product.p3 after import = %d, %v; want %d", v, err, 3000/7+1)
	}
	if _, err := s.Append(ctx, "product.p3", int64(v), eventstore.Proposed{ID: "after", Type: "test.happened", Schema: 1, Data: json.RawMessage(`{}`)}); err != nil {
		t.Errorf("append after import: %v", err)
	}
	// Importing another log into a ledger that holds this one is refused.
	other := importLog(10)
	other[9].ID = "different"
	if _, err := s.Import(ctx, feed(other[:10], -1)); err == nil {
		t.Error("importing a different log into a non-empty ledger was accepted")
	}
}

func TestImportRefusesABrokenLog(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustOpenStore(t)
	log := importLog(20)
	log[10].Version = 7 // a gap in a stream's versions
	if _, err := s.Import(ctx, feed(log, -1)); !errors.Is(err, eventstore.ErrInvalid) {
		t.Fatalf("import of a log with a version gap: %v, want an invalid-input error", err)
	}
}

// rawLog returns every message of the store's log, by position: subject and bytes.
func rawLog(t *testing.T, s *eventstore.Store) [][2]string {
	t.Helper()
	ctx := ctxOf(t)
	last, err := s.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.JetStream().Stream(ctx, s.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for seq := uint64(1); seq <= last; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		out = append(out, [2]string{m.Subject, string(m.Data)})
	}
	return out
}

// A log imported from its stored messages (an export of format 2) holds the same bytes at the
// same positions, the messages that are not events included, and an interrupted import resumes.
func TestImportKeepsTheStoredBytes(t *testing.T) {
	ctx := ctxOf(t)
	src := storetest.MustOpenStore(t)
	if _, err := src.Append(ctx, "product.p1", 0, storetest.Events("a", 5)...); err != nil {
		t.Fatal(err)
	}
	// Bytes that are no event, published on a ledger subject by someone who could.
	garbage := "not json\n\xff at all"
	if _, err := src.JetStream().Publish(ctx, "ocop.events.product.evil", []byte(garbage)); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Append(ctx, "product.p2", 0, storetest.Events("b", 5)...); err != nil {
		t.Fatal(err)
	}
	want := rawLog(t, src)
	var log []eventstore.Imported
	for i, m := range want {
		var e eventstore.Imported
		var err error
		if i == 5 {
			e, err = eventstore.ImportedUnreadable(m[0], []byte(m[1]))
		} else {
			e, err = eventstore.ImportedBody([]byte(m[1]))
		}
		if err != nil {
			t.Fatalf("entry %d: %v", i+1, err)
		}
		log = append(log, e)
	}
	dst := storetest.MustOpenStore(t)
	if _, err := dst.Import(ctx, feed(log, 7)); err == nil {
		t.Fatal("an interrupted import reported success")
	}
	if _, err := dst.Import(ctx, feed(log, -1)); err != nil {
		t.Fatalf("import: %v", err)
	}
	got := rawLog(t, dst)
	if len(got) != len(want) {
		t.Fatalf("the imported log holds %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("position %d: %q, want %q", i+1, got[i], want[i])
		}
	}
	// Again: nothing more is stored.
	if n, err := dst.Import(ctx, feed(log, -1)); err != nil || n != 0 {
		t.Errorf("importing the same log again stored %d (%v), want 0", n, err)
	}
	// A body that is not an event is refused as one.
	if _, err := eventstore.ImportedBody([]byte(`{"id":"x","stream":"a.b","version":1}`)); !errors.Is(err, eventstore.ErrInvalid) {
		t.Errorf("a body without data: %v, want invalid", err)
	}
	if _, err := eventstore.ImportedUnreadable("elsewhere.x", nil); !errors.Is(err, eventstore.ErrInvalid) {
		t.Errorf("a subject outside the ledger: %v, want invalid", err)
	}
}

// Imported messages carry their event's ID in their body only, not as Nats-Msg-Id: the broker
// would otherwise hold every imported ID in memory for its duplicate window and load them all
// again at each start within it. A batch imported twice is still refused by the subjects'
// sequence checks, so resuming stores nothing twice.
func TestImportLeavesTheDuplicateWindowEmpty(t *testing.T) {
	ctx := ctxOf(t)
	s := storetest.MustOpenStore(t)
	log := importLog(1200)
	if _, err := s.Import(ctx, feed(log, 700)); err == nil {
		t.Fatal("an interrupted import reported success")
	}
	if n, err := s.Import(ctx, feed(log, -1)); err != nil || n != 1200-500 {
		t.Fatalf("resumed import stored %d (%v), want the %d after the first batch", n, err, 1200-500)
	}
	st, err := s.JetStream().Stream(ctx, s.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []uint64{1, 501, 1200} {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if id := m.Header.Get(jetstream.MsgIDHeader); id != "" {
			t.Errorf("message %d carries Nats-Msg-Id %q", seq, id)
		}
		if m.Header.Get(eventstore.HeaderType) != "test.happened" {
			t.Errorf("message %d lost its type header: %v", seq, m.Header)
		}
	}
	var got []eventstore.Envelope
	if err := s.Read(ctx, 1, func(e eventstore.Envelope) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(log) || got[1199].ID != log[1199].ID {
		t.Fatalf("the ledger holds %d events after import, want %d with their IDs", len(got), len(log))
	}
}
