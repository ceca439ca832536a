package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/ocopledger/ocopledger/internal/buildinfo"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/dashboard"
	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/reactive"
)

// serveOptions are the settings of `ocopledger serve` (its flags).
type serveOptions struct {
	addr       string
	tokens     string
	publicRead bool
	demo       bool
	instance   string
	// witnessKeys are the witnesses whose cosignatures the ledger takes (--witness-key).
	witnessKeys []string
}

func newServeCmd(m *Main) *cobra.Command {
	o := &serveOptions{}
	c := m.command("serve", func(c *cobra.Command, args []string) error { return runServe(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.addr, "addr", envOr("OCOPLEDGER_ADDR", "127.0.0.1:8080"), "")
	fs.StringVar(&o.tokens, "tokens", os.Getenv("OCOPLEDGER_TOKENS_FILE"), "")
	fs.BoolVar(&o.publicRead, "public-read", false, "")
	fs.BoolVar(&o.demo, "demo", false, "")
	fs.StringArrayVar(&o.witnessKeys, "witness-key", nil, "")
	host, _ := os.Hostname()
	fs.StringVar(&o.instance, "instance", envOr("OCOPLEDGER_INSTANCE", host), "")
	return c
}

// loadTokens reads --tokens FILE and $OCOPLEDGER_TOKENS.
func loadTokens(file string) ([]httpapi.Token, error) {
	var out []httpapi.Token
	if file != "" {
		f, err := openInput("tokens", file)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		ts, err := httpapi.ParseTokens(b)
		if err != nil {
			return nil, err // its field is tokens, the flag
		}
		out = append(out, ts...)
	}
	if env := os.Getenv("OCOPLEDGER_TOKENS"); env != "" {
		ts, err := httpapi.ParseTokensEnv(env)
		if err != nil {
			var e *domain.Error
			if errors.As(err, &e) {
				c := *e
				c.Field = "OCOPLEDGER_TOKENS" // where the clerk wrote it
				return nil, &c
			}
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

// runServe runs the ledger, the API and the parts beside it until ctx is done or a part fails.
func runServe(ctx context.Context, m *Main, o *serveOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "serve")
	}
	// serve always says what it does: info level, to stderr.
	level := slog.LevelInfo
	if m.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(m.Err, &slog.HandlerOptions{Level: level}))
	m.Logger = log

	tokens, err := loadTokens(o.tokens)
	if err != nil {
		return err
	}
	auth, err := httpapi.NewAuth(tokens, o.publicRead)
	if err != nil {
		return err
	}
	if auth.Open() {
		if !httpapi.Loopback(o.addr) {
			return domain.Invalid("addr", "no tokens are configured, so the server would be open to anyone who reaches %s: give --tokens FILE or $OCOPLEDGER_TOKENS, or listen on 127.0.0.1", o.addr)
		}
		log.Warn("OPEN LOCAL MODE: no tokens configured; everyone who can reach " + o.addr + " may read and record, as \"local\". Give --tokens FILE or $OCOPLEDGER_TOKENS to require tokens.")
	}

	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	if o.demo {
		if err := loadDemo(ctx, l, log); err != nil {
			return err
		}
	}
	p, err := m.Projection(projections.Options{Logger: log.With("part", "projections"), TuneProcess: true})
	if err != nil {
		return err
	}
	if err := l.CheckHistory(ctx, p.Known()); err != nil {
		return err // the read models know more of the log than it holds
	}
	reg := metrics.NewRegistry()
	runner := projections.NewRunner(p, l, projections.RunnerOptions{Logger: log.With("part", "projections")})
	// The log's signed checkpoints: the data directory's key (made on first start) signs them.
	cps, err := m.Checkpoints(ctx, true)
	if err != nil {
		return err
	}
	witnesses, err := readWitnessVerifiers(o.witnessKeys)
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
		Known:  m.node().History().Known,
		Check:  func(ctx context.Context) error { return cps.Check(ctx, l, p) },
		Record: func() error { return m.recordKnown(p) },
		Every:  m.historyEvery, ScrubAfter: m.scrubAfter})
	signer := checkpoint.NewPublisher(checkpoint.PublisherConfig{Log: cps, Projection: p, Store: l.Store(), Logger: log.With("part", "checkpoints")})
	parts := []namedRun{{"projections", runner.Run}, {"api", api.Run}, {"history", watch.Run}, {"checkpoints", signer.Run}}
	// The webhook API answers its errors as the API does.
	hooksLog := log.With("part", "webhooks-api")
	reacting, err := reactive.NewParts(hctx, reactive.PartsConfig{Ledger: l, Projection: p, Mux: mux, Require: api.Require, Logger: log,
		WriteError: func(w http.ResponseWriter, r *http.Request, err error) { httpapi.WriteError(w, r, hooksLog, err) },
		Instance:   o.instance, Metrics: reg})
	if err != nil {
		return fmt.Errorf("serve: reactive: %w", err)
	}
	for _, run := range reacting {
		parts = append(parts, namedRun{"reactive", run})
	}
	for _, p := range mux.Patterns() {
		log.Debug("route", "pattern", p)
	}
	ln, err := httpapi.Listen(o.addr)
	if err != nil {
		return err
	}
	// Recover: the parts mounted beside the API (webhooks, dashboard) answer a panic as the API does.
	srv := httpapi.NewHTTPServer(httpapi.HTTPServerConfig{Listener: ln, Handler: api.Recover(mux), Handlers: hctx, StopHandlers: stopHandlers, Logger: log})
	parts = append(parts, namedRun{"http", srv.Run})
	if m.NatsURL == "" {
		// The data folder is locked while serve runs; a command refused it names these ways in.
		info := datadir.ServeInfo{PID: os.Getpid(), HTTP: "http://" + ln.Addr().String(), NATS: l.Store().ClientURL(), NATSCredentials: m.node().ReaderFile()}
		if remove, err := m.dir().WriteServeInfo(info); err != nil {
			log.Warn("cannot write "+datadir.ServeInfoFile+" in the data folder", "err", err)
		} else {
			defer remove()
		}
	}
	mode := "tokens"
	if auth.Open() {
		mode = "open-local"
	} else if o.publicRead {
		mode = "tokens, public read"
	}
	log.Info("ocopledger serving", "url", "http://"+ln.Addr().String()+"/", "api", "http://"+ln.Addr().String()+"/v1/openapi.json",
		"access", mode, "instance", o.instance, "version", buildinfo.Read().Version)
	if !m.JSON {
		m.serveBanner("http://"+ln.Addr().String(), auth.Open(), o.publicRead)
		m.natsBanner(l.Store().ClientURL())
	}
	err = runParts(hctx, log, parts)
	log.Info("ocopledger stopped")
	if err == nil && ctx.Err() != nil {
		return nil // a clean stop on a signal
	}
	return err
}

