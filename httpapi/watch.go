package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
)

// Watch is what `ocopledger watch` follows: the events, or the changes of the figures of a day.
type Watch struct {
	// Figures follows the figures of AsOf ("" for today) instead of the events.
	Figures bool
	AsOf    string
	// Type and Stream select the events: exact, or a prefix ending in *; "" selects all.
	Type, Stream string
	// Since is the last position already seen (-1: follow from now on).
	Since int64
}

// Watch follows w's stream of the server (Client.Follow), calling fn with each message's JSON.
func (c *Client) Watch(ctx context.Context, w Watch, onReconnect func(), fn func(data string) error) error {
	q := url.Values{}
	path := "/v1/stream/events"
	if w.Figures {
		path = "/v1/stream/figures"
		if w.AsOf != "" {
			q.Set("as_of", w.AsOf)
		}
	} else {
		if w.Type != "" {
			q.Set("type", w.Type)
		}
		if w.Stream != "" {
			q.Set("stream", w.Stream)
		}
	}
	last := ""
	if w.Since >= 0 {
		last = strconv.FormatInt(w.Since, 10)
	}
	return c.Follow(ctx, path, q, FollowOptions{LastEventID: last, OnReconnect: onReconnect}, func(e Event) error { return fn(e.Data) })
}

// Watcher prints what `ocopledger watch` follows, one line per message (its JSON, or its text in
// Client.Lang): from the server's stream, or, where no server can be reached, from the ledger
// itself (watchLedger).
type Watcher struct {
	Watch
	Client Client
	JSON   bool
	// Out gets the lines; Notices what the watch says of its connection.
	Out, Notices io.Writer
	// Ledger and Figures open the ledger and its read models, where no server can be reached.
	Ledger  func() (*ledger.Ledger, error)
	Figures func() (*projections.Projection, error)
}

// Run follows until ctx is done.
func (w Watcher) Run(ctx context.Context) error {
	lang := w.Client.Lang
	say := func(vi, en string) { fmt.Fprintln(w.Notices, tables.Label{VI: vi, EN: en}.In(lang)) }
	err := w.Client.Watch(ctx, w.Watch, func() { say("(mất kết nối; đang nối lại…)", "(connection lost; reconnecting…)") }, func(data string) error {
		line, err := data, error(nil)
		if !w.JSON {
			line, err = watchText(w.Watch, data, lang)
		}
		return w.println(line, err)
	})
	var unreachable *net.OpError
	if !errors.As(err, &unreachable) { // never connected (after a drop, Follow reconnects)
		return err
	}
	say("(không kết nối được "+w.Client.Server+"; theo dõi trực tiếp sổ cái)", "(no server at "+w.Client.Server+"; following the log directly)")
	l, err := w.Ledger()
	if err != nil {
		return err
	}
	return watchLedger(ctx, l, w.Figures, w.Watch, domain.DateOf(time.Now()),
		func(e ledger.Entry, stored eventstore.Envelope) error {
			if w.JSON {
				return tables.WriteJSONLine(w.Out, stored)
			}
			return w.println(tables.EventText(e, lang), nil)
		}, func(ch FigureChanges) error {
			if w.JSON {
				return tables.WriteJSONLine(w.Out, ch)
			}
			return w.println(figureChangesText(ch, lang), nil)
		})
}

// println prints a line unless making it failed.
func (w Watcher) println(line string, err error) error {
	if err == nil {
		_, err = fmt.Fprintln(w.Out, line)
	}
	return err
}

// watchText is the line of text `ocopledger watch` prints for a message of w's stream.
func watchText(w Watch, data string, lang string) (string, error) {
	if w.Figures {
		var ch FigureChanges
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return "", fmt.Errorf("watch: %w", err)
		}
		return figureChangesText(ch, lang), nil
	}
	var e Envelope
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return "", fmt.Errorf("watch: %w", err)
	}
	return tables.EventText(e, lang), nil
}

// figureChangesText is a message of the figures' stream as a line of text.
func figureChangesText(ch FigureChanges, lang string) string {
	var parts []string
	for _, c := range ch.Changes {
		name := c.Figure
		if f, ok := domain.LookupFigure(c.Figure); ok {
			name = fmt.Sprintf("%s (%s)", f.Label(lang), c.Figure)
		}
		parts = append(parts, fmt.Sprintf("%s: %s → %s", name, i18n.Int(lang, c.Old), i18n.Int(lang, c.New)))
	}
	return fmt.Sprintf("#%d  %s %s  %s", ch.Position, tables.Label{VI: "số liệu ngày", EN: "figures of"}.In(lang), ch.AsOf.Format(lang), strings.Join(parts, "; "))
}

// watchLedger follows w in the ledger itself, where no server can be reached: event gets each
// event that w selects (the fields its text shows, and the stored envelope for its JSON), or
// figures each change of the figures (FigureChanges) of p, which it keeps following. It returns
// when ctx is done.
func watchLedger(ctx context.Context, l *ledger.Ledger, p func() (*projections.Projection, error), w Watch, now domain.Date,
	event func(e ledger.Entry, stored eventstore.Envelope) error, figures func(FigureChanges) error) error {
	st := l.Store()
	end, err := st.LastSequence(ctx)
	if err != nil {
		return err
	}
	from := end + 1
	if w.Since >= 0 {
		if err := beyondEnd("since", uint64(w.Since), end); err != nil {
			return err
		}
		from = uint64(w.Since + 1)
	}
	if !w.Figures {
		return st.Follow(ctx, from, func(e eventstore.Envelope) error {
			if !eventstore.MatchPattern(w.Type, e.Type) || !eventstore.MatchPattern(w.Stream, e.Stream) {
				return nil
			}
			return event(Envelope{Sequence: e.Sequence, Type: e.Type, Stream: e.Stream, RecordedAt: e.RecordedAt, Actor: e.Actor, Source: e.Source}, e)
		})
	}
	proj, err := p()
	if err != nil {
		return err
	}
	go proj.Run(ctx, l)
	q := domain.Query{AsOf: now}
	if w.AsOf != "" {
		q.AsOf, _ = domain.ParseDate(w.AsOf)
	}
	cursor := from - 1
	prev := proj.FiguresAtPosition(q, cursor).Figures
	for {
		if err := proj.WaitFor(ctx, cursor+1); err != nil {
			return nil
		}
		for ck := proj.Checkpoint(); cursor < ck; {
			cursor++
			cur := proj.FiguresAtPosition(q, cursor).Figures
			ch := changes(prev, cur)
			prev = cur
			if len(ch) == 0 {
				continue
			}
			if err := figures(FigureChanges{Position: cursor, AsOf: q.AsOf, Changes: ch}); err != nil {
				return err
			}
		}
	}
}

// beyondEnd refuses a position to resume after that the log does not have (its end is end): it
// comes from another log, and waiting for it would starve the subscriber in silence.
func beyondEnd(field string, n, end uint64) error {
	if n > end {
		return domain.Invalid(field, "%d is beyond the end of the log (position %d): this ledger has no such position; reconnect without it to follow from now", n, end)
	}
	return nil
}
