package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// MustOpenProjection opens a projection in a temporary bbolt file, closed at the end of the test.
func MustOpenProjection(tb testing.TB) (*projections.Projection, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "projections.db")
	p, err := projections.Open(path, projections.Options{BatchSize: 7})
	if err != nil {
		tb.Fatalf("open projection: %v", err)
	}
	tb.Cleanup(func() { p.Close() })
	return p, path
}

// TestFiguresMatchNaiveRecomputation is the property at the heart of the ledger: for random
// histories and random (D, K, from), every figure the projections give equals the figure
// recomputed naively from the raw event list, and explain lists exactly the naive items.
func TestFiguresMatchNaiveRecomputation(t *testing.T) {
	ctx := context.Background()
	histories := 40
	if testing.Short() {
		histories = 10
	}
	for h := 0; h < histories; h++ {
		func() {
			g := newHistoryGen(int64(h))
			for len(g.log) < 120 {
				g.step()
			}
			if h%4 != 0 {
				// A rebuild from zero keeps the stream indexes in memory and writes them at the end.
				defer projections.SetBulkMin(1)()
				if h%8 >= 4 {
					// … or writes them into their buckets after every commit, and reads back
					// those it needs again.
					defer projections.SetBulkSpill(0)()
				}
			}
			if h%3 != 0 {
				// Snapshots of the index every few deltas: questions about the past read them.
				defer projections.SetSnapshotEvery(1 + h%7)()
			}
			// Breakdowns in the past read blocks of a few deltas, and merge them when the
			// valuation's sums would exceed a small memory.
			defer projections.SetPastBlock(1+h%6, []int{1 << 20, 4096, 0}[h%3])()
			opts := projections.Options{BatchSize: 7}
			if h%5 != 0 {
				// The mapped file released at every request, while transactions run.
				defer projections.SetReleaseAbove(0)()
				opts.TuneProcess = true
			}
			p, err := projections.Open(filepath.Join(t.TempDir(), "p.db"), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if h%2 == 1 {
				// One transaction for the whole history: log pages fill and flush inside it,
				// corrections refold from the page still being written, and with a cache of two
				// streams, streams changed earlier in the transaction are evicted and found again.
				defer projections.SetCacheMax(2)()
				opts.BatchSize = 1000
				p, err = projections.Open(filepath.Join(t.TempDir(), "one.db"), opts)
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
			}
			if h%3 == 1 {
				// Breakdown indexes built half-way, then read with the deltas that came after
				// them one by one (or, with a small bound, summed again).
				defer projections.SetSeriesStale(h % 11)()
				half := g.log[:len(g.log)/2]
				if err := p.CatchUp(ctx, projections.SliceSource(half), nil); err != nil {
					t.Fatalf("history %d: catch up: %v", h, err)
				}
				for _, dim := range domain.Dimensions() {
					compareBreakdownsAt(t, ctx, fmt.Sprintf("history %d half-way", h), p, half, domain.Query{AsOf: g.date(2018, 2027)}, dim)
				}
				// Explain in the past half-way sums up the items then; the questions after
				// the rest read that summary, or every item when they know more.
				q := domain.Query{AsOf: g.date(2018, 2027), KnownAt: half[g.r.Intn(len(half))].RecordedAt}
				compare(t, ctx, fmt.Sprintf("history %d half-way, known in the past", h), p, half, q)
			}
			if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
				t.Fatalf("history %d: catch up: %v", h, err)
			}
			for i := 0; i < 25; i++ {
				q := domain.Query{AsOf: g.date(2018, 2027), From: g.date(2020, 2023)}
				if i%3 != 0 {
					q.KnownAt = g.log[g.r.Intn(len(g.log))].RecordedAt.Add(time.Duration(g.r.Intn(3)-1) * time.Hour)
				}
				compare(t, ctx, fmt.Sprintf("history %d query %d", h, i), p, g.log, q)
				compareExpiring(t, ctx, fmt.Sprintf("history %d query %d", h, i), p, g.log, q, []int{0, 30, 400, g.r.Intn(3661)}[i%4])
				compareBreakdowns(t, ctx, fmt.Sprintf("history %d query %d", h, i), p, g.log, q)
				// A timeline through the day asked gives the figure of every day it passes.
				f := domain.Figures()[g.r.Intn(len(domain.Figures()))]
				from := q.AsOf.AddDays(-60 + g.r.Intn(40))
				points, err := p.Timeline(f.ID, from, q.AsOf.AddDays(30), "week", q.KnownAt, q.From)
				if err != nil {
					t.Fatal(err)
				}
				for _, pt := range points {
					pq := q
					pq.AsOf = pt.Date
					if want := domain.Evaluate(g.log, pq).Count(f.ID); pt.Value != want {
						t.Errorf("history %d query %d: timeline of %s on %s (known at %v) = %d, naive recomputation %d", h, i, f.ID, pt.Date, q.KnownAt, pt.Value, want)
					}
				}
			}
		}()
	}
}