// serveBanner tells whoever started serve, in their language on stdout, where the dashboard and
// the API are and who may use them; the log on stderr (English, for operators) says the rest.
func (m *Main) serveBanner(base string, open, publicRead bool) {
	access := m.t("chỉ người có token (--tokens)", "holders of a token (--tokens) only")
	switch {
	case open:
		access = m.t("mở cho mọi người dùng trên máy này, chưa cấu hình token", "open to every user of this machine: no tokens configured")
	case publicRead:
		access = m.t("ai cũng xem được; ghi cần token", "anyone may read; recording needs a token")
	}
	fmt.Fprintf(m.Out, m.t(
		"Sổ cái OCOP đang chạy.\n  Bảng điều khiển:  %s/\n  API (OpenAPI):    %s/v1/openapi.json\n  Quyền truy cập:   %s\nDừng bằng Ctrl+C. Nhật ký hoạt động (tiếng Anh, cho người vận hành) ghi ra stderr.\n",
		"The OCOP ledger is running.\n  Dashboard:        %s/\n  API (OpenAPI):    %s/v1/openapi.json\n  Access:           %s\nStop with Ctrl+C. The operators' log goes to stderr.\n"),
		base, base, access)
}

// natsBanner tells, when serve also listens for NATS clients (--listen-nats), where and with
// which credentials they read the log.
func (m *Main) natsBanner(url string) {
	if url == "" {
		return
	}
	if m.node().ReaderFile() == "" {
		fmt.Fprintf(m.Out, m.t("  NATS (chỉ đọc):   %s, tài khoản và mật khẩu trong $OCOPLEDGER_NATS_READER\n",
			"  NATS (read only): %s, user and password in $OCOPLEDGER_NATS_READER\n"), url)
		return
	}
	fmt.Fprintf(m.Out, m.t(
		"  NATS (chỉ đọc):   %s, tài khoản và mật khẩu trong %s\n    ví dụ: ocopledger log --nats %s --nats-creds %s\n",
		"  NATS (read only): %s, user and password in %s\n    e.g. ocopledger log --nats %s --nats-creds %s\n"),
		url, m.node().ReaderFile(), url, m.node().ReaderFile())
}
