package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

func TestRecordAndErrors(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	first := e.record("ocop.certified", cert("toi-a", 4, "2024-03-01"), "X-Source", "QĐ 1/QĐ-UBND")
	if first.Sequence != 1 {
		t.Fatalf("first entry at %d, want 1", first.Sequence)
	}

	big := bytes.Repeat([]byte(" "), 70<<10)
	copy(big, cert("toi-big", 4, "2024-03-01"))
	cases := []struct {
		name              string
		typ, token        string
		body              []byte
		hdr               []string
		status            int
		code, field       string
		wantAuthenticate  bool
		contentTypeNotSet bool
	}{
		{name: "unknown type", typ: "ocop.invented", token: recorderToken, body: cert("x", 4, "2024-01-01"), status: 400, code: "invalid", field: "type"},
		{name: "malformed JSON", typ: "ocop.certified", token: recorderToken, body: []byte(`{"product_id": "x",`), status: 400, code: "invalid"},
		{name: "2 stars", typ: "ocop.certified", token: recorderToken, body: cert("toi-2", 2, "2024-01-01"), status: 400, code: "invalid", field: "stars"},
		{name: "impossible date", typ: "ocop.certified", token: recorderToken, body: cert("toi-d", 4, "2024-02-30"), status: 400, code: "invalid", field: "decision.date"},
		{name: "bad If-Match", typ: "ocop.certified", token: recorderToken, body: cert("toi-m", 4, "2024-01-01"), hdr: []string{"If-Match", "yesterday"}, status: 400, code: "invalid", field: "If-Match"},
		{name: "bad Idempotency-Key", typ: "ocop.certified", token: recorderToken, body: cert("toi-k", 4, "2024-01-01"), hdr: []string{"Idempotency-Key", "has space"}, status: 400, code: "invalid", field: "Idempotency-Key"},
		{name: "stale If-Match", typ: "ocop.revoked", token: recorderToken, body: []byte(`{"product_id":"toi-a","certificate":"1/QĐ-toi-a","decision":{"number":"9/QĐ-UBND","date":"2024-06-01","authority":"province"},"reason":"voluntary"}`), hdr: []string{"If-Match", `"0"`}, status: 409, code: "conflict", field: "expected_version"},
		{name: "rule conflict: certified twice", typ: "ocop.certified", token: recorderToken, body: cert("toi-a", 4, "2024-05-01"), status: 409, code: "conflict"},
		{name: "no token", typ: "ocop.certified", body: cert("toi-n", 4, "2024-01-01"), status: 401, code: "unauthorized", wantAuthenticate: true},
		{name: "unknown token", typ: "ocop.certified", token: "not-a-token-at-all-xx", body: cert("toi-n", 4, "2024-01-01"), status: 401, code: "unauthorized", wantAuthenticate: true},
		{name: "viewer may not record", typ: "ocop.certified", token: viewerToken, body: cert("toi-n", 4, "2024-01-01"), status: 403, code: "forbidden"},
		{name: "too large", typ: "ocop.certified", token: recorderToken, body: big, status: 413, code: "invalid"},
		{name: "not JSON", typ: "ocop.certified", token: recorderToken, body: cert("toi-t", 4, "2024-01-01"), hdr: []string{"Content-Type", "text/plain"}, status: 415, code: "invalid", field: "Content-Type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.lastSeq()
			r := e.do("POST", "/v1/events/"+c.typ, c.token, c.body, c.hdr...)
			if r.Status != c.status {
				t.Fatalf("got %d %s, want %d", r.Status, r.Body, c.status)
			}
			code, field := r.errFields(t)
			if code != c.code || c.field != "" && field != c.field {
				t.Errorf("got code %q field %q, want %q %q (%s)", code, field, c.code, c.field, r.Body)
			}
			if c.wantAuthenticate && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer (got %q)", r.Header.Get("WWW-Authenticate"))
			}
			if after := e.lastSeq(); after != before {
				t.Errorf("the log moved from %d to %d on a refused entry", before, after)
			}
		})
	}

	t.Run("If-Match current version", func(t *testing.T) {
		r := e.do("POST", "/v1/events/ocop.revoked", recorderToken,
			[]byte(`{"product_id":"toi-a","certificate":"1/QĐ-toi-a","decision":{"number":"9/QĐ-UBND","date":"2024-06-01","authority":"province"},"reason":"voluntary"}`), "If-Match", `"1"`)
		if r.Status != 201 {
			t.Fatalf("got %d %s, want 201", r.Status, r.Body)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	body := cert("toi-idem", 4, "2024-03-01")
	r1 := e.do("POST", "/v1/events/ocop.certified", recorderToken, body, "Idempotency-Key", "import-2024-row-17")
	if r1.Status != 201 {
		t.Fatalf("first try: %d %s", r1.Status, r1.Body)
	}
	r2 := e.do("POST", "/v1/events/ocop.certified", recorderToken, body, "Idempotency-Key", "import-2024-row-17")
	if r2.Status != 200 {
		t.Fatalf("retry: got %d %s, want 200", r2.Status, r2.Body)
	}
	m1, m2 := r1.json(t), r2.json(t)
	if m2["duplicate"] != true || m1["duplicate"] != false {
		t.Errorf("duplicate flags: first %v, retry %v; want false, true", m1["duplicate"], m2["duplicate"])
	}
	if m1["sequence"] != m2["sequence"] || m2["id"] != "import-2024-row-17" {
		t.Errorf("retry answered %v, want the original position %v", r2.json(t), m1)
	}
	if n := e.lastSeq(); n != 1 {
		t.Errorf("the log holds %d events, want 1", n)
	}
}

func TestActorIsTheTokenIdentity(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	e.record("ocop.certified", cert("toi-actor", 4, "2024-03-01"), "X-Actor", "mallory", "Ocop-Actor", "mallory", "X-Forwarded-User", "mallory")
	// An actor in the payload is an unknown field: refused, nothing stored.
	var p map[string]any
	json.Unmarshal(cert("toi-actor2", 4, "2024-03-01"), &p)
	p["actor"] = "mallory"
	b, _ := json.Marshal(p)
	if r := e.do("POST", "/v1/events/ocop.certified", recorderToken, b); r.Status != 400 {
		t.Errorf("payload with actor: got %d, want 400", r.Status)
	}
	r := e.get("/v1/log", viewerToken)
	var page struct {
		Events []httpapi.Envelope `json:"events"`
	}
	json.Unmarshal(r.Body, &page)
	if len(page.Events) != 1 || page.Events[0].Actor != "ruby" {
		t.Fatalf("log: %s; want one event with actor ruby", r.Body)
	}
}

func TestReadEndpoints(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	e.record("ocop.certified", cert("toi-1", 4, "2024-03-01"))
	e.record("ocop.certified", cert("toi-2", 3, "2023-09-01"))
	e.record("ocop.certified", cert("toi-3", 4, "2025-09-01")) // after the report date
	e.waitApplied()

	t.Run("figures", func(t *testing.T) {
		r := e.get("/v1/figures?as_of=2025-08-07&by=stars", viewerToken)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var res struct {
			AsOf     string                                 `json:"as_of"`
			Position uint64                                 `json:"position"`
			Figures  map[string]int64                       `json:"figures"`
			By       map[string]map[string]map[string]int64 `json:"by"`
		}
		json.Unmarshal(r.Body, &res)
		if res.AsOf != "2025-08-07" || res.Position != 3 || res.Figures["ocop.valid"] != 2 || res.Figures["ocop.valid.stars4"] != 1 {
			t.Errorf("figures: %s", r.Body)
		}
		if sum := res.By["stars"]["ocop.valid"]; len(sum) == 0 {
			t.Errorf("no breakdown by stars: %s", r.Body)
		}
	})
	t.Run("figures known at", func(t *testing.T) {
		r := e.get("/v1/figures?as_of=2025-10-01&known_at=2000-01-01", viewerToken)
		if m := r.json(t); r.Status != 200 || m["figures"].(map[string]any)["ocop.valid"] != 0.0 {
			t.Errorf("known long ago: %s", r.Body)
		}
	})
	t.Run("one figure", func(t *testing.T) {
		r := e.get("/v1/figures/ocop.valid?as_of=2025-10-01&lang=en", viewerToken)
		if m := r.json(t); r.Status != 200 || m["value"] != 3.0 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("explain", func(t *testing.T) {
		r := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07", viewerToken)
		m := r.json(t)
		if items, _ := m["items"].([]any); r.Status != 200 || len(items) != 2 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("explain as CSV", func(t *testing.T) {
		r := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07&format=csv", viewerToken)
		if r.Status != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			r.Header.Get("Content-Disposition") != `attachment; filename="ocop.valid_2025-08-07.csv"` {
			t.Fatalf("%d %v %s", r.Status, r.Header, r.Body)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 3 || recs[0][1] != "mã" || !strings.HasPrefix(string(r.Body), "\ufeff") {
			t.Errorf("want a byte order mark, a Vietnamese header and the 2 items: %v %q", err, r.Body)
		}
		for _, rec := range recs[1:] {
			if !strings.HasPrefix(rec[2], "Sản phẩm thử") || rec[7] == "" || !strings.Contains(rec[7], "/") {
				t.Errorf("an item line without its name or its first day as dd/mm/yyyy: %q", rec)
			}
		}
		if r := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07&format=csv&lang=en", viewerToken); !strings.Contains(string(r.Body), "#,item,name,") {
			t.Errorf("lang=en: the header is not English: %s", r.Body)
		}
		if r := e.get("/v1/figures/ocop.valid/explain?format=pdf", viewerToken); r.Status != 400 || r.json(t)["error"].(map[string]any)["field"] != "format" {
			t.Errorf("format=pdf: %d %s", r.Status, r.Body)
		}
		if r := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07&format=csv&sep=%3B", viewerToken); !strings.HasPrefix(string(r.Body), "\ufeff#;mã;tên;") {
			t.Errorf("sep=;: the fields are not separated by ;: %.80q", r.Body)
		}
		if r := e.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07&format=csv&sep=tab", viewerToken); r.Status != 400 || r.json(t)["error"].(map[string]any)["field"] != "sep" {
			t.Errorf("sep=tab: %d %s", r.Status, r.Body)
		}
	})
	t.Run("timeline", func(t *testing.T) {
		r := e.get("/v1/figures/ocop.valid/timeline?from=2025-01-01&to=2025-12-01&step=month", viewerToken)
		m := r.json(t)
		if pts, _ := m["points"].([]any); r.Status != 200 || len(pts) != 12 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("diff", func(t *testing.T) {
		r := e.get("/v1/diff?as_of=2025-10-01&known_at=2000-01-01", viewerToken)
		m := r.json(t)
		if ch, _ := m["changes"].([]any); r.Status != 200 || len(ch) == 0 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("expiring", func(t *testing.T) {
		// toi-2 was certified on 2023-09-01: valid until 2026-08-31.
		r := e.get("/v1/expiring?as_of=2026-08-15&within=30", viewerToken)
		m := r.json(t)
		if items, _ := m["items"].([]any); r.Status != 200 || len(items) != 1 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("definitions", func(t *testing.T) {
		r := e.get("/v1/definitions", viewerToken)
		m := r.json(t)
		if f, _ := m["figures"].([]any); r.Status != 200 || len(f) < 20 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("log paging", func(t *testing.T) {
		var got []uint64
		next := "1"
		for i := 0; next != "" && i < 10; i++ {
			r := e.get("/v1/log?limit=2&from="+next, viewerToken)
			var page struct {
				Events []httpapi.Envelope `json:"events"`
				Next   *uint64            `json:"next"`
			}
			if err := json.Unmarshal(r.Body, &page); err != nil || r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			for _, ev := range page.Events {
				got = append(got, ev.Sequence)
			}
			next = ""
			if page.Next != nil {
				next = fmt.Sprint(*page.Next)
			}
		}
		if fmt.Sprint(got) != "[1 2 3]" {
			t.Errorf("pages gave %v, want [1 2 3]", got)
		}
		r := e.get("/v1/log?type=ocop.*&stream=product.toi-2", viewerToken)
		if m := r.json(t); len(m["events"].([]any)) != 1 {
			t.Errorf("filtered log: %s", r.Body)
		}
	})
	t.Run("bad queries", func(t *testing.T) {
		for path, field := range map[string]string{
			"/v1/figures?as_of=2025-02-30":                   "as_of",
			"/v1/figures?as_of=tomorrow":                     "as_of",
			"/v1/figures?known_at=whenever":                  "known_at",
			"/v1/figures?from=2025-13-01":                    "from",
			"/v1/figures?by=colour":                          "by",
			"/v1/figures?asof=2025-08-07":                    "asof",
			"/v1/figures/ocop.valid?lang=fr":                 "lang",
			"/v1/figures/ocop.valid/timeline?step=fortnight": "step",
			"/v1/expiring?within=-3":                         "within",
			"/v1/log?limit=0":                                "limit",
			"/v1/log?from=x":                                 "from",
			"/v1/diff?vs=never":                              "vs",
		} {
			r := e.get(path, viewerToken)
			if code, f := r.errFields(t); r.Status != 400 || code != "invalid" || f != field {
				t.Errorf("%s: got %d %s, want 400 naming %q", path, r.Status, r.Body, field)
			}
		}
	})
	t.Run("unknown figure", func(t *testing.T) {
		for _, p := range []string{"/v1/figures/ocop.invalid", "/v1/figures/nope/explain", "/v1/figures/nope/timeline"} {
			r := e.get(p, viewerToken)
			if code, _ := r.errFields(t); r.Status != 404 || code != "not_found" {
				t.Errorf("%s: got %d %s, want 404", p, r.Status, r.Body)
			}
		}
	})
	t.Run("reads need a token", func(t *testing.T) {
		if r := e.get("/v1/figures", ""); r.Status != 401 {
			t.Errorf("no token: %d", r.Status)
		}
	})
}

func TestPublicReadAndOpenMode(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens, publicRead: true})
	if r := e.get("/v1/figures", ""); r.Status != 200 {
		t.Errorf("public read: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/v1/events/ocop.certified", "", cert("x", 4, "2024-01-01")); r.Status != 401 {
		t.Errorf("public read must not let writes in: %d", r.Status)
	}
	if r := e.do("POST", "/v1/admin/rebuild", recorderToken, nil); r.Status != 403 {
		t.Errorf("recorder rebuilding: %d, want 403", r.Status)
	}

	open := newEnv(t, envOpt{})
	pos := open.record("ocop.certified", cert("toi-open", 4, "2024-01-01"))
	r := open.get(fmt.Sprintf("/v1/log?from=%d", pos.Sequence), "")
	if !strings.Contains(string(r.Body), `"actor":"local"`) {
		t.Errorf("open local mode: actor is not local: %s", r.Body)
	}
}

func TestRebuild(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	e.record("ocop.certified", cert("toi-r", 4, "2024-01-01"))
	e.waitApplied()
	r := e.do("POST", "/v1/admin/rebuild", adminToken, nil)
	if r.Status != 202 {
		t.Fatalf("rebuild: %d %s", r.Status, r.Body)
	}
	waitReady(t, e)
}

func waitReady(t *testing.T, e *testEnv) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.get("/readyz", "")
		if r.Status == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d %s", r.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReadyz(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens, noProj: true, beforeStart: func(e *testEnv) {
		for i := 0; i < 5; i++ {
			if _, err := e.Ledger.Record(e.ctx, "ocop.certified", cert(fmt.Sprintf("toi-%d", i), 4, "2024-01-01"), ledgerMeta()); err != nil {
				e.t.Fatal(err)
			}
		}
	}})
	if r := e.get("/healthz", ""); r.Status != 200 {
		t.Errorf("/healthz: %d", r.Status)
	}
	time.Sleep(100 * time.Millisecond)
	if r := e.get("/readyz", ""); r.Status != 503 {
		t.Fatalf("/readyz before the read models caught up: %d %s, want 503", r.Status, r.Body)
	}
	e.StartProjection()
	waitReady(t, e)
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := newEnv(t, envOpt{})
	r := e.get("/v1/openapi.json", "")
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}
	if err := json.Unmarshal(r.Body, &doc); err != nil || r.Status != 200 || !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Fatalf("openapi.json: %d %v", r.Status, err)
	}
	described := 0
	for _, rt := range e.Srv.Routes() {
		ops, ok := doc.Paths[rt.Path]
		if !ok {
			t.Errorf("%s is not in the OpenAPI document", rt.Path)
			continue
		}
		if _, ok := ops[strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", rt.Method, rt.Path)
		}
		described++
	}
	for p, ops := range doc.Paths {
		if _, other := ops["x-ocopledger-part"]; other {
			continue // served by a part mounted beside the API (TestServeRoutesAreInTheOpenAPIDocument in cmd/ocopledger)
		}
		for m := range ops {
			if !methods[m] {
				continue
			}
			found := false
			for _, rt := range e.Srv.Routes() {
				found = found || rt.Path == p && strings.ToLower(rt.Method) == m
			}
			if !found {
				t.Errorf("the OpenAPI document describes %s %s, which is not served", m, p)
			}
		}
	}
	if described < 16 {
		t.Errorf("only %d routes", described)
	}
}

func TestTokens(t *testing.T) {
	lines := "# tokens\nabcdefghijklmnop0 viewer victor\n\nqrstuvwxyzABCDEF1 admin ana\n"
	ts, err := httpapi.ParseTokens([]byte(lines))
	if err != nil || len(ts) != 2 || ts[1].Identity != "ana" {
		t.Fatalf("lines: %v %v", ts, err)
	}
	ts, err = httpapi.ParseTokens([]byte(`[{"token":"abcdefghijklmnop0","role":"recorder","identity":"ruby"}]`))
	if err != nil || len(ts) != 1 || ts[0].Role != "recorder" {
		t.Fatalf("json: %v %v", ts, err)
	}
	ts, err = httpapi.ParseTokensEnv("abcdefghijklmnop0:viewer:victor, qrstuvwxyzABCDEF1:admin:ana")
	if err != nil || len(ts) != 2 {
		t.Fatalf("env: %v %v", ts, err)
	}
	for _, bad := range []string{"short:viewer:x", "abcdefghijklmnop0:boss:x", "abcdefghijklmnop0:viewer:"} {
		if _, err := httpapi.ParseTokensEnv(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	a, _ := httpapi.NewAuth(ts, false)
	req, _ := http.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer qrstuvwxyzABCDEF1")
	p, err := a.Authenticate(req)
	if err != nil || p.Identity != "ana" || p.Role != httpapi.RoleAdmin {
		t.Errorf("authenticate: %+v %v", p, err)
	}
}

func TestReconcile(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	e.record("ocop.certified", cert("rc-1", 4, "2024-01-01"))
	e.record("report.filed", []byte(`{"report_id":"9-SCT-TEST","document_number":"9/SCT-TEST","title":"Báo cáo thử","issuer":"Sở Công Thương","date":"2025-08-07","as_of":"2025-08-07","figures":{"ocop.valid":1,"ocop.valid.stars4":2}}`))
	r := e.get("/v1/reports/9%2FSCT-TEST/reconcile", viewerToken)
	m := r.json(t)
	if r.Status != 200 || m["mismatches_at_filing"] != 1.0 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if r := e.get("/v1/reports/1-NONE/reconcile", viewerToken); r.Status != 404 {
		t.Errorf("unknown report: %d %s", r.Status, r.Body)
	}
}

// The error shape's code enumeration in the OpenAPI document is exactly the ledger's codes.
func TestOpenAPIListsEveryErrorCode(t *testing.T) {
	e := newEnv(t, envOpt{})
	r := e.get("/v1/openapi.json", "")
	var doc struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `json:"enum"`
								} `json:"code"`
							} `json:"properties"`
						} `json:"error"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum
	slices.Sort(got)
	var want []string
	for _, c := range domain.Codes() {
		want = append(want, string(c))
	}
	if !slices.Equal(got, want) {
		t.Errorf("the OpenAPI document lists the error codes %v, the ledger has %v", got, want)
	}
}
