package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/ocopledger/ocopledger/projections"
)

// serveEnv is what `ocopledger serve` has running, handed to the parts that plug into it.
type serveEnv struct {
	Ledger     *ledger.Ledger
	Store      *eventstore.Store
	Projection *projections.Projection
	// Mux is the HTTP router; parts mount their handlers on it (Go 1.22 patterns, e.g.
	// "GET /v1/webhooks"). It keeps the patterns: serve -v logs them, and a test holds them to
	// the OpenAPI document.
	Mux *routeMux
	// Require wraps a handler so that it needs a bearer token with the given role
	// ("viewer", "recorder" or "admin"); the identity is then in the request context.
	Require func(role string, h http.Handler) http.Handler
	// WriteError answers an error as the API does (httpapi.WriteError): the same JSON body, the
	// message in the language the request asks for; internal errors are logged on log.
	WriteError func(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error)
	Logger     *slog.Logger
	// Instance names this ledger instance (several may share one cluster).
	Instance string
	// Metrics is the registry served at /metrics; parts register their own metrics on it.
	Metrics *metrics.Registry
	// OnCommit registers fn to be called after each commit of the read models with the first and
	// last log positions applied (from the projection's goroutine: return quickly).
	OnCommit func(fn func(from, to uint64))
}

// serveHook plugs a part into `ocopledger serve`: it mounts handlers on env.Mux and returns a
// function that runs until ctx is done (nil if the part has nothing to run).
type serveHook struct {
	name string
	init func(ctx context.Context, env *serveEnv) (run func(ctx context.Context) error, err error)
}

// serveHooks are registered by the cmd files of the parts (webhooks, dashboard…) in init.
var serveHooks []serveHook

func registerServeHook(h serveHook) { serveHooks = append(serveHooks, h) }

// routeMux is an http.ServeMux that keeps the patterns registered on it, in order.
type routeMux struct {
	*http.ServeMux
	mu       sync.Mutex
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern, as http.ServeMux.Handle does, and keeps the pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.ServeMux.Handle(pattern, h)
	m.mu.Lock()
	m.patterns = append(m.patterns, pattern)
	m.mu.Unlock()
}

// HandleFunc registers f for pattern, as http.ServeMux.HandleFunc does, and keeps the pattern.
func (m *routeMux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(f))
}

// ServeHTTP routes r; a request under /v1/ that no route matches is answered like every other
// error of the API (JSON, Vietnamese or English) instead of the mux's plain English text.
func (m *routeMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		m.ServeMux.ServeHTTP(w, r)
		return
	}
	// The mux's ServeHTTP matches again (it also sets the request's path values, which Handler
	// does not): the price of the check is a second lookup for requests under /v1/.
	if h, pattern := m.ServeMux.Handler(r); pattern == "" {
		rec := &noRouteRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r) // what the mux would answer: 404, or 405 with Allow
		if rec.status == http.StatusNotFound || rec.status == http.StatusMethodNotAllowed {
			httpapi.NoRoute(w, r, rec.status, rec.header.Get("Allow"))
			return
		}
	}
	m.ServeMux.ServeHTTP(w, r)
}

// noRouteRecorder keeps the status and headers of the mux's own answer, and drops its body.
type noRouteRecorder struct {
	header http.Header
	status int
}

func (n *noRouteRecorder) Header() http.Header         { return n.header }
func (n *noRouteRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (n *noRouteRecorder) WriteHeader(status int)      { n.status = status }

// Patterns returns the patterns registered so far.
func (m *routeMux) Patterns() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.patterns...)
}
