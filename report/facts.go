package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Facts are what the report states: the figures of one day as the ledger knew them at one time,
// and the names behind its footnotes.
type Facts struct {
	AsOf        domain.Date      `json:"as_of"`
	KnownAt     time.Time        `json:"known_at"`     // the knowledge time the figures are read at
	PeriodStart domain.Date      `json:"period_start"` // first day of the flow figures' period
	Position    uint64           `json:"position"`     // the last log position the figures include
	Figures     map[string]int64 `json:"figures"`      // figure ID → value
	// FiveStar are the valid 5★ OCOP products with their producers (footnote of ocop.valid.stars5).
	FiveStar []Product `json:"five_star"`
	// NationalCNNTTB are the products holding a valid national CNNTTB certificate (footnote of
	// cnnttb.valid.national).
	NationalCNNTTB []Product `json:"cnnttb_national"`
	// Provenance, set by the caller, is the log prefix the figures were read from
	// (checkpoint.Provenance).
	Provenance any `json:"provenance,omitempty"`
}

// Product is an item named in a footnote.
type Product struct {
	Item      string      `json:"item"`
	Name      string      `json:"name"`
	Producer  string      `json:"producer,omitempty"`
	Decision  string      `json:"decision,omitempty"` // decision or certificate number
	From      domain.Date `json:"from"`               // the day the certificate took effect
	Synthetic bool        `json:"synthetic,omitempty"`
}

// The figures whose items the report names in footnotes.
const (
	FigureFiveStar       = "ocop.valid.stars5"
	FigureNationalCNNTTB = "cnnttb.valid.national"
)

// Collect reads the facts of a report from the read models: every figure for q, and the items
// behind the footnotes. A zero q.KnownAt means everything recorded so far.
func Collect(ctx context.Context, p *projections.Projection, q domain.Query) (Facts, error) {
	res := p.Figures(q)
	f := Facts{AsOf: res.AsOf, KnownAt: res.KnownAt, PeriodStart: q.PeriodStart(), Position: res.Position, Figures: res.Figures}
	var err error
	if f.FiveStar, err = named(ctx, p, FigureFiveStar, q); err != nil {
		return Facts{}, err
	}
	if f.NationalCNNTTB, err = named(ctx, p, FigureNationalCNNTTB, q); err != nil {
		return Facts{}, err
	}
	return f, nil
}

func named(ctx context.Context, p *projections.Projection, figure string, q domain.Query) ([]Product, error) {
	items, err := p.Explain(ctx, figure, q)
	if err != nil {
		return nil, fmt.Errorf("report: explain %s: %w", figure, err)
	}
	out := make([]Product, len(items))
	for i, it := range items {
		out[i] = Product{Item: it.Item, Name: it.Attrs.Name, Producer: it.Attrs.Producer, Decision: it.Attrs.Decision,
			From: it.From, Synthetic: it.Attrs.Synthetic}
	}
	sortByName(out)
	return out, nil
}

// sortByName orders products by name in Vietnamese alphabetical order (Đ after D, not after Z),
// as a clerk would list them.
func sortByName(ps []Product) {
	c := collate.New(language.Vietnamese)
	sort.SliceStable(ps, func(i, j int) bool {
		if r := c.CompareString(ps[i].Name, ps[j].Name); r != 0 {
			return r < 0
		}
		return ps[i].Item < ps[j].Item
	})
}
