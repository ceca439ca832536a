package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"os"
	"strings"
	"testing"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

type importResult struct {
	Kind       string `json:"kind"`
	Rows       int    `json:"rows"`
	Valid      int    `json:"valid"`
	Stored     int    `json:"stored"`
	Duplicates int    `json:"duplicates"`
	Errors     []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../docs/examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *testEnv) importFile(path, token, contentType string, body []byte) (int, importResult) {
	e.t.Helper()
	r := e.do("POST", path, token, body, "Content-Type", contentType)
	var out importResult
	if err := json.Unmarshal(r.Body, &out); err != nil {
		e.t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	return r.Status, out
}

// POST /v1/imports over real HTTP: the file as the body or a multipart form, every row checked
// as POST /v1/events checks an event, 422 with every error and nothing stored, 200 when stored
// (the same file again: duplicates, nothing stored), dry runs and partial imports, the recorder
// role, a size limit and a type that says what to send (test).
func TestImport(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	status, out := e.importFile("/v1/imports?kind=ocop-decision&lang=en", recorderToken, xlsxType, example(t, "ocop-decision-errors.xlsx"))
	if status != 422 || out.Kind != "ocop-decision" || out.Rows != 14 || out.Valid != 1 || out.Stored != 0 || len(out.Errors) != 13 {
		t.Fatalf("file with errors: %d %+v", status, out)
	}
	if first := out.Errors[0]; first.Row != 7 || first.Column != "Số sao" || first.Field != "stars" ||
		first.Message != "2 stars get no certificate: only 3, 4 or 5 stars are certified" {
		t.Errorf("first error %+v", first)
	}
	if n := e.lastSeq(); n != 0 {
		t.Fatalf("a file with errors stored %d entries", n)
	}
	status, out = e.importFile("/v1/imports?kind=ocop-decision&dry_run=true", recorderToken, xlsxType, example(t, "ocop-decision.xlsx"))
	if status != 200 || out.Rows != 3 || out.Valid != 3 || out.Stored != 0 || len(out.Errors) != 0 || e.lastSeq() != 0 {
		t.Fatalf("dry run: %d %+v, log at %d", status, out, e.lastSeq())
	}
	for i, want := range []importResult{{Kind: "ocop-decision", Rows: 3, Valid: 3, Stored: 3}, {Kind: "ocop-decision", Rows: 3, Valid: 3, Duplicates: 3}} {
		status, out = e.importFile("/v1/imports?kind=ocop-decision", recorderToken, xlsxType, example(t, "ocop-decision.xlsx"))
		out.Errors = nil
		if status != 200 || out.Kind != want.Kind || out.Rows != want.Rows || out.Valid != want.Valid || out.Stored != want.Stored || out.Duplicates != want.Duplicates {
			t.Fatalf("import %d: %d %+v; want %+v", i+1, status, out, want)
		}
	}
	// A multipart form with the field "file", a CSV; in Vietnamese.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "diem-ban.csv")
	fw.Write([]byte("Mã điểm bán;Tên điểm bán;Loại địa điểm;Nguồn kinh phí;Đơn vị vận hành;Tỉnh;Ngày mở\n" +
		"dgt-csv;Điểm bán mẫu (dữ liệu mẫu);làng nghề;xã hội hóa 100%;HTX mẫu;Quảng Ngãi;15/08/2025\n" +
		"dgt-csv-2;Điểm bán mẫu 2;chợ đêm;xã hội hóa 100%;HTX mẫu;Quảng Ngãi;15/08/2025\n"))
	mw.Close()
	status, out = e.importFile("/v1/imports?kind=salespoints&partial=true", recorderToken, mw.FormDataContentType(), form.Bytes())
	if status != 200 || out.Rows != 2 || out.Valid != 1 || out.Stored != 1 || len(out.Errors) != 1 ||
		out.Errors[0].Row != 3 || out.Errors[0].Column != "Loại địa điểm" || !strings.HasPrefix(out.Errors[0].Message, `"chợ đêm" không phải là loại địa điểm hợp lệ`) {
		t.Fatalf("partial multipart CSV: %d %+v", status, out)
	}
	if n := e.lastSeq(); n != 4 {
		t.Errorf("the log holds %d entries; want 4", n)
	}
	// Who may, and what is refused before any row is read.
	for _, c := range []struct {
		name, path, token, ct string
		body                  []byte
		status                int
		field                 string
	}{
		{"viewer", "/v1/imports?kind=ocop-decision", viewerToken, xlsxType, example(t, "ocop-decision.xlsx"), 403, ""},
		{"no token", "/v1/imports?kind=ocop-decision", "", xlsxType, example(t, "ocop-decision.xlsx"), 401, ""},
		{"unknown kind", "/v1/imports?kind=fairs", recorderToken, xlsxType, example(t, "ocop-decision.xlsx"), 400, "kind"},
		{"bad dry_run", "/v1/imports?kind=cnnttb&dry_run=maybe", recorderToken, xlsxType, example(t, "cnnttb.xlsx"), 400, "dry_run"},
		{"JSON", "/v1/imports?kind=cnnttb", recorderToken, "application/json", []byte(`{}`), 415, "Content-Type"},
		{"empty", "/v1/imports?kind=cnnttb", recorderToken, xlsxType, []byte{}, 400, "file"},
		{"not a workbook", "/v1/imports?kind=cnnttb", recorderToken, xlsxType, []byte("hello"), 400, "file"},
		{"too large", "/v1/imports?kind=cnnttb", recorderToken, "text/csv", bytes.Repeat([]byte("a;b\n"), 4<<20+1), 413, "file"},
	} {
		r := e.do("POST", c.path, c.token, c.body, "Content-Type", c.ct)
		if r.Status != c.status {
			t.Errorf("%s: %d %s; want %d", c.name, r.Status, r.Body, c.status)
			continue
		}
		if _, field := r.errFields(t); c.field != "" && field != c.field {
			t.Errorf("%s: field %q; want %q (%s)", c.name, field, c.field, r.Body)
		}
	}
	r := e.do("POST", "/v1/imports?kind=cnnttb", recorderToken, bytes.Repeat([]byte("a;b\n"), 4<<20+1), "Content-Type", "text/csv")
	if m := r.json(t)["error"].(map[string]any); m["message"] != "file: dài 16777220 byte; mỗi lần nhập nhận tối đa 16 MiB: hãy chia bảng thành nhiều tệp" {
		t.Errorf("too large, in Vietnamese: %v", m)
	}
	if n := e.lastSeq(); n != 4 {
		t.Errorf("refused requests stored something: the log holds %d entries", n)
	}
}
