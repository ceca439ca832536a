package report

import (
	"embed"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/ocopledger/ocopledger/domain"
)

// The PDF's typeface: DejaVu Serif (Bitstream Vera licence, fonts/LICENSE), which has every
// precomposed Vietnamese letter. Times New Roman, customary for administrative documents, may
// not be embedded; DejaVu Serif is the nearest serif face we may redistribute. fpdf embeds
// only the glyphs the document uses.
//
//go:embed fonts/DejaVuSerif.ttf fonts/DejaVuSerif-Bold.ttf fonts/DejaVuSerif-Italic.ttf
var fonts embed.FS

const pdfFont = "DejaVuSerif"

// Page layout of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, margins top 20 mm, bottom 20 mm,
// left 30 mm, right 15 mm; body in 13 pt; page numbers centred at the top from page 2.
const (
	marginTop, marginBottom, marginLeft, marginRight = 20.0, 20.0, 30.0, 15.0
	bodySize, noteSize, sourceSize                   = 13.0, 11.0, 10.0
	lineGap                                          = 1.3 // line height as a multiple of the font size
)

// RenderPDF writes the report of f as a printable A4 document in the layout of Công văn
// 470/SCT-QLTM: the issuing body and the national motto, number, place and date, subject line,
// then the same title, sentences and footnotes as Render's text, and source — the line naming
// the log prefix (and checkpoint) the figures were computed from — last, as the text report ends
// with it. The bytes depend only on the arguments: the PDF is dated the report's day.
func RenderPDF(w io.Writer, f Facts, lang, source string) error {
	if err := checkOutput(lang, "text"); err != nil {
		return err
	}
	d := compose(f, lang, superscript)
	en := lang == "en"
	nfc := norm.NFC.String

	pdf := fpdf.New("P", "mm", "A4", "")
	for _, face := range []struct{ style, file string }{{"", "DejaVuSerif.ttf"}, {"B", "DejaVuSerif-Bold.ttf"}, {"I", "DejaVuSerif-Italic.ttf"}} {
		b, err := fonts.ReadFile("fonts/" + face.file)
		if err != nil {
			return err
		}
		pdf.AddUTF8FontFromBytes(pdfFont, face.style, b)
	}
	y, m, dd := f.AsOf.YMD()
	day := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, domain.Vietnam)
	pdf.SetCreationDate(day)
	pdf.SetModificationDate(day)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(nfc(d.Title), true)
	pdf.SetSubject(nfc(d.Header), true)
	pdf.SetAuthor(pick(en, "Department of Industry and Trade of Quảng Ngãi (ocopledger)", "Sở Công Thương Quảng Ngãi (ocopledger)"), true)
	pdf.SetCreator("ocopledger", false)
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.SetHeaderFunc(func() {
		if pdf.PageNo() < 2 {
			return
		}
		pdf.SetFont(pdfFont, "", bodySize)
		pdf.SetY(marginTop / 2)
		pdf.CellFormat(0, 5, fmt.Sprint(pdf.PageNo()), "", 1, "C", false, 0, "")
		pdf.SetY(marginTop)
	})
	pdf.AddPage()
	pageW, _ := pdf.GetPageSize()
	textW := pageW - marginLeft - marginRight
	lh := func(size float64) float64 { return size * lineGap * 25.4 / 72 }

	// The heading block: issuing body on the left, the national motto on the right, each
	// centred in its column; a short rule under the body's name and under the motto.
	leftW, rightX := 72.0, marginLeft+70.0
	rightW := pageW - marginRight - rightX
	centredLine := func(x, w float64, style string, size float64, s string, underline bool) {
		s = nfc(s)
		size = fit(pdf, style, size, w, s)
		pdf.SetFont(pdfFont, style, size)
		pdf.SetX(x)
		pdf.CellFormat(w, lh(size), s, "", 1, "C", false, 0, "")
		if underline {
			sw := pdf.GetStringWidth(s)
			if sw > w {
				sw = w
			}
			y := pdf.GetY() + 0.3
			pdf.SetLineWidth(0.25)
			pdf.Line(x+(w-sw)/2, y, x+(w+sw)/2, y)
		}
	}
	top := pdf.GetY()
	centredLine(marginLeft, leftW, "", 12, pick(en, "PEOPLE'S COMMITTEE OF QUẢNG NGÃI PROVINCE", "UBND TỈNH QUẢNG NGÃI"), false)
	centredLine(marginLeft, leftW, "B", 12, pick(en, "DEPARTMENT OF INDUSTRY AND TRADE", "SỞ CÔNG THƯƠNG"), true)
	leftEnd := pdf.GetY()
	pdf.SetY(top)
	centredLine(rightX, rightW, "B", 12, pick(en, "SOCIALIST REPUBLIC OF VIETNAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), false)
	centredLine(rightX, rightW, "B", 13, pick(en, "Independence - Freedom - Happiness", "Độc lập - Tự do - Hạnh phúc"), true)
	pdf.SetY(max(leftEnd, pdf.GetY()) + 3)
	row := pdf.GetY()
	// The number is left blank for the clerk, as on a draft awaiting its number at registration.
	centredLine(marginLeft, leftW, "", bodySize, pick(en, "No.:       /SCT-QLTM", "Số:       /SCT-QLTM"), false)
	pdf.SetFont(pdfFont, "", 12)
	pdf.SetX(marginLeft)
	pdf.MultiCell(leftW, lh(12), nfc(subject(d.Title, en)), "", "C", false)
	leftEnd = pdf.GetY()
	pdf.SetY(row)
	centredLine(rightX, rightW, "I", bodySize, placeDate(f.AsOf, lang), false)
	pdf.SetY(max(leftEnd, pdf.GetY()) + 6)

	// Title and the line saying which figures these are, as Render's text begins.
	pdf.SetFont(pdfFont, "B", bodySize)
	pdf.MultiCell(textW, lh(bodySize), nfc(strings.ToUpper(d.Title)), "", "C", false)
	pdf.SetFont(pdfFont, "I", bodySize)
	pdf.MultiCell(textW, lh(bodySize), nfc(d.Header), "", "C", false)
	for _, s := range d.Sections {
		pdf.Ln(3)
		pdf.SetFont(pdfFont, "B", bodySize)
		pdf.MultiCell(textW, lh(bodySize), nfc(s.Heading), "", "J", false)
		pdf.SetFont(pdfFont, "", bodySize)
		for _, p := range s.Paragraphs {
			pdf.Ln(1.5)
			pdf.MultiCell(textW, lh(bodySize), nfc(p), "", "J", false)
		}
	}
	if len(d.Footnotes) > 0 {
		pdf.Ln(5)
		y := pdf.GetY()
		pdf.SetLineWidth(0.2)
		pdf.Line(marginLeft, y, marginLeft+50, y)
		pdf.Ln(1.5)
		pdf.SetFont(pdfFont, "", noteSize)
		for i, n := range d.Footnotes {
			pdf.MultiCell(textW, lh(noteSize), nfc(superscript(i+1)+" "+n), "", "J", false)
		}
	}
	if source != "" {
		pdf.Ln(5)
		pdf.SetFont(pdfFont, "I", sourceSize)
		pdf.MultiCell(textW, lh(sourceSize), nfc(source), "", "L", false)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return pdf.Output(w)
}

// fit gives the largest size up to size at which s fits in w millimetres.
func fit(pdf *fpdf.Fpdf, style string, size, w float64, s string) float64 {
	for ; size > 8; size -= 0.5 {
		pdf.SetFont(pdfFont, style, size)
		if pdf.GetStringWidth(s) <= w {
			break
		}
	}
	return size
}

// subject is the Công văn's "V/v" line: what the letter is about, which is the report's title.
func subject(title string, en bool) string {
	if en {
		return "Re: " + title
	}
	r, n := utf8.DecodeRuneInString(title)
	return "V/v " + string(unicode.ToLower(r)) + title[n:]
}

// placeDate writes the place and date line: "Quảng Ngãi, ngày 07 tháng 8 năm 2025" (a day
// under 10 and the months 1 and 2 with a leading zero, as Nghị định 30/2020/NĐ-CP has it).
func placeDate(d domain.Date, lang string) string {
	y, m, day := d.YMD()
	if lang == "en" {
		return fmt.Sprintf("Quảng Ngãi, %d %s %d", day, time.Month(m), y)
	}
	month := fmt.Sprint(m)
	if m < 3 {
		month = fmt.Sprintf("%02d", m)
	}
	return fmt.Sprintf("Quảng Ngãi, ngày %02d tháng %s năm %d", day, month, y)
}

func pick(en bool, english, vietnamese string) string {
	if en {
		return english
	}
	return vietnamese
}
