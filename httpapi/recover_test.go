package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/syncbuf"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/ocopledger/ocopledger/projections"
)

// A handler that panics gets a 500 in the API's error shape, in the reader's language; the panic
// is logged once with its stack and counted; the server keeps serving. A panic after a stream has
// started can only end that connection.
func TestRecoverAnswersAPanicWith500(t *testing.T) {
	var logs syncbuf.Buffer // the handlers write it while the test reads
	reg := metrics.NewRegistry()
	p, err := projections.Open(filepath.Join(t.TempDir(), "rm.db"), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv := httpapi.New(httpapi.Config{Projection: p, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Metrics: reg})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("index out of range [3] with length 3") })
	mux.HandleFunc("GET /boom-late", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "data: 1\n\n")
		w.(http.Flusher).Flush()
		panic("late")
	})
	mux.HandleFunc("GET /fine", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	hs := httptest.NewServer(srv.Recover(mux))
	defer hs.Close()

	for _, lang := range []string{"vi", "en"} {
		res, err := http.Get(hs.URL + "/boom?lang=" + lang)
		if err != nil {
			t.Fatalf("a panicking handler closed the connection: %v", err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := map[string]string{"vi": "lỗi nội bộ; chi tiết có trong nhật ký của máy chủ", "en": "internal error; the server log has the details"}[lang]
		if res.StatusCode != 500 || !strings.Contains(string(b), `"code":"internal"`) || !strings.Contains(string(b), `"message":"`+want+`"`) ||
			res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s: got %d %s %s, want 500 with the API's internal error", lang, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		if strings.Contains(string(b), "index out of range") {
			t.Errorf("the panic's text reached the client: %s", b)
		}
	}
	if res, err := http.Get(hs.URL + "/boom-late"); err == nil {
		io.ReadAll(res.Body) // ends early: the connection is closed after the panic
		res.Body.Close()
	}
	res, err := http.Get(hs.URL + "/fine")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after the panics the server does not answer: %v", err)
	}
	res.Body.Close()

	log := logs.String()
	if n := strings.Count(log, "recovered a panic"); n != 3 || !strings.Contains(log, "index out of range [3]") ||
		!strings.Contains(log, "recover_test.go") || !strings.Contains(log, "path=/boom") {
		t.Errorf("want 3 panics logged with their value, path and stack; log:\n%s", log)
	}
	if n := testutil.ToFloat64(metrics.Panics(reg).WithLabelValues("http")); n != 3 {
		t.Errorf(`ocopledger_panics_total{part="http"} = %v, want 3`, n)
	}
}

// Every route of the API is covered: a panic in the rebuild (injected through Config.Rebuild)
// answers 500 and is counted, and the server goes on answering.
func TestAPIRoutesRecoverPanics(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens, rebuild: func(context.Context) error { panic("rebuild bug") }})
	r := e.do("POST", "/v1/admin/rebuild?lang=en", adminToken, nil)
	if code, _ := r.errFields(t); r.Status != 500 || code != "internal" {
		t.Fatalf("a panicking rebuild: %d %s, want 500 internal", r.Status, r.Body)
	}
	if r := e.get("/v1/log", viewerToken); r.Status != 200 {
		t.Fatalf("after the panic: /v1/log %d %s", r.Status, r.Body)
	}
	m := string(e.get("/metrics", "").Body)
	for _, want := range []string{`ocopledger_panics_total{part="http"} 1`, `ocopledger_http_requests_total{route="POST /v1/admin/rebuild",status="500"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
