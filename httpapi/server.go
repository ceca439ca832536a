package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/mod/sumdb/note"
)

// Config is what the server needs.
type Config struct {
	Ledger     *ledger.Ledger
	Projection *projections.Projection
	Store      *eventstore.Store // default: Ledger.Store()
	Auth       *Auth             // nil: open local mode
	Logger     *slog.Logger
	Metrics    *prometheus.Registry // nil: a registry of its own (metrics.NewRegistry)
	// Checkpoints, if set, is the log's signed checkpoints: /v1/checkpoints and /v1/proofs, and
	// the provenance of every answer (which history it came from).
	Checkpoints *checkpoint.Log
	// Witnesses are the keys of the witnesses whose cosignatures of the checkpoints this ledger
	// takes (POST /v1/checkpoints/cosignatures) and shows (GET /v1/checkpoints/latest).
	Witnesses []note.Verifier
	// Rebuild, if set, drops the read models and starts rebuilding them in the background
	// (POST /v1/admin/rebuild); it returns once the rebuild has started.
	Rebuild func(ctx context.Context) error
	// Heartbeat is the interval of SSE comments that keep idle connections open; default 15 s.
	Heartbeat time.Duration
	// Now is the clock for "today in Vietnam"; default time.Now.
	Now func() time.Time
	// SlowConsumer is how long a stream subscriber may take to accept a write before it is
	// disconnected as too slow (it resumes from Last-Event-ID, losing nothing); default 30 s.
	SlowConsumer time.Duration
	// RingSize is how many recent events the stream keeps in memory for subscribers that
	// fall slightly behind; older ones are read from the log. Default 8192.
	RingSize int
}

// Server serves the API. Create it with New, mount it with Handler or Mount, and run its
// background part (the shared log follower and readiness) with Run.
type Server struct {
	cfg    Config
	log    *slog.Logger
	routes []Route
	hub    *hub
	// figures shares the computation of figure changes among the subscribers of a day
	figures *figureStreams
	replays chan struct{} // a slot for each subscriber reading the log (replay)
	ready   atomic.Bool
	runMu   sync.Mutex
	ctx     atomic.Pointer[context.Context] // Run's context
	// histErr: the log does not extend the history known (history.go)
	histErr atomic.Pointer[error]
	serverMetrics
}

// Route is one endpoint of the API.
type Route struct {
	Method, Path string // Path in http.ServeMux syntax, e.g. /v1/figures/{id}
	Role         string // "" public, else the least role needed
	Summary      string
	handler      http.HandlerFunc
}

// Pattern is the route's http.ServeMux pattern.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// New returns a server over the ledger and read models.
func New(cfg Config) *Server {
	if cfg.Store == nil && cfg.Ledger != nil {
		cfg.Store = cfg.Ledger.Store()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.NewRegistry()
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SlowConsumer <= 0 {
		cfg.SlowConsumer = 30 * time.Second
	}
	if cfg.RingSize <= 0 {
		cfg.RingSize = 8192
	}
	if cfg.Auth == nil {
		cfg.Auth, _ = NewAuth(nil, false)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, replays: make(chan struct{}, maxReplays)}
	s.hub = newHub(cfg.Ledger, cfg.RingSize, cfg.Logger)
	s.registerMetrics(cfg.Metrics)
	s.figures = newFigureStreams(cfg.Projection, s.figureComputations)
	s.routes = s.buildRoutes()
	return s
}

// Routes returns the endpoints of the API.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Handler returns an http.Handler serving every route, on a Mux.
func (s *Server) Handler() http.Handler {
	mux := NewMux()
	s.Mount(mux)
	return mux
}

// Router is where Mount registers the routes: an *http.ServeMux, or anything that registers
// patterns the same way.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// Mount registers every route on mux.
func (s *Server) Mount(mux Router) {
	for _, rt := range s.routes {
		var h http.Handler = rt.handler
		if rt.Role != "" {
			h = s.cfg.Auth.Require(rt.Role, h)
		}
		h = s.refuseOnMismatch(rt, h)
		mux.Handle(rt.Pattern(), s.instrument(rt, s.Recover(h)))
	}
}

// Require is Auth.Require of the server's Auth (for parts mounted beside the API).
func (s *Server) Require(role string, h http.Handler) http.Handler {
	return s.cfg.Auth.Require(role, h)
}

// Ready reports whether the read models have caught up to the log end seen at start.
func (s *Server) Ready() bool { return s.ready.Load() }

// Run follows the log for the streams and watches readiness, until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	if !s.runMu.TryLock() {
		return errors.New("httpapi: Run called twice")
	}
	defer s.runMu.Unlock()
	s.ctx.Store(&ctx)
	end, err := s.cfg.Store.LastSequence(ctx)
	if err != nil {
		return err
	}
	go s.awaitReady(ctx, end)
	err = s.hub.run(ctx, end, s.cfg.Heartbeat)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// runCtx is Run's context, for work that outlives a request; before Run, the request's
// context without its cancellation.
func (s *Server) runCtx(req context.Context) context.Context {
	if c := s.ctx.Load(); c != nil {
		return *c
	}
	return context.WithoutCancel(req)
}

