package main

import (
	"context"
	"fmt"
	"github.com/spf13/cobra"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/report"
)

// report, reconcile: the Department's report written from the ledger, and a filed report checked
// against it.

type reportOptions struct {
	q      queryFlags
	format string
	out    string
}

type reconcileOptions struct{ format string }

func newReportCmd(m *Main) *cobra.Command {
	o := &reportOptions{}
	c := m.command("report", func(c *cobra.Command, args []string) error { return runReport(c.Context(), m, o, args) })
	fs := c.Flags()
	o.q.register(fs)
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVar(&o.out, "out", "", "")
	return c
}

func newReconcileCmd(m *Main) *cobra.Command {
	o := &reconcileOptions{}
	c := m.command("reconcile", func(c *cobra.Command, args []string) error { return runReconcile(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.format, "format", "text", "")
	return c
}

func outputFormat(m *Main, format string) string {
	if m.JSON {
		return "json"
	}
	return format
}

func runReport(ctx context.Context, m *Main, o *reportOptions, args []string) error {
	if len(args) > 0 {
		return usagef("report takes no arguments; give the day with --as-of")
	}
	format := outputFormat(m, o.format)
	if format != "text" && format != "md" && format != "json" && format != "pdf" {
		return domain.Invalid("format", "%q is not a format: give text, md, json or pdf", format)
	}
	q, err := o.q.query()
	if err != nil {
		return err
	}
	if q.From > q.AsOf {
		return domain.Invalid("from", "%s is after --as-of %s", q.From.VN(), q.AsOf.VN())
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	facts, err := report.Collect(ctx, p, q)
	if err != nil {
		return err
	}
	pv := m.provenance(ctx, p, facts.Position)
	facts.Provenance = pv
	out, keep := m.Out, func() error { return nil }
	if o.out != "" {
		file, err := createPartial("out", o.out)
		if err != nil {
			return err
		}
		defer file.abandon()
		out, keep = file, file.keep
	}
	if format == "pdf" {
		if err := report.RenderPDF(out, facts, m.Lang, m.historySource(pv)); err != nil {
			return err
		}
		return keep()
	}
	if err := report.Render(out, facts, m.Lang, format); err != nil {
		return err
	}
	if format != "json" {
		m.historyFooterTo(out, format, pv)
	}
	return keep()
}

func runReconcile(ctx context.Context, m *Main, o *reconcileOptions, args []string) error {
	if len(args) != 1 {
		return usagef("reconcile takes one report: its document number (470/SCT-QLTM) or report ID (470-SCT-QLTM)")
	}
	format := outputFormat(m, o.format)
	if format != "text" && format != "md" && format != "json" {
		return domain.Invalid("format", "%q is not a format: give text, md or json", format)
	}
	id := domain.ReportIDFor(args[0])
	if id == "" {
		return usagef("%q is not a document number or report ID", args[0])
	}
	stream := domain.KindReport + "." + id
	var hist []domain.Recorded
	l, err := m.Ledger(ctx)
	if err == nil {
		hist, _, err = l.History(ctx, stream)
	} else if m.noLedgerYet(err) {
		err = nil // no ledger, so no report in it
	}
	if err != nil {
		return err
	}
	filed, ok := report.FindFiled(hist)
	if !ok {
		return domain.NotFound("no report %s in the ledger (no report.filed entry in %s); record it with: ocopledger record report.filed", args[0], stream)
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	r, err := report.Reconcile(ctx, p, filed)
	if err != nil {
		return err
	}
	cl, err := m.Checkpoints(ctx, false)
	if err != nil {
		return err
	}
	h, err := cl.ForReport(ctx, p, filed.Sequence, r.Positions[0], r.Positions[1])
	if err != nil {
		return err
	}
	r.History = h
	if err := report.RenderReconciliation(m.Out, r, m.Lang, format); err != nil {
		return err
	}
	if format != "json" {
		m.historyFooter(format, h.Now)
		if h.Consistency != nil {
			verdict := m.t("KHÔNG kiểm chứng được", "does NOT verify")
			if h.Consistent {
				verdict = m.t("đã kiểm chứng", "verified")
			}
			fmt.Fprintf(m.Out, m.t("Sổ cái %d mục ghi mà báo cáo dựa vào là phần đầu của sổ cái hiện nay (%d mục ghi): bằng chứng nhất quán %s (ocopledger prove --from %d --to %d).\n",
				"The log of %d entries the report was filed against is a prefix of today's (%d entries): consistency proof %s (ocopledger prove --from %d --to %d).\n"),
				h.Consistency.OldSize, h.Consistency.NewSize, verdict, h.Consistency.OldSize, h.Consistency.NewSize)
		}
	}
	if !r.MatchedAtFiling {
		var ids []string
		for _, c := range r.Figures {
			if c.Status == report.StatusMismatchAtFiling {
				ids = append(ids, c.Figure)
			}
		}
		return domain.Conflict("report %s did not match the ledger at filing time: %s", filed.Report.DocumentNumber, strings.Join(ids, ", "))
	}
	return nil
}
