package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
)

// Formats and languages Render and RenderReconciliation accept.
var (
	Formats   = []string{"text", "md", "json"}
	Languages = []string{"vi", "en"}
)

func checkOutput(lang, format string) error {
	if lang != "vi" && lang != "en" {
		return domain.Invalid("lang", "%q is not a language: give vi or en", lang)
	}
	switch format {
	case "text", "md", "json":
		return nil
	}
	return domain.Invalid("format", "%q is not a format: give text, md or json", format)
}

// Render writes the report's figures section from f: in Vietnamese, the sentences of Công văn
// 470/SCT-QLTM with the ledger's numbers; in English, their translation. format is text, md or
// json.
func Render(w io.Writer, f Facts, lang, format string) error {
	if err := checkOutput(lang, format); err != nil {
		return err
	}
	switch format {
	case "json":
		doc := compose(f, lang, superscript)
		return writeJSON(w, struct {
			Lang   string `json:"lang"`
			Title  string `json:"title"`
			Header string `json:"header"`
			Period string `json:"period"`
			Facts
			Sections  []section `json:"sections"`
			Footnotes []string  `json:"footnotes"`
		}{lang, doc.Title, doc.Header, period(f.PeriodStart, f.AsOf, lang, true), f, doc.Sections, doc.Footnotes})
	case "md":
		return compose(f, lang, mdNote).markdown(w)
	}
	return compose(f, lang, superscript).text(w)
}

// document is the report laid out independently of the output format.
type document struct {
	Title     string
	Header    string
	Sections  []section
	Footnotes []string
}

type section struct {
	Heading    string   `json:"heading"`
	Paragraphs []string `json:"paragraphs"`
}

