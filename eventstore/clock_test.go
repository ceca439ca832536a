package eventstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// Issue 14, item 4: a recording time in the future is refused on append (a backfill) and on
// import, beyond the stated tolerance MaxClockSkew, naming the entry.
func TestFutureRecordingTimesAreRefused(t *testing.T) {
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	s := storetest.MustOpenStore(t, func(c *eventstore.Config) { c.Clock = func() time.Time { return now } })
	ctx := ctxOf(t)

	within := storetest.Event("skewed")
	within.RecordedAt = now.Add(eventstore.MaxClockSkew - time.Second)
	if _, err := s.Append(ctx, "product.p1", 0, within); err != nil {
		t.Fatalf("a backfill within the tolerance: %v", err)
	}
	ahead := storetest.Event("ahead")
	ahead.RecordedAt = now.Add(eventstore.MaxClockSkew + time.Second)
	_, err := s.Append(ctx, "product.p1", 1, ahead)
	var inv *eventstore.InvalidError
	if !errors.As(err, &inv) || inv.Field != "recorded_at" || inv.Event != 1 || !strings.Contains(err.Error(), "entry ahead is in the future") {
		t.Fatalf("a backfill beyond the tolerance: err = %v, want an InvalidError on recorded_at naming the entry", err)
	}

	// Import: the 3rd entry of the log lies in 2028.
	imp := storetest.MustOpenStore(t, func(c *eventstore.Config) { c.Clock = func() time.Time { return now } })
	log := importLog(5)
	log[2].RecordedAt = time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err = imp.Import(ctx, feed(log, -1))
	if !errors.As(err, &inv) || inv.Field != "recorded_at" || inv.Event != 3 || !strings.Contains(err.Error(), "entry imp-00002 is in the future") {
		t.Fatalf("import of a future entry: err = %v, want an InvalidError on recorded_at of event 3 naming imp-00002", err)
	}
	if n, _ := imp.LastSequence(ctx); n != 0 {
		t.Errorf("the refused import stored %d entries", n)
	}
}

// A ledger that already holds a recording time in the future (restored before such times were
// refused) no longer pins the recording time of new entries: they get the clock's time.
func TestFutureEntryDoesNotPinTheClock(t *testing.T) {
	dir := t.TempDir()
	future := time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)
	old, err := eventstore.Open(ctxOf(t), eventstore.Config{DataDir: dir, Clock: func() time.Time { return future }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Append(ctxOf(t), "product.p1", 0, storetest.Event("from-2028")); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s := storetest.MustOpenStore(t, func(c *eventstore.Config) { c.DataDir = dir })
	before := time.Now()
	if _, err := s.Append(ctxOf(t), "product.p2", 0, storetest.Event("today")); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadStream(ctxOf(t), "product.p2")
	if err != nil || len(got) != 1 {
		t.Fatalf("read: %v %v", got, err)
	}
	if rec := got[0].RecordedAt; rec.Before(before.Add(-time.Second)) || rec.After(time.Now()) {
		t.Errorf("today's entry is recorded at %s, want the clock's time (about %s), not the ledger's future %s", rec, before.UTC(), future)
	}
}
