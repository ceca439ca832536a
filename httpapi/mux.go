package httpapi

import (
	"net/http"
	"strings"
	"sync"
)

// Mux is the router of `ocopledger serve`: an http.ServeMux that keeps the patterns registered on
// it, in order, and answers a request under /v1/ that no route matches like every other error of
// the API (JSON, Vietnamese or English) instead of the ServeMux's plain English text. The API
// (Server.Mount) and the parts mounted beside it (webhooks, dashboard) register on one Mux.
type Mux struct {
	mux      *http.ServeMux
	mu       sync.Mutex
	patterns []string
}

var _ Router = (*Mux)(nil)

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{mux: http.NewServeMux()} }

// Handle registers h for pattern, as http.ServeMux.Handle does, and keeps the pattern.
func (m *Mux) Handle(pattern string, h http.Handler) {
	m.mux.Handle(pattern, h)
	m.mu.Lock()
	m.patterns = append(m.patterns, pattern)
	m.mu.Unlock()
}

// HandleFunc registers f for pattern, as http.ServeMux.HandleFunc does, and keeps the pattern.
func (m *Mux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(f))
}

// Patterns returns the patterns registered so far, in order.
func (m *Mux) Patterns() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.patterns...)
}

// ServeHTTP routes r; under /v1/, a path no route has is answered 404 and a method the path does
// not take 405 with its Allow header, as NoRoute does.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		m.mux.ServeHTTP(w, r)
		return
	}
	// The mux's ServeHTTP matches again (it also sets the request's path values, which Handler
	// does not): the price of the check is a second lookup for requests under /v1/.
	if h, pattern := m.mux.Handler(r); pattern == "" {
		rec := &noRouteRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r) // what the mux would answer: 404, or 405 with Allow
		if rec.status == http.StatusNotFound || rec.status == http.StatusMethodNotAllowed {
			NoRoute(w, r, rec.status, rec.header.Get("Allow"))
			return
		}
	}
	m.mux.ServeHTTP(w, r)
}

// noRouteRecorder keeps the status and headers of the mux's own answer, and drops its body.
type noRouteRecorder struct {
	header http.Header
	status int
}

func (n *noRouteRecorder) Header() http.Header         { return n.header }
func (n *noRouteRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (n *noRouteRecorder) WriteHeader(status int)      { n.status = status }
