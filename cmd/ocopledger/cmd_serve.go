package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/tables"
)

// serveOptions are the settings of `ocopledger serve` (its flags).
type serveOptions struct {
	access   httpapi.Access
	demo     bool
	instance string
	// witnessKeys are the witnesses whose cosignatures the ledger takes (--witness-key).
	witnessKeys []string
}

// serve: the ledger, its API and dashboard and the parts beside them, until stopped.
func newServeCmd(m *Main) *cobra.Command {
	o := serveOptions{access: httpapi.Access{TokensEnv: os.Getenv("OCOPLEDGER_TOKENS")}}
	return m.Command(clihelp.Spec{Path: "serve",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.access.Addr, "addr", cmp.Or(os.Getenv("OCOPLEDGER_ADDR"), "127.0.0.1:8080"), "")
			fs.StringVar(&o.access.TokensFile, "tokens", os.Getenv("OCOPLEDGER_TOKENS_FILE"), "")
			fs.BoolVar(&o.access.PublicRead, "public-read", false, "")
			fs.BoolVar(&o.demo, "demo", false, "")
			fs.StringArrayVar(&o.witnessKeys, "witness-key", nil, "")
			host, _ := os.Hostname()
			fs.StringVar(&o.instance, "instance", cmp.Or(os.Getenv("OCOPLEDGER_INSTANCE"), host), "")
		},
		Run: func(ctx context.Context, _ []string) error { return runServe(ctx, m, o) }})
}

// runServe runs the ledger, the API and the parts beside it until ctx is done or a part fails.
func runServe(ctx context.Context, m *Main, o serveOptions) error {
	// serve always says what it does: info level, to stderr.
	level := slog.LevelInfo
	if m.Verbose {
		level = slog.LevelDebug
	}
	m.Logger = slog.New(slog.NewTextHandler(m.Err, &slog.HandlerOptions{Level: level}))
	auth, err := o.access.Auth(m.Logger)
	if err != nil {
		return err
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	if o.demo { // idempotent: a ledger that already holds it gets nothing new
		stats, err := demo.Load(ctx, l, nil)
		if err != nil {
			return err
		}
		m.Logger.Info("demo history loaded (real product names, everything else synthetic)", "entries", stats.Entries, "recorded", stats.Recorded, "skipped", stats.Skipped)
	}
	witnesses, err := provenance.ReadWitnessVerifiers(o.witnessKeys)
	if err != nil {
		return err
	}
	return m.node().Serve(ctx, datadir.ServeOptions{Addr: o.access.Addr, Auth: auth, Witnesses: witnesses, Instance: o.instance,
		HistoryEvery: m.historyEvery, ScrubAfter: m.scrubAfter,
		Serving: func(base, natsURL string) {
			if !m.JSON {
				fmt.Fprint(m.Out, tables.ServeBanner(base, auth.Open(), auth.PublicRead(), natsURL, m.node().ReaderFile(), m.Lang))
			}
		}})
}
