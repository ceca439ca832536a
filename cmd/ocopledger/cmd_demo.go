package main

import (
	"context"
	"fmt"
	"github.com/spf13/cobra"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/projections"
)

// demo: load the demo history and set the ledger's figures of 07/08/2025 against Công văn 470.

func newDemoCmd(m *Main) *cobra.Command {
	return m.command("demo", func(c *cobra.Command, args []string) error { return runDemo(c.Context(), m, args) })
}

// demoFigure is one line of the comparison.
type demoFigure struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Report    int64  `json:"report"`
	KnownThen int64  `json:"known_then"` // as of 07/08/2025, as known at the end of 07/08/2025
	KnownNow  int64  `json:"known_now"`  // as of 07/08/2025, as known now
	Match     bool   `json:"match"`      // KnownThen == Report
}

type demoResult struct {
	Report       string               `json:"report"`
	AsOf         domain.Date          `json:"as_of"`
	KnownAt      time.Time            `json:"known_at"`
	Loaded       demo.Stats           `json:"loaded"`
	LastSequence uint64               `json:"last_sequence"`
	Figures      []demoFigure         `json:"figures"`
	Changes      []projections.Change `json:"changes"` // figures that differ as known now, and the entries why
}

func runDemo(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "demo")
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	bar := progress.New(m.Err, progress.Options{Label: m.t("nạp dữ liệu demo", "loading the demo")})
	st, err := demo.Load(ctx, l, func(done, total int) { bar.Update(uint64(done), uint64(total)) })
	bar.Done()
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	then := domain.Query{AsOf: demo.ReportDate, KnownAt: demo.ReportKnownAt()}
	thenRes := p.Figures(then)
	nowRes := p.Figures(domain.Query{AsOf: demo.ReportDate})
	diff, err := p.Diff(ctx, then, time.Time{})
	if err != nil {
		return err
	}
	seq, err := l.LastSequence(ctx)
	if err != nil {
		return err
	}
	out := demoResult{Report: demo.ReportNumber, AsOf: demo.ReportDate, KnownAt: demo.ReportKnownAt(), Loaded: st,
		LastSequence: seq, Changes: diff.Changes}
	want := demo.ReportFigures()
	var wrong []string
	for _, f := range domain.Figures() {
		r := demoFigure{ID: f.ID, Label: f.Label(m.Lang), Report: want[f.ID], KnownThen: thenRes.Figures[f.ID], KnownNow: nowRes.Figures[f.ID]}
		r.Match = r.Report == r.KnownThen
		if !r.Match {
			wrong = append(wrong, fmt.Sprintf("%s %d ≠ %d", f.ID, r.KnownThen, r.Report))
		}
		out.Figures = append(out.Figures, r)
	}
	if m.JSON {
		if err := m.printJSON(out); err != nil {
			return err
		}
	} else {
		m.printDemo(out)
	}
	if len(wrong) > 0 {
		return domain.Internal("the ledger does not reproduce the figures of Công văn 470/SCT-QLTM: %s", strings.Join(wrong, "; "))
	}
	return nil
}

func (m *Main) printDemo(out demoResult) {
	st := out.Loaded
	if st.Recorded == 0 {
		fmt.Fprintf(m.Out, m.t("Dữ liệu demo đã có đủ trong sổ cái (%d bút toán): không ghi thêm gì.\n",
			"The demo is already in the ledger (%d entries): nothing new was stored.\n"), st.Entries)
	} else {
		fmt.Fprintf(m.Out, m.t("Đã ghi %d bút toán demo (%d đã có từ trước) trong %s, %d lần ghi.\n",
			"Recorded %d demo entries (%d were already there) in %s, %d appends.\n"),
			st.Recorded, st.Skipped, i18n.Duration(m.Lang, st.Elapsed), st.Appends)
	}
	day := m.date(out.AsOf)
	fmt.Fprintf(m.Out, m.t("\nCông văn %s — số liệu ngày %s\n\n", "\nCông văn %s — figures of %s\n\n"), out.Report, day)
	tw := tabwriter.NewWriter(m.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, m.t("MÃ SỐ LIỆU\tNỘI DUNG\tBÁO CÁO\tSỔ CÁI, biết đến %s\tSỔ CÁI, biết đến nay\t\n",
		"FIGURE\tLABEL\tREPORT\tLEDGER, known on %s\tLEDGER, known now\t\n"), day)
	for _, f := range out.Figures {
		mark := "✓"
		if !f.Match {
			mark = "≠"
		}
		nowMark := "✓"
		if f.KnownNow != f.Report {
			nowMark = "≠"
		}
		fmt.Fprintf(tw, "%s\t%s\t%6s\t%6s %s\t%6s %s\t\n", f.ID, f.Label, i18n.Int(m.Lang, f.Report), i18n.Int(m.Lang, f.KnownThen), mark,
			i18n.Int(m.Lang, f.KnownNow), nowMark)
	}
	tw.Flush()
	if len(out.Changes) == 0 {
		return
	}
	fmt.Fprintf(m.Out, m.t("\nSố liệu ngày %s thay đổi do các bút toán ghi sau khi nộp báo cáo:\n",
		"\nFigures of %s changed by entries recorded after the report was filed:\n"), day)
	for _, c := range out.Changes {
		fmt.Fprintf(m.Out, "  %s: %s → %s\n", c.Figure, i18n.Int(m.Lang, c.Before), i18n.Int(m.Lang, c.After))
		for _, e := range c.Entries {
			fmt.Fprintf(m.Out, "    %+d  #%d %s  %s %s  %s\n", e.Delta, e.Sequence, m.instant(e.RecordedAt), e.Type, e.Stream, e.Source)
		}
	}
}
