package httpapi

import (
	"context"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
)

// Asker puts questions to the read models and answers each in every form, as the command line
// writes them: its --json (tables.Answer.Value) and its tables (text, CSV, XLSX).
type Asker struct {
	Projection *projections.Projection
	// Lang is the language of the tables: "vi" or "en".
	Lang string
	// Provenance is the provenance of an answer read from the first size entries of the log.
	Provenance func(ctx context.Context, size uint64) checkpoint.Provenance
}

// provenance is the answer's provenance where its form names it (JSON, CSV, XLSX), zero in text.
func (a Asker) provenance(ctx context.Context, f tables.Format, size uint64) checkpoint.Provenance {
	if f == tables.FormatJSON || f.File() {
		return a.Provenance(ctx, size)
	}
	return checkpoint.Provenance{}
}

// Figures answers with every figure and the breakdowns by dims (AnswerFigures).
func (a Asker) Figures(ctx context.Context, q domain.Query, dims []string) (FiguresAnswer, tables.Answer, error) {
	fa, err := AnswerFigures(ctx, a.Projection, q, dims, a.Lang, a.Provenance)
	return fa, tables.Answer{Value: fa, Table: func() *tables.Table { return tables.Figures(fa.Result, q, fa.Provenance, a.Lang) }}, err
}

// Explain lists the items figure f counts: all of them, or with limit or after the page they
// ask for, with the cursor of the next page.
func (a Asker) Explain(ctx context.Context, f domain.Figure, q domain.Query, limit int, after string, format tables.Format) (tables.Answer, error) {
	res := a.Projection.Figures(q)
	// A page is read as known at the instant the figure was, and the next page is to be asked
	// as known at it too (as the API's Link header does), so that the pages add up to one list
	// even when entries are recorded between them.
	read := q
	if read.KnownAt.IsZero() && (limit > 0 || after != "") {
		read.KnownAt = res.KnownAt
	}
	items, next, total, err := a.explainItems(ctx, f.ID, read, limit, after)
	if err != nil {
		return tables.Answer{}, err
	}
	pos := res.Position
	pv := a.provenance(ctx, format, pos)
	v := map[string]any{"figure": f.ID, "as_of": q.AsOf.String(), "count": len(items), "items": items,
		"position": pos, "provenance": pv}
	hint := next
	if next != "" {
		v["next"] = next
		v["known_at"] = read.KnownAt.Format(time.RFC3339Nano)
		hint = next + " --known-at " + read.KnownAt.Format(time.RFC3339Nano)
	}
	return tables.Answer{Value: v, Table: func() *tables.Table { return tables.Explain(f, items, total, hint, q, pv, a.Lang) }}, nil
}

// explainItems reads the items Explain lists: all of them (limit 0, no cursor), or the page
// limit and after ask for, with the cursor of the next page ("" after the last); total is how
// many items the figure counts.
func (a Asker) explainItems(ctx context.Context, figure string, q domain.Query, limit int, after string) (items []projections.ExplainItem, next string, total int64, err error) {
	p := a.Projection
	if limit == 0 && after == "" {
		items, err := p.Explain(ctx, figure, q)
		return items, "", int64(len(items)), err
	}
	if limit < 0 {
		e := domain.Invalid("limit", "%d is not a page size: give 1 to %d items", limit, projections.MaxExplainLimit)
		return nil, "", 0, e
	}
	if limit == 0 {
		limit = projections.MaxExplainLimit
	}
	page, err := p.ExplainPage(ctx, figure, q, after, limit)
	total, _ = p.Value(figure, q)
	return page.Items, page.Next, total, err
}

// Diff answers how the figures of q's day differ between q's knowledge time and vs, with the
// entries that changed them.
func (a Asker) Diff(ctx context.Context, q domain.Query, vs time.Time, format tables.Format) (tables.Answer, error) {
	d, err := a.Projection.Diff(ctx, q, vs)
	if err != nil {
		return tables.Answer{}, err
	}
	pv := a.provenance(ctx, format, max(d.Positions[0], d.Positions[1]))
	v := struct {
		projections.DiffResult
		Provenance checkpoint.Provenance `json:"provenance"`
	}{d, pv}
	return tables.Answer{Value: v, Table: func() *tables.Table { return tables.Diff(d, pv, a.Lang) }}, nil
}

// Timeline answers figure f from q.From to to by step, as known at q.KnownAt; a flow figure
// counts from the first day of the series.
func (a Asker) Timeline(f domain.Figure, q domain.Query, to domain.Date, step string) (tables.Answer, error) {
	pts, err := a.Projection.Timeline(f.ID, q.From, to, step, q.KnownAt, q.From)
	if err != nil {
		return tables.Answer{}, err
	}
	return tables.Answer{Value: map[string]any{"figure": f.ID, "points": pts},
		Table: func() *tables.Table { return tables.Timeline(f, pts, q.From, to, step, q.KnownAt, a.Lang) }}, nil
}

// Expiring answers which certificates reach the end of their validity within days of q's day.
func (a Asker) Expiring(ctx context.Context, q domain.Query, days int, format tables.Format) (tables.Answer, error) {
	items, err := a.Projection.Expiring(ctx, q, days)
	if err != nil {
		return tables.Answer{}, err
	}
	var pv checkpoint.Provenance
	if format.File() {
		pv = a.Provenance(ctx, a.Projection.Figures(q).Position)
	}
	return tables.Answer{Value: map[string]any{"as_of": q.AsOf.String(), "within_days": days, "items": items},
		Table: func() *tables.Table { return tables.Expiring(items, q, days, pv, a.Lang) }}, nil
}
