package report_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/report"
)

var filedAt = time.Date(2025, 8, 7, 16, 0, 0, 0, domain.Vietnam)

func filed470(figures map[string]int64) domain.ReportFiled {
	return domain.ReportFiled{ReportID: "470-SCT-QLTM", DocumentNumber: "470/SCT-QLTM", Title: "V/v báo cáo tình hình thực hiện Chương trình mỗi xã một sản phẩm",
		Issuer: "Sở Công Thương Quảng Ngãi", Date: domain.MustDate(2025, 8, 7), AsOf: domain.MustDate(2025, 8, 7), Figures: figures}
}

// An amended report is reconciled with its corrected figures, at the time it was first filed.
func TestFindFiledAppliesCorrections(t *testing.T) {
	orig := filed470(map[string]int64{"ocop.valid": 624})
	fixed := filed470(map[string]int64{"ocop.valid": 642})
	rep, _ := json.Marshal(fixed)
	hist := []domain.Recorded{
		{ID: "f1", Type: domain.TypeReportFiled, Stream: "report.470-SCT-QLTM", Sequence: 7, RecordedAt: filedAt, Event: orig},
		{ID: "a1", Type: domain.TypeEventAmended, Stream: "report.470-SCT-QLTM", Sequence: 9, RecordedAt: filedAt.Add(48 * time.Hour),
			Event: domain.EventAmended{TargetStream: "report.470-SCT-QLTM", TargetID: "f1", TargetType: domain.TypeReportFiled, Reason: "gõ nhầm", Replacement: rep}},
	}
	f, ok := report.FindFiled(hist)
	if !ok {
		t.Fatal("no filed report found")
	}
	if f.Report.Figures["ocop.valid"] != 642 || !f.RecordedAt.Equal(filedAt) || f.EventID != "f1" || f.AmendedBy != "a1" {
		t.Errorf("got ocop.valid %d recorded %v entry %s amended by %q; want 642, %v, f1, a1",
			f.Report.Figures["ocop.valid"], f.RecordedAt, f.EventID, f.AmendedBy, filedAt)
	}
	if _, ok := report.FindFiled(hist[1:]); ok {
		t.Error("a history without report.filed yields a report")
	}
}

func sampleReconciliation() report.Reconciliation {
	late := projections.EntryChange{EventRef: projections.EventRef{Sequence: 15, ID: "late-cert", Type: "ocop.certified",
		Stream: "product.nhang-que", RecordedAt: filedAt.Add(8 * 24 * time.Hour), Source: "QĐ 812/QĐ-UBND"}, Delta: 1}
	return report.Reconciliation{
		Filed: report.Filed{Report: filed470(nil), EventID: "filed-470", Sequence: 14, RecordedAt: filedAt},
		AsOf:  domain.MustDate(2025, 8, 7), PeriodStart: domain.ReportPeriodStart, KnownAtFiling: filedAt,
		KnownNow: filedAt.Add(30 * 24 * time.Hour), Positions: [2]uint64{14, 18},
		Figures: []report.FigureCheck{
			{Figure: "ocop.valid", Stated: 2, AtFiling: 1, Now: 2, Status: report.StatusMismatchAtFiling,
				Since:   []projections.EntryChange{late},
				Counted: []report.Item{{Item: "toi-ly-son", Name: "Tỏi Lý Sơn", Producer: "Phú Sinh", Decision: "2361/QĐ-BNNMT", From: domain.MustDate(2025, 6, 26), Until: domain.MustDate(2028, 6, 26), EventID: "e1"}}},
			{Figure: "ecommerce.listed_products", Stated: 1400, AtFiling: 1400, Now: 1400, Status: report.StatusOK},
		},
		Mismatches: 1,
	}
}

func renderRecon(t *testing.T, r report.Reconciliation, lang, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.RenderReconciliation(&b, r, lang, format); err != nil {
		t.Fatalf("RenderReconciliation(%s, %s): %v", lang, format, err)
	}
	return b.String()
}

func TestRenderReconciliationText(t *testing.T) {
	out := renderRecon(t, sampleReconciliation(), "vi", "text")
	wantContains(t, out,
		"ĐỐI CHIẾU BÁO CÁO 470/SCT-QLTM NGÀY 07/08/2025 VỚI SỔ CÁI",
		"!!! SAI LỆCH: BÁO CÁO ĐÃ GỬI KHÔNG KHỚP VỚI SỔ CÁI TẠI THỜI ĐIỂM GỬI — 1/2 SỐ LIỆU KHÁC VỚI SỔ CÁI",
		"ecommerce.listed_products    1.400           1.400            1.400  khớp",
		"SAI LỆCH KHI GỬI: báo cáo nêu 2; sổ cái lúc gửi đếm 1 mục (chênh lệch -1).",
		"1. toi-ly-son — Tỏi Lý Sơn (Phú Sinh) · 2361/QĐ-BNNMT · từ 26/06/2025 đến 25/06/2028 · bút toán e1",
		"Sổ cái hiện nay cho đúng số đã báo cáo",
		"+1  bút toán late-cert  ocop.certified  product.nhang-que #15  ghi lúc 16:00:00 ngày 15/08/2025, nguồn: QĐ 812/QĐ-UBND",
	)
}

func TestRenderReconciliationEnglishMarkdown(t *testing.T) {
	r := sampleReconciliation()
	out := renderRecon(t, r, "en", "md")
	wantContains(t, out,
		"# Reconciliation of report 470/SCT-QLTM of 2025-08-07 with the ledger",
		"> **⚠ MISMATCH: THE FILED REPORT DID NOT MATCH THE LEDGER AT FILING TIME — 1 OF 2 FIGURES DIFFER FROM THE BOOKS**",
		"| `ocop.valid` | 2 | 1 | 2 | **MISMATCH AT FILING** |",
		"- **+1** `late-cert` ocop.certified `product.nhang-que`, position 15, recorded 2025-08-15 16:00:00 +07:00, source: QĐ 812/QĐ-UBND",
	)
	r.Figures[0].Status, r.Figures[0].AtFiling, r.Figures[0].Counted, r.Mismatches, r.MatchedAtFiling = report.StatusChangedSince, 1, nil, 0, true
	r.Figures[0].Stated = 1
	out = renderRecon(t, r, "en", "text")
	wantContains(t, out, "The report matched the ledger at filing time: 2 of 2 figures.", "changed since")
}

func TestRenderReconciliationJSON(t *testing.T) {
	out := renderRecon(t, sampleReconciliation(), "vi", "json")
	var got struct {
		Matched bool `json:"matched_at_filing"`
		Filed   struct {
			Report struct {
				DocumentNumber string `json:"document_number"`
			} `json:"report"`
		} `json:"filed"`
		Figures []struct {
			Status string `json:"status"`
			Since  []struct {
				ID    string `json:"id"`
				Delta int64  `json:"delta"`
			} `json:"changes_since_filing"`
		} `json:"figures"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Matched || got.Filed.Report.DocumentNumber != "470/SCT-QLTM" || got.Figures[0].Status != "mismatch_at_filing" ||
		len(got.Figures[0].Since) != 1 || got.Figures[0].Since[0].ID != "late-cert" {
		t.Errorf("unexpected JSON:\n%s", out)
	}
}
