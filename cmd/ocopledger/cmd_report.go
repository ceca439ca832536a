package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/report"
	"github.com/ocopledger/ocopledger/tables"
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
	return m.Command(clihelp.Spec{Path: "report", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			o.q.register(fs)
			fs.StringVar(&o.format, "format", "text", "")
			fs.StringVar(&o.out, "out", "", "")
		},
		Run: func(ctx context.Context, args []string) error { return runReport(ctx, m, o, args) }})
}

func newReconcileCmd(m *Main) *cobra.Command {
	o := &reconcileOptions{}
	return m.Command(clihelp.Spec{Path: "reconcile", Args: true,
		Flags: func(fs *pflag.FlagSet) { fs.StringVar(&o.format, "format", "text", "") },
		Run:   func(ctx context.Context, args []string) error { return runReconcile(ctx, m, o, args) }})
}

func outputFormat(m *Main, format string) string {
	if m.JSON {
		return "json"
	}
	return format
}

func runReport(ctx context.Context, m *Main, o *reportOptions, args []string) error {
	if len(args) > 0 {
		return clihelp.Usagef("report takes no arguments; give the day with --as-of")
	}
	format := outputFormat(m, o.format)
	if format != "text" && format != "md" && format != "json" && format != "pdf" {
		return domain.Invalid("format", "%q is not a format: give text, md, json or pdf", format)
	}
	q, err := o.q.PeriodQuery(time.Now())
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	facts, err := report.Collect(ctx, p, q)
	if err != nil {
		return err
	}
	pv := m.node().Provenance(ctx, p, facts.Position)
	facts.Provenance = pv
	return userfile.Write("out", o.out, m.Out, func(w io.Writer) error {
		return report.Write(w, facts, m.Lang, format, tables.SourceSentence(pv, m.Lang))
	})
}

func runReconcile(ctx context.Context, m *Main, o *reconcileOptions, args []string) error {
	if len(args) != 1 {
		return clihelp.Usagef("reconcile takes one report: its document number (470/SCT-QLTM) or report ID (470-SCT-QLTM)")
	}
	format := outputFormat(m, o.format)
	if format != "text" && format != "md" && format != "json" {
		return domain.Invalid("format", "%q is not a format: give text, md or json", format)
	}
	if domain.ReportIDFor(args[0]) == "" {
		return clihelp.Usagef("%q is not a document number or report ID", args[0])
	}
	var h report.Histories
	l, err := m.node().Ledger(ctx)
	if err == nil {
		h = l
	} else if !m.node().NoLedgerYet(err) { // no ledger, so no report in it
		return err
	}
	filed, err := report.LookupFiled(ctx, h, args[0])
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	cl, err := m.node().Checkpoints(ctx, false)
	if err != nil {
		return err
	}
	r, err := report.ReconcileWithHistory(ctx, p, cl, filed)
	if err != nil {
		return err
	}
	if err := report.WriteReconciliation(m.Out, r, m.Lang, format); err != nil {
		return err
	}
	return r.Err()
}
