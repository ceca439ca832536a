package tables_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/xuri/excelize/v2"
)

func TestTextCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"Trà Shan tuyết":      "Trà Shan tuyết",
		"=1+1":                "'=1+1",
		`=HYPERLINK("x","y")`: `'=HYPERLINK("x","y")`,
		"+cmd|' /C calc'!A0":  "'+cmd|' /C calc'!A0",
		"-5":                  "'-5",
		"@SUM(A1)":            "'@SUM(A1)",
		"\t=1":                "'\t=1",
		"\r=1":                "'\r=1",
		"a=1":                 "a=1",
		"'=1":                 "'=1",
	} {
		if got := tables.TextCell(in); got != want {
			t.Errorf("TextCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func date(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// hostileItems are two items of ocop.valid, one of them with text that a spreadsheet would
// read as formulas.
func hostileItems(t *testing.T) []projections.ExplainItem {
	rec := time.Date(2025, 7, 20, 9, 30, 0, 0, domain.Vietnam)
	return []projections.ExplainItem{
		{Item: "toi-ly-son", Stream: "product.toi-ly-son", From: date(t, "2024-03-01"), Until: date(t, "2027-03-01"),
			Attrs: domain.Attrs{Name: "Tỏi Lý Sơn", Producer: "HTX Lý Sơn", ProducerKind: "cooperative", Stars: 4, Decision: "1425/QĐ-UBND",
				Address: domain.Address{Commune: "Lý Sơn", Province: "Quảng Ngãi"}},
			Events: []projections.EventRef{{Sequence: 12, ID: "e12", Type: "ocop.certified", RecordedAt: rec, Source: "QĐ 1425/QĐ-UBND"}}},
		{Item: "toi-evil", Stream: "product.toi-evil", From: date(t, "2024-03-01"), Until: domain.Forever,
			Attrs: domain.Attrs{Name: `=HYPERLINK("http://evil.example","bấm")`, Producer: "+cmd|' /C calc'!A0", Stars: 3, Synthetic: true,
				Address: domain.Address{Commune: "-2+3", District: "@SUM(1)", Province: "Quảng Ngãi"}},
			Events: []projections.EventRef{{Sequence: 13, ID: "-1+1", Type: "ocop.certified", RecordedAt: rec, Source: "=WEBSERVICE(1)"}}},
	}
}

func explainTable(t *testing.T, lang string) *tables.Table {
	f, _ := domain.LookupFigure("ocop.valid")
	q := domain.Query{AsOf: date(t, "2025-08-07"), KnownAt: date(t, "2025-08-07").EndOfDay()}
	return tables.Explain(f, hostileItems(t), 2, "", q, checkpoint.Provenance{Size: 4498, Root: []byte{1, 2, 3}}, lang)
}

func TestCSVSeparatorAndNeutralising(t *testing.T) {
	for _, sep := range []rune{',', ';'} {
		var b bytes.Buffer
		if err := tables.WriteCSV(&b, explainTable(t, "vi"), tables.Options{Sep: sep}); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		if !strings.HasPrefix(s, "\ufeff") || !strings.Contains(s, "\r\n") {
			t.Errorf("sep %q: want a byte order mark and CRLF line ends: %q", sep, s[:40])
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
		r.Comma = sep
		recs, err := r.ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("sep %q: want a header and 2 rows: %v %q", sep, err, s)
		}
		if recs[0][4] != "số sao" || recs[1][4] != "4" || recs[1][7] != "01/03/2024" || recs[1][8] != "28/02/2027" || recs[2][8] != "" {
			t.Errorf("sep %q: stars, from, until = %q %q %q / until %q", sep, recs[1][4], recs[1][7], recs[1][8], recs[2][8])
		}
		for i, cell := range recs[2] {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("sep %q: column %q starts live: %q", sep, recs[0][i], cell)
			}
		}
		if recs[2][2] != `'=HYPERLINK("http://evil.example","bấm")` || recs[2][15] != "'-1+1" {
			t.Errorf("sep %q: name %q, entry IDs %q: want them quoted", sep, recs[2][2], recs[2][15])
		}
		if sep == ';' && strings.Count(strings.SplitN(s, "\r\n", 2)[0], ";") != 16 {
			t.Errorf("the header is not separated by ;: %q", strings.SplitN(s, "\r\n", 2)[0])
		}
	}
}

// openXLSX writes the table as XLSX and opens it with excelize.
func openXLSX(t *testing.T, tb *tables.Table) (*excelize.File, string) {
	t.Helper()
	var b bytes.Buffer
	if err := tables.WriteXLSX(&b, tb, tables.Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, f.GetSheetName(0)
}

func TestXLSXTypesAndNeutralising(t *testing.T) {
	f, sheet := openXLSX(t, explainTable(t, "vi"))
	if sheet != "ocop.valid" {
		t.Errorf("sheet %q, want ocop.valid", sheet)
	}
	title, _ := f.GetCellValue(sheet, "A1")
	if !strings.Contains(title, "ocop.valid") || !strings.Contains(title, "07/08/2025") || !strings.Contains(title, "4.498") || !strings.Contains(title, "AQID") {
		t.Errorf("A1 = %q: want the figure, the day, the log size and root", title)
	}
	head, _ := f.GetRows(sheet)
	if got := strings.Join(head[1][:5], "|"); got != "#|mã|tên|dữ liệu giả lập|số sao" {
		t.Errorf("Vietnamese headers %q", got)
	}
	// Numbers are numbers, dates are dates shown dd/mm/yyyy.
	for cell, want := range map[string]string{"A3": "1", "E3": "4", "E4": "3", "H3": "01/03/2024", "I3": "28/02/2027"} {
		typ, _ := f.GetCellType(sheet, cell)
		shown, _ := f.GetCellValue(sheet, cell)
		raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if shown != want || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s = %q (type %v, raw %q), want the number %s", cell, shown, typ, raw, want)
		}
		if strings.HasPrefix(want, "01/03") && raw != "45352" {
			t.Errorf("%s raw %q: want the Excel serial of 01/03/2024, 45352", cell, raw)
		}
	}
	if v, _ := f.GetCellValue(sheet, "I4"); v != "" {
		t.Errorf("I4 = %q: a validity without end is an empty cell", v)
	}
	// Formula-like text: kept as written, as text, with the quote prefix; never a formula.
	for _, cell := range []string{"C4", "J4", "L4", "M4", "P4", "Q4"} {
		v, _ := f.GetCellValue(sheet, cell)
		formula, _ := f.GetCellFormula(sheet, cell)
		typ, _ := f.GetCellType(sheet, cell)
		id, _ := f.GetCellStyle(sheet, cell)
		xf := f.Styles.CellXfs.Xf[id]
		if formula != "" || typ != excelize.CellTypeSharedString || xf.QuotePrefix == nil || !*xf.QuotePrefix || strings.HasPrefix(v, "'") {
			t.Errorf("%s = %q formula %q type %v quotePrefix %v: want text kept as written, quote-prefixed", cell, v, formula, typ, xf.QuotePrefix)
		}
	}
	if v, _ := f.GetCellValue(sheet, "C4"); v != `=HYPERLINK("http://evil.example","bấm")` {
		t.Errorf("C4 = %q", v)
	}
	// Frozen header, auto-filter, widths.
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes %+v %v: want rows 1-2 frozen", panes, err)
	}
	if w, _ := f.GetColWidth(sheet, "C"); w < 20 {
		t.Errorf("column C (names) is %v wide", w)
	}
	props, _ := f.GetDocProps()
	if !strings.Contains(props.Title, "ocop.valid") {
		t.Errorf("document title %q", props.Title)
	}
	if fl := f.GetDefinedName(); !hasFilter(fl) {
		t.Errorf("no auto-filter over the header row: %+v", fl)
	}
}

func hasFilter(names []excelize.DefinedName) bool {
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" && strings.Contains(n.RefersTo, "$A$2:$Q$4") {
			return true
		}
	}
	return false
}

func TestXLSXEnglishAndSameBytes(t *testing.T) {
	f, sheet := openXLSX(t, explainTable(t, "en"))
	rows, _ := f.GetRows(sheet)
	if got := strings.Join(rows[1][:5], "|"); got != "#|item|name|synthetic|stars" {
		t.Errorf("English headers %q", got)
	}
	var a, b bytes.Buffer
	if err := tables.WriteXLSX(&a, explainTable(t, "vi"), tables.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := tables.WriteXLSX(&b, explainTable(t, "vi"), tables.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same table gave two different files")
	}
}

func TestFormats(t *testing.T) {
	if _, err := tables.ParseFormat("format", "pdf", tables.FormatCSV, tables.FormatXLSX); domain.ErrorField(err) != "format" {
		t.Errorf("pdf: %v; want an error on field format", err)
	}
	if _, err := tables.ParseSep("sep", "\t"); domain.ErrorField(err) != "sep" {
		t.Errorf("tab: %v; want an error on field sep", err)
	}
	if got := explainTable(t, "vi").FileName(tables.FormatXLSX); got != "ocop.valid_2025-08-07.xlsx" {
		t.Errorf("file name %q", got)
	}
}
