package dashboard_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/dashboard"
)

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	h := dashboard.Handler()
	mux.Handle("GET /{$}", h)
	mux.Handle("GET /assets/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestHandlerServesThePageAndItsAssets(t *testing.T) {
	srv := newServer(t)
	for _, c := range []struct {
		path, ctype, contains string
	}{
		{"/", "text/html", "Sổ cái Chương trình OCOP — Sở Công Thương Quảng Ngãi"},
		{"/assets/app.css", "text/css", "--brand"},
		{"/assets/app.js", "javascript", "/v1/stream/events"},
		{"/assets/favicon.svg", "image/svg+xml", "<svg"},
	} {
		res, body := get(t, srv.URL+c.path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", c.path, res.StatusCode)
			continue
		}
		if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, c.ctype) {
			t.Errorf("GET %s: Content-Type %q, want %s", c.path, ct, c.ctype)
		}
		if !strings.Contains(body, c.contains) {
			t.Errorf("GET %s: body lacks %q", c.path, c.contains)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q does not keep the page to its origin", c.path, csp)
		}
	}
	for _, p := range []string{"/assets/", "/assets/nope.js", "/assets/../dashboard.go"} {
		if res, _ := get(t, srv.URL+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, res.StatusCode)
		}
	}
}

// The page must work offline: no asset may refer to another origin.
func TestAssetsFetchNothingFromElsewhere(t *testing.T) {
	remote := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	err := filepath.WalkDir("assets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range remote.FindAllString(string(b), -1) {
			// XML namespace names are identifiers, not fetched; gov.vn names appear as labels.
			if !strings.HasSuffix(m, "//www.w3.org") && !strings.HasSuffix(m, "gov.vn") {
				t.Errorf("%s refers to %s: the page must not fetch from another origin", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
