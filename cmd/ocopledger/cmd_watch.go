package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
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
	q := url.Values{}
	path := "/v1/stream/events"
	if what == "figures" {
		path = "/v1/stream/figures"
		if o.asOf != "" {
			q.Set("as_of", o.asOf)
		}
	} else {
		if o.typ != "" {
			q.Set("type", o.typ)
		}
		if o.stream != "" {
			q.Set("stream", o.stream)
		}
	}
	last := ""
	if o.since >= 0 {
		last = strconv.FormatInt(o.since, 10)
	}
	c := httpapi.Client{Server: o.server, Token: o.token, Lang: m.Lang}
	err := c.Follow(ctx, path, q, httpapi.FollowOptions{LastEventID: last, OnReconnect: func() {
		fmt.Fprintln(m.Err, m.t("(mất kết nối; đang nối lại…)", "(connection lost; reconnecting…)"))
	}}, func(e httpapi.Event) error { return m.printWatched(what, e.ID, e.Data) })
	var unreachable *net.OpError
	if errors.As(err, &unreachable) { // never connected (after a drop, Follow reconnects)
		fmt.Fprintf(m.Err, "%s\n", m.t("(không kết nối được "+o.server+"; theo dõi trực tiếp sổ cái)",
			"(no server at "+o.server+"; following the log directly)"))
		return m.watchLocal(ctx, o, what, o.since)
	}
	return err
}

// printWatched prints one message of a stream as a line.
func (m *Main) printWatched(what, id, data string) error {
	if m.JSON {
		_, err := fmt.Fprintln(m.Out, data)
		return err
	}
	if what == "figures" {
		var ch httpapi.FigureChanges
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		return m.printFigureChanges(ch)
	}
	var e httpapi.Envelope
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return m.printEvent(e)
}

func (m *Main) printEvent(e httpapi.Envelope) error {
	if e.Unreadable != "" { // not an event: named, with why
		_, err := fmt.Fprintf(m.Out, "#%d  %s  %-26s %s  %s\n", e.Sequence, m.instant(e.AppendedAt), m.t("(không đọc được)", "(unreadable)"), e.Stream, e.Unreadable)
		return err
	}
	line := fmt.Sprintf("#%d  %s  %-26s %s", e.Sequence, m.instant(e.RecordedAt), e.Type, e.Stream)
	if e.Actor != "" {
		line += "  " + m.t("bởi ", "by ") + e.Actor
	}
	if e.Source != "" {
		line += "  (" + e.Source + ")"
	}
	_, err := fmt.Fprintln(m.Out, line)
	return err
}

func (m *Main) printFigureChanges(ch httpapi.FigureChanges) error {
	var parts []string
	for _, c := range ch.Changes {
		name := c.Figure
		if f, ok := domain.LookupFigure(c.Figure); ok {
			name = fmt.Sprintf("%s (%s)", f.Label(m.Lang), c.Figure)
		}
		parts = append(parts, fmt.Sprintf("%s: %s → %s", name, i18n.Int(m.Lang, c.Old), i18n.Int(m.Lang, c.New)))
	}
	_, err := fmt.Fprintf(m.Out, "#%d  %s %s  %s\n", ch.Position, m.t("số liệu ngày", "figures of"), m.date(ch.AsOf), strings.Join(parts, "; "))
	return err
}

// watchLocal follows the log (or the figures) through the store when no server is reachable.
func (m *Main) watchLocal(ctx context.Context, o *watchOptions, what string, since int64) error {
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	st := l.Store()
	end, err := st.LastSequence(ctx)
	if err != nil {
		return err
	}
	from := end + 1
	if since > int64(end) {
		// as the server refuses it: waiting for a position the log does not have would starve
		return domain.Invalid("since", "%d is beyond the end of the log (position %d): this ledger has no such position; reconnect without it to follow from now", since, end)
	} else if since >= 0 {
		from = uint64(since + 1)
	}
	if what == "events" {
		return st.Follow(ctx, from, func(e eventstore.Envelope) error {
			if !eventstore.MatchPattern(o.typ, e.Type) || !eventstore.MatchPattern(o.stream, e.Stream) {
				return nil
			}
			if m.JSON {
				return writeEnvelope(m.Out, e)
			}
			return m.printEvent(httpapi.Envelope{Sequence: e.Sequence, Type: e.Type, Stream: e.Stream, RecordedAt: e.RecordedAt, Actor: e.Actor, Source: e.Source})
		})
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	go p.Run(ctx, l)
	asOf := domain.DateOf(time.Now())
	if o.asOf != "" {
		asOf, _ = domain.ParseDate(o.asOf)
	}
	q := domain.Query{AsOf: asOf}
	cursor := from - 1
	prev := p.FiguresAtPosition(q, cursor).Figures
	for {
		if err := p.WaitFor(ctx, cursor+1); err != nil {
			return nil
		}
		for ck := p.Checkpoint(); cursor < ck; {
			cursor++
			cur := p.FiguresAtPosition(q, cursor).Figures
			ch := httpapi.FigureChanges{Position: cursor, AsOf: asOf}
			for _, f := range domain.Figures() {
				if prev[f.ID] != cur[f.ID] {
					ch.Changes = append(ch.Changes, httpapi.FigureChange{Figure: f.ID, Old: prev[f.ID], New: cur[f.ID]})
				}
			}
			prev = cur
			if len(ch.Changes) == 0 {
				continue
			}
			if m.JSON {
				if err := json.NewEncoder(m.Out).Encode(ch); err != nil {
					return err
				}
			} else if err := m.printFigureChanges(ch); err != nil {
				return err
			}
		}
	}
}
