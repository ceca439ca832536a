package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// tableExport is one table asked of the CLI as a file and of the API with ?format.
type tableExport struct {
	name     string
	args     []string // the command line, without --format and --out
	path     string   // the API's path and query, without format
	format   string   // csv or xlsx
	sep      string   // CSV separator, "" for the default
	filename string   // the API's Content-Disposition file name
	check    func(t *testing.T, body []byte)
}

// xlsxCells opens an XLSX file and returns its one sheet's rows.
func xlsxCells(t *testing.T, body []byte) (*excelize.File, string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) < 2 {
		t.Fatalf("sheet %s: %v, %d rows", sheet, err, len(rows))
	}
	return f, sheet, rows
}

// isNumber says whether a cell is stored as a number (dates included), not as text.
func isNumber(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	return err == nil && typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString
}

var tableExports = []tableExport{
	{"explain xlsx", []string{"explain", "ocop.valid", "--as-of", asOf, "--known-at", asOf},
		"/v1/figures/ocop.valid/explain?as_of=2025-08-07&known_at=2025-08-07", "xlsx", "", "ocop.valid_2025-08-07.xlsx",
		func(t *testing.T, body []byte) {
			f, sheet, rows := xlsxCells(t, body)
			if len(rows) != 2+642 {
				t.Errorf("%d rows; want the title, the header and the 642 products of ocop.valid", len(rows))
			}
			if !strings.HasPrefix(rows[0][0], "ocop.valid — ") || !strings.Contains(rows[0][0], "mã băm gốc") {
				t.Errorf("title %q: want the figure and the log's root", rows[0][0])
			}
			if rows[1][4] != "số sao" || rows[1][7] != "từ ngày" {
				t.Errorf("headers %q", rows[1])
			}
			if !isNumber(t, f, sheet, "E3") || !isNumber(t, f, sheet, "H3") || !isNumber(t, f, sheet, "A3") {
				t.Errorf("stars, from, # are not numbers: %q", rows[2])
			}
			if rows[2][7] != "25/02/2024" {
				t.Errorf("the first product's from day shows %q, want 25/02/2024", rows[2][7])
			}
		}},
	{"explain xlsx en", []string{"explain", "salespoints.open", "--as-of", asOf, "--known-at", later, "--lang", "en"},
		"/v1/figures/salespoints.open/explain?as_of=2025-08-07&known_at=2025-09-30&lang=en", "xlsx", "", "salespoints.open_2025-08-07.xlsx",
		func(t *testing.T, body []byte) {
			_, _, rows := xlsxCells(t, body)
			if rows[1][1] != "item" || rows[1][7] != "from" {
				t.Errorf("English headers %q", rows[1])
			}
		}},
	{"explain csv ;", []string{"explain", "ocop.valid", "--as-of", asOf, "--known-at", asOf},
		"/v1/figures/ocop.valid/explain?as_of=2025-08-07&known_at=2025-08-07", "csv", ";", "ocop.valid_2025-08-07.csv",
		func(t *testing.T, body []byte) {
			head, _, _ := strings.Cut(string(body), "\r\n")
			if head != "\ufeff#;mã;tên;dữ liệu giả lập;số sao;cấp/loại;quyết định;từ ngày;đến ngày;chủ thể;loại chủ thể;xã, phường;huyện;tỉnh;vị trí các mục ghi;mã các mục ghi;văn bản nguồn" {
				t.Errorf("header %q", head)
			}
		}},
	{"expiring xlsx", []string{"expiring", "--as-of", asOf, "--known-at", asOf, "--within", "60d"},
		"/v1/expiring?as_of=2025-08-07&known_at=2025-08-07&within=60", "xlsx", "", "expiring_2025-08-07.xlsx",
		func(t *testing.T, body []byte) {
			f, sheet, rows := xlsxCells(t, body)
			if len(rows) < 3 || rows[1][0] != "ngày cuối" || rows[1][1] != "số ngày còn lại" {
				t.Fatalf("rows %q", rows)
			}
			if !isNumber(t, f, sheet, "A3") || !isNumber(t, f, sheet, "B3") {
				t.Errorf("last day and days left are not numbers: %q", rows[2])
			}
		}},
	{"figures by stars and funding xlsx", []string{"figures", "--as-of", asOf, "--known-at", filedAt, "--by", "stars,funding"},
		"/v1/figures?as_of=2025-08-07&known_at=2025-08-07T16:00:00%2B07:00&by=stars,funding", "xlsx", "", "figures_2025-08-07.xlsx",
		func(t *testing.T, body []byte) {
			f, sheet, rows := xlsxCells(t, body)
			if rows[1][0] != "chỉ tiêu" || rows[1][5] != "số liệu" {
				t.Errorf("headers %q", rows[1])
			}
			found := false
			for i, r := range rows[2:] {
				if r[0] == "ocop.valid" && len(r) > 5 && r[2] == "" {
					found = r[5] == "642" && isNumber(t, f, sheet, fmt.Sprintf("F%d", i+3))
				}
			}
			if !found {
				t.Errorf("no row ocop.valid = 642 as a number: %q", rows[2:5])
			}
		}},
	{"figures csv en", []string{"figures", "--as-of", asOf, "--known-at", asOf, "--lang", "en"},
		"/v1/figures?as_of=2025-08-07&known_at=2025-08-07&lang=en", "csv", "", "figures_2025-08-07.csv",
		func(t *testing.T, body []byte) {
			if !strings.HasPrefix(string(body), "\ufefffigure,label,dimension,dimension label,value,count\r\n") || !strings.Contains(string(body), "\r\nocop.valid,") {
				t.Errorf("CSV %.200q", body)
			}
		}},
	{"diff xlsx", []string{"diff", "--as-of", asOf, "--known-at", filedAt, "--vs", later},
		"/v1/diff?as_of=2025-08-07&known_at=2025-08-07T16:00:00%2B07:00&vs=2025-09-30", "xlsx", "", "diff_2025-08-07.xlsx",
		func(t *testing.T, body []byte) {
			f, sheet, rows := xlsxCells(t, body)
			if len(rows) < 3 || rows[1][6] != "vị trí" || rows[1][7] != "ghi lúc" {
				t.Fatalf("rows %q", rows)
			}
			for _, cell := range []string{"C3", "D3", "E3", "F3", "G3", "H3"} {
				if !isNumber(t, f, sheet, cell) {
					t.Errorf("%s is not a number: %q", cell, rows[2])
				}
			}
			if !strings.Contains(rows[2][7], "/2025 ") {
				t.Errorf("recorded at shows %q; want dd/mm/yyyy hh:mm:ss", rows[2][7])
			}
		}},
	{"diff csv ;", []string{"diff", "--as-of", asOf, "--known-at", filedAt, "--vs", later},
		"/v1/diff?as_of=2025-08-07&known_at=2025-08-07T16:00:00%2B07:00&vs=2025-09-30", "csv", ";", "diff_2025-08-07.csv",
		func(t *testing.T, body []byte) {
			lines := strings.Split(string(body), "\r\n")
			if len(lines) < 3 || strings.Count(lines[0], ";") != 11 || strings.Count(lines[1], ";") < 11 {
				t.Errorf("CSV separated by ;: %.300q", body)
			}
		}},
	{"timeline xlsx", []string{"timeline", "salespoints.open", "--from", "01/01/2025", "--to", later, "--step", "month", "--known-at", later},
		"/v1/figures/salespoints.open/timeline?from=2025-01-01&to=2025-09-30&step=month&known_at=2025-09-30&period_from=2025-01-01", "xlsx", "", "salespoints.open_2025-09-30.xlsx",
		func(t *testing.T, body []byte) {
			f, sheet, rows := xlsxCells(t, body)
			if len(rows) != 2+9 || rows[2][0] != "01/01/2025" || !isNumber(t, f, sheet, "A3") || !isNumber(t, f, sheet, "B3") {
				t.Errorf("rows %q: want 9 months, dates and values as numbers", rows)
			}
		}},
	{"log xlsx", []string{"log", "--from", "4495", "--limit", "5"},
		"/v1/log?from=4495&limit=5", "xlsx", "", "log_4495.xlsx",
		func(t *testing.T, body []byte) {
			f, sheet, rows := xlsxCells(t, body)
			if len(rows) != 2+5 || rows[2][0] != "4495" || !isNumber(t, f, sheet, "A3") || !isNumber(t, f, sheet, "B3") || !isNumber(t, f, sheet, "F3") {
				t.Errorf("rows %q: want entries 4495 to 4499, position, time and version as numbers", rows)
			}
		}},
}

