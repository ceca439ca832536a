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
)

type watchOptions struct {
	typ, stream, server, token, asOf string
	since                            int64
}

func newWatchCmd(m *Main) *cobra.Command {
	o := &watchOptions{}
	c := &cobra.Command{
		Use: "watch " + m.t("[events|figures] [--type LOẠI] [--stream HỒ-SƠ] [--as-of NGÀY] [--since SỐ] [--server URL] [--token MÃ]",
			"[events|figures] [--type T] [--stream S] [--as-of D] [--since N] [--server URL] [--token T]"),
		Short: m.t("theo dõi trực tiếp các sự kiện hoặc các thay đổi số liệu ngay khi chúng xảy ra",
			"follow events or figure changes as they happen"),
		Long: m.t(`In ra một dòng cho mỗi sự kiện (hoặc mỗi thay đổi số liệu) ngay khi được ghi. Lệnh kết nối tới
một máy chủ "ocopledger serve" đang chạy qua Server-Sent Events và tự nối lại từ chỗ đã dừng nếu
mất kết nối; khi không kết nối được máy chủ nào, lệnh theo dõi trực tiếp sổ cái trong kho sự kiện
(--data hoặc --nats). --type và --stream nhận một tên chính xác hoặc phần đầu của tên kết thúc
bằng * (ví dụ --type 'ocop.*').`,
			`Prints one line per event (or per figure change) as it is recorded. It connects to a running
"ocopledger serve" over Server-Sent Events and resumes where it left off if the connection drops;
when no server is reachable it follows the log directly from the store (--data or --nats).
--type and --stream take an exact name or a prefix ending in * (e.g. --type 'ocop.*').`),
		Example: `  ocopledger watch events --type 'ocop.*'
  ocopledger watch figures --as-of 07/08/2025 --server http://127.0.0.1:8080`,
		RunE: func(c *cobra.Command, args []string) error { return runWatch(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.StringVar(&o.typ, "type", "", m.t(
		"chỉ các sự kiện thuộc loại này (hoặc phần đầu của tên loại kết thúc bằng *)",
		"only events of this type (or prefix*)"))
	fs.StringVar(&o.stream, "stream", "", m.t(
		"chỉ các sự kiện của hồ sơ này (hoặc phần đầu của tên kết thúc bằng *), ví dụ product.*",
		"only events of this record (or prefix*), e.g. product.*"))
	fs.StringVar(&o.asOf, "as-of", "", m.t(
		"khi theo dõi figures: ngày của số liệu cần theo dõi (mặc định: hôm nay)",
		"figures: the day whose figures to watch (default today)"))
	fs.Int64Var(&o.since, "since", -1, m.t(
		"bắt đầu sau vị trí này trong sổ cái (mặc định: từ bây giờ trở đi)",
		"start after this log position (default: from now on)"))
	fs.StringVar(&o.server, "server", envOr("OCOPLEDGER_SERVER", "http://127.0.0.1:8080"), m.t(
		"địa chỉ URL của máy chủ ocopledger serve đang chạy ($OCOPLEDGER_SERVER)",
		"URL of a running ocopledger serve ($OCOPLEDGER_SERVER)"))
	fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), m.t(
		"mã truy cập của máy chủ ($OCOPLEDGER_TOKEN)",
		"bearer token for the server ($OCOPLEDGER_TOKEN)"))
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
