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
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/tables"
)

// serve: the ledger, its API and dashboard and the parts beside them, until ctx is done or a
// part fails.
func newServeCmd(m *Main) *cobra.Command {
	o := datadir.ServeOptions{Access: httpapi.Access{TokensEnv: os.Getenv("OCOPLEDGER_TOKENS")}}
	return m.Command(clihelp.Spec{Path: "serve",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.Access.Addr, "addr", cmp.Or(os.Getenv("OCOPLEDGER_ADDR"), "127.0.0.1:8080"), "")
			fs.StringVar(&o.Access.TokensFile, "tokens", os.Getenv("OCOPLEDGER_TOKENS_FILE"), "")
			fs.BoolVar(&o.Access.PublicRead, "public-read", false, "")
			fs.BoolVar(&o.Demo, "demo", false, "")
			fs.StringArrayVar(&o.WitnessKeys, "witness-key", nil, "")
			host, _ := os.Hostname()
			fs.StringVar(&o.Instance, "instance", cmp.Or(os.Getenv("OCOPLEDGER_INSTANCE"), host), "")
		},
		Run: func(ctx context.Context, _ []string) error {
			// serve always says what it does: info level, to stderr.
			level := slog.LevelInfo
			if m.Verbose {
				level = slog.LevelDebug
			}
			m.Logger = slog.New(slog.NewTextHandler(m.Err, &slog.HandlerOptions{Level: level}))
			o.HistoryEvery, o.ScrubAfter = m.historyEvery, m.scrubAfter
			o.Serving = func(base, natsURL string, auth *httpapi.Auth) {
				if !m.JSON {
					fmt.Fprint(m.Out, tables.ServeBanner(base, auth.Open(), auth.PublicRead(), natsURL, m.node().ReaderFile(), m.Lang))
				}
			}
			return m.node().Serve(ctx, o)
		}})
}
