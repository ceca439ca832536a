package reactive

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// reportDay is "today" in the notifier tests: the day of Công văn 470.
var reportDay = time.Date(2025, 8, 7, 9, 0, 0, 0, domain.Vietnam)

func TestNotifierRecordsEachNoticeAndExpiryOnceAcrossInstances(t *testing.T) {
	ctx := testContext(t)
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	d := domain.MustDate
	for _, e := range []domain.Event{
		certified("sap-het-han", d(2022, 8, 20)), // last day 19/08/2025: notice due
		certified("da-het-han", d(2022, 7, 1)),   // ended 01/07/2025: expired
		certified("het-han-lau", d(2019, 1, 10)), // ended 10/01/2022: expired long ago
		certified("con-han", d(2024, 1, 10)),     // nothing due
		certified("bi-thu-hoi", d(2022, 7, 15)),  // revoked: ends early, never expires
		domain.OCOPRevoked{ProductID: "bi-thu-hoi", Certificate: "1425/QĐ-UBND-bi-thu-hoi", Reason: "voluntary",
			Decision: domain.Decision{Number: "9/QĐ-UBND", Date: d(2023, 5, 1), Authority: domain.AuthorityProvince}},
		recognized("cnnttb-cu", domain.LevelProvince, 2021, d(2021, 10, 1)),  // valid to 31/12/2024
		recognized("cnnttb-moi", domain.LevelProvince, 2024, d(2024, 10, 1)), // valid to 31/12/2027
	} {
		mustRecord(t, l, e)
	}

	// Two instances, each with its own read models, sweeping at the same time, twice each.
	var notifiers []*Notifier
	for range 2 {
		p := mustOpenProjection(t)
		if err := p.CatchUp(ctx, l, nil); err != nil {
			t.Fatal(err)
		}
		notifiers = append(notifiers, NewNotifier(NotifierConfig{Ledger: l, Projection: p, Now: func() time.Time { return reportDay }, Logger: testLogger()}))
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total SweepResult
		start = make(chan struct{})
	)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := notifiers[i%2].Sweep(ctx)
			if err != nil {
				t.Errorf("sweep: %v", err)
			}
			mu.Lock()
			total.Noticed += res.Noticed
			total.Expired += res.Expired
			total.CNNTTB += res.CNNTTB
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if total.Noticed != 1 || total.Expired != 2 || total.CNNTTB != 1 {
		t.Errorf("the sweeps recorded %+v between them; want 1 notice, 2 OCOP expiries, 1 CNNTTB expiry", total)
	}

	want := map[string]string{
		"notice-sap-het-han-1425-qd-ubnd-sap-het-han":     domain.TypeOCOPExpiryNoticed,
		"expired-da-het-han-1425-qd-ubnd-da-het-han":      domain.TypeOCOPExpired,
		"expired-het-han-lau-1425-qd-ubnd-het-han-lau":    domain.TypeOCOPExpired,
		"cnnttb-expired-cnnttb-cu-province-gcn-cnnttb-cu": domain.TypeCNNTTBExpired,
	}
	checkLog := func() {
		t.Helper()
		got := map[string]int{}
		err := l.Read(ctx, 1, func(r domain.Recorded) error {
			if r.Actor == NotifierActor {
				got[r.ID]++
				if want[r.ID] != r.Type {
					t.Errorf("recorded %s %s; want %q", r.Type, r.ID, want[r.ID])
				}
				switch e := r.Event.(type) {
				case domain.OCOPExpiryNoticed:
					if e.ExpiresOn != domain.MustDate(2025, 8, 20) || e.NoticedOn != domain.DateOf(reportDay) {
						t.Errorf("notice %+v: want expiry 20/08/2025 noticed 07/08/2025", e)
					}
				case domain.CNNTTBExpired:
					if e.ExpiredOn != domain.MustDate(2025, 1, 1) {
						t.Errorf("CNNTTB expiry %+v: want 01/01/2025", e)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for id := range want {
			if got[id] != 1 {
				t.Errorf("entry %s recorded %d times, want once", id, got[id])
			}
		}
		if len(got) != len(want) {
			t.Errorf("the notifier recorded %v; want exactly %v", got, want)
		}
	}
	checkLog()

	// A fresh instance (nothing remembered) after the projections caught up: nothing new.
	p := mustOpenProjection(t)
	if err := p.CatchUp(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	res, err := NewNotifier(NotifierConfig{Ledger: l, Projection: p, Now: func() time.Time { return reportDay }}).Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Noticed+res.Expired+res.CNNTTB != 0 || res.Existing != 4 {
		t.Errorf("a later sweep gave %+v; want nothing new and 4 already recorded", res)
	}
	checkLog()
}

func TestEntryID(t *testing.T) {
	for _, c := range []struct{ kind, product, cert, want string }{
		{"notice", "mach-nha-mantoza", "1425/QĐ-UBND", "notice-mach-nha-mantoza-1425-qd-ubnd"},
		{"expired", "toi-ly-son", "2361/QĐ-BNNMT", "expired-toi-ly-son-2361-qd-bnnmt"},
		{"expired", "x", "  Số 12 / QĐ – UBND  ", "expired-x-so-12-qd-ubnd"},
	} {
		if got := entryID(c.kind, c.product, c.cert); got != c.want {
			t.Errorf("entryID(%q, %q, %q) = %q, want %q", c.kind, c.product, c.cert, got, c.want)
		}
	}
	long := entryID("notice", string(make([]byte, 0))+"p"+string(bytesOf('a', 100)), string(bytesOf('b', 60)))
	if len(long) != 128 {
		t.Errorf("long ID has %d characters, want 128: %s", len(long), long)
	}
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestFigureFeedPublishesChangesOnNATS(t *testing.T) {
	ctx := testContext(t)
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	p := mustOpenProjection(t)
	feed, err := NewFigureFeed(ctx, FigureFeedConfig{Store: s, Projection: p, Now: func() time.Time { return reportDay }, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Conn().SubscribeSync(SubjectFigures + ">")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()

	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Add(1)
	go func() { defer wg.Done(); feed.Run(runCtx) }()
	// Recorded before the projection runs: the feed cannot have started past it.
	pos := mustRecord(t, l, certified("toi-ly-son", domain.MustDate(2025, 1, 10)))
	wg.Add(1)
	go func() { defer wg.Done(); p.Run(runCtx, l) }()

	got := map[string]FigureChange{}
	for len(got) < 2 {
		m, err := sub.NextMsg(10 * time.Second)
		if err != nil {
			t.Fatalf("waiting for figure changes (got %v): %v", got, err)
		}
		var c FigureChange
		if err := jsonUnmarshal(m.Data, &c); err != nil {
			t.Fatal(err)
		}
		if m.Subject != SubjectFigures+c.Figure {
			t.Errorf("change of %s published on %s", c.Figure, m.Subject)
		}
		got[c.Figure] = c
	}
	for _, fig := range []string{"ocop.valid", "ocop.valid.stars4"} {
		c := got[fig]
		if c.Old != 0 || c.New != 1 || c.AsOf != domain.DateOf(reportDay) || c.Position != pos.Sequence {
			t.Errorf("%s: %+v; want 0 → 1 as of %s at position %d", fig, c, domain.DateOf(reportDay), pos.Sequence)
		}
	}
	// A second certificate: only the figures that move are published.
	pos2 := mustRecord(t, l, recognized("bo-kho", domain.LevelProvince, 2024, domain.MustDate(2024, 10, 1)))
	seen := map[string]bool{}
	for !seen["cnnttb.valid.province"] || !seen["cnnttb.recognized.province"] {
		m, err := sub.NextMsg(10 * time.Second)
		if err != nil {
			t.Fatalf("waiting for the CNNTTB figures (got %v): %v", seen, err)
		}
		var c FigureChange
		jsonUnmarshal(m.Data, &c)
		seen[c.Figure] = true
		if c.Position != pos2.Sequence || c.Old != 0 || c.New != 1 || c.Figure[:6] != "cnnttb" {
			t.Errorf("after a CNNTTB recognition: %+v", c)
		}
	}
	var _ projections.Result
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// Run sweeps through its Watermill router once the read models have caught up, and stops cleanly.
func TestNotifierRunSweepsThroughTheRouter(t *testing.T) {
	ctx := testContext(t)
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	mustRecord(t, l, certified("sap-het-han", domain.MustDate(2022, 8, 20))) // notice due on 07/08/2025
	p := mustOpenProjection(t)
	if err := p.CatchUp(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	sweeps := make(chan SweepResult, 4)
	n := NewNotifier(NotifierConfig{Ledger: l, Projection: p, Now: func() time.Time { return reportDay }, Logger: testLogger(),
		OnSweep: func(r SweepResult, err error) {
			if err != nil {
				t.Errorf("sweep: %v", err)
			}
			sweeps <- r
		}})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- n.Run(rctx) }()
	select {
	case r := <-sweeps:
		if r.Noticed != 1 || r.Today != domain.DateOf(reportDay) {
			t.Errorf("first sweep: %+v, want one notice on %s", r, domain.DateOf(reportDay))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no sweep within 20 s of start")
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not stop")
	}
}
