package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/pflag"
)

// figures, explain, diff, timeline, expiring, rebuild: questions put to the read models.

// queryFlags are the time flags shared by the figure commands: a figures query as written.
type queryFlags struct{ httpapi.QueryText }

// register registers the time flags of one day's figures; their descriptions are the catalogue's.
func (q *queryFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&q.AsOf, "as-of", "", "")
	q.registerSeries(fs)
}

// registerSeries registers --known-at and --from, for a series of days (timeline), which has no
// single --as-of day.
func (q *queryFlags) registerSeries(fs *pflag.FlagSet) {
	fs.StringVar(&q.KnownAt, "known-at", "", "")
	fs.StringVar(&q.From, "from", "", "")
}

type figuresOptions struct {
	q    queryFlags
	by   string
	list bool
	out  tableFlags
}

type explainOptions struct {
	q     queryFlags
	limit int
	after string
	out   tableFlags
}

type diffOptions struct {
	q   queryFlags
	vs  string
	out tableFlags
}

type timelineOptions struct {
	q        queryFlags
	to, step string
	out      tableFlags
}

type expiringOptions struct {
	q      queryFlags
	within string
	out    tableFlags
}

type rebuildOptions struct{ batch int }

func newFiguresCmd(m *Main) *cobra.Command {
	o := &figuresOptions{}
	return m.Command(clihelp.Spec{Path: "figures", HelpArgs: []any{strings.Join(domain.Dimensions(), ", ")}, Args: true,
		Flags: func(fs *pflag.FlagSet) {
			o.q.register(fs)
			fs.StringVar(&o.by, "by", "", "")
			fs.BoolVar(&o.list, "list", false, "")
			o.out.register(fs, false)
		},
		Run: func(ctx context.Context, args []string) error { return runFigures(ctx, m, o, args) }})
}

func newExplainCmd(m *Main) *cobra.Command {
	o := &explainOptions{}
	return m.Command(clihelp.Spec{Path: "explain", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			o.q.register(fs)
			fs.IntVar(&o.limit, "limit", 0, "")
			fs.StringVar(&o.after, "after", "", "")
			o.out.register(fs, true)
		},
		Run: func(ctx context.Context, args []string) error { return runExplain(ctx, m, o, args) }})
}

func newDiffCmd(m *Main) *cobra.Command {
	o := &diffOptions{}
	return m.Command(clihelp.Spec{Path: "diff",
		Flags: func(fs *pflag.FlagSet) {
			o.q.register(fs)
			fs.StringVar(&o.vs, "vs", "", "")
			o.out.register(fs, false)
		},
		Run: func(ctx context.Context, _ []string) error { return runDiff(ctx, m, o) }})
}

func newTimelineCmd(m *Main) *cobra.Command {
	o := &timelineOptions{}
	return m.Command(clihelp.Spec{Path: "timeline", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			o.q.registerSeries(fs)
			fs.StringVar(&o.to, "to", "", "")
			fs.StringVar(&o.step, "step", "month", "")
			o.out.register(fs, false)
		},
		Run: func(ctx context.Context, args []string) error { return runTimeline(ctx, m, o, args) }})
}

func newExpiringCmd(m *Main) *cobra.Command {
	o := &expiringOptions{}
	return m.Command(clihelp.Spec{Path: "expiring",
		Flags: func(fs *pflag.FlagSet) {
			o.q.register(fs)
			fs.StringVar(&o.within, "within", "30d", "")
			o.out.register(fs, false)
		},
		Run: func(ctx context.Context, _ []string) error { return runExpiring(ctx, m, o) }})
}

func newRebuildCmd(m *Main) *cobra.Command {
	o := &rebuildOptions{}
	return m.Command(clihelp.Spec{Path: "rebuild",
		Flags: func(fs *pflag.FlagSet) { fs.IntVar(&o.batch, "batch", projections.DefaultBatchSize, "") },
		Run:   func(ctx context.Context, _ []string) error { return runRebuild(ctx, m, o) }})
}

