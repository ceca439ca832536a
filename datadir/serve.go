package datadir

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/sync/errgroup"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/dashboard"
	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/buildinfo"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/reactive"
)

// ServeOptions are the settings of a node that serves its ledger (ocopledger serve).
type ServeOptions struct {
	Access httpapi.Access // who may use the API, and the HTTP address it listens on
	// WitnessKeys are the witnesses whose cosignatures the ledger takes: keys, or files of keys.
	WitnessKeys []string
	// Demo loads the demo history before serving; a ledger that holds it already gets nothing new.
	Demo     bool
	Instance string // this process, among several on one cluster
	// HistoryEvery and ScrubAfter, when set, are how often the log's history is checked and
	// when the whole log is first read again (ledger.WatchConfig).
	HistoryEvery, ScrubAfter time.Duration
	// Serving, if set, is called once the HTTP listener is open, with its base URL
	// (http://host:port), the NATS readers' URL ("" when none) and who may use the API.
	Serving func(base, natsURL string, auth *httpapi.Auth)
}

// Serve runs the ledger's parts until ctx is done or one fails: the read models kept up to date,
// the HTTP API with the dashboard and the reactive parts mounted beside it, the watch over the
// log's history and the publisher of signed checkpoints. It then stops the others, waits for
// them and returns the first failure, named by its part; a stop on ctx is no failure.
func (n *Node) Serve(ctx context.Context, o ServeOptions) error {
	log := n.o.Logger
	auth, witnesses, err := n.prepare(ctx, o)
	if err != nil {
		return err
	}
	l, err := n.Ledger(ctx)
	if err != nil {
		return err
	}
	p, err := n.Projection(projections.Options{Logger: log.With("part", "projections"), TuneProcess: true})
	if err != nil {
		return err
	}
	if err := l.CheckHistory(ctx, p.Known()); err != nil {
		return err // the read models know more of the log than it holds
	}
	reg := metrics.NewRegistry()
	runner := projections.NewRunner(p, l, projections.RunnerOptions{Logger: log.With("part", "projections")})
	// The log's signed checkpoints: the data directory's key (made on first start) signs them.
	cps, err := n.Checkpoints(ctx, true)
	if err != nil {
		return err
	}
	api := httpapi.New(httpapi.Config{Ledger: l, Projection: p, Auth: auth, Logger: log.With("part", "api"), Metrics: reg, Rebuild: runner.Rebuild,
		Checkpoints: cps, Witnesses: witnesses})
	mux := httpapi.NewMux()
	api.Mount(mux)
	// The dashboard: the page at "/" and its embedded assets hold no data, so they are public even
	// when the API needs a token; the page asks for one when the API says so.
	dash := dashboard.Handler()
	mux.Handle("GET /{$}", dash)
	mux.Handle("GET /assets/", dash)

	// Handlers (streams above all) end when this context does, before the server shuts down.
	hctx, stopHandlers := context.WithCancel(ctx)
	defer stopHandlers()
	watch := ledger.NewHistoryWatch(ledger.WatchConfig{Ledger: l, Tree: p, Gate: api, Logger: log.With("part", "history"),
		Known:  n.history.Known,
		Check:  func(ctx context.Context) error { return cps.Check(ctx, l, p) },
		Record: func() error { return n.RecordKnown(p) },
		Every:  o.HistoryEvery, ScrubAfter: o.ScrubAfter})
	signer := checkpoint.NewPublisher(checkpoint.PublisherConfig{Log: cps, Projection: p, Store: l.Store(), Logger: log.With("part", "checkpoints")})
	parts := []Part{{"projections", runner.Run}, {"api", api.Run}, {"history", watch.Run}, {"checkpoints", signer.Run}}
	// The webhook API answers its errors as the API does.
	hooksLog := log.With("part", "webhooks-api")
	reacting, err := reactive.NewParts(hctx, reactive.PartsConfig{Ledger: l, Projection: p, Mux: mux, Require: api.Require, Logger: log,
		WriteError: func(w http.ResponseWriter, r *http.Request, err error) { httpapi.WriteError(w, r, hooksLog, err) },
		Instance:   o.Instance, Metrics: reg})
	if err != nil {
		return fmt.Errorf("serve: reactive: %w", err)
	}
	for _, run := range reacting {
		parts = append(parts, Part{"reactive", run})
	}
	for _, p := range mux.Patterns() {
		log.Debug("route", "pattern", p)
	}
	ln, err := httpapi.Listen(o.Access.Addr)
	if err != nil {
		return err
	}
	// Recover: the parts mounted beside the API (webhooks, dashboard) answer a panic as the API does.
	srv := httpapi.NewHTTPServer(httpapi.HTTPServerConfig{Listener: ln, Handler: api.Recover(mux), Handlers: hctx, StopHandlers: stopHandlers, Logger: log})
	parts = append(parts, Part{"http", srv.Run})
	base := "http://" + ln.Addr().String()
	if n.o.NATS.URL == "" {
		// The data folder is locked while serve runs; a command refused it names these ways in.
		info := ServeInfo{PID: os.Getpid(), HTTP: base, NATS: l.Store().ClientURL(), NATSCredentials: n.readerFile}
		if remove, err := n.o.Dir.WriteServeInfo(info); err != nil {
			log.Warn("cannot write "+ServeInfoFile+" in the data folder", "err", err)
		} else {
			defer remove()
		}
	}
	log.Info("ocopledger serving", "url", base+"/", "api", base+"/v1/openapi.json",
		"access", auth.Mode(), "instance", o.Instance, "version", buildinfo.Read().Version)
	if o.Serving != nil {
		o.Serving(base, l.Store().ClientURL(), auth)
	}
	err = RunParts(hctx, log, parts)
	log.Info("ocopledger stopped")
	if err == nil && ctx.Err() != nil {
		return nil // a clean stop on a signal
	}
	return err
}

// prepare checks who may use the API before anything is opened, then opens the ledger (with the
// demo history, if asked) and reads the witnesses' keys.
func (n *Node) prepare(ctx context.Context, o ServeOptions) (*httpapi.Auth, []note.Verifier, error) {
	auth, err := o.Access.Auth(n.o.Logger)
	if err != nil {
		return nil, nil, err
	}
	l, err := n.Ledger(ctx)
	if err != nil {
		return nil, nil, err
	}
	if o.Demo {
		stats, err := demo.Load(ctx, l, nil)
		if err != nil {
			return nil, nil, err
		}
		n.o.Logger.Info("demo history loaded (real product names, everything else synthetic)", "entries", stats.Entries, "recorded", stats.Recorded, "skipped", stats.Skipped)
	}
	witnesses, err := provenance.ReadWitnessVerifiers(o.WitnessKeys)
	return auth, witnesses, err
}

// Part is a part of a serving node that runs until its context is done, named in the log.
type Part struct {
	Name string
	Run  func(context.Context) error
}

// RunParts runs the parts until ctx is done or one fails; then it stops the others, waits for
// them and returns the first failure, named by its part.
func RunParts(ctx context.Context, log *slog.Logger, parts []Part) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, p := range parts {
		g.Go(func() error {
			err := p.Run(ctx)
			if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			log.Error("serve: a part failed; stopping", "part", p.Name, "err", err)
			return fmt.Errorf("%s: %w", p.Name, err)
		})
	}
	return g.Wait()
}
