package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// importErrors runs import --json on a file and returns the exit code and each row error as the
// clerk's sentence ("Dòng 14, cột 'Số sao': …").
func importErrors(t *testing.T, dir, file, kind string, extra ...string) (int, []string) {
	t.Helper()
	code, stdout, stderr := run(t, dir, "", append([]string{"import", file, "--kind", kind, "--json"}, extra...)...)
	var out struct {
		Errors []struct {
			Row             int
			Column, Message string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("import %s: exit %d, output %q (%v), stderr %s", file, code, stdout, err, stderr)
	}
	var got []string
	for _, e := range out.Errors {
		got = append(got, fmt.Sprintf("Dòng %d, cột '%s': %s", e.Row, e.Column, e.Message))
	}
	return code, got
}

// The committed example with errors: every row error at once, with its row, column and the
// clerk's sentence, exit code 2, and nothing stored.
func TestImportExampleErrors(t *testing.T) {
	dir := t.TempDir()
	code, got := importErrors(t, dir, "../../docs/examples/ocop-decision-errors.xlsx", "ocop-decision")
	want := []string{
		"Dòng 7, cột 'Số sao': 2 sao không được cấp giấy chứng nhận: chỉ sản phẩm 3, 4 hoặc 5 sao mới được chứng nhận",
		`Dòng 8, cột 'Số sao': "bốn" không phải là số sao: ghi 3, 4 hoặc 5`,
		"Dòng 9, cột 'Điểm': điểm 95 tương ứng với 5 sao, không phải 4 sao (3★ 50–<70, 4★ 70–<90, 5★ ≥90)",
		`Dòng 10, cột 'Bộ sản phẩm': "Z.9" không phải là bộ sản phẩm hợp lệ; hãy ghi một trong các giá trị: I.1, I.2, I.3, I.4a, I.4b, I.5, I.6, I.7, I.8, II.1, II.2, II.3, III.1, III.2, III.3, III.4, IV.1, IV.2, IV.3, IV.4, V.1, V.2, V.3, VI.1, VI.2, VI.3`,
		`Dòng 11, cột 'Loại hình chủ thể': "công ty" không phải là loại hình chủ thể hợp lệ; hãy ghi một trong các giá trị: cooperative, cooperative_group, enterprise, household`,
		"Dòng 12, cột 'Mã sản phẩm': đang để trống",
		"Dòng 13, cột 'Tên sản phẩm': đang để trống",
		`Dòng 14, cột 'Mã sản phẩm': "Cá bống sông Trà" chỉ được dùng chữ cái a–z, chữ số, '-' và '_' (không dấu cách, dấu chấm hay dấu tiếng Việt), tối đa 100 ký tự`,
		"Dòng 15, cột 'Tỉnh': đang để trống: hãy ghi tên tỉnh đúng như trong văn bản",
		`Dòng 16, cột 'Điểm': "bảy mươi" không phải là một số: ghi điểm như 78 hoặc 78,5`,
		"Dòng 17, cột 'Tên chủ thể': đang để trống",
		"Dòng 18, cột 'Mã chủ thể': đang để trống",
		"Dòng 20, cột 'Mã sản phẩm': trùng với dòng 19: mỗi sản phẩm chỉ ghi một lần trong một văn bản",
	}
	if code != 2 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exit %d, errors:\n%s\nwant exit 2 and:\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := lastSequence(t, dir); n != 0 {
		t.Errorf("a file with errors stored %d entries; want none", n)
	}
	code, got = importErrors(t, dir, "../../docs/examples/salespoints-errors.xlsx", "salespoints")
	want = []string{
		`Dòng 4, cột 'Loại địa điểm': "chợ đêm" không phải là loại địa điểm hợp lệ; hãy ghi một trong các giá trị: commercial_centre, commune_centre, craft_village, exhibition_centre, post_office, road_stop, tourist_site, transport_hub`,
		`Dòng 5, cột 'Nguồn kinh phí': "ngân hàng" không phải là nguồn kinh phí hợp lệ; hãy ghi một trong các giá trị: ministry, private, province`,
		`Dòng 6, cột 'Ngày mở': "31/02/2025" không phải là ngày có thật: tháng 02/2025 không có ngày 31`,
		"Dòng 7, cột 'Tỉnh': đang để trống: hãy ghi tên tỉnh đúng như trong văn bản",
		"Dòng 8, cột 'Tên điểm bán': đang để trống",
	}
	if code != 2 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("salespoints: exit %d, errors:\n%s\nwant exit 2 and:\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range []struct {
		kind string
		want []string
	}{
		{"cnnttb", []string{
			`Dòng 8, cột 'Mã sản phẩm': "Bò khô Thu Ba" chỉ được dùng chữ cái a–z, chữ số, '-' và '_' (không dấu cách, dấu chấm hay dấu tiếng Việt), tối đa 100 ký tự`,
			"Dòng 9, cột 'Tên sản phẩm': đang để trống",
			"Dòng 10, cột 'Tên chủ thể': đang để trống",
			"Dòng 11, cột 'Tỉnh': đang để trống: hãy ghi tên tỉnh đúng như trong văn bản",
			`Dòng 12, cột 'Dữ liệu mẫu': "chắc chắn" không phải là có hay không: ghi 'có' hoặc để trống`,
			"Dòng 14, cột 'Mã sản phẩm': trùng với dòng 13: mỗi sản phẩm chỉ ghi một lần trong một văn bản",
		}},
		{"participations", []string{
			`Dòng 12, cột 'Mã doanh nghiệp': "Phú Sinh" chỉ được dùng chữ cái a–z, chữ số, '-' và '_' (không dấu cách, dấu chấm hay dấu tiếng Việt), tối đa 100 ký tự`,
			"Dòng 13, cột 'Tên doanh nghiệp': đang để trống",
			"Dòng 15, cột 'Mã doanh nghiệp': trùng với dòng 14: mỗi doanh nghiệp chỉ ghi một lần trong một văn bản",
			"Dòng 16, cột 'Mã doanh nghiệp': đang để trống",
		}},
		{"listings", []string{
			`Dòng 4, cột 'Sàn TMĐT': "Amazon" không phải là sàn thương mại điện tử hợp lệ; hãy ghi một trong các giá trị: kontumtrade, lazada, postmart, quangngaitrade, shopee, tiki, tiktok, voso`,
			`Dòng 5, cột 'Ngày đăng': "31/13/2025" không phải là ngày có thật: không có tháng 13`,
			"Dòng 6, cột 'Mã sản phẩm OCOP': đang để trống: tin đăng bán sản phẩm OCOP phải ghi rõ sản phẩm OCOP",
			"Dòng 7, cột 'Ngày gỡ': ngày 01/03/2025 trước ngày đăng bán (10/03/2025)",
			`Dòng 8, cột 'Sản phẩm OCOP': "chưa rõ" không phải là có hay không: ghi 'có' hoặc để trống`,
			"Dòng 9, cột 'Mã doanh nghiệp': đang để trống",
			"Dòng 10, cột 'Mã niêm yết': không có tin đăng bán lazada-ca-phe nào được ghi nhận",
		}},
	} {
		code, got = importErrors(t, dir, "../../docs/examples/"+c.kind+"-errors.xlsx", c.kind)
		if code != 2 || strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: exit %d, errors:\n%s\nwant exit 2 and:\n%s", c.kind, code, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
	if n := lastSequence(t, dir); n != 0 {
		t.Errorf("files with errors stored %d entries; want none", n)
	}
	// In English, as a table.
	code, stdout, _ := run(t, dir, "", "import", "../../docs/examples/ocop-decision-errors.xlsx", "--kind", "ocop-decision", "--lang", "en")
	if code != 2 || !strings.Contains(stdout, "Row  Column") || !strings.Contains(stdout, `"bốn" is not a number of stars: write 3, 4 or 5`) {
		t.Errorf("English error table: exit %d\n%s", code, stdout)
	}
}

// The clean examples: a dry run stores nothing, the first import stores every row, the second
// stores nothing new.
func TestImportExampleTwice(t *testing.T) {
	dir := t.TempDir()
	file := "../../docs/examples/ocop-decision.xlsx"
	code, stdout, stderr := run(t, dir, "", "import", file, "--kind", "ocop-decision", "--dry-run")
	if code != 0 || stdout != "ocop-decision: 3 dòng, 3 mục ghi; sẽ ghi (chạy thử, chưa ghi gì) 3, đã có từ trước 0\n" {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := lastSequence(t, dir); n != 0 {
		t.Fatalf("a dry run stored %d entries", n)
	}
	code, stdout, stderr = run(t, dir, "", "import", file, "--kind", "ocop-decision")
	if code != 0 || stdout != "ocop-decision: 3 dòng, 3 mục ghi; đã ghi 3, đã có từ trước 0\n" {
		t.Fatalf("first import: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, dir, "", "import", file, "--kind", "ocop-decision", "--lang", "en")
	if code != 0 || stdout != "ocop-decision: 3 rows, 3 entries; stored 0, already present 3\n" {
		t.Fatalf("second import: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, dir, "", "import", "../../docs/examples/salespoints.xlsx", "--kind", "salespoints")
	if code != 0 || stdout != "salespoints: 2 dòng, 3 mục ghi; đã ghi 3, đã có từ trước 0\n" {
		t.Fatalf("sales points: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, c := range []struct{ kind, first, again string }{
		{"cnnttb", "cnnttb: 4 dòng, 4 mục ghi; đã ghi 4, đã có từ trước 0\n", "cnnttb: 4 dòng, 4 mục ghi; đã ghi 0, đã có từ trước 4\n"},
		{"participations", "participations: 4 dòng, 5 mục ghi; đã ghi 5, đã có từ trước 0\n", "participations: 4 dòng, 5 mục ghi; đã ghi 0, đã có từ trước 5\n"},
		{"listings", "listings: 3 dòng, 4 mục ghi; đã ghi 4, đã có từ trước 0\n", "listings: 3 dòng, 4 mục ghi; đã ghi 0, đã có từ trước 4\n"},
	} {
		for _, want := range []string{c.first, c.again} {
			code, stdout, stderr = run(t, dir, "", "import", "../../docs/examples/"+c.kind+".xlsx", "--kind", c.kind)
			if code != 0 || stdout != want {
				t.Fatalf("%s: exit %d\n%s%s\nwant %s", c.kind, code, stdout, stderr, want)
			}
		}
	}
	if n := lastSequence(t, dir); n != 19 {
		t.Fatalf("the log holds %d entries; want 19", n)
	}
	// The figures see the imported recognitions, participations and listings, marked synthetic.
	for fig, item := range map[string]string{"cnnttb.recognized.province": "nuoc-mam-muoi-quy", "trade_events.participations": "hc-mau-2024/dori", "ecommerce.listed_products": "qnt-toi-ly-son"} {
		code, stdout, _ = run(t, dir, "", "explain", fig, "--as-of", "31/12/2025", "--json")
		if code != 0 || !strings.Contains(stdout, item) || !strings.Contains(stdout, `"synthetic": true`) {
			t.Errorf("explain %s after the import: exit %d\n%s", fig, code, stdout)
		}
	}
	// The figures see the imported certificates.
	code, stdout, _ = run(t, dir, "", "explain", "ocop.valid", "--json")
	if code != 0 || !strings.Contains(stdout, "mach-nha-mantoza-mau") {
		t.Errorf("explain ocop.valid after the import: exit %d\n%s", code, stdout)
	}
}

// A semicolon-separated CSV in decomposed Unicode, with the decision given once above the table.
func TestImportCSV(t *testing.T) {
	dir := t.TempDir()
	csv := norm.NFD.String("\uFEFFPhụ lục kèm theo quyết định\nSố quyết định:;1425/QĐ-UBND\nNgày quyết định:;25/12/2023\nCơ quan ban hành:;UBND tỉnh\n" +
		"Mã sản phẩm;Tên sản phẩm;Mã chủ thể;Tên chủ thể;Loại hình chủ thể;Bộ sản phẩm;Điểm;Số sao;Tỉnh\n" +
		"toi-ly-son;  Tỏi   Lý Sơn ;phu-sinh;Phú Sinh;Doanh nghiệp;I.4b;78,5;4★;Quảng Ngãi\n")
	file := filepath.Join(t.TempDir(), "phu-luc.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, dir, "", "import", file, "--kind", "ocop-decision")
	if code != 0 || stdout != "ocop-decision: 1 dòng, 1 mục ghi; đã ghi 1, đã có từ trước 0\n" {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, dir, "", "log", "--json")
	if code != 0 || !strings.Contains(stdout, `"product_name":"Tỏi Lý Sơn"`) || !strings.Contains(stdout, `"score":78.5`) {
		t.Errorf("the stored entry is not NFC with tidy spaces: %s", stdout)
	}
}

// The template: Vietnamese headers, drop-downs on the stars and the enumerations, an
// instructions sheet; imported blank, it says there is no row.
func TestImportTemplate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(t.TempDir(), "mau.xlsx")
	code, stdout, stderr := run(t, dir, "", "import", "--template", "ocop-decision", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Bảng,Hướng dẫn,Danh mục" {
		t.Errorf("sheets %s", got)
	}
	rows, _ := f.GetRows("Bảng")
	if len(rows) < 6 || rows[1][0] != "Số quyết định:" || strings.Join(rows[5], "|") != "Mã sản phẩm|Tên sản phẩm|Mã chủ thể|Tên chủ thể|Loại hình chủ thể|Bộ sản phẩm|Điểm|Số sao|Địa chỉ|Xã/Phường|Huyện|Tỉnh|Dữ liệu mẫu" {
		t.Errorf("template rows: %q", rows)
	}
	dvs, err := f.GetDataValidations("Bảng")
	if err != nil {
		t.Fatal(err)
	}
	ranges := map[string]string{}
	for _, dv := range dvs {
		ranges[dv.Sqref] = dv.Formula1
	}
	for _, want := range []string{"B4", "E7:E2006", "F7:F2006", "H7:H2006"} {
		if ranges[want] == "" {
			t.Errorf("no drop-down on %s; drop-downs: %v", want, ranges)
		}
	}
	lists, _ := f.GetCols("Danh mục")
	var stars []string
	for _, c := range lists {
		if c[0] == "Số sao" {
			stars = strings.Fields(strings.Join(c[1:], " "))
		}
	}
	if strings.Join(stars, ",") != "3,4,5" {
		t.Errorf("the stars drop-down offers %v; want 3, 4, 5", stars)
	}
	code, got := importErrors(t, dir, out, "ocop-decision")
	if code != 2 || len(got) != 1 || !strings.Contains(got[0], "không có dòng dữ liệu") {
		t.Errorf("a blank template imported: exit %d, %q", code, got)
	}
}

// --partial stores the valid rows and writes the rejected ones, under the rows above the table
// and its header, with their errors in a last column; fixed, that file imports; the original
// imported again stores nothing new (test).
func TestImportPartial(t *testing.T) {
	dir := t.TempDir()
	rejects := filepath.Join(t.TempDir(), "loi.xlsx")
	code, stdout, stderr := run(t, dir, "", "import", "../../docs/examples/participations-errors.xlsx", "--kind", "participations", "--partial", "--rejects", rejects)
	if code != 2 || !strings.HasSuffix(stdout, "participations: 5 dòng, 2 mục ghi; đã ghi 2, đã có từ trước 0\n") ||
		!strings.Contains(stderr, "4 lỗi trong 4 dòng; đã ghi các dòng hợp lệ; các dòng lỗi ở "+rejects) {
		t.Fatalf("partial import: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := lastSequence(t, dir); n != 2 {
		t.Fatalf("the log holds %d entries; want the event and one participation", n)
	}
	f, err := excelize.OpenFile(rejects)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Bảng")
	if len(rows) != 15 || rows[1][1] != "hc-mau-2024" || strings.Join(rows[10], "|") != "Mã doanh nghiệp|Tên doanh nghiệp|Dữ liệu mẫu|Lỗi cần sửa" ||
		rows[11][0] != "Phú Sinh" || !strings.HasPrefix(rows[11][3], "cột 'Mã doanh nghiệp': \"Phú Sinh\" chỉ được dùng chữ cái") {
		t.Fatalf("rejects file: %q", rows)
	}
	if err := f.SetCellValue("Bảng", "A12", "phu-sinh"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, stderr = run(t, dir, "", "import", rejects, "--kind", "participations", "--partial", "--rejects", rejects+".2.xlsx", "--lang", "en")
	if code != 2 || !strings.HasSuffix(stdout, "participations: 4 rows, 3 entries; stored 1, already present 2\n") {
		t.Fatalf("the fixed rejects: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, dir, "", "import", "../../docs/examples/participations-errors.xlsx", "--kind", "participations", "--partial", "--rejects", rejects)
	if code != 2 || !strings.HasSuffix(stdout, "participations: 5 dòng, 2 mục ghi; đã ghi 0, đã có từ trước 2\n") {
		t.Fatalf("partial import again: exit %d\n%s%s", code, stdout, stderr)
	}
	if n := lastSequence(t, dir); n != 3 {
		t.Fatalf("the log holds %d entries; want 3", n)
	}
}