// compose writes the sentences. mark turns a footnote number into its mark in the text.
func compose(f Facts, lang string, mark func(int) string) document {
	n := func(id string) string { return Number(f.Figures[id], lang) }
	var notes []string
	note := func(text string) string {
		notes = append(notes, text)
		return mark(len(notes))
	}
	en := lang == "en"
	var d document
	footCNNTTB, foot5 := "", ""

	// The footnotes, in the order their marks appear in the text.
	if len(f.NationalCNNTTB) > 0 {
		names := make([]string, len(f.NationalCNNTTB))
		for i, p := range f.NationalCNNTTB {
			names[i] = p.Name + syntheticTag(p, lang)
		}
		if en {
			footCNNTTB = note(fmt.Sprintf("%s national-level CNNTTB products: %s.", Number(int64(len(names)), lang), strings.Join(names, "; ")))
		} else {
			footCNNTTB = note(fmt.Sprintf("%s sản phẩm CNNTTB cấp quốc gia: %s.", Number(int64(len(names)), lang), strings.Join(names, "; ")))
		}
	}
	if len(f.FiveStar) > 0 {
		names := make([]string, len(f.FiveStar))
		for i, p := range f.FiveStar {
			names[i] = p.Name
			if p.Producer != "" {
				names[i] += map[bool]string{false: " của ", true: " of "}[en] + p.Producer
			}
			names[i] += syntheticTag(p, lang)
		}
		if en {
			foot5 = note(fmt.Sprintf("%s five-star OCOP products: %s.", Number(int64(len(names)), lang), strings.Join(names, "; ")))
		} else {
			foot5 = note(fmt.Sprintf("%s sản phẩm OCOP 5 sao: %s.", Number(int64(len(names)), lang), strings.Join(names, "; ")))
		}
	}
	d.Footnotes = notes

	if en {
		d.Title = fmt.Sprintf("Report on the implementation of the One Commune One Product Programme %s in Quảng Ngãi province (industry and trade sector)", period(f.PeriodStart, f.AsOf, lang, false))
		d.Header = fmt.Sprintf("Figures as of %s, from the ledger as known at %s.", f.AsOf.Format(lang), instant(f.KnownAt, lang))
		d.Sections = []section{
			{"2. Introduction-and-sales points of the One Commune One Product (OCOP) Programme", []string{
				fmt.Sprintf("Quảng Ngãi province currently has %s products recognised as typical rural industrial products (CNNTTB) at provincial level, %s CNNTTB products at regional level and %s CNNTTB products at national level. To date, certificates remain valid for %s provincial CNNTTB products, %s regional CNNTTB products and %s national CNNTTB products%s. %s OCOP products hold a certificate still in force; of these, %s products are rated OCOP 5 stars%s, %s products 4 stars and %s products OCOP 3 stars.",
					n("cnnttb.recognized.province"), n("cnnttb.recognized.region"), n("cnnttb.recognized.national"),
					n("cnnttb.valid.province"), n("cnnttb.valid.region"), n("cnnttb.valid.national"), footCNNTTB,
					n("ocop.valid"), n("ocop.valid.stars5"), foot5, n("ocop.valid.stars4"), n("ocop.valid.stars3")),
				fmt.Sprintf("The province of Quảng Ngãi as a whole has %s OCOP introduction-and-sales points; of these, %s points are supported by the State (%s of them by the Ministry of Industry and Trade) and %s points are 100%% privately funded.",
					n("salespoints.open"), n("salespoints.open.state"), n("salespoints.open.ministry"), n("salespoints.open.private")),
			}},
			{"3. Communication and promotion of OCOP products", []string{
				fmt.Sprintf("The Department of Industry and Trade maintains and regularly updates data on the Quảng Ngãi e-commerce trading platform https://quangngaitrade.gov.vn and the Kon Tum e-commerce platform https://kontumtrade.gov.vn, and has to date helped list %s products on the e-commerce platform for %s small, medium-sized and micro enterprises, production and business establishments, cooperatives and household businesses in the province. In addition, %s OCOP products of the province are sold on e-commerce marketplaces (Shopee, Voso, Postmart, ...).",
					n("ecommerce.listed_products"), n("ecommerce.listed_businesses"), n("ecommerce.ocop_on_marketplaces")),
			}},
			{"4. Trade promotion and supply-demand matching", []string{
				fmt.Sprintf("%s the province of Quảng Ngãi held %s provincial trade fairs, %s district trade fairs and %s Vietnamese-goods market sessions and campaigns in rural, mountainous, remote and island areas; advised on organising %s supply-demand conferences for the sale of Vietnamese goods; supported businesses in production, trade and export promotion, helping to boost production; and supported %s participations of businesses, cooperatives and production establishments of the province in %s fairs, market sessions and supply-demand conferences inside and outside the province.",
					capitalise(period(f.PeriodStart, f.AsOf, lang, true)), n("fairs.province"), n("fairs.district"), n("market_sessions"),
					n("supply_demand_conferences"), n("trade_events.participations"), n("trade_events")),
			}},
		}
		return d
	}
	d.Title = fmt.Sprintf("Báo cáo tình hình thực hiện Chương trình mỗi xã một sản phẩm %s trên địa bàn tỉnh Quảng Ngãi (Lĩnh vực ngành Công Thương)", period(f.PeriodStart, f.AsOf, lang, false))
	d.Header = fmt.Sprintf("Số liệu tính đến ngày %s, theo sổ cái tại thời điểm %s.", f.AsOf.VN(), instant(f.KnownAt, lang))
	d.Sections = []section{
		{"2. Tình hình xây dựng Điểm giới thiệu và bán sản phẩm thuộc Chương trình mỗi xã một sản phẩm (OCOP)", []string{
			fmt.Sprintf("Hiện nay trên địa bàn tỉnh Quảng Ngãi có %s sản phẩm được công nhận là sản phẩm công nghiệp nông thôn tiêu biểu (CNNTTB) cấp tỉnh, có %s sản phẩm CNNTTB cấp khu vực, %s sản phẩm CNNTTB cấp Quốc gia. Đến nay, các chứng nhận còn hiệu lực đối với %s sản phẩm CNNTTB cấp tỉnh, %s sản phẩm CNNTTB cấp khu vực và %s sản phẩm CNNTTB cấp quốc gia%s. Có %s sản phẩm OCOP còn thời hạn; trong đó, có %s sản phẩm đạt OCOP 5 sao%s, %s sản phẩm đạt 4 sao và %s sản phẩm đạt OCOP 3 sao.",
				n("cnnttb.recognized.province"), n("cnnttb.recognized.region"), n("cnnttb.recognized.national"),
				n("cnnttb.valid.province"), n("cnnttb.valid.region"), n("cnnttb.valid.national"), footCNNTTB,
				n("ocop.valid"), n("ocop.valid.stars5"), foot5, n("ocop.valid.stars4"), n("ocop.valid.stars3")),
			fmt.Sprintf("Toàn tỉnh Quảng Ngãi có %s điểm giới thiệu và bán sản phẩm OCOP; trong đó, Nhà nước hỗ trợ %s điểm (Bộ Công Thương hỗ trợ %s điểm) và %s điểm xã hội hóa 100%%.",
				n("salespoints.open"), n("salespoints.open.state"), n("salespoints.open.ministry"), n("salespoints.open.private")),
		}},
		{"3. Công tác tuyên truyền, quảng bá cho các sản phẩm OCOP", []string{
			fmt.Sprintf("Sở Công Thương duy trì, thường xuyên cập nhật dữ liệu lên Sàn giao dịch thương mại điện tử Quảng Ngãi https://quangngaitrade.gov.vn, Sàn giao dịch điện tử Kon tum https://kontumtrade.gov.vn và đến nay đã hỗ trợ đăng %s sản phẩm lên Sàn giao dịch thương mại điện tử cho %s doanh nghiệp vừa và nhỏ, siêu nhỏ, cơ sở sản xuất kinh doanh, HTX, hộ kinh doanh trên địa bàn tỉnh. Ngoài ra, có %s sản phẩm OCOP của tỉnh được bán trên các sàn thương mại điện tử (shopee, Voso, postmart, ...).",
				n("ecommerce.listed_products"), n("ecommerce.listed_businesses"), n("ecommerce.ocop_on_marketplaces")),
		}},
		{"4. Công tác xúc tiến thương mại, kết nối cung cầu", []string{
			fmt.Sprintf("%s trên địa bàn tỉnh Quảng Ngãi tổ chức %s Hội chợ cấp tỉnh, %s hội chợ cấp huyện, %s phiên chợ/đợt hàng Việt về nông thôn, miền núi, vùng sâu, vùng xa và hải đảo; tham mưu tổ chức %s Hội nghị kết nối cung cầu, tiêu thụ sản phẩm hàng Việt; hỗ trợ doanh nghiệp sản xuất, kinh doanh, đẩy mạnh xuất khẩu, góp phần thúc đẩy sản xuất; hỗ trợ %s lượt doanh nghiệp, hợp tác xã, cơ sở sản xuất trên địa bàn tỉnh tham gia %s đợt hội chợ, phiên chợ, hội nghị kết nối cung cầu trong và ngoài tỉnh.",
				capitalise(period(f.PeriodStart, f.AsOf, lang, true)), n("fairs.province"), n("fairs.district"), n("market_sessions"),
				n("supply_demand_conferences"), n("trade_events.participations"), n("trade_events")),
		}},
	}
	return d
}

