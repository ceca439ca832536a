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
	c := &cobra.Command{
		Use: "report " + m.t("[--as-of NGÀY] [--known-at THỜI-ĐIỂM] [--from NGÀY-ĐẦU-KỲ] [--format text|md|json|pdf] [--out TỆP] [--lang vi|en]",
			"[--as-of D] [--known-at K] [--from D0] [--format text|md|json|pdf] [--out FILE] [--lang vi|en]"),
		Short: m.t("viết phần số liệu của báo cáo OCOP (theo lời văn của Công văn 470/SCT-QLTM) cho một ngày",
			"write the figures section of the OCOP report (Công văn 470/SCT-QLTM wording) for a day"),
		Long: m.t(`Viết các câu của phần số liệu trong báo cáo (CNNTTB, sản phẩm OCOP theo hạng sao, điểm bán,
thương mại điện tử, xúc tiến thương mại) bằng số liệu của sổ cái cho ngày --as-of, theo những gì
sổ cái đã biết tại --known-at, kèm chú thích nêu tên các sản phẩm 5 sao và các sản phẩm CNNTTB cấp
quốc gia. Bản tiếng Việt theo văn phong của báo cáo: "02" cho số nhỏ hơn mười, "1.400" cho hàng
nghìn, ngày ghi dd/mm/yyyy.`,
			`Writes the sentences of the report's figures section (CNNTTB, OCOP stars, sales points,
e-commerce, trade promotion) with the ledger's numbers for --as-of, as the ledger knew them at
--known-at, and footnotes naming the 5-star products and the national CNNTTB products.
Vietnamese follows the report's style: "02" for numbers under ten, "1.400" for thousands,
dates dd/mm/yyyy.`),
		Example: `  ocopledger report --as-of 07/08/2025 --known-at 07/08/2025
  ocopledger report --as-of 2025-08-07 --format md --lang en
  ocopledger report --as-of 07/08/2025 --format pdf --out bao-cao.pdf`,
		RunE: func(c *cobra.Command, args []string) error { return runReport(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	o.q.register(m, fs)
	fs.StringVar(&o.format, "format", "text", m.t(
		"định dạng: text (văn bản), md (Markdown), json (--json tương đương với --format json) hoặc pdf (bản in khổ A4 theo thể thức công văn)",
		"text, md, json (--json is the same as --format json) or pdf (an A4 print in the layout of the Công văn)"))
	fs.StringVar(&o.out, "out", "", m.t(
		"ghi ra tệp này thay vì stdout",
		"write to this file instead of stdout"))
	return c
}

func newReconcileCmd(m *Main) *cobra.Command {
	o := &reconcileOptions{}
	c := &cobra.Command{
		Use: "reconcile " + m.t("SỐ-HIỆU-VĂN-BẢN|MÃ-BÁO-CÁO [--format text|md|json]",
			"DOCUMENT-NUMBER|REPORT-ID [--format text|md|json]"),
		Short: m.t("đối chiếu một báo cáo đã nộp với sổ cái: theo những gì biết khi nộp, và hiện nay",
			"check a filed report against the ledger: as known when it was filed, and now"),
		Long: m.t(`Tìm mục ghi report.filed của báo cáo (theo số hiệu văn bản, ví dụ 470/SCT-QLTM, hoặc theo mã
báo cáo, ví dụ 470-SCT-QLTM) và đối chiếu từng chỉ tiêu báo cáo đã nêu với sổ cái cho ngày lấy số
liệu của báo cáo: theo những gì sổ cái biết khi báo cáo được ghi nhận, và theo những gì biết đến
nay. Nêu các mục ghi từ đó đến nay đã làm thay đổi từng chỉ tiêu; chỉ tiêu nào mà sổ cái lúc nộp
không cho ra đúng số báo cáo đã nêu thì liệt kê các đối tượng sổ cái đã đếm.

Mã thoát: 0 báo cáo khớp với sổ cái tại thời điểm nộp (số liệu có thể đã thay đổi sau đó),
4 không khớp (được đánh dấu trong kết quả), 3 không có báo cáo này, 2 dữ liệu nhập không hợp lệ,
1 lỗi khác.`,
			`Finds the report.filed entry of the report (by its document number, e.g. 470/SCT-QLTM, or its
report ID, e.g. 470-SCT-QLTM) and sets each figure it stated against the ledger for its as-of day:
as the ledger knew it when the report was recorded, and as it knows it now. Names the entries
recorded since that change each figure, and, where the ledger at filing did not give the stated
figure, lists the items it counted.

Exit codes: 0 the report matched the ledger at filing time (figures may have changed since),
4 it did not (flagged in the output), 3 no such report, 2 invalid input, 1 other failure.`),
		Example: `  ocopledger reconcile 470/SCT-QLTM
  ocopledger reconcile 470-SCT-QLTM --format md --lang en`,
		RunE: func(c *cobra.Command, args []string) error { return runReconcile(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.StringVar(&o.format, "format", "text", m.t(
		"định dạng: text (văn bản), md (Markdown) hoặc json (--json tương đương với --format json)",
		"text, md or json (--json is the same as --format json)"))
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
