package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/report"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		vi, en string
	}{
		{0, "00", "0"},
		{2, "02", "2"},
		{9, "09", "9"},
		{10, "10", "10"},
		{642, "642", "642"},
		{1400, "1.400", "1,400"},
		{1234567, "1.234.567", "1,234,567"},
		{-7, "-07", "-7"},
		{-1400, "-1.400", "-1,400"},
	} {
		if got := report.Number(tc.n, "vi"); got != tc.vi {
			t.Errorf("Number(%d, vi) = %q; want %q", tc.n, got, tc.vi)
		}
		if got := report.Number(tc.n, "en"); got != tc.en {
			t.Errorf("Number(%d, en) = %q; want %q", tc.n, got, tc.en)
		}
	}
}

// facts470 are the figures Công văn 470/SCT-QLTM stated, as of 07/08/2025.
func facts470() report.Facts {
	return report.Facts{
		AsOf:        domain.MustDate(2025, 8, 7),
		KnownAt:     domain.MustDate(2025, 8, 7).EndOfDay(),
		PeriodStart: domain.ReportPeriodStart,
		Position:    1234,
		Figures: map[string]int64{
			"ocop.valid": 642, "ocop.valid.stars5": 2, "ocop.valid.stars4": 48, "ocop.valid.stars3": 592,
			"cnnttb.recognized.province": 160, "cnnttb.recognized.region": 42, "cnnttb.recognized.national": 17,
			"cnnttb.valid.province": 31, "cnnttb.valid.region": 14, "cnnttb.valid.national": 2,
			"salespoints.open": 23, "salespoints.open.state": 9, "salespoints.open.ministry": 2, "salespoints.open.private": 14,
			"fairs.province": 7, "fairs.district": 17, "market_sessions": 41, "supply_demand_conferences": 8,
			"trade_events": 76, "trade_events.participations": 603,
			"ecommerce.listed_products": 1400, "ecommerce.listed_businesses": 740, "ecommerce.ocop_on_marketplaces": 173,
		},
		FiveStar: []report.Product{
			{Item: "mach-nha-mantoza", Name: "Mạch nha Quảng Ngãi đường Mantoza", Producer: "Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi"},
			{Item: "toi-ly-son", Name: "Tỏi Lý Sơn", Producer: "Công ty TNHH Thương mại và Dịch vụ Phú Sinh"},
		},
		NationalCNNTTB: []report.Product{
			{Item: "bo-kho-thu-ba", Name: "Bò khô Thu Ba", Producer: "Công ty TNHH SX&TM Thu Ba"},
			{Item: "tra-sam-day-dato", Name: "Trà Sâm dây Ngọc Linh DATO"},
		},
	}
}

func render(t *testing.T, f report.Facts, lang, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Render(&b, f, lang, format); err != nil {
		t.Fatalf("Render(%s, %s): %v", lang, format, err)
	}
	return b.String()
}

func wantContains(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q\n--- output ---\n%s", w, out)
		}
	}
}

// The Vietnamese text reproduces the sentences of Công văn 470 word for word when given its figures,
// except that it says what the ledger counts exactly: "740 doanh nghiệp", not "hơn 740" ("more than").
func TestRenderVietnameseReproducesTheReport(t *testing.T) {
	out := render(t, facts470(), "vi", "text")
	wantContains(t, out,
		"Số liệu tính đến ngày 07/08/2025, theo sổ cái tại thời điểm 23:59:59 ngày 07/08/2025.",
		"Hiện nay trên địa bàn tỉnh Quảng Ngãi có 160 sản phẩm được công nhận là sản phẩm công nghiệp nông thôn tiêu biểu (CNNTTB) cấp tỉnh, có 42 sản phẩm CNNTTB cấp khu vực, 17 sản phẩm CNNTTB cấp Quốc gia. Đến nay, các chứng nhận còn hiệu lực đối với 31 sản phẩm CNNTTB cấp tỉnh, 14 sản phẩm CNNTTB cấp khu vực và 02 sản phẩm CNNTTB cấp quốc gia¹. Có 642 sản phẩm OCOP còn thời hạn; trong đó, có 02 sản phẩm đạt OCOP 5 sao², 48 sản phẩm đạt 4 sao và 592 sản phẩm đạt OCOP 3 sao.",
		"Toàn tỉnh Quảng Ngãi có 23 điểm giới thiệu và bán sản phẩm OCOP; trong đó, Nhà nước hỗ trợ 09 điểm (Bộ Công Thương hỗ trợ 02 điểm) và 14 điểm xã hội hóa 100%.",
		"đến nay đã hỗ trợ đăng 1.400 sản phẩm lên Sàn giao dịch thương mại điện tử cho 740 doanh nghiệp vừa và nhỏ",
		"Ngoài ra, có 173 sản phẩm OCOP của tỉnh được bán trên các sàn thương mại điện tử (shopee, Voso, postmart, ...).",
		"Giai đoạn 2021-2025 trên địa bàn tỉnh Quảng Ngãi tổ chức 07 Hội chợ cấp tỉnh, 17 hội chợ cấp huyện, 41 phiên chợ/đợt hàng Việt về nông thôn, miền núi, vùng sâu, vùng xa và hải đảo; tham mưu tổ chức 08 Hội nghị kết nối cung cầu",
		"hỗ trợ 603 lượt doanh nghiệp, hợp tác xã, cơ sở sản xuất trên địa bàn tỉnh tham gia 76 đợt hội chợ, phiên chợ, hội nghị kết nối cung cầu trong và ngoài tỉnh.",
		"¹ 02 sản phẩm CNNTTB cấp quốc gia: Bò khô Thu Ba; Trà Sâm dây Ngọc Linh DATO.",
		"² 02 sản phẩm OCOP 5 sao: Mạch nha Quảng Ngãi đường Mantoza của Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi; Tỏi Lý Sơn của Công ty TNHH Thương mại và Dịch vụ Phú Sinh.",
	)
}

