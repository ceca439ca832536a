package demo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

func mustOpenLedger(tb testing.TB, dir string) *ledger.Ledger {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		tb.Fatalf("open the event store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return ledger.New(s, nil)
}

// TestLoadResumesAndIsIdempotent interrupts a load, resumes it, loads again, and checks that the
// ledger holds the history exactly once and that the read models give the report's figures.
func TestLoadResumesAndIsIdempotent(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo into JetStream")
	}
	l := mustOpenLedger(t, t.TempDir())
	h := demo.History()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := demo.Load(ctx, l, func(done, total int) {
		if done >= total/3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted load: got %v, want context.Canceled", err)
	}
	t.Logf("interrupted after %d entries", st.Recorded)

	ctx = context.Background()
	begin := time.Now()
	st, err = demo.Load(ctx, l, nil)
	if err != nil {
		t.Fatalf("resumed load: %v", err)
	}
	t.Logf("resumed: %d recorded, %d skipped, %d appends in %v", st.Recorded, st.Skipped, st.Appends, time.Since(begin))
	if st.Recorded+st.Skipped != len(h) || st.Skipped == 0 {
		t.Errorf("resumed load recorded %d and skipped %d of %d entries", st.Recorded, st.Skipped, len(h))
	}
	seq, err := l.LastSequence(ctx)
	if err != nil || seq != uint64(len(h)) {
		t.Fatalf("the ledger holds %d entries (%v); want the %d of the demo, each once", seq, err, len(h))
	}

	st, err = demo.Load(ctx, l, nil)
	if err != nil || st.Recorded != 0 || st.Skipped != len(h) {
		t.Fatalf("second load: recorded %d, skipped %d, err %v; want nothing recorded", st.Recorded, st.Skipped, err)
	}
	if again, _ := l.LastSequence(ctx); again != seq {
		t.Fatalf("second load moved the log from %d to %d", seq, again)
	}

	// The ledger's own read models agree with the report (and with the reference, see demo_test.go).
	p, err := projections.Open(t.TempDir()+"/rm.db", projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.CatchUp(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	res := p.Figures(domain.Query{AsOf: demo.ReportDate, KnownAt: demo.ReportKnownAt()})
	for id, want := range demo.ReportFigures() {
		if got := res.Figures[id]; got != want {
			t.Errorf("%s from the read models = %d, the report states %d", id, got, want)
		}
	}
}

// TestLoadRefusesALedgerWithLaterEntries: the demo is a backfill; a ledger that already holds
// entries recorded today cannot take it, and Load says why instead of half-loading.
func TestLoadRefusesALedgerWithLaterEntries(t *testing.T) {
	ctx := context.Background()
	l := mustOpenLedger(t, t.TempDir())
	_, err := l.RecordEvent(ctx, domain.SalesPointOpened{SalesPointID: "sp-now", Name: "Điểm thử (dữ liệu giả lập)",
		SiteType: "post_office", Funding: domain.FundingPrivate, Operator: "Đơn vị thử", Address: domain.Address{Province: "Quảng Ngãi"},
		OpenedOn: domain.MustDate(2025, 11, 1), Synthetic: true}, ledger.Meta{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := demo.Load(ctx, l, nil)
	if domain.ErrorCode(err) != domain.CodeConflict || st.Recorded != 0 {
		t.Fatalf("Load on a ledger with an entry recorded now: recorded %d, err %v; want a conflict and nothing recorded", st.Recorded, err)
	}
	// The clerk reads why, in Vietnamese, naming the field and what to do.
	if vi := i18n.Localize(err, "vi"); domain.ErrorField(err) != "recorded_at" ||
		!strings.HasPrefix(vi, "recorded_at: dữ liệu demo ghi bổ sung lịch sử") || !strings.Contains(vi, "hãy nạp dữ liệu demo vào một sổ cái trống") {
		t.Errorf("in Vietnamese: %s", vi)
	}
	t.Log(err)
}