func compare(t *testing.T, ctx context.Context, name string, p *projections.Projection, log []domain.Recorded, q domain.Query) {
	t.Helper()
	want := domain.Evaluate(log, q)
	got := p.Figures(q)
	for _, f := range domain.Figures() {
		if got.Figures[f.ID] != want.Count(f.ID) {
			t.Errorf("%s: %s on %s known at %v (from %s) = %d, naive recomputation says %d",
				name, f.ID, q.AsOf, q.KnownAt, q.From, got.Figures[f.ID], want.Count(f.ID))
			continue
		}
		items, err := p.Explain(ctx, f.ID, q)
		if err != nil {
			t.Fatalf("%s: explain %s: %v", name, f.ID, err)
		}
		var gi, wi []string
		for _, it := range items {
			gi = append(gi, it.Item+"@"+it.EventID)
		}
		for _, c := range want.Items[f.ID] {
			wi = append(wi, c.Item+"@"+c.EventID)
		}
		// In the order of the items' IDs, as the pages' cursors need.
		sort.Strings(wi)
		if fmt.Sprint(gi) != fmt.Sprint(wi) {
			t.Errorf("%s: explain %s lists %v, naive recomputation %v", name, f.ID, gi, wi)
		}
		rows, err := p.ExplainRows(ctx, f.ID, q)
		if err != nil {
			t.Fatalf("%s: explain %s from the rows: %v", name, f.ID, err)
		}
		if a, b := mustJSON(t, items), mustJSON(t, rows); a != b {
			t.Errorf("%s: explain %s from the index differs from the rows':\n%s\nrows:\n%s", name, f.ID, a, b)
		}
		comparePages(t, ctx, name, p, f.ID, q, items)
		wantAttrs := map[string]domain.Attrs{}
		for _, c := range want.Items[f.ID] {
			wantAttrs[c.Item] = c.Attrs
		}
		for _, it := range items {
			if it.Attrs != wantAttrs[it.Item] {
				t.Errorf("%s: explain %s item %s has attributes %+v, naive recomputation %+v", name, f.ID, it.Item, it.Attrs, wantAttrs[it.Item])
			}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := jsonMarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compareExpiring checks the certificates expiring within the next days against the naive
// recomputation (the counted items of the figures of certificates whose counting contribution
// ends by expiry within the window), in order: soonest first, then by figure, then by item; and
// against the same read from the rows.
func compareExpiring(t *testing.T, ctx context.Context, name string, p *projections.Projection, log []domain.Recorded, q domain.Query, within int) {
	t.Helper()
	got, err := p.Expiring(ctx, q, within)
	if err != nil {
		t.Fatalf("%s: expiring: %v", name, err)
	}
	want := domain.Evaluate(log, q)
	var w []projections.Expiry
	for _, f := range domain.Figures() {
		if f.Expires == nil {
			continue
		}
		cs := slices.Clone(want.Items[f.ID])
		sort.Slice(cs, func(i, j int) bool { return cs[i].Item < cs[j].Item })
		for _, c := range cs {
			last := c.Until.AddDays(-1)
			if c.Until == f.Expires(c.From) && int(last-q.AsOf) <= within {
				w = append(w, projections.Expiry{Figure: f.ID, Item: c.Item, Issued: c.From, LastDay: last, DaysLeft: int(last - q.AsOf), Attrs: c.Attrs})
			}
		}
	}
	sort.SliceStable(w, func(i, j int) bool { return w[i].LastDay < w[j].LastDay })
	g := slices.Clone(got)
	for i := range g {
		g[i].Stream = "" // the naive recomputation does not name the stream
	}
	if a, b := mustJSON(t, g), mustJSON(t, w); a != b {
		t.Errorf("%s: expiring within %d days of %s known at %v:\n%s\nnaive recomputation:\n%s", name, within, q.AsOf, q.KnownAt, a, b)
	}
	rows, err := p.ExpiringRows(ctx, q, within)
	if err != nil {
		t.Fatalf("%s: expiring from the rows: %v", name, err)
	}
	if a, b := mustJSON(t, got), mustJSON(t, rows); a != b {
		t.Errorf("%s: expiring from the index differs from the rows':\n%s\nrows:\n%s", name, a, b)
	}
}

// compareBreakdowns checks the breakdown of every figure by every dimension, in both languages,
// against the naive recomputation: each counted item under the value of its counting
// contribution's attributes, with the administrative units as known at the time asked.
func compareBreakdowns(t *testing.T, ctx context.Context, name string, p *projections.Projection, log []domain.Recorded, q domain.Query) {
	t.Helper()
	for _, dim := range domain.Dimensions() {
		compareBreakdownsAt(t, ctx, name, p, log, q, dim)
	}
}

func compareBreakdownsAt(t *testing.T, ctx context.Context, name string, p *projections.Projection, log []domain.Recorded, q domain.Query, dim string) {
	t.Helper()
	want := domain.Evaluate(log, q)
	{
		for _, lang := range []string{"vi", "en"} {
			got, err := p.Breakdown(ctx, q, dim, lang)
			if err != nil {
				t.Fatalf("%s: breakdown by %s: %v", name, dim, err)
			}
			for _, f := range domain.Figures() {
				if !slices.Contains(f.Dims, dim) {
					if _, ok := got[f.ID]; ok {
						t.Errorf("%s: breakdown by %s lists %s, which it does not apply to", name, dim, f.ID)
					}
					continue
				}
				w := map[string]int64{}
				for _, c := range want.Items[f.ID] {
					w[want.Units.Dimension(dim, c.Attrs, lang)]++
				}
				if fmt.Sprint(got[f.ID]) != fmt.Sprint(w) || got[f.ID] == nil {
					t.Errorf("%s: %s by %s (%s) on %s known at %v = %v, naive recomputation %v", name, f.ID, dim, lang, q.AsOf, q.KnownAt, got[f.ID], w)
				}
			}
		}
	}
}

// comparePages checks that the pages of explain, of random sizes, and its stream give the list
// Explain gives, in the same order.
func comparePages(t *testing.T, ctx context.Context, name string, p *projections.Projection, fig string, q domain.Query, all []projections.ExplainItem) {
	t.Helper()
	limit := 1 + len(all)%4
	var paged []projections.ExplainItem
	after := ""
	for pages := 0; ; pages++ {
		pg, err := p.ExplainPage(ctx, fig, q, after, limit)
		if err != nil {
			t.Fatalf("%s: explain %s page after %q: %v", name, fig, after, err)
		}
		if len(pg.Items) > limit || pg.Next != "" && len(pg.Items) != limit {
			t.Fatalf("%s: explain %s: a page of %d items (limit %d) with next %q", name, fig, len(pg.Items), limit, pg.Next)
		}
		paged = append(paged, pg.Items...)
		if pg.Next == "" {
			break
		}
		if pages > len(all) {
			t.Fatalf("%s: explain %s: more pages than items", name, fig)
		}
		after = pg.Next
	}
	var streamed []projections.ExplainItem
	for it, err := range p.ExplainSeq(ctx, fig, q, "") {
		if err != nil {
			t.Fatalf("%s: explain %s streamed: %v", name, fig, err)
		}
		streamed = append(streamed, it)
	}
	a, _ := jsonMarshal(all)
	for what, got := range map[string][]projections.ExplainItem{"pages": paged, "stream": streamed} {
		if b, _ := jsonMarshal(got); string(a) != string(b) {
			t.Errorf("%s: explain %s by %s differs from the whole list:\n%s\nwhole:\n%s", name, fig, what, b, a)
		}
	}
}

// TestBreakdownsAddUp checks that breakdowns by every dimension sum to the figure they split.
func TestBreakdownsAddUp(t *testing.T) {
	ctx := context.Background()
	g := newHistoryGen(99)
	for len(g.log) < 300 {
		g.step()
	}
	p, _ := MustOpenProjection(t)
	if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
		t.Fatal(err)
	}
	q := domain.Query{AsOf: domain.MustDate(2024, 6, 30)}
	res := p.Figures(q)
	for _, dim := range domain.Dimensions() {
		by, err := p.Breakdown(ctx, q, dim, "vi")
		if err != nil {
			t.Fatalf("breakdown %s: %v", dim, err)
		}
		for fig, m := range by {
			var sum int64
			for _, v := range m {
				sum += v
			}
			if sum != res.Figures[fig] {
				t.Errorf("breakdown of %s by %s sums to %d, the figure is %d (%v)", fig, dim, sum, res.Figures[fig], m)
			}
		}
	}
}

// TestDiffExplainsEveryDifference checks that the entries diff names add up to each difference.
func TestDiffExplainsEveryDifference(t *testing.T) {
	ctx := context.Background()
	defer projections.SetSnapshotEvery(5)() // the deltas between two knowledge times span snapshots
	for seed := int64(0); seed < 10; seed++ {
		g := newHistoryGen(100 + seed)
		for len(g.log) < 200 {
			g.step()
		}
		p, _ := MustOpenProjection(t)
		if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
			t.Fatal(err)
		}
		k1 := g.log[len(g.log)/2].RecordedAt
		q := domain.Query{AsOf: domain.MustDate(2023, 8, 7), KnownAt: k1}
		d, err := p.Diff(ctx, q, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		now := q
		now.KnownAt = time.Time{}
		before, after := domain.Evaluate(g.log, q), domain.Evaluate(g.log, now)
		seen := map[string]bool{}
		for _, ch := range d.Changes {
			seen[ch.Figure] = true
			if ch.Before != before.Count(ch.Figure) || ch.After != after.Count(ch.Figure) {
				t.Errorf("seed %d: %s: diff says %d → %d, naive %d → %d", seed, ch.Figure, ch.Before, ch.After, before.Count(ch.Figure), after.Count(ch.Figure))
			}
			var sum int64
			for _, e := range ch.Entries {
				sum += e.Delta
				if e.ID == "" || e.Type == "" {
					t.Errorf("seed %d: %s: entry without identity: %+v", seed, ch.Figure, e)
				}
			}
			if sum != ch.After-ch.Before {
				t.Errorf("seed %d: %s: entries add up to %d, the difference is %d", seed, ch.Figure, sum, ch.After-ch.Before)
			}
		}
		for _, f := range domain.Figures() {
			if before.Count(f.ID) != after.Count(f.ID) && !seen[f.ID] {
				t.Errorf("seed %d: %s differs (%d → %d) but diff does not list it", seed, f.ID, before.Count(f.ID), after.Count(f.ID))
			}
		}
	}
}
