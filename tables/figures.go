package tables

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/projections"
)

var figuresColumns = []Column{
	{Label{"chỉ tiêu", "figure"}, Text},
	{Label{"tên chỉ tiêu", "label"}, Text},
	{Label{"mã tiêu chí phân tổ", "dimension"}, Text},
	{Label{"tiêu chí phân tổ", "dimension label"}, Text},
	{Label{"giá trị phân tổ", "value"}, Text},
	{Label{"số liệu", "count"}, Integer},
}

// Figures is the table of every figure of an answer (projections.FiguresBy) and of its
// breakdowns: a row a figure (no dimension), then, dimension by dimension, a row a figure and
// value, ready for a pivot table. q is the query as asked (its KnownAt zero: as known now).
func Figures(res projections.Result, q domain.Query, pv checkpoint.Provenance, lang string) *Table {
	t := &Table{Name: "figures", Day: res.AsOf, Lang: lang, Columns: figuresColumns, text: figuresText}
	t.Title = fmt.Sprintf(t.t("Số liệu ngày %s, %s (vị trí %d); kỳ từ %s", "Figures for %s, %s (position %d); period from %s"),
		q.AsOf.Format(lang), KnownAtText(q.KnownAt, lang), res.Position, res.From.Format(lang))
	t.Source = source(pv, lang)
	for _, f := range domain.Figures() {
		t.Rows = append(t.Rows, Row{f.ID, f.Label(lang), nil, nil, nil, res.Figures[f.ID]})
	}
	for _, dim := range slices.Sorted(maps.Keys(res.By)) {
		for _, f := range domain.Figures() {
			vals, ok := res.By[dim][f.ID]
			if !ok {
				continue
			}
			for _, v := range slices.Sorted(maps.Keys(vals)) {
				t.Rows = append(t.Rows, Row{f.ID, f.Label(lang), dim, domain.DimensionLabel(dim, lang), v, vals[v]})
			}
		}
	}
	return t
}

