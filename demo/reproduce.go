package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// Figure is one figure of the report against the ledger's.
type Figure struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Report    int64  `json:"report"`
	KnownThen int64  `json:"known_then"` // as of the report's date, as known at the end of that day
	KnownNow  int64  `json:"known_now"`  // as of the report's date, as known now
	Match     bool   `json:"match"`      // KnownThen == Report
}

// Comparison is the report's figures against the ledger's, and what changed them since.
type Comparison struct {
	Report       string               `json:"report"`
	AsOf         domain.Date          `json:"as_of"`
	KnownAt      time.Time            `json:"known_at"`
	Loaded       Stats                `json:"loaded"`
	LastSequence uint64               `json:"last_sequence"`
	Figures      []Figure             `json:"figures"`
	Changes      []projections.Change `json:"changes"` // figures that differ as known now, and the entries why
}

// Compare sets the figures of the read models p, up to the log's position last, against those
// of Công văn 470/SCT-QLTM, labelled in lang; loaded is what Load did. The error says which
// figures the ledger does not reproduce; the comparison is whole either way.
func Compare(ctx context.Context, p *projections.Projection, last uint64, loaded Stats, lang string) (Comparison, error) {
	then := domain.Query{AsOf: ReportDate, KnownAt: ReportKnownAt()}
	thenRes := p.Figures(then)
	nowRes := p.Figures(domain.Query{AsOf: ReportDate})
	diff, err := p.Diff(ctx, then, time.Time{})
	if err != nil {
		return Comparison{}, err
	}
	out := Comparison{Report: ReportNumber, AsOf: ReportDate, KnownAt: ReportKnownAt(), Loaded: loaded, LastSequence: last, Changes: diff.Changes}
	want := ReportFigures()
	var wrong []string
	for _, f := range domain.Figures() {
		r := Figure{ID: f.ID, Label: f.Label(lang), Report: want[f.ID], KnownThen: thenRes.Figures[f.ID], KnownNow: nowRes.Figures[f.ID]}
		r.Match = r.Report == r.KnownThen
		if !r.Match {
			wrong = append(wrong, fmt.Sprintf("%s %d ≠ %d", f.ID, r.KnownThen, r.Report))
		}
		out.Figures = append(out.Figures, r)
	}
	if len(wrong) > 0 {
		return out, domain.Internal("the ledger does not reproduce the figures of Công văn 470/SCT-QLTM: %s", strings.Join(wrong, "; "))
	}
	return out, nil
}
