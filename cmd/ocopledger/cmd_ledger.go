package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/tables"
)

// record, log, export, version: the commands of the ledger core.

type recordOptions struct {
	file, id, actor, source, correlation, recordedAt string
	expected                                         int64
	fields                                           []string
}

func newRecordCmd(m *Main) *cobra.Command {
	o := &recordOptions{}
	c := m.command("record", func(c *cobra.Command, args []string) error { return runRecord(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.file, "file", "", "")
	fs.StringArrayVar(&o.fields, "set", nil, "")
	fs.StringVar(&o.id, "id", "", "")
	fs.StringVar(&o.actor, "actor", envOr("USER", "cli"), "")
	fs.StringVar(&o.source, "source", "", "")
	fs.StringVar(&o.correlation, "correlation-id", "", "")
	fs.StringVar(&o.recordedAt, "recorded-at", "", "")
	fs.Int64Var(&o.expected, "expected-version", -1, "")
	return c
}

func newLogCmd(m *Main) *cobra.Command {
	o := &logOptions{}
	c := m.command("log", func(c *cobra.Command, args []string) error { return runLog(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.stream, "stream", "", "")
	fs.StringVar(&o.typ, "type", "", "")
	fs.Uint64Var(&o.from, "from", 1, "")
	fs.Uint64Var(&o.to, "to", 0, "")
	fs.IntVar(&o.limit, "limit", 0, "")
	fs.BoolVar(&o.follow, "follow", false, "")
	o.out.register(fs, false)
	return c
}

func runRecord(ctx context.Context, m *Main, o *recordOptions, args []string) error {
	if len(args) == 0 {
		return usagef("record needs an event type; one of: %s", strings.Join(domain.EventTypes(), ", "))
	}
	if len(args) != 1 {
		return usagef("record takes one event type, got %d arguments", len(args))
	}
	typ := args[0]
	if !domain.KnownType(typ) {
		return domain.Invalid("type", "%q is not a known event type; known types: %s", typ, strings.Join(domain.EventTypes(), ", "))
	}
	payload, err := readPayload(m, o.file, o.fields)
	if err != nil {
		return err
	}
	meta := ledger.Meta{ID: o.id, Actor: o.actor, Source: o.source, CorrelationID: o.correlation}
	if o.recordedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, o.recordedAt)
		if err != nil {
			return domain.Invalid("recorded-at", "%q is not an RFC 3339 time such as 2025-08-15T09:00:00+07:00", o.recordedAt)
		}
		meta.RecordedAt = t
	}
	if o.expected >= 0 {
		meta.ExpectedVersion = &o.expected
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	pos, err := l.Record(ctx, typ, payload, meta)
	if err != nil {
		return err
	}
	if typ == "report.filed" && !pos.Duplicate {
		// Every filed report gets a signed checkpoint of the log it was filed against.
		if err := m.checkpointNow(ctx); err != nil {
			return err
		}
	}
	if m.JSON {
		return m.printJSON(pos)
	}
	dup := ""
	if pos.Duplicate {
		dup = m.t(" (đã ghi trước đó, không ghi lại)", " (already recorded earlier; nothing written)")
	}
	fmt.Fprintf(m.Out, m.t("đã ghi %s: %s phiên bản %d, vị trí %d, mã %s%s\n", "recorded %s: %s version %d, position %d, id %s%s\n"),
		pos.Type, pos.Stream, pos.Version, pos.Sequence, pos.ID, dup)
	return nil
}

// readPayload reads the JSON payload from a file or stdin, or builds it from --set fields.
func readPayload(m *Main, file string, fields []string) ([]byte, error) {
	if len(fields) > 0 {
		if file != "" {
			return nil, usagef("give the payload either with --file or with --set, not both")
		}
		obj := map[string]any{}
		for _, f := range fields {
			k, v, ok := strings.Cut(f, "=")
			if !ok || k == "" {
				return nil, domain.Invalid("set", "%q: write field=value, e.g. --set stars=4", f)
			}
			setPath(obj, strings.Split(k, "."), parseValue(v))
		}
		return json.Marshal(obj)
	}
	var r io.Reader = m.In
	if file != "" && file != "-" {
		f, err := openInput("file", file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, ledger.MaxPayload+1))
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, usagef("no payload: pipe the event's JSON to stdin, or use --file or --set")
	}
	return b, nil
}

func setPath(obj map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := obj[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[p] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = v
}

// parseValue reads numbers, booleans and JSON literals as such, anything else as text.
func parseValue(v string) any {
	if n, err := strconv.ParseFloat(v, 64); err == nil && (v == "0" || !strings.HasPrefix(v, "0") || strings.HasPrefix(v, "0.")) {
		return n
	}
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") || strings.HasPrefix(v, `"`) {
		var x any
		if json.Unmarshal([]byte(v), &x) == nil {
			return x
		}
	}
	return v
}

type logOptions struct {
	stream, typ string
	from, to    uint64
	limit       int
	follow      bool
	out         tableFlags
}

type stopRead struct{}

func (stopRead) Error() string { return "stop" }

func runLog(ctx context.Context, m *Main, o *logOptions, args []string) (err error) {
	if len(args) > 0 {
		return usagef("log takes no arguments; filter with --stream, --type, --from, --to")
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	if o.follow && format.File() {
		return domain.Invalid("format", "--follow prints text or JSON: give --format text or json, or leave out --follow")
	}
	s, err := m.Store(ctx)
	if err != nil {
		return err
	}
	t := tables.Log(max(o.from, 1), m.Lang)
	if format.File() {
		if err := readLog(ctx, m, o, s, func(e eventstore.Envelope) error {
			t.Rows = append(t.Rows, tables.LogRow(ledger.EntryOf(e), m.Lang))
			return nil
		}); err != nil {
			return err
		}
		return o.out.write(m, t, format, opts)
	}
	return o.out.to(m, func(out io.Writer) error {
		w := bufio.NewWriter(out)
		defer w.Flush()
		if format == tables.FormatJSON {
			return readLog(ctx, m, o, s, func(e eventstore.Envelope) error {
				if err := writeEnvelope(w, e); err != nil || !o.follow {
					return err
				}
				return w.Flush()
			})
		}
		grid := tables.NewLogGrid(w, t, o.follow)
		err := readLog(ctx, m, o, s, func(e eventstore.Envelope) error {
			grid.Row(tables.LogRow(ledger.EntryOf(e), m.Lang))
			return nil
		})
		return errors.Join(err, grid.Close())
	})
}

// readLog visits the entries of the log that --stream, --type, --from, --to and --limit select,
// or follows it with --follow.
func readLog(ctx context.Context, m *Main, o *logOptions, s *eventstore.Store, visit func(e eventstore.Envelope) error) error {
	n := 0
	selected := func(e eventstore.Envelope) error {
		if o.to > 0 && e.Sequence > o.to {
			return stopRead{}
		}
		if !eventstore.MatchPattern(o.stream, e.Stream) || !eventstore.MatchPattern(o.typ, e.Type) {
			return nil
		}
		if err := visit(e); err != nil {
			return err
		}
		if n++; o.limit > 0 && n >= o.limit {
			return stopRead{}
		}
		return nil
	}
	var err error
	from := max(o.from, 1)
	if o.follow {
		err = s.Follow(ctx, from, selected)
	} else {
		// To the end the data directory knows the log reached, at least: a log cut short names
		// what it lost.
		var end uint64
		if m.StreamName == "" {
			if end, err = m.knownEnd(ctx, s); err != nil {
				return err
			}
		}
		err = s.ReadWith(ctx, eventstore.ReadOptions{From: from, End: end}, selected)
	}
	if _, ok := err.(stopRead); ok || ctx.Err() != nil && o.follow {
		err = nil
	}
	return err
}

func writeEnvelope(w io.Writer, e eventstore.Envelope) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
