package main

import (
	"cmp"
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/internal/userfile"
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
	return m.Command(clihelp.Spec{Path: "record", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.file, "file", "", "")
			fs.StringArrayVar(&o.fields, "set", nil, "")
			fs.StringVar(&o.id, "id", "", "")
			fs.StringVar(&o.actor, "actor", cmp.Or(os.Getenv("USER"), "cli"), "")
			fs.StringVar(&o.source, "source", "", "")
			fs.StringVar(&o.correlation, "correlation-id", "", "")
			fs.StringVar(&o.recordedAt, "recorded-at", "", "")
			fs.Int64Var(&o.expected, "expected-version", -1, "")
		},
		Run: func(ctx context.Context, args []string) error { return runRecord(ctx, m, o, args) }})
}

func newLogCmd(m *Main) *cobra.Command {
	o := &logOptions{}
	return m.Command(clihelp.Spec{Path: "log", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.stream, "stream", "", "")
			fs.StringVar(&o.typ, "type", "", "")
			fs.Uint64Var(&o.from, "from", 1, "")
			fs.Uint64Var(&o.to, "to", 0, "")
			fs.IntVar(&o.limit, "limit", 0, "")
			fs.BoolVar(&o.follow, "follow", false, "")
			o.out.register(fs, false)
		},
		Run: func(ctx context.Context, args []string) error { return runLog(ctx, m, o, args) }})
}

func runRecord(ctx context.Context, m *Main, o *recordOptions, args []string) error {
	if len(args) == 0 {
		return clihelp.Usagef("record needs an event type; one of: %s", strings.Join(domain.EventTypes(), ", "))
	}
	if len(args) != 1 {
		return clihelp.Usagef("record takes one event type, got %d arguments", len(args))
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
	bar := progress.New(m.Err, progress.Options{Label: m.T("dựng lại số liệu", "building figures")})
	pos, err := m.node().Record(ctx, typ, payload, meta, bar.Update)
	bar.Done()
	if err != nil {
		return err
	}
	return m.reply(tables.Recorded(pos, m.Lang))
}

// readPayload reads the JSON payload from a file or stdin, or builds it from --set fields.
func readPayload(m *Main, file string, fields []string) ([]byte, error) {
	if len(fields) > 0 && file != "" {
		return nil, clihelp.Usagef("give the payload either with --file or with --set, not both")
	} else if len(fields) > 0 {
		return ledger.PayloadOf("set", fields)
	}
	var r io.Reader = m.In
	if file != "" && file != "-" {
		f, err := userfile.Open("file", file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, ledger.MaxPayload+1))
	if err == nil && len(strings.TrimSpace(string(b))) == 0 {
		return nil, clihelp.Usagef("no payload: pipe the event's JSON to stdin, or use --file or --set")
	}
	return b, err
}

type logOptions struct {
	stream, typ string
	from, to    uint64
	limit       int
	follow      bool
	out         tableFlags
}

func runLog(ctx context.Context, m *Main, o *logOptions, args []string) (err error) {
	if len(args) > 0 {
		return clihelp.Usagef("log takes no arguments; filter with --stream, --type, --from, --to")
	}
	format, opts, err := o.out.parse(m)
	if err != nil {
		return err
	}
	if o.follow && format.File() {
		return domain.Invalid("format", "--follow prints text or JSON: give --format text or json, or leave out --follow")
	}
	s, err := m.node().Store(ctx)
	if err != nil {
		return err
	}
	q := ledger.LogQuery{Stream: o.stream, Type: o.typ, From: o.from, To: o.to, Limit: o.limit, Follow: o.follow}
	if !o.follow && m.StreamName == "" {
		// To the end the data directory knows the log reached, at least: a log cut short names
		// what it lost.
		if q.End, err = m.knownEnd(ctx, s); err != nil {
			return err
		}
	}
	return userfile.Write("out", o.out.Out, m.Out, func(w io.Writer) error {
		return tables.WriteLog(w, format, opts, max(o.from, 1), o.follow, m.Lang, func(visit func(e eventstore.Envelope) error) error {
			return ledger.ReadLog(ctx, s, q, visit)
		})
	})
}