// The tables the CLI writes as files and the API's downloads of the same queries are the same
// bytes, and the files hold typed cells (numbers and dates as such), on the demo ledger.
func TestTableExportsSameFromCLIAndAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo into JetStream")
	}
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	files := make([][]byte, len(tableExports))
	for i, c := range tableExports {
		out := filepath.Join(t.TempDir(), "out."+c.format)
		args := append(append([]string{}, c.args...), "--format", c.format, "--out", out)
		if c.sep != "" {
			args = append(args, "--sep", c.sep)
		}
		code, stdout, errs := run(t, dir, "", args...)
		if code != 0 || stdout != "" {
			t.Fatalf("%s: exit %d, stdout %q: %s", c.name, code, stdout, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
		c.check(t, b)
	}

	base := serveGolden(t, dir)
	for i, c := range tableExports {
		path := c.path + "&format=" + c.format
		if c.sep != "" {
			path += "&sep=" + url.QueryEscape(c.sep) // a bare ; is not a query separator to Go's server
		}
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: GET %s: %d %s", c.name, path, res.StatusCode, body)
		}
		want := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[c.format]
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", c.name, got, want)
		}
		if got, want := res.Header.Get("Content-Disposition"), `attachment; filename="`+c.filename+`"`; got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", c.name, got, want)
		}
		if !bytes.Equal(body, files[i]) {
			t.Errorf("%s: the API's file (%d bytes) is not the CLI's (%d bytes)", c.name, len(body), len(files[i]))
		}
	}
}

// An XLSX file is not written to a terminal: the refusal names --out (a terminal is the only
// case; a file or a pipe gets the bytes).
func TestXLSXNotToATerminal(t *testing.T) {
	// The master side of a new pseudo-terminal is a terminal too.
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no terminal to write to: %v", err)
	}
	defer tty.Close()
	for _, lang := range []string{"vi", "en"} {
		var errb bytes.Buffer
		m := NewMain(strings.NewReader(""), tty, &errb)
		code := m.Run(t.Context(), []string{"explain", "ocop.valid", "--format", "xlsx", "--data", t.TempDir(), "--lang", lang})
		m.Close()
		if code != 2 || !strings.Contains(errb.String(), "--out") {
			t.Errorf("%s: exit %d: %s; want a usage error naming --out", lang, code, errb.String())
		}
	}
}
