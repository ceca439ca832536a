package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/ocopledger/ocopledger/internal/buildinfo"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/tables"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
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

	tokens, err := httpapi.LoadTokens(o.tokens, os.Getenv("OCOPLEDGER_TOKENS"))
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
	witnesses, err := provenance.ReadWitnessVerifiers(o.witnessKeys)
	if err != nil {
		return err
	}
	return m.node().Serve(ctx, datadir.ServeOptions{Addr: o.addr, Auth: auth, Witnesses: witnesses, Instance: o.instance,
		HistoryEvery: m.historyEvery, ScrubAfter: m.scrubAfter,
		Serving: func(base, natsURL string) {
			mode := "tokens"
			if auth.Open() {
				mode = "open-local"
			} else if o.publicRead {
				mode = "tokens, public read"
			}
			log.Info("ocopledger serving", "url", base+"/", "api", base+"/v1/openapi.json",
				"access", mode, "instance", o.instance, "version", buildinfo.Read().Version)
			if !m.JSON {
				fmt.Fprint(m.Out, tables.ServeBanner(base, auth.Open(), o.publicRead, natsURL, m.node().ReaderFile(), m.Lang))
			}
		}})
}
