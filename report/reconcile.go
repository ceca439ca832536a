package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// Filed is a report as the ledger holds it: the report.filed event (after corrections) and when
// the ledger recorded it, which is when the report was filed.
type Filed struct {
	Report     domain.ReportFiled `json:"report"`
	EventID    string             `json:"event_id"`
	Sequence   uint64             `json:"sequence"`
	RecordedAt time.Time          `json:"recorded_at"`
	AmendedBy  string             `json:"amended_by,omitempty"` // the correction whose replacement Report is
}

// FindFiled returns the filed report in the history of a report stream, corrections applied.
func FindFiled(history []domain.Recorded) (Filed, bool) {
	for _, r := range domain.Effective(history) {
		if e, ok := r.Event.(domain.ReportFiled); ok {
			return Filed{Report: e, EventID: r.ID, Sequence: r.Sequence, RecordedAt: r.RecordedAt, AmendedBy: r.AmendedBy}, true
		}
	}
	return Filed{}, false
}

// Status is how a stated figure compares with the ledger.
type Status string

const (
	// StatusOK: the ledger as known at filing gave the stated value, and still does.
	StatusOK Status = "ok"
	// StatusMismatchAtFiling: the ledger as known when the report was filed did not give the
	// stated value: the filed report did not match the books.
	StatusMismatchAtFiling Status = "mismatch_at_filing"
	// StatusChangedSince: the figure matched at filing; entries recorded since change it.
	StatusChangedSince Status = "changed_since"
)

// FigureCheck compares one figure the report stated with the ledger.
type FigureCheck struct {
	Figure   string `json:"figure"`
	Stated   int64  `json:"stated"`
	AtFiling int64  `json:"at_filing"` // the ledger's value as known when the report was filed
	Now      int64  `json:"now"`       // the ledger's value as known now
	Status   Status `json:"status"`
	// Since are the entries recorded after the filing that change the figure; their deltas add
	// up to Now - AtFiling.
	Since []projections.EntryChange `json:"changes_since_filing,omitempty"`
	// Counted are, for a mismatch at filing, the items the ledger counted when the report was
	// filed (len(Counted) = AtFiling, to set against Stated).
	Counted []Item `json:"counted_at_filing,omitempty"`
}

// Item is one item a figure counts, with the entry that makes it count.
type Item struct {
	Item      string      `json:"item"`
	Stream    string      `json:"stream"`
	Name      string      `json:"name,omitempty"`
	Producer  string      `json:"producer,omitempty"`
	Decision  string      `json:"decision,omitempty"`
	From      domain.Date `json:"from"`
	Until     domain.Date `json:"until"`
	EventID   string      `json:"event_id"`
	Synthetic bool        `json:"synthetic,omitempty"`
}

// Reconciliation is a filed report set against the ledger.
type Reconciliation struct {
	Filed       Filed       `json:"filed"`
	AsOf        domain.Date `json:"as_of"`
	PeriodStart domain.Date `json:"period_start"`
	// KnownAtFiling is the knowledge time of the filing; Positions are the last log positions
	// known at filing and now.
	KnownAtFiling time.Time     `json:"known_at_filing"`
	KnownNow      time.Time     `json:"known_now"`
	Positions     [2]uint64     `json:"positions"`
	Figures       []FigureCheck `json:"figures"`
	// MatchedAtFiling is false when any stated figure differed from the ledger as known at filing.
	MatchedAtFiling bool `json:"matched_at_filing"`
	Mismatches      int  `json:"mismatches_at_filing"`
	Changed         int  `json:"changed_since"` // figures that differ now from their value at filing
	// Unchecked are stated figure IDs this build does not know.
	Unchecked []string `json:"unchecked,omitempty"`
	// History, set by the caller, says which history was read and proves the report's
	// checkpoint consistent with the log now (checkpoint.ReportHistory).
	History any `json:"history,omitempty"`
}

// Reconcile sets the figures a filed report stated against the ledger: for the report's as-of day
// and period, as known when it was filed and as known now, with the entries recorded since that
// explain each change and, for a figure that did not match at filing, the items the ledger
// counted then.
func Reconcile(ctx context.Context, p *projections.Projection, filed Filed) (Reconciliation, error) {
	rep := filed.Report
	q := domain.Query{AsOf: rep.AsOf, From: rep.PeriodFrom, KnownAt: filed.RecordedAt}
	then := p.Figures(q)
	nowQ := q
	nowQ.KnownAt = time.Time{}
	now := p.Figures(nowQ)
	diff, err := p.Diff(ctx, q, time.Time{})
	if err != nil {
		return Reconciliation{}, fmt.Errorf("report: compare %s as known at filing and now: %w", rep.DocumentNumber, err)
	}
	changes := map[string]projections.Change{}
	for _, c := range diff.Changes {
		changes[c.Figure] = c
	}
	r := Reconciliation{Filed: filed, AsOf: rep.AsOf, PeriodStart: q.PeriodStart(), KnownAtFiling: filed.RecordedAt,
		KnownNow: now.KnownAt, Positions: [2]uint64{then.Position, now.Position}, MatchedAtFiling: true}
	ids := make([]string, 0, len(rep.Figures))
	for id := range rep.Figures {
		if _, ok := domain.LookupFigure(id); !ok {
			r.Unchecked = append(r.Unchecked, id)
			continue
		}
		ids = append(ids, id)
	}
	sort.Strings(r.Unchecked)
	sort.Slice(ids, func(i, j int) bool { return domain.FigureIndex(ids[i]) < domain.FigureIndex(ids[j]) })
	for _, id := range ids {
		c := FigureCheck{Figure: id, Stated: rep.Figures[id], AtFiling: then.Figures[id], Now: now.Figures[id], Status: StatusOK}
		if c.Now != c.AtFiling {
			c.Since = changes[id].Entries
			c.Status = StatusChangedSince
			r.Changed++
		}
		if c.AtFiling != c.Stated {
			c.Status = StatusMismatchAtFiling
			r.Mismatches++
			r.MatchedAtFiling = false
			items, err := p.Explain(ctx, id, q)
			if err != nil {
				return Reconciliation{}, fmt.Errorf("report: explain %s as known at filing: %w", id, err)
			}
			c.Counted = make([]Item, len(items))
			for i, it := range items {
				c.Counted[i] = Item{Item: it.Item, Stream: it.Stream, Name: it.Attrs.Name, Producer: it.Attrs.Producer,
					Decision: it.Attrs.Decision, From: it.From, Until: it.Until, EventID: it.EventID, Synthetic: it.Attrs.Synthetic}
			}
		}
		r.Figures = append(r.Figures, c)
	}
	return r, nil
}
