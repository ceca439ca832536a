package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"
)

// serveEnv is what `ocopledger serve` has running, handed to the parts that plug into it.
type serveEnv struct {
	Ledger     *ledger.Ledger
	Store      *eventstore.Store
	Projection *projections.Projection
	// Mux is the HTTP router; parts mount their handlers on it (Go 1.22 patterns, e.g.
	// "GET /v1/webhooks"). It keeps the patterns: serve -v logs them, and a test holds them to
	// the OpenAPI document.
	Mux *httpapi.Mux
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
	Metrics *prometheus.Registry
	// OnCommit registers fn to be called after each commit of the read models with the first and
	// last log positions applied (from the projection's goroutine: return quickly).
	OnCommit func(fn func(from, to uint64))
}

// serveHook plugs a part into `ocopledger serve`: it mounts handlers on env.Mux and returns the
// functions that run until ctx is done (none if the part has nothing to run).
type serveHook struct {
	name string
	init func(ctx context.Context, env *serveEnv) (runs []func(ctx context.Context) error, err error)
}

// serveHooks are registered by the cmd files of the parts (webhooks, dashboard…) in init.
var serveHooks []serveHook

func registerServeHook(h serveHook) { serveHooks = append(serveHooks, h) }

type namedRun struct {
	name string
	run  func(context.Context) error
}

// runParts runs the parts until ctx is done or one fails; then it stops the others, waits for
// them and returns the first failure, named by its part.
func runParts(ctx context.Context, log *slog.Logger, parts []namedRun) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, p := range parts {
		g.Go(func() error {
			err := p.run(ctx)
			if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			log.Error("serve: a part failed; stopping", "part", p.name, "err", err)
			return fmt.Errorf("%s: %w", p.name, err)
		})
	}
	return g.Wait()
}
