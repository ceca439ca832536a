package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
)

type watchOptions struct {
	typ, stream, server, token, asOf string
	since                            int64
}

func newWatchCmd(m *Main) *cobra.Command {
	o := &watchOptions{}
	c := m.command("watch", func(c *cobra.Command, args []string) error { return runWatch(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.typ, "type", "", "")
	fs.StringVar(&o.stream, "stream", "", "")
	fs.StringVar(&o.asOf, "as-of", "", "")
	fs.Int64Var(&o.since, "since", -1, "")
	fs.StringVar(&o.server, "server", envOr("OCOPLEDGER_SERVER", "http://127.0.0.1:8080"), "")
	fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), "")
	clihelp.Secret(fs, "token")
	return c
}

func runWatch(ctx context.Context, m *Main, o *watchOptions, args []string) error {
	what := "events"
	if len(args) > 0 {
		what = args[0]
	}
	if len(args) > 1 {
		return usagef("watch takes one argument: events or figures")
	}
	if what != "events" && what != "figures" {
		return usagef("%q is not something to watch: give events or figures", what)
	}
	if o.asOf != "" {
		if _, err := domain.ParseDate(o.asOf); err != nil {
			return domain.Invalid("as-of", "%v", err)
		}
	}
	w := httpapi.Watch{Figures: what == "figures", AsOf: o.asOf, Type: o.typ, Stream: o.stream, Since: o.since}
	c := httpapi.Client{Server: o.server, Token: o.token, Lang: m.Lang}
	err := c.Watch(ctx, w, func() {
		fmt.Fprintln(m.Err, m.t("(mất kết nối; đang nối lại…)", "(connection lost; reconnecting…)"))
	}, func(data string) error {
		line, err := data, error(nil)
		if !m.JSON {
			line, err = httpapi.WatchText(w, data, m.Lang)
		}
		if err == nil {
			_, err = fmt.Fprintln(m.Out, line)
		}
		return err
	})
	var unreachable *net.OpError
	if !errors.As(err, &unreachable) { // never connected (after a drop, Follow reconnects)
		return err
	}
	fmt.Fprintf(m.Err, "%s\n", m.t("(không kết nối được "+o.server+"; theo dõi trực tiếp sổ cái)",
		"(no server at "+o.server+"; following the log directly)"))
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	return httpapi.WatchLedger(ctx, l, func() (*projections.Projection, error) { return m.Figures(ctx) }, w, domain.DateOf(time.Now()),
		func(e ledger.Entry, stored eventstore.Envelope) error {
			if m.JSON {
				return tables.WriteJSONLine(m.Out, stored)
			}
			_, err := fmt.Fprintln(m.Out, tables.EventText(e, m.Lang))
			return err
		}, func(ch httpapi.FigureChanges) error {
			if m.JSON {
				return tables.WriteJSONLine(m.Out, ch)
			}
			_, err := fmt.Fprintln(m.Out, httpapi.FigureChangesText(ch, m.Lang))
			return err
		})
}
