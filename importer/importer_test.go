package importer_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/importer"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// writeXLSX writes rows (values as given: strings, numbers) into a new workbook, merging A1:F1
// as a title row the way a decision's annex is laid out.
func writeXLSX(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell("Sheet1", "A1", "F1"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "phu-luc.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

var decisionHeader = []any{"STT", "Mã sản phẩm", "Tên sản phẩm", "Mã chủ thể", "Tên chủ thể", "Loại hình chủ thể", "Bộ sản phẩm", "Điểm", "Số sao", "Xã/Phường", "Tỉnh"}

func row(id, name string, kind, set string, score, stars any) []any {
	return []any{1, id, name, "phu-sinh", "Công ty TNHH Phú Sinh", kind, set, score, stars, "đặc khu Lý Sơn", "Quảng Ngãi"}
}

func TestDecisionErrorsAll(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	path := writeXLSX(t, [][]any{
		{"PHỤ LỤC DANH SÁCH SẢN PHẨM OCOP"},
		{"Số quyết định:", "1425/QĐ-UBND", "", "Ngày quyết định:", "25/12/2023"},
		{"Cơ quan ban hành: UBND tỉnh"},
		decisionHeader,
		row("toi-ly-son", "Tỏi Lý Sơn", "doanh nghiệp", "I.4b", 78, 2),
		row("toi-ly-son-2", "Tỏi", "doanh nghiệp", "I.4b", 78, "nhiều"),
		row("toi-ly-son-3", "Tỏi", "doanh nghiệp", "I.4b", 95, 3),
		row("toi-ly-son-4", "Tỏi", "doanh nghiệp", "Z.9", 78, 4),
		row("toi-ly-son-5", "Tỏi", "công ty", "I.4b", 78, 4),
		row("", "Tỏi", "doanh nghiệp", "I.4b", 78, 4),
		row("toi-ly-son-7", "", "doanh nghiệp", "I.4b", 78, 4),
		row("toi ly son 8", "Tỏi", "doanh nghiệp", "I.4b", 78, 4),
		row("toi-ly-son-9", "Tỏi", "doanh nghiệp", "I.4b", 78, 4),
		row("toi-ly-son-9", "Tỏi", "doanh nghiệp", "I.4b", 78, 4),
		append(row("toi-ly-son-15", "Tỏi", "doanh nghiệp", "I.4b", 78, 4)[:10], "  "),
		row("da-co", "Tỏi", "doanh nghiệp", "I.4b", "tám mươi", 4),
		row("da-co", "Tỏi", "Hợp tác xã", "I.4b", 85, 4),
	})
	// da-co already holds a valid certificate of another decision.
	if _, err := l.Record(t.Context(), "ocop.certified", []byte(`{"product_id":"da-co","product_name":"Tỏi","producer_id":"phu-sinh",
		"producer_name":"Phú Sinh","producer_kind":"enterprise","product_set":"I.4b","stars":4,
		"decision":{"number":"9/QĐ-UBND","date":"2023-01-01","authority":"province"},"address":{"province":"Quảng Ngãi"}}`), ledger.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	table, err := importer.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := importer.Import(t.Context(), l, importer.LookupKindMust("ocop-decision"), table, importer.Options{Source: "QĐ 1425/QĐ-UBND", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range out.Errors {
		got = append(got, e.Sentence("vi"))
	}
	want := []string{
		`Dòng 5, cột 'Số sao': 2 sao không được cấp giấy chứng nhận: chỉ sản phẩm 3, 4 hoặc 5 sao mới được chứng nhận`,
		`Dòng 6, cột 'Số sao': "nhiều" không phải là số sao: ghi 3, 4 hoặc 5`,
		`Dòng 7, cột 'Điểm': điểm 95 tương ứng với 5 sao, không phải 3 sao (3★ 50–<70, 4★ 70–<90, 5★ ≥90)`,
		`Dòng 8, cột 'Bộ sản phẩm': "Z.9" không phải là bộ sản phẩm hợp lệ; hãy ghi một trong các giá trị: I.1, I.2, I.3, I.4a, I.4b, I.5, I.6, I.7, I.8, II.1, II.2, II.3, III.1, III.2, III.3, III.4, IV.1, IV.2, IV.3, IV.4, V.1, V.2, V.3, VI.1, VI.2, VI.3`,
		`Dòng 9, cột 'Loại hình chủ thể': "công ty" không phải là loại hình chủ thể hợp lệ; hãy ghi một trong các giá trị: cooperative, cooperative_group, enterprise, household`,
		`Dòng 10, cột 'Mã sản phẩm': đang để trống`,
		`Dòng 11, cột 'Tên sản phẩm': đang để trống`,
		`Dòng 12, cột 'Mã sản phẩm': "toi ly son 8" chỉ được dùng chữ cái a–z, chữ số, '-' và '_' (không dấu cách, dấu chấm hay dấu tiếng Việt), tối đa 100 ký tự`,
		`Dòng 14, cột 'Mã sản phẩm': trùng với dòng 13: mỗi sản phẩm chỉ ghi một lần trong một văn bản`,
		`Dòng 15, cột 'Tỉnh': đang để trống: hãy ghi tên tỉnh đúng như trong văn bản`,
		`Dòng 16, cột 'Điểm': "tám mươi" không phải là một số: ghi điểm như 78 hoặc 78,5`,
		`Dòng 17, cột 'Mã sản phẩm': sản phẩm da-co đang có giấy chứng nhận 9/QĐ-UBND (4★, hiệu lực từ 01/01/2023 đến 31/12/2025); hãy ghi đánh giá lại (ocop.reevaluated) thay vì cấp giấy chứng nhận mới`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out.Stored != 0 || out.Rows != 13 {
		t.Errorf("outcome %+v: want 13 rows read and nothing stored", out)
	}
	if n, _ := l.LastSequence(t.Context()); n != 1 {
		t.Errorf("the log holds %d entries; want only the one recorded before the import", n)
	}
}

// A clean annex is stored whole; the same file again, however its text is normalised, stores
// nothing; a dry run stores nothing.
func TestDecisionImportTwice(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	k := importer.LookupKindMust("ocop-decision")
	rows := [][]any{
		{"PHỤ LỤC"},
		{"Số quyết định:", " 1425/QĐ-UBND "},
		{"Ngày quyết định:", 45285}, // 25/12/2023 as an Excel date
		{"Cơ quan ban hành:", "ubnd  TỈNH"},
		{"stt", "  mã   sản phẩm ", "Tên sản phẩm *", "Mã chủ thể", "Tên chủ thể", "Loại hình chủ thể", "Bộ sản phẩm", "Điểm", "Số sao (★)", "Xã / Phường", "Tỉnh"},
		row("toi-ly-son", "Tỏi Lý Sơn", "doanh nghiệp", "I.4b – Gia vị khác", "78,5", "4 sao"),
		row("mach-nha", "Mạch nha", "hợp tác xã", "I.6", 75, 4),
	}
	path := writeXLSX(t, rows)
	table, err := importer.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dry, err := importer.Import(t.Context(), l, k, table, importer.Options{Source: "QĐ 1425/QĐ-UBND", Actor: "test", DryRun: true})
	if err != nil || len(dry.Errors) > 0 || dry.Entries != 2 || dry.Stored != 0 {
		t.Fatalf("dry run: %+v %v %v", dry, err, dry.Errors)
	}
	if n, _ := l.LastSequence(t.Context()); n != 0 {
		t.Fatalf("a dry run stored %d entries", n)
	}
	first, err := importer.Import(t.Context(), l, k, table, importer.Options{Source: "QĐ 1425/QĐ-UBND", Actor: "test"})
	if err != nil || first.Stored != 2 || first.Present != 0 {
		t.Fatalf("first import: %+v %v %v", first, err, first.Errors)
	}
	// The same annex typed again in decomposed Unicode (NFD) with stray spaces.
	rows[1][1] = norm.NFD.String("1425/QĐ-UBND  ")
	rows[6][2] = norm.NFD.String(" Mạch  nha")
	table, _ = importer.ReadFile(writeXLSX(t, rows))
	again, err := importer.Import(t.Context(), l, k, table, importer.Options{Source: "QĐ 1425/QĐ-UBND", Actor: "test"})
	if err != nil || again.Stored != 0 || again.Present != 2 || len(again.Errors) > 0 {
		t.Fatalf("second import: %+v %v %v", again, err, again.Errors)
	}
	if n, _ := l.LastSequence(t.Context()); n != 2 {
		t.Fatalf("the log holds %d entries after importing twice; want 2", n)
	}
}

// In partial mode a row stores all its entries or none: a sales point that would open and close
// before it opened stores neither, the valid row is stored, and the rejected rows come back under
// the header with their errors (test).
func TestPartialRowAllOrNothing(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	table := [][]string{
		{"Danh sách điểm bán (dữ liệu mẫu)"},
		{"Mã điểm bán", "Tên điểm bán", "Loại địa điểm", "Nguồn kinh phí", "Đơn vị vận hành", "Tỉnh", "Ngày mở", "Ngày đóng"},
		{"dgt-a", "Điểm A", "làng nghề", "xã hội hóa 100%", "HTX A", "Quảng Ngãi", "15/08/2025", "01/08/2025"},
		{"dgt-b", "Điểm B", "làng nghề", "xã hội hóa 100%", "HTX B", "Quảng Ngãi", "15/08/2025"},
	}
	k := importer.LookupKindMust("salespoints")
	out, err := importer.Import(t.Context(), l, k, table, importer.Options{Actor: "test", Partial: true})
	if err != nil || out.Stored != 1 || out.Valid != 1 || out.Rows != 2 || len(out.Errors) != 1 {
		t.Fatalf("%+v, %v", out, err)
	}
	if got := out.Errors[0].Sentence("vi"); got != "Dòng 3, cột 'Ngày đóng': ngày 01/08/2025 trước ngày điểm bán mở cửa (15/08/2025)" {
		t.Errorf("error %q", got)
	}
	if n, _ := l.LastSequence(t.Context()); n != 1 {
		t.Errorf("the log holds %d entries; want only point B's opening", n)
	}
	if len(out.Rejected) != 3 || out.Rejected[1][8] != importer.RejectColumn || out.Rejected[2][0] != "dgt-a" || out.Rejected[0][0] != table[0][0] {
		t.Errorf("rejected rows %q", out.Rejected)
	}
}

// Participations that give their trade event on every row: the event is recorded once; a row
// that gives it otherwise is refused, and an error of the event names the event's column (test).
func TestParticipationsSharedEvent(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	head := []string{"Mã hoạt động", "Tên hoạt động", "Loại hoạt động", "Ngày bắt đầu", "Ngày kết thúc", "Địa điểm tổ chức", "Đơn vị tổ chức", "Tỉnh tổ chức", "Mã doanh nghiệp", "Tên doanh nghiệp"}
	ev := func(id, name, end string) []string {
		return []string{id, name, "hội chợ cấp tỉnh", "20/11/2024", end, "Quảng trường (dữ liệu mẫu)", "Sở Công Thương", "Quảng Ngãi"}
	}
	table := [][]string{head,
		append(ev("hc-a", "Hội chợ A", "24/11/2024"), "dn-1", "Doanh nghiệp 1"),
		append(ev("hc-a", "Hội chợ A", "24/11/2024"), "dn-2", "Doanh nghiệp 2"),
		append(ev("hc-a", "Hội chợ A khác", "24/11/2024"), "dn-3", "Doanh nghiệp 3"),
		append(ev("hc-b", "Hội chợ B", "10/11/2024"), "dn-1", "Doanh nghiệp 1"),
	}
	out, err := importer.Import(t.Context(), l, importer.LookupKindMust("participations"), table, importer.Options{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range out.Errors {
		got = append(got, e.Sentence("vi"))
	}
	want := []string{
		"Dòng 4: thông tin của hoạt động (tên, loại, ngày, địa điểm…) khác với dòng 2: mọi dòng của cùng một hoạt động phải ghi giống nhau",
		"Dòng 5, cột 'Ngày kết thúc': ngày 10/11/2024 trước ngày bắt đầu 20/11/2024",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || out.Stored != 0 {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out, err = importer.Import(t.Context(), l, importer.LookupKindMust("participations"), table[:3], importer.Options{Actor: "test"})
	if err != nil || out.Stored != 3 || out.Entries != 3 {
		t.Errorf("two participations of one event: %+v %v; want the event and two participations stored", out, err)
	}
}
