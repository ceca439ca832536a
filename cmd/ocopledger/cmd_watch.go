package main

import (
	"cmp"
	"context"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

type watchOptions struct {
	typ, stream, server, token, asOf string
	since                            int64
}

func newWatchCmd(m *Main) *cobra.Command {
	o := &watchOptions{}
	return m.Command(clihelp.Spec{Path: "watch", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.typ, "type", "", "")
			fs.StringVar(&o.stream, "stream", "", "")
			fs.StringVar(&o.asOf, "as-of", "", "")
			fs.Int64Var(&o.since, "since", -1, "")
			fs.StringVar(&o.server, "server", cmp.Or(os.Getenv("OCOPLEDGER_SERVER"), "http://127.0.0.1:8080"), "")
			fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), "")
			clihelp.Secret(fs, "token")
		},
		Run: func(ctx context.Context, args []string) error { return runWatch(ctx, m, o, args) }})
}

func runWatch(ctx context.Context, m *Main, o *watchOptions, args []string) error {
	what := "events"
	if len(args) > 0 {
		what = args[0]
	}
	if len(args) > 1 {
		return clihelp.Usagef("watch takes one argument: events or figures")
	}
	if what != "events" && what != "figures" {
		return clihelp.Usagef("%q is not something to watch: give events or figures", what)
	}
	if o.asOf != "" {
		if _, err := domain.ParseDate(o.asOf); err != nil {
			return domain.Invalid("as-of", "%v", err)
		}
	}
	return httpapi.Watcher{
		Watch:  httpapi.Watch{Figures: what == "figures", AsOf: o.asOf, Type: o.typ, Stream: o.stream, Since: o.since},
		Client: httpapi.Client{Server: o.server, Token: o.token, Lang: m.Lang}, JSON: m.JSON, Out: m.Out, Notices: m.Err,
		Ledger:  func() (*ledger.Ledger, error) { return m.node().Ledger(ctx) },
		Figures: func() (*projections.Projection, error) { return m.Figures(ctx) },
	}.Run(ctx)
}
