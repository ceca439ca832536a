package projections_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// At the scale where the rebuild's machinery all comes into play (transactions of many events,
// log and row pages filling across them, a stream cache far smaller than the ledger, stream
// indexes kept in memory and written at the end), the read models built in one rebuild from zero
// and those built by following the log in small batches give every figure the naive
// recomputation gives, for random days and knowledge times, on the synthetic national mix.
func TestRebuildAtScaleMatchesNaiveRecomputation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds read models from 20,000 events twice")
	}
	defer projections.SetCacheMax(200)()
	log := synthLog(20000)
	ctx := context.Background()
	rebuilt, err := projections.Open(filepath.Join(t.TempDir(), "rebuilt.db"), projections.Options{BatchSize: 997})
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	if err := rebuilt.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	// The same log applied in pieces, as a server catching up now and then, with restarts.
	path := filepath.Join(t.TempDir(), "followed.db")
	for cut := 0; cut < len(log); {
		next := min(len(log), cut+1+rand.New(rand.NewSource(int64(cut))).Intn(4000))
		p, err := projections.Open(path, projections.Options{BatchSize: 89})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.CatchUp(ctx, log[:next], nil); err != nil {
			t.Fatal(err)
		}
		p.Close()
		cut = next
	}
	followed, err := projections.Open(path, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer followed.Close()
	// Rebuilt from zero up to the middle, then followed: what the rebuild kept in memory and wrote
	// at its end (stream indexes, items shared by streams, ends of rows) is what following reads.
	continued, err := projections.Open(filepath.Join(t.TempDir(), "continued.db"), projections.Options{BatchSize: 997})
	if err != nil {
		t.Fatal(err)
	}
	defer continued.Close()
	for _, end := range []int{len(log) / 2, len(log)*3/4 + 1, len(log)} {
		if err := continued.CatchUp(ctx, log[:end], nil); err != nil {
			t.Fatal(err)
		}
	}

	r := rand.New(rand.NewSource(3))
	first, last := log[0].RecordedAt, log[len(log)-1].RecordedAt
	for i := 0; i < 12; i++ {
		q := domain.Query{AsOf: domain.MustDate(2016, 1, 1) + domain.Date(r.Intn(4000)), From: domain.MustDate(2019+r.Intn(4), 1, 1)}
		if i%3 != 0 {
			q.KnownAt = first.Add(time.Duration(r.Int63n(int64(last.Sub(first)))))
		}
		want := domain.Evaluate(log, q)
		for name, p := range map[string]*projections.Projection{"rebuilt": rebuilt, "followed": followed, "rebuilt, then followed": continued} {
			got := p.Figures(q)
			for _, f := range domain.Figures() {
				if got.Figures[f.ID] != want.Count(f.ID) {
					t.Errorf("%s, query %d (%s known at %v): %s = %d, naive recomputation %d", name, i, q.AsOf, q.KnownAt, f.ID, got.Figures[f.ID], want.Count(f.ID))
				}
			}
		}
		if i%3 == 1 {
			// Breakdowns from the index, in each of the three, against the naive recomputation.
			for _, dim := range []string{domain.DimFormerProvince, domain.DimCommune, domain.DimStars, domain.DimEventKind, domain.DimPlatform} {
				for name, p := range map[string]*projections.Projection{"rebuilt": rebuilt, "followed": followed, "rebuilt, then followed": continued} {
					compareBreakdownsAt(t, ctx, fmt.Sprintf("%s, query %d", name, i), p, log, q, dim)
				}
			}
		}
		if i%4 == 0 {
			for _, f := range []string{"ocop.valid", "ecommerce.listed_businesses", "trade_events.participations"} {
				a, err := rebuilt.Explain(ctx, f, q)
				if err != nil {
					t.Fatal(err)
				}
				b, err := followed.Explain(ctx, f, q)
				if err != nil {
					t.Fatal(err)
				}
				c, err := continued.Explain(ctx, f, q)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(itemsOf(c)) != fmt.Sprint(itemsOf(b)) {
					t.Errorf("query %d: explain %s lists %d items rebuilt then followed, %d followed", i, f, len(c), len(b))
				}
				if fmt.Sprint(itemsOf(a)) != fmt.Sprint(itemsOf(b)) || len(a) != int(want.Count(f)) {
					t.Errorf("query %d: explain %s lists %d items rebuilt, %d followed, naive %d", i, f, len(a), len(b), want.Count(f))
				}
			}
		}
	}
}