func TestRenderEnglish(t *testing.T) {
	out := render(t, facts470(), "en", "text")
	wantContains(t, out,
		"Figures as of 2025-08-07, from the ledger as known at 2025-08-07 23:59:59 +07:00.",
		"and 2 national CNNTTB products¹. 642 OCOP products hold a certificate still in force; of these, 2 products are rated OCOP 5 stars², 48 products 4 stars and 592 products OCOP 3 stars.",
		"9 points are supported by the State (2 of them by the Ministry of Industry and Trade) and 14 points are 100% privately funded",
		"helped list 1,400 products on the e-commerce platform for 740 small, medium-sized",
		"and supported 603 participations of businesses, cooperatives and production establishments of the province in 76 fairs,",
		"In the 2021-2025 period the province of Quảng Ngãi held 7 provincial trade fairs, 17 district trade fairs and 41 ",
		"² 2 five-star OCOP products: Mạch nha Quảng Ngãi đường Mantoza of Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi; Tỏi Lý Sơn of Công ty TNHH Thương mại và Dịch vụ Phú Sinh.",
	)
}

func TestRenderMarkdownFootnotes(t *testing.T) {
	out := render(t, facts470(), "vi", "md")
	wantContains(t, out,
		"# Báo cáo tình hình thực hiện Chương trình mỗi xã một sản phẩm giai đoạn 2021-2025",
		"## 4. Công tác xúc tiến thương mại, kết nối cung cầu",
		"02 sản phẩm CNNTTB cấp quốc gia[^1]. Có 642",
		"[^2]: 02 sản phẩm OCOP 5 sao: Mạch nha",
	)
}

func TestRenderJSON(t *testing.T) {
	out := render(t, facts470(), "vi", "json")
	var got struct {
		AsOf      string           `json:"as_of"`
		Period    string           `json:"period"`
		Figures   map[string]int64 `json:"figures"`
		FiveStar  []report.Product `json:"five_star"`
		Sections  []struct{ Paragraphs []string }
		Footnotes []string `json:"footnotes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got.AsOf != "2025-08-07" || got.Figures["ecommerce.listed_products"] != 1400 || len(got.FiveStar) != 2 || len(got.Footnotes) != 2 {
		t.Errorf("as_of %q, listed products %d, %d five-star, %d footnotes; want 2025-08-07, 1400, 2, 2",
			got.AsOf, got.Figures["ecommerce.listed_products"], len(got.FiveStar), len(got.Footnotes))
	}
	if got.Period != "giai đoạn 2021-2025" {
		t.Errorf("period %q; want %q", got.Period, "giai đoạn 2021-2025")
	}
}

// Without valid 5★ or national CNNTTB products there is nothing to footnote, and no mark.
func TestRenderNoFootnotes(t *testing.T) {
	f := facts470()
	f.FiveStar, f.NationalCNNTTB = nil, nil
	f.Figures["ocop.valid.stars5"], f.Figures["cnnttb.valid.national"] = 0, 0
	out := render(t, f, "vi", "text")
	wantContains(t, out, "và 00 sản phẩm CNNTTB cấp quốc gia. Có", "có 00 sản phẩm đạt OCOP 5 sao, 48")
	if strings.ContainsAny(out, "¹²") {
		t.Errorf("footnote marks without footnotes:\n%s", out)
	}
}

func TestRenderPeriodWording(t *testing.T) {
	f := facts470()
	for _, tc := range []struct {
		start, asOf domain.Date
		want        string
	}{
		{domain.MustDate(2021, 1, 1), domain.MustDate(2025, 8, 7), "Giai đoạn 2021-2025 trên địa bàn"},
		{domain.MustDate(2025, 1, 1), domain.MustDate(2025, 8, 7), "Năm 2025 trên địa bàn"},
		{domain.MustDate(2021, 3, 15), domain.MustDate(2024, 12, 31), "Từ ngày 15/03/2021 đến ngày 31/12/2024 trên địa bàn"},
	} {
		f.PeriodStart, f.AsOf = tc.start, tc.asOf
		wantContains(t, render(t, f, "vi", "text"), tc.want)
	}
}

func TestRenderSyntheticLabelled(t *testing.T) {
	f := facts470()
	f.FiveStar[1].Synthetic = true
	wantContains(t, render(t, f, "vi", "text"), "Phú Sinh (dữ liệu mô phỏng).")
}

func TestRenderRefusesUnknownFormatAndLanguage(t *testing.T) {
	var b bytes.Buffer
	if err := report.Render(&b, facts470(), "vi", "pdf"); domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "format" {
		t.Errorf("format pdf: error %v; want invalid on field format", err)
	}
	if err := report.Render(&b, facts470(), "fr", "text"); domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "lang" {
		t.Errorf("lang fr: error %v; want invalid on field lang", err)
	}
}

// A figure is said as it is: the report never words an exact count as "more than" it.
func TestRenderSaysTheFigureExactly(t *testing.T) {
	for _, lang := range report.Languages {
		for _, format := range report.Formats {
			out := render(t, facts470(), lang, format)
			for _, vague := range []string{"hơn 740", "hơn 603", "hơn 76", "more than 740", "more than 603", "more than 76"} {
				if strings.Contains(out, vague) {
					t.Errorf("%s %s: the report says %q where the ledger counts exactly", lang, format, vague)
				}
			}
		}
	}
}
