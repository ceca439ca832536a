package main

import (
	"context"
	"fmt"
	"github.com/spf13/cobra"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/pflag"
)

// figures, explain, diff, timeline, expiring, rebuild: questions put to the read models.

// queryFlags are the time flags shared by the figure commands.
type queryFlags struct {
	asOf, knownAt, from string
}

func (q *queryFlags) register(m *Main, fs *pflag.FlagSet) {
	q.registerFrom(m, fs, m.t(
		"ngày đầu kỳ của các chỉ tiêu phát sinh trong kỳ, như số hội chợ (mặc định: 2021-01-01)",
		"start of the period of flow figures such as fairs (default 2021-01-01)"))
}

// registerFrom registers the time flags with the given description of --from.
func (q *queryFlags) registerFrom(m *Main, fs *pflag.FlagSet, from string) {
	fs.StringVar(&q.asOf, "as-of", "", m.t(
		"ngày lấy số liệu (yyyy-mm-dd hoặc dd/mm/yyyy; mặc định: hôm nay theo giờ Việt Nam)",
		"the day the figures are for (yyyy-mm-dd or dd/mm/yyyy; default: today in Vietnam)"))
	q.registerSeries(m, fs, from)
}

// registerSeries registers --known-at and --from, for a series of days (timeline), which has no
// single --as-of day.
func (q *queryFlags) registerSeries(m *Main, fs *pflag.FlagSet, from string) {
	fs.StringVar(&q.knownAt, "known-at", "", m.t(
		"theo những gì sổ cái đã biết tại thời điểm này (ghi một ngày nghĩa là cuối ngày đó theo giờ Việt Nam; mặc định: bây giờ)",
		"as the ledger knew it at this time (a date means the end of that day in Vietnam; default: now)"))
	fs.StringVar(&q.from, "from", "", from)
}

func (q *queryFlags) query() (domain.Query, error) {
	out := domain.Query{AsOf: domain.DateOf(time.Now()), From: domain.ReportPeriodStart}
	if q.asOf != "" {
		d, err := domain.ParseDate(q.asOf)
		if err != nil {
			return out, domain.Invalid("as-of", "%v", err)
		}
		out.AsOf = d
	}
	if q.from != "" {
		d, err := domain.ParseDate(q.from)
		if err != nil {
			return out, domain.Invalid("from", "%v", err)
		}
		out.From = d
	}
	k, err := domain.ParseKnownAt(q.knownAt)
	if err != nil {
		return out, domain.Invalid("known-at", "%v", err)
	}
	out.KnownAt = k
	return out, nil
}