// figuresText is figures' text: the title, a line a figure, then each breakdown under its name.
func figuresText(w io.Writer, t *Table, o Options) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", t.Title); err != nil {
		return err
	}
	var tw *tabwriter.Writer
	dim := ""
	for _, r := range t.Rows {
		n, _ := integer(r[5])
		if r[2] == nil {
			fmt.Fprintf(w, "%-31s %7s  %s\n", r[0], i18n.Int(t.Lang, n), r[1])
			continue
		}
		if d := r[2].(string); d != dim {
			if tw != nil {
				tw.Flush()
			}
			dim = d
			fmt.Fprintf(w, t.t("\nTheo %s (%s):\n", "\nBy %s (%s):\n"), r[3], d)
			tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\n", r[0], r[4], n)
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

var diffColumns = []Column{
	{Label{"chỉ tiêu", "figure"}, Text},
	{Label{"tên chỉ tiêu", "label"}, Text},
	{Label{"trước", "before"}, Integer},
	{Label{"sau", "after"}, Integer},
	{Label{"chênh lệch", "difference"}, Integer},
	{Label{"tác động của mục ghi", "entry's effect"}, Integer},
	{Label{"vị trí", "position"}, Count},
	{Label{"ghi lúc", "recorded at"}, Instant},
	{Label{"loại sự kiện", "event type"}, Text},
	{Label{"hồ sơ", "record"}, Text},
	{Label{"mã mục ghi", "entry ID"}, Text},
	{Label{"văn bản nguồn", "source document"}, Text},
}

// Diff is the table of how the figures of a day differ between two knowledge times
// (projections.Diff): a row an entry that changed a figure, with the figure's values before and
// after; a figure that changed without an entry to name has a row of its own.
func Diff(d projections.DiffResult, pv checkpoint.Provenance, lang string) *Table {
	t := &Table{Name: "diff", Day: d.AsOf, Lang: lang, Columns: diffColumns, text: diffText}
	t.Title = fmt.Sprintf(t.t("Số liệu ngày %s: %s so với %s", "Figures for %s: %s vs %s"),
		d.AsOf.Format(lang), KnownAtText(d.KnownAt, lang), KnownAtText(d.Vs, lang))
	t.Source = source(pv, lang)
	for _, ch := range d.Changes {
		f, _ := domain.LookupFigure(ch.Figure)
		row := Row{ch.Figure, f.Label(lang), ch.Before, ch.After, ch.After - ch.Before}
		if len(ch.Entries) == 0 {
			t.Rows = append(t.Rows, append(row, nil, nil, nil, nil, nil, nil, nil))
		}
		for _, e := range ch.Entries {
			t.Rows = append(t.Rows, append(slices.Clip(row), e.Delta, e.Sequence, e.RecordedAt, e.Type, e.Stream, e.ID, e.Source))
		}
	}
	return t
}

// diffText is diff's text: the title, then each figure that changed and the entries that did it.
func diffText(w io.Writer, t *Table, o Options) error {
	if _, err := fmt.Fprintln(w, t.Title); err != nil {
		return err
	}
	if len(t.Rows) == 0 {
		_, err := fmt.Fprintln(w, t.t("Không có số liệu nào khác nhau.", "No figure differs."))
		return err
	}
	fig := ""
	for _, r := range t.Rows {
		before, _ := integer(r[2])
		after, _ := integer(r[3])
		if r[0].(string) != fig {
			fig = r[0].(string)
			fmt.Fprintf(w, "\n%s (%s): %s → %s (%s)\n", fig, r[1], i18n.Int(t.Lang, before), i18n.Int(t.Lang, after), i18n.Signed(t.Lang, after-before))
		}
		if r[6] == nil {
			continue
		}
		delta, _ := integer(r[5])
		pos, _ := integer(r[6])
		src := ""
		if s, _ := r[11].(string); s != "" {
			src = " — " + s
		}
		if _, err := fmt.Fprintf(w, t.t("  %+d  vị trí %d, ghi lúc %s: %s %s (mã %s)%s\n", "  %+d  position %d, recorded %s: %s %s (id %s)%s\n"),
			delta, pos, InstantText(r[7].(time.Time), t.Lang), r[8], r[9], r[10], src); err != nil {
			return err
		}
	}
	return nil
}

var timelineColumns = []Column{
	{Label{"ngày", "date"}, Date},
	{Label{"số liệu", "value"}, Integer},
}

// Timeline is the table of a figure on each step of a series (projections.Timeline), as known
// at knownAt (zero: now).
func Timeline(f domain.Figure, pts []projections.Point, from, to domain.Date, step string, knownAt time.Time, lang string) *Table {
	t := &Table{Name: f.ID, Day: to, Lang: lang, Columns: timelineColumns, text: timelineText}
	t.Title = fmt.Sprintf(t.t("%s — %s, từ %s đến %s, bước %s, %s", "%s — %s, from %s to %s, step %s, %s"),
		f.ID, f.Label(lang), from.Format(lang), to.Format(lang), step, KnownAtText(knownAt, lang))
	for _, p := range pts {
		t.Rows = append(t.Rows, Row{p.Date, p.Value})
	}
	return t
}

// timelineText is timeline's text: a line a point, with a bar for a chart.
func timelineText(w io.Writer, t *Table, o Options) error {
	var top int64 = 1
	for _, r := range t.Rows {
		top = max(top, r[1].(int64))
	}
	for _, r := range t.Rows {
		v := r[1].(int64)
		if _, err := fmt.Fprintf(w, "%s %6d %s\n", cellText(Date, r[0], t.Lang), v, strings.Repeat("▇", int(40*v/top))); err != nil {
			return err
		}
	}
	return nil
}

// WriteFigureList writes the figures' IDs, kinds and labels, one a line (figures --list).
func WriteFigureList(w io.Writer, lang string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range domain.Figures() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.ID, kindText(f.Kind, lang), f.Label(lang))
	}
	return tw.Flush()
}

// kindText says how a figure reads time, as figures --list shows it (JSON keeps the kind's name).
func kindText(k domain.FigureKind, lang string) string {
	switch k {
	case domain.Stock:
		return Label{"thời điểm", "stock"}.In(lang)
	case domain.Cumulative:
		return Label{"lũy kế", "cumulative"}.In(lang)
	case domain.Flow:
		return Label{"trong kỳ", "flow"}.In(lang)
	}
	return string(k)
}
