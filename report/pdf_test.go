package report_test

import (
	"bytes"
	"flag"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/ocopledger/ocopledger/report"
)

var screenshot = flag.Bool("screenshot", false, "write page 1 of the PDF report to docs/report-pdf.png")

const source470 = "Nguồn: 1.234 mục ghi đầu của sổ cái, mã băm gốc 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; có điểm kiểm chứng đã ký (ocopledger checkpoint, GET /v1/checkpoints)."

// poppler finds a poppler-utils tool; without it the test is skipped, saying why, except on CI.
func poppler(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found (install poppler-utils): %v", tool, err)
		}
		t.Skipf("%s not found: install poppler-utils (apt-get install poppler-utils) to check the PDF report", tool)
	}
	return p
}

func renderPDF(t *testing.T, lang string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.RenderPDF(&b, facts470(), lang, source470); err != nil {
		t.Fatalf("RenderPDF(%s): %v", lang, err)
	}
	return b.Bytes()
}

// pdfText extracts the text of a PDF with pdftotext, its lines joined by single spaces.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := poppler(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Pages 2 on begin with their number, which is not part of the sentence it interrupts.
	text := pageNumber.ReplaceAllString(string(out), "\f")
	return strings.Join(strings.Fields(text), " ")
}

var pageNumber = regexp.MustCompile(`\f\s*\d+\n`)

// The PDF says what the text report says: every line of Render's text — title, header,
// headings, sentences with their footnote marks, footnotes — is in the PDF's text, in NFC.
func TestRenderPDFSaysWhatTheTextSays(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			got := pdfText(t, renderPDF(t, lang))
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("the PDF's text is not NFC")
			}
			lines := strings.Split(render(t, facts470(), lang, "text"), "\n")
			lines = append(lines, source470)
			if lang == "vi" {
				lines = append(lines, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
					"UBND TỈNH QUẢNG NGÃI", "SỞ CÔNG THƯƠNG", "Quảng Ngãi, ngày 07 tháng 8 năm 2025",
					"V/v báo cáo tình hình thực hiện Chương trình mỗi xã một sản phẩm giai đoạn 2021-2025")
			}
			for _, l := range lines {
				if l = strings.Join(strings.Fields(l), " "); l != "" && !strings.Contains(got, l) {
					t.Errorf("the PDF lacks %q\n--- pdftotext ---\n%s", l, got)
				}
			}
			if lang == "vi" {
				wantContains(t, got, "Có 642 sản phẩm OCOP còn thời hạn", "cho 740 doanh nghiệp vừa và nhỏ", "1.400 sản phẩm",
					"Tỏi Lý Sơn của Công ty TNHH Thương mại và Dịch vụ Phú Sinh")
			}
		})
	}
}

// The same report gives the same bytes: the PDF is dated the report's day, not the clock's.
func TestRenderPDFDeterministic(t *testing.T) {
	a, b := renderPDF(t, "vi"), renderPDF(t, "vi")
	if !bytes.Equal(a, b) {
		t.Fatalf("two renderings differ (%d and %d bytes)", len(a), len(b))
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Contains(a, []byte("D:20250807000000")) {
		t.Errorf("not a PDF dated 07/08/2025: %.200q", a)
	}
	if len(a) > 200<<10 {
		t.Errorf("%d bytes: the fonts should be embedded as subsets", len(a))
	}
}

// Page 1 rendered by poppler decodes as a PNG with ink on it (and, with -screenshot, is kept as
// docs/report-pdf.png).
func TestRenderPDFPage1(t *testing.T) {
	tool := poppler(t, "pdftoppm")
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, renderPDF(t, "vi"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := "60"
	if *screenshot {
		res = "100"
	}
	if out, err := exec.Command(tool, "-r", res, "-png", "-f", "1", "-l", "1", "-singlefile", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("page 1 is not a PNG: %v", err)
	}
	bounds := img.Bounds()
	dark, all := 0, bounds.Dx()*bounds.Dy()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0x8000 {
				dark++
			}
		}
	}
	// A4 at 60 dpi is 496×702; a page of text inks a few per cent of it.
	if bounds.Dx() < 400 || bounds.Dy() < 600 || dark < all/200 || dark > all/5 {
		t.Errorf("page 1 is %dx%d with %d of %d pixels dark; want an A4 page of text", bounds.Dx(), bounds.Dy(), dark, all)
	}
	if *screenshot {
		gray := image.NewGray(bounds) // a page of black text: a quarter of the RGB file
		draw.Draw(gray, bounds, img, bounds.Min, draw.Src)
		var b bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&b, gray); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "report-pdf.png"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
