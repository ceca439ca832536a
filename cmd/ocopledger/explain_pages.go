package main

import (
	"context"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// explainItems reads the items explain lists: all of them, or with --limit or --after the page
// they ask for, with the cursor of the next page ("" after the last); total is how many items
// the figure counts.
func explainItems(ctx context.Context, p *projections.Projection, figure string, q domain.Query, limit int, after string) (items []projections.ExplainItem, next string, total int64, err error) {
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