// syntheticTag labels demo data so that it is never presented as a real record.
func syntheticTag(p Product, lang string) string {
	if !p.Synthetic {
		return ""
	}
	if lang == "en" {
		return " (synthetic)"
	}
	return " (dữ liệu mô phỏng)"
}

// period words the period of the flow figures: "giai đoạn 2021-2025" when it starts on
// 1 January, "năm 2025" within one year, else "từ ngày 15/03/2021 đến ngày 07/08/2025".
// inSentence gives the English form that opens a sentence ("in 2021-2025").
func period(start, asOf domain.Date, lang string, inSentence bool) string {
	y0, m0, d0 := start.YMD()
	y1 := asOf.Year()
	whole := m0 == 1 && d0 == 1
	switch {
	case lang == "en" && whole && y0 == y1:
		return fmt.Sprintf("in %d", y1)
	case lang == "en" && whole && inSentence:
		return fmt.Sprintf("in the %d-%d period", y0, y1)
	case lang == "en" && whole:
		return fmt.Sprintf("%d-%d", y0, y1)
	case lang == "en":
		return fmt.Sprintf("from %s to %s", start.Format(lang), asOf.Format(lang))
	case whole && y0 == y1:
		return fmt.Sprintf("năm %d", y1)
	case whole:
		return fmt.Sprintf("giai đoạn %d-%d", y0, y1)
	}
	return fmt.Sprintf("từ ngày %s đến ngày %s", start.VN(), asOf.VN())
}

// instant writes a knowledge time in Vietnam's time zone: "23:59:59 ngày 07/08/2025".
func instant(t time.Time, lang string) string {
	if t.IsZero() {
		if lang == "en" {
			return "now"
		}
		return "hiện tại"
	}
	t = t.In(domain.Vietnam)
	if lang == "en" {
		return t.Format("2006-01-02 15:04:05 -07:00")
	}
	return t.Format("15:04:05 ngày 02/01/2006")
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

var superscripts = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

// superscript marks footnote n in plain text: ¹, ², … ¹².
func superscript(n int) string {
	var b strings.Builder
	for _, c := range fmt.Sprint(n) {
		b.WriteRune(superscripts[c-'0'])
	}
	return b.String()
}

func mdNote(n int) string { return fmt.Sprintf("[^%d]", n) }

func (d document) text(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("%s\n%s\n", strings.ToUpper(d.Title), d.Header)
	for _, s := range d.Sections {
		ew.printf("\n%s\n", s.Heading)
		for _, p := range s.Paragraphs {
			ew.printf("%s\n", p)
		}
	}
	if len(d.Footnotes) > 0 {
		ew.printf("\n")
		for i, n := range d.Footnotes {
			ew.printf("%s %s\n", superscript(i+1), n)
		}
	}
	return ew.err
}

func (d document) markdown(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("# %s\n\n_%s_\n", d.Title, d.Header)
	for _, s := range d.Sections {
		ew.printf("\n## %s\n", s.Heading)
		for _, p := range s.Paragraphs {
			ew.printf("\n%s\n", p)
		}
	}
	if len(d.Footnotes) > 0 {
		ew.printf("\n")
		for i, n := range d.Footnotes {
			ew.printf("%s: %s\n", mdNote(i+1), n)
		}
	}
	return ew.err
}

// errWriter keeps the first write error so that a renderer can write freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
