package projections_test

import (
	"context"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// TestDimensionReads checks the breakdown index's table of what each dimension's value reads:
// a dimension said to read the place only gives the same value whatever the other attributes,
// one said to read the tags only the same whatever the place.
func TestDimensionReads(t *testing.T) {
	g := newHistoryGen(7)
	for len(g.log) < 400 {
		g.step()
	}
	ev := domain.Evaluate(g.log, domain.Query{AsOf: domain.MustDate(2026, 1, 1)})
	var attrs []domain.Attrs
	for _, cs := range ev.Items {
		for _, c := range cs {
			attrs = append(attrs, c.Attrs)
		}
	}
	if len(attrs) < 20 {
		t.Fatalf("only %d items to try", len(attrs))
	}
	for _, dim := range domain.Dimensions() {
		place, tags := projections.DimensionReads(dim)
		for i, a := range attrs {
			b := attrs[(i*7+3)%len(attrs)]
			for _, lang := range []string{"vi", "en"} {
				want := ev.Units.Dimension(dim, a, lang)
				if !tags {
					mix := b
					mix.Address = a.Address
					if got := ev.Units.Dimension(dim, mix, lang); got != want {
						t.Fatalf("%s reads more than the place: %q for %+v, %q for %+v", dim, want, a, got, mix)
					}
				}
				if !place {
					mix := a
					mix.Address = b.Address
					if got := ev.Units.Dimension(dim, mix, lang); got != want {
						t.Fatalf("%s reads the place: %q for %+v, %q for %+v", dim, want, a, got, mix)
					}
				}
			}
		}
	}
}

// Breakdowns asked while the log is applied read the index the applier grows: under -race, no
// data race; afterwards, the naive answers.
func TestBreakdownsWhileApplying(t *testing.T) {
	defer projections.SetSeriesStale(5)()
	defer projections.SetPastBlock(3, 1<<20)()
	ctx := context.Background()
	g := newHistoryGen(11)
	for len(g.log) < 240 {
		g.step()
	}
	p, _ := MustOpenProjection(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for end := 10; end <= len(g.log); end += 10 {
			if err := p.CatchUp(ctx, projections.SliceSource(g.log[:end]), nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	q := domain.Query{AsOf: domain.MustDate(2024, 6, 30)}
	// Known at a past time too: the past sums and the item summaries are built and extended
	// while the log is applied.
	past := q
	past.KnownAt = g.log[len(g.log)/3].RecordedAt
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		for _, dim := range []string{domain.DimFormerProvince, domain.DimStars} {
			for _, q := range []domain.Query{q, past} {
				if _, err := p.Breakdown(ctx, q, dim, "vi"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := p.ExplainPage(ctx, "ocop.valid", past, "", 5); err != nil {
			t.Fatal(err)
		}
	}
	for _, dim := range domain.Dimensions() {
		compareBreakdownsAt(t, ctx, "after applying", p, g.log, q, dim)
		compareBreakdownsAt(t, ctx, "after applying, known in the past", p, g.log, past, dim)
	}
}