// periodQuery is query for the commands whose --from starts the period of the flow figures: a
// period given must not end before it starts. (Without --from, a day before the default start
// 01/01/2021 simply has empty flows.)
func (q *queryFlags) periodQuery() (domain.Query, error) {
	out, err := q.query()
	if err == nil && q.from != "" && out.From > out.AsOf {
		err = domain.Invalid("from", "%s is after --as-of %s", out.From.VN(), out.AsOf.VN())
	}
	return out, err
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
	c := &cobra.Command{
		Use: "figures " + m.t("[--as-of NGÀY] [--known-at THỜI-ĐIỂM] [--from NGÀY-ĐẦU-KỲ] [--by TIÊU-CHÍ[,TIÊU-CHÍ]] [--json]",
			"[--as-of D] [--known-at K] [--from D0] [--by DIM[,DIM]] [--json]"),
		Short: m.t("số liệu của báo cáo cho một ngày, theo sổ cái tại một thời điểm, có phân tổ",
			"the report's figures for a day, as known at a time, with breakdowns"),
		Long: m.t(`Mỗi chỉ tiêu có một mã cố định (ocop.valid, salespoints.open, fairs.province…); lệnh
"ocopledger figures --list" liệt kê các mã cùng ý nghĩa của chúng. Chỉ tiêu thời điểm đếm những gì
đang có vào ngày đó; chỉ tiêu phát sinh trong kỳ (hội chợ, lượt tham gia) đếm những gì diễn ra từ
--from đến --as-of.
Tiêu chí phân tổ dùng cho --by: `+strings.Join(domain.Dimensions(), ", "),
			`Figures are identified by stable IDs (ocop.valid, salespoints.open, fairs.province…);
"ocopledger figures --list" lists them with their meaning. Stock figures count what holds on the
day; flow figures (fairs, participations) count what happened from --from to --as-of.
Dimensions for --by: `+strings.Join(domain.Dimensions(), ", ")),
		Example: `  ocopledger figures --as-of 07/08/2025 --known-at 07/08/2025
  ocopledger figures --as-of 30/06/2025 --by stars,former_province
  ocopledger figures --list`,
		RunE: func(c *cobra.Command, args []string) error { return runFigures(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	o.q.register(m, fs)
	fs.StringVar(&o.by, "by", "", m.t(
		"phân tổ số liệu theo các tiêu chí này, cách nhau bằng dấu phẩy",
		"break the figures down by these dimensions, comma-separated"))
	fs.BoolVar(&o.list, "list", false, m.t(
		"liệt kê các mã chỉ tiêu và ý nghĩa của chúng",
		"list the figure IDs and what they mean"))
	o.out.register(m, fs, false)
	return c
}

func newExplainCmd(m *Main) *cobra.Command {
	o := &explainOptions{}
	c := &cobra.Command{
		Use: "explain " + m.t("MÃ-CHỈ-TIÊU [--as-of NGÀY] [--known-at THỜI-ĐIỂM] [--from NGÀY-ĐẦU-KỲ] [--csv | --json]",
			"FIGURE [--as-of D] [--known-at K] [--from D0] [--csv | --json]"),
		Short: m.t("liệt kê từng đối tượng (sản phẩm, điểm bán…) được tính vào một chỉ tiêu, kèm các mục ghi làm căn cứ",
			"list the items that make up a figure, each with the entries behind it"),
		Example: `  ocopledger explain ocop.valid --as-of 07/08/2025
  ocopledger explain ocop.valid --as-of 07/08/2025 --csv > 642.csv`,
		RunE: func(c *cobra.Command, args []string) error { return runExplain(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	o.q.register(m, fs)
	fs.IntVar(&o.limit, "limit", 0, m.t(
		"chỉ liệt kê tối đa bấy nhiêu đối tượng, một trang (0: tất cả); trang sau: --after",
		"list at most this many items, a page (0: all); the next page: --after"))
	fs.StringVar(&o.after, "after", "", m.t(
		"liệt kê các đối tượng sau con trỏ này (dòng \"trang sau\" của trang trước)",
		"list the items after this cursor (the \"next\" line of the page before)"))
	o.out.register(m, fs, true)
	return c
}

func newDiffCmd(m *Main) *cobra.Command {
	o := &diffOptions{}
	c := &cobra.Command{
		Use: "diff " + m.t("--as-of NGÀY --known-at THỜI-ĐIỂM-1 [--vs THỜI-ĐIỂM-2]",
			"--as-of D --known-at K1 [--vs K2]"),
		Short: m.t("so sánh số liệu của một ngày theo sổ cái tại hai thời điểm, kèm các mục ghi đã làm số liệu thay đổi",
			"how the figures of a day differ between two knowledge times, and the entries that changed them"),
		Example: `  ocopledger diff --as-of 07/08/2025 --known-at 07/08/2025
  ocopledger diff --as-of 07/08/2025 --known-at 07/08/2025 --vs 30/09/2025`,
		RunE: func(c *cobra.Command, args []string) error { return runDiff(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	o.q.register(m, fs)
	fs.StringVar(&o.vs, "vs", "", m.t(
		"thời điểm thứ hai để so sánh (mặc định: bây giờ)",
		"the other knowledge time (default: now)"))
	o.out.register(m, fs, false)
	return c
}

func newTimelineCmd(m *Main) *cobra.Command {
	o := &timelineOptions{}
	c := &cobra.Command{
		Use: "timeline " + m.t("MÃ-CHỈ-TIÊU --from NGÀY-1 --to NGÀY-2 [--step day|week|month|year] [--known-at THỜI-ĐIỂM]",
			"FIGURE --from D1 --to D2 [--step day|week|month|year] [--known-at K]"),
		Short: m.t("diễn biến của một chỉ tiêu theo ngày, tuần, tháng hoặc năm (để vẽ biểu đồ)",
			"a figure day by day, week by week or month by month (for charts)"),
		Example: `  ocopledger timeline ocop.valid --from 01/01/2025 --to 30/10/2025
  ocopledger timeline salespoints.open --from 2024-01-01 --step year --json`,
		RunE: func(c *cobra.Command, args []string) error { return runTimeline(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	o.q.registerSeries(m, fs, m.t(
		"ngày đầu tiên của chuỗi số liệu (bắt buộc; yyyy-mm-dd hoặc dd/mm/yyyy)",
		"first day of the series (required; yyyy-mm-dd or dd/mm/yyyy)"))
	fs.StringVar(&o.to, "to", "", m.t(
		"ngày cuối (mặc định: hôm nay)",
		"last day (default: today)"))
	fs.StringVar(&o.step, "step", "month", m.t(
		"bước thời gian: day (ngày), week (tuần), month (tháng) hoặc year (năm)",
		"day, week, month or year"))
	o.out.register(m, fs, false)
	return c
}

func newExpiringCmd(m *Main) *cobra.Command {
	o := &expiringOptions{}
	c := &cobra.Command{
		Use: "expiring " + m.t("[--within 30d] [--as-of NGÀY] [--known-at THỜI-ĐIỂM]",
			"[--within 30d] [--as-of D] [--known-at K]"),
		Short: m.t("các giấy chứng nhận sắp hết hiệu lực (phải báo trước cho chủ thể 30 ngày)",
			"certificates that reach the end of their validity soon (producers must be warned 30 days ahead)"),
		Example: `  ocopledger expiring --as-of 07/08/2025
  ocopledger expiring --within 90d --json`,
		RunE: func(c *cobra.Command, args []string) error { return runExpiring(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	o.q.register(m, fs)
	fs.StringVar(&o.within, "within", "30d", m.t(
		"khoảng thời gian tính bằng ngày (30d hoặc 30)",
		"the window, in days (30d or 30)"))
	o.out.register(m, fs, false)
	return c
}

func newRebuildCmd(m *Main) *cobra.Command {
	o := &rebuildOptions{}
	c := &cobra.Command{
		Use: "rebuild " + m.t("[--batch SỐ]", "[--batch N]"),
		Short: m.t("xóa số liệu đã tổng hợp và dựng lại từ sổ cái (có thanh tiến độ)",
			"drop the read models and rebuild them from the log (with a progress bar)"),
		Example: `  ocopledger rebuild --data ./demo
  ocopledger rebuild --nats nats://n1:4222,nats://n2:4222 --batch 5000`,
		RunE: func(c *cobra.Command, args []string) error { return runRebuild(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.IntVar(&o.batch, "batch", projections.DefaultBatchSize, m.t(
		"số sự kiện được áp dụng trong mỗi lần ghi số liệu đã tổng hợp",
		"events applied per read-model transaction"))
	return c
}

func runFigures(ctx context.Context, m *Main, o *figuresOptions, args []string) error {
	if o.list {
		if m.JSON {
			return m.printJSON(domain.Figures())
		}
		tw := tabwriter.NewWriter(m.Out, 0, 4, 2, ' ', 0)
		for _, f := range domain.Figures() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", f.ID, m.kind(f.Kind), f.Label(m.Lang))
		}
		return tw.Flush()
	}
	if len(args) > 0 {
		return usagef("figures takes no arguments (did you mean: ocopledger explain %s?)", args[0])
	}
	q, err := o.q.periodQuery()
	if err != nil {
		return err
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	var dims []string
	if o.by != "" {
		for _, dim := range strings.Split(o.by, ",") {
			dims = append(dims, strings.TrimSpace(dim))
		}
	}
	a, err := httpapi.AnswerFigures(ctx, p, q, dims, m.Lang, func(ctx context.Context, size uint64) checkpoint.Provenance {
		return m.provenance(ctx, p, size)
	})
	if err != nil {
		return err
	}
	if format == tables.FormatJSON {
		return o.out.printJSON(m, a)
	}
	if err := o.out.write(m, tables.Figures(a.Result, q, a.Provenance, m.Lang), format, opts); err != nil || format.File() {
		return err
	}
	m.printWarnings(m.Out, a.Warnings)
	return nil
}

// kind says how a figure reads time, as figures --list shows it (JSON keeps the kind's name).
func (m *Main) kind(k domain.FigureKind) string {
	switch k {
	case domain.Stock:
		return m.t("thời điểm", "stock")
	case domain.Cumulative:
		return m.t("lũy kế", "cumulative")
	case domain.Flow:
		return m.t("trong kỳ", "flow")
	}
	return string(k)
}

func figureArg(args []string, cmd string) (domain.Figure, error) {
	if len(args) != 1 {
		return domain.Figure{}, usagef("%s takes one figure ID, e.g. ocop.valid (ocopledger figures --list)", cmd)
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
	q, err := o.q.periodQuery()
	if err != nil {
		return err
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	items, next, total, err := explainItems(ctx, p, f.ID, q, o.limit, o.after)
	if err != nil {
		return err
	}
	pos := p.Figures(q).Position
	if format == tables.FormatJSON {
		out := map[string]any{"figure": f.ID, "as_of": q.AsOf.String(), "count": len(items), "items": items,
			"position": pos, "provenance": m.provenance(ctx, p, pos)}
		if next != "" {
			out["next"] = next
		}
		return o.out.printJSON(m, out)
	}
	var pv checkpoint.Provenance
	if format.File() {
		pv = m.provenance(ctx, p, pos)
	}
	return o.out.write(m, tables.Explain(f, items, total, next, q, pv, m.Lang), format, opts)
}

func runDiff(ctx context.Context, m *Main, o *diffOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "diff")
	}
	q, err := o.q.periodQuery()
	if err != nil {
		return err
	}
	if o.q.knownAt == "" {
		return domain.Invalid("known-at", "is missing: diff compares the figures as known at --known-at with the figures as known at --vs (default: now)")
	}
	vs, err := domain.ParseKnownAt(o.vs)
	if err != nil {
		return domain.Invalid("vs", "%v", err)
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	d, err := p.Diff(ctx, q, vs)
	if err != nil {
		return err
	}
	var pv checkpoint.Provenance
	if format == tables.FormatJSON || format.File() {
		pv = m.provenance(ctx, p, max(d.Positions[0], d.Positions[1]))
	}
	if format == tables.FormatJSON {
		return o.out.printJSON(m, struct {
			projections.DiffResult
			Provenance checkpoint.Provenance `json:"provenance"`
		}{d, pv})
	}
	return o.out.write(m, tables.Diff(d, pv, m.Lang), format, opts)
}

func runTimeline(ctx context.Context, m *Main, o *timelineOptions, args []string) error {
	f, err := figureArg(args, "timeline")
	if err != nil {
		return err
	}
	q, err := o.q.query()
	if err != nil {
		return err
	}
	if o.q.from == "" {
		return domain.Invalid("from", "is missing: give the first day of the series (yyyy-mm-dd or dd/mm/yyyy)")
	}
	to := domain.DateOf(time.Now())
	if o.to != "" {
		if to, err = domain.ParseDate(o.to); err != nil {
			return domain.Invalid("to", "%v", err)
		}
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	// For a flow figure the series counts from the first day of the series.
	pts, err := p.Timeline(f.ID, q.From, to, o.step, q.KnownAt, q.From)
	if err != nil {
		return err
	}
	if format == tables.FormatJSON {
		return o.out.printJSON(m, map[string]any{"figure": f.ID, "points": pts})
	}
	return o.out.write(m, tables.Timeline(f, pts, q.From, to, o.step, q.KnownAt, m.Lang), format, opts)
}

func runExpiring(ctx context.Context, m *Main, o *expiringOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "expiring")
	}
	q, err := o.q.query()
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSuffix(o.within, "d"))
	if err != nil {
		return domain.Invalid("within", "%q is not a number of days such as 30d", o.within)
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	items, err := p.Expiring(ctx, q, days)
	if err != nil {
		return err
	}
	if format == tables.FormatJSON {
		return o.out.printJSON(m, map[string]any{"as_of": q.AsOf.String(), "within_days": days, "items": items})
	}
	var pv checkpoint.Provenance
	if format.File() {
		pv = m.provenance(ctx, p, p.Figures(q).Position)
	}
	return o.out.write(m, tables.Expiring(items, q, days, pv, m.Lang), format, opts)
}

func runRebuild(ctx context.Context, m *Main, o *rebuildOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "rebuild")
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	p, err := m.Projection(projections.Options{BatchSize: o.batch, TuneProcess: true})
	if err != nil {
		return err
	}
	if err := p.Reset(); err != nil {
		return err
	}
	start := time.Now()
	bar := progress.New(m.Err, progress.Options{Label: m.t("dựng lại số liệu", "building figures"), Always: m.Verbose})
	err = p.CatchUp(ctx, l, bar.Update)
	bar.Done()
	if err == nil {
		err = m.recordKnown(p)
	}
	if err != nil {
		return err
	}
	st := p.Status()
	el := time.Since(start)
	if m.JSON {
		return m.printJSON(map[string]any{"events": st.Checkpoint, "seconds": el.Seconds(), "unknown_types": st.Unknown,
			"quarantined": st.Quarantined, "unacknowledged": st.Unacknowledged})
	}
	rate := ""
	if el > 0 {
		rate = i18n.Int(m.Lang, int64(float64(st.Checkpoint)/el.Seconds()))
	}
	fmt.Fprintf(m.Out, m.t("Đã dựng lại số liệu từ %s sự kiện trong %s (%s sự kiện/giây).\n", "Rebuilt the figures from %s events in %s (%s events/s).\n"),
		i18n.Int(m.Lang, int64(st.Checkpoint)), i18n.Duration(m.Lang, el), rate)
	for t, n := range st.Unknown {
		fmt.Fprintf(m.Out, m.t("Cảnh báo: %d sự kiện loại %q chưa được phiên bản này hiểu; hãy nâng cấp ocopledger.\n", "Warning: %d events of type %q are unknown to this version; upgrade ocopledger.\n"), n, t)
	}
	m.printWarnings(m.Out, p.Quarantined())
	return nil
}