func (s *Server) awaitReady(ctx context.Context, end uint64) {
	if err := s.cfg.Projection.WaitReady(ctx, end); err != nil {
		return
	}
	if s.ready.CompareAndSwap(false, true) {
		s.log.Info("read models caught up; ready", "position", end)
	}
}

// instrument counts requests and times the ones that are not streams.
func (s *Server) instrument(rt Route, h http.Handler) http.Handler {
	route := rt.Pattern()
	stream := rt.Path == "/v1/stream/events" || rt.Path == "/v1/stream/figures"
	hist := s.reqTime.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(sw, r)
		s.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		if !stream {
			hist.Observe(time.Since(start).Seconds())
		}
	})
}

// Recover answers a panic of h as the API answers an internal error (500 in its error shape),
// logs it once with its stack and counts it in ocopledger_panics_total{part="http"}: a bug met
// by one request neither stops the process nor leaves the client without an answer. After the
// answer has begun (a stream), the panic can only end the connection. Every route of the API has
// it; serve also wraps the parts mounted beside the API.
func (s *Server) Recover(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v) // net/http's way to end a connection on purpose
				}
				return
			}
			s.panics.WithLabelValues("http").Inc()
			s.log.Error("recovered a panic in an HTTP handler", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.wrote {
				panic(http.ErrAbortHandler)
			}
			WriteError(sw, r, nil, fmt.Errorf("httpapi: %s %s panicked: %v", r.Method, r.URL.Path, v))
		}()
		h.ServeHTTP(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets streams flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// errorBody is the JSON of every error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      domain.Code `json:"code"`
	Field     string      `json:"field,omitempty"`
	Message   string      `json:"message"`    // in the language the request asked for (errorLang)
	MessageEN string      `json:"message_en"` // in English, always
}

// httpError answers err with a status that is not its code's (413, 415, 501…) and with code; its
// message is err's, which the catalogue translates like any other (i18n.Localize), and, unlike an
// internal error's, is shown.
type httpError struct {
	status int
	code   domain.Code
	err    error
}

// withStatus returns err answered with status and code.
func withStatus(status int, code domain.Code, err error) *httpError {
	return &httpError{status: status, code: code, err: err}
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// NoRoute answers a request that no route of the server matches, as every other error of the
// API is answered (JSON, in the reader's language): 404 for a path the API does not have, 405
// with the Allow header kept for a method the path does not take.
func NoRoute(w http.ResponseWriter, r *http.Request, status int, allow string) {
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", allow)
		WriteError(w, r, nil, withStatus(status, domain.CodeInvalid,
			domain.Invalid("method", "%s is not a method of %s; it takes: %s", r.Method, r.URL.Path, allow)))
		return
	}
	e := domain.NotFound("the API has no %s; its routes are listed in /v1/openapi.json", r.URL.Path)
	e.Field = "path"
	WriteError(w, r, nil, e)
}

// WriteError answers err as the API answers every error: the HTTP status of its code (or of
// its httpError), and the body {"error": {"code", "field", "message", "message_en"}}, with
// message in the language the request asks for (errorLang) and message_en in English. Internal
// errors are logged on log (once, here; nil logs nothing) and not shown. Parts mounted beside the
// API (the webhooks) answer their errors with it, so that every error of the server reads alike.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var he *httpError
	var body errorDetail
	status := 500
	lang := errorLang(r)
	err = ledger.ReadError(err) // positions missing from the log are named, not an internal error
	if errors.As(err, &he) {
		status, body = he.status, errorDetail{Code: he.code, Field: domain.ErrorField(he.err), Message: i18n.Localize(he.err, lang), MessageEN: he.err.Error()}
	} else {
		code := domain.ErrorCode(err)
		status = domain.HTTPStatus(code)
		body = errorDetail{Code: code, Field: domain.ErrorField(err), Message: i18n.Localize(err, lang), MessageEN: err.Error()}
		if code == domain.CodeInternal {
			if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
				return // the client went away
			}
			if log != nil {
				log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			body.MessageEN = "internal error; the server log has the details"
			body.Message = body.MessageEN
			if lang == "vi" {
				body.Message = "lỗi nội bộ; chi tiết có trong nhật ký của máy chủ"
			}
		}
	}
	switch {
	case status == http.StatusServiceUnavailable && errors.Is(err, eventstore.ErrUnavailable):
		w.Header().Set("Retry-After", "2") // a leader election takes seconds; the first retries may meet it still
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5") // the read models are being rebuilt: seconds, not minutes
	}
	writeJSON(w, status, errorBody{body})
}

// errorLang is the language of error messages for r: ?lang=vi or ?lang=en when given, else
// English when the Accept-Language header prefers English to Vietnamese, else Vietnamese.
func errorLang(r *http.Request) string {
	switch l := r.URL.Query().Get("lang"); l {
	case "vi", "en":
		return l
	}
	best, bestQ := "vi", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if lang != "vi" && lang != "en" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q > bestQ { // the first of equal preferences wins, as the header lists them in order
			best, bestQ = lang, q
		}
	}
	return best
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	WriteError(w, r, s.log, err)
}