func itemsOf(items []projections.ExplainItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprintf("%s@%s %+v", it.Item, it.EventID, it.Attrs)
	}
	return out
}

// A transaction that fails half-way through a rebuild from zero leaves what the rebuild keeps in
// memory out of step with the file: the next catch-up starts again from zero and gives the naive
// figures and items.
func TestFailedRebuildStartsAgain(t *testing.T) {
	defer projections.SetCacheMax(50)()
	log := synthLog(3000)
	restore := projections.SetFailApply(func(r domain.Recorded) error {
		if r.Sequence == 1501 {
			return errors.New("the disk is full")
		}
		return nil
	})
	defer restore()
	ctx := context.Background()
	p, err := projections.Open(filepath.Join(t.TempDir(), "p.db"), projections.Options{BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.CatchUp(ctx, log, nil); err == nil {
		t.Fatal("a rebuild through an event that cannot be kept succeeded")
	}
	restore()
	if cp := p.Checkpoint(); cp == 0 || cp >= 1501 {
		t.Fatalf("checkpoint %d after the failure, want the transactions before event 1501", cp)
	}
	if err := p.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []domain.Query{{AsOf: domain.MustDate(2024, 6, 30)}, {AsOf: domain.MustDate(2022, 1, 1), KnownAt: log[2000].RecordedAt}} {
		want := domain.Evaluate(log, q)
		got := p.Figures(q)
		for _, f := range domain.Figures() {
			if got.Figures[f.ID] != want.Count(f.ID) {
				t.Errorf("%s known at %v: %s = %d, naive recomputation %d", q.AsOf, q.KnownAt, f.ID, got.Figures[f.ID], want.Count(f.ID))
			}
		}
		items, err := p.Explain(ctx, "ecommerce.listed_businesses", q)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != int(want.Count("ecommerce.listed_businesses")) {
			t.Errorf("explain lists %d listed businesses, naive %d", len(items), want.Count("ecommerce.listed_businesses"))
		}
	}
}

// lostAtEnd delivers its whole log, then reports the connection lost.
type lostAtEnd struct{ projections.SliceSource }

func (s lostAtEnd) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	if err := s.SliceSource.Read(ctx, from, fn); err != nil {
		return err
	}
	return errors.New("connection lost")
}

// A rebuild from zero that applied the whole log but stopped before writing what it kept in
// memory writes it at the next catch-up, though the log has nothing new: explain answers again.
func TestRebuildStoppedAtTheEndFinishes(t *testing.T) {
	log := synthLog(2000)[:2000] // whole batches: every one is applied before the source fails
	ctx := context.Background()
	p, err := projections.Open(filepath.Join(t.TempDir(), "p.db"), projections.Options{BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.CatchUp(ctx, lostAtEnd{log}, nil); err == nil {
		t.Fatal("a catch-up whose source failed succeeded")
	}
	if p.Checkpoint() != 2000 {
		t.Fatalf("checkpoint %d, want the whole log applied", p.Checkpoint())
	}
	q := domain.Query{AsOf: domain.MustDate(2024, 6, 30)}
	if _, err := p.Explain(ctx, "ocop.valid", q); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Fatalf("explain before the rebuild ends: %v, want unavailable", err)
	}
	if err := p.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	items, err := p.Explain(ctx, "ocop.valid", q)
	if err != nil {
		t.Fatal(err)
	}
	if want := domain.Evaluate(log, q).Count("ocop.valid"); int64(len(items)) != want {
		t.Errorf("explain lists %d valid products, naive recomputation %d", len(items), want)
	}
}
