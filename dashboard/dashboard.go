// Package dashboard serves the ledger's web page: one HTML page, its stylesheet and script, all
// embedded in the binary so that the page works offline and fetches nothing from elsewhere.
//
// The page reads the HTTP API of the same origin (/v1/figures, /v1/figures/{id}/explain,
// /v1/figures/{id}/timeline, /v1/expiring, /v1/log) and follows its two event streams
// (/v1/stream/events, /v1/stream/figures) to update without a reload. Its wording is Vietnamese
// by default, with an English switch; the figures, their groups and the labels of figures, event
// types and the values they break down by come from the domain's tables through the API's
// catalogue (GET /v1/catalogue), so the page and the CLI never disagree.
package dashboard

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var files embed.FS

// contentSecurityPolicy keeps the page to its own origin: no CDN, no remote font, no inline
// script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page at "/" and its assets under "/assets/". Mount it on both patterns,
// e.g. mux.Handle("GET /{$}", h) and mux.Handle("GET /assets/", h).
func Handler() http.Handler {
	sub, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	started := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The binary is the version: revalidate each time, the answers are tiny.
		h.Set("Cache-Control", "no-cache")
		var name string
		switch {
		case r.URL.Path == "/" || r.URL.Path == "":
			name = "index.html"
		case strings.HasPrefix(r.URL.Path, "/assets/"):
			name = path.Clean(strings.TrimPrefix(r.URL.Path, "/assets/"))
		default:
			http.NotFound(w, r)
			return
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil || name == "." {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, name, started, bytes.NewReader(b))
	})
}