func runFigures(ctx context.Context, m *Main, o *figuresOptions, args []string) error {
	if o.list && m.JSON {
		return tables.WriteJSON(m.Out, domain.Figures())
	} else if o.list {
		return tables.WriteFigureList(m.Out, m.Lang)
	}
	if len(args) > 0 {
		return clihelp.Usagef("figures takes no arguments (did you mean: ocopledger explain %s?)", args[0])
	}
	q, err := o.q.PeriodQuery(time.Now())
	if err != nil {
		return err
	}
	var dims []string
	if o.by != "" {
		for _, dim := range strings.Split(o.by, ",") {
			dims = append(dims, strings.TrimSpace(dim))
		}
	}
	var fa httpapi.FiguresAnswer
	format, err := o.out.answer(ctx, m, func(a httpapi.Asker, _ tables.Format) (t tables.Answer, err error) {
		fa, t, err = a.Figures(ctx, q, dims)
		return t, err
	})
	if err == nil && format == tables.FormatText {
		tables.WriteQuarantineWarning(m.Out, fa.Warnings, m.Lang)
	}
	return err
}

func figureArg(args []string, cmd string) (domain.Figure, error) {
	if len(args) != 1 {
		return domain.Figure{}, clihelp.Usagef("%s takes one figure ID, e.g. ocop.valid (ocopledger figures --list)", cmd)
	}
	f, ok := domain.LookupFigure(args[0])
	if !ok {
		e := domain.NotFound("%q is not a figure ID; see ocopledger figures --list", args[0])
		e.Field = "figure"
		return f, e
	}
	return f, nil
}

func runExplain(ctx context.Context, m *Main, o *explainOptions, args []string) error {
	f, err := figureArg(args, "explain")
	if err != nil {
		return err
	}
	q, err := o.q.PeriodQuery(time.Now())
	if err != nil {
		return err
	}
	_, err = o.out.answer(ctx, m, func(a httpapi.Asker, format tables.Format) (tables.Answer, error) {
		return a.Explain(ctx, f, q, o.limit, o.after, format)
	})
	return err
}

func runDiff(ctx context.Context, m *Main, o *diffOptions) error {
	q, err := o.q.PeriodQuery(time.Now())
	if err != nil {
		return err
	}
	if o.q.KnownAt == "" {
		return domain.Invalid("known-at", "is missing: diff compares the figures as known at --known-at with the figures as known at --vs (default: now)")
	}
	vs, err := domain.ParseKnownAt(o.vs)
	if err != nil {
		return domain.Invalid("vs", "%v", err)
	}
	_, err = o.out.answer(ctx, m, func(a httpapi.Asker, format tables.Format) (tables.Answer, error) { return a.Diff(ctx, q, vs, format) })
	return err
}

func runTimeline(ctx context.Context, m *Main, o *timelineOptions, args []string) error {
	f, err := figureArg(args, "timeline")
	if err != nil {
		return err
	}
	q, err := o.q.Query(time.Now(), "-")
	if err != nil {
		return err
	}
	if o.q.From == "" {
		return domain.Invalid("from", "is missing: give the first day of the series (yyyy-mm-dd or dd/mm/yyyy)")
	}
	to := domain.DateOf(time.Now())
	if o.to != "" {
		if to, err = domain.ParseDate(o.to); err != nil {
			return domain.Invalid("to", "%v", err)
		}
	}
	_, err = o.out.answer(ctx, m, func(a httpapi.Asker, _ tables.Format) (tables.Answer, error) { return a.Timeline(f, q, to, o.step) })
	return err
}

func runExpiring(ctx context.Context, m *Main, o *expiringOptions) error {
	q, err := o.q.Query(time.Now(), "-")
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSuffix(o.within, "d"))
	if err != nil {
		return domain.Invalid("within", "%q is not a number of days such as 30d", o.within)
	}
	_, err = o.out.answer(ctx, m, func(a httpapi.Asker, format tables.Format) (tables.Answer, error) {
		return a.Expiring(ctx, q, days, format)
	})
	return err
}

func runRebuild(ctx context.Context, m *Main, o *rebuildOptions) error {
	bar := progress.New(m.Err, progress.Options{Label: m.T("dựng lại số liệu", "building figures"), Always: m.Verbose})
	p, took, err := m.node().Rebuild(ctx, projections.Options{BatchSize: o.batch, TuneProcess: true}, bar.Update)
	bar.Done()
	if err != nil {
		return err
	}
	if m.JSON {
		return tables.WriteJSON(m.Out, tables.Rebuilt(p.Status(), took))
	}
	tables.WriteRebuilt(m.Out, p.Status(), took, m.Lang)
	tables.WriteQuarantineWarning(m.Out, p.Quarantined(), m.Lang)
	return nil
}
