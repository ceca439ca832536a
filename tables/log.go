package tables

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
)

// Log columns (the order of LogRow).
const (
	logPosition = iota
	logRecorded
	logBackfilled
	logType
	logStream
	logVersion
	logID
	logActor
	logSource
	logUnreadable
)

var logColumns = []Column{
	{Label{"vị trí", "position"}, Count},
	{Label{"ghi nhận lúc", "recorded at"}, Instant},
	{Label{"ghi bổ sung từ sổ cũ", "backfilled"}, Text},
	{Label{"loại sự kiện", "event type"}, Text},
	{Label{"hồ sơ", "record"}, Text},
	{Label{"phiên bản", "version"}, Count},
	{Label{"mã mục ghi", "entry ID"}, Text},
	{Label{"người ghi", "actor"}, Text},
	{Label{"văn bản nguồn", "source document"}, Text},
	{Label{"không đọc được vì", "unreadable because"}, Text},
}

// Log is the table of a slice of the log from a position, a row an entry (add them with LogRow).
func Log(from uint64, lang string) *Table {
	t := &Table{Name: fmt.Sprintf("log_%d", from), Lang: lang, Columns: logColumns, text: logText}
	t.Title = fmt.Sprintf(t.t("Sổ cái từ vị trí %d", "The log from position %d"), from)
	return t
}

// LogRow is an entry of the log as a row of the Log table. An entry that is not an event is a
// row too, with the time the store appended it and why it cannot be read: never skipped.
func LogRow(e ledger.Entry, lang string) Row {
	if e.Unreadable != "" {
		return Row{e.Sequence, e.AppendedAt, nil, Label{"(không đọc được)", "(unreadable)"}.In(lang), e.Stream, nil, nil, nil, nil, e.Unreadable}
	}
	var backfilled any
	if e.Backfilled {
		backfilled = Label{"có", "yes"}.In(lang)
	}
	return Row{e.Sequence, e.RecordedAt, backfilled, e.Type, e.Stream, e.Version, e.ID, e.Actor, e.Source, nil}
}

// LogGrid writes the log's rows as the command line prints them, as they come.
type LogGrid struct {
	g *Grid
	w io.Writer
	t *Table
	n int
}

// NewLogGrid starts the log's text on w; with follow each row is written (and w flushed, when it
// can be) as it comes.
func NewLogGrid(w io.Writer, t *Table, follow bool) *LogGrid {
	str := func(i int) func(Row) string { return func(r Row) string { return cellText(Text, r[i], t.Lang) } }
	g := NewGrid(w, t, []TextColumn{
		{Label{"VỊ TRÍ", "POS"}, func(r Row) string { return cellText(Count, r[logPosition], t.Lang) }},
		{Label{"GHI NHẬN LÚC", "RECORDED"}, func(r Row) string {
			s := InstantText(r[logRecorded].(time.Time), t.Lang)
			if r[logBackfilled] != nil {
				s += "*"
			}
			return s
		}},
		{Label{"LOẠI", "TYPE"}, str(logType)},
		{Label{"HỒ SƠ", "STREAM"}, str(logStream)},
		{Label{"PB", "V"}, func(r Row) string { return cellText(Count, r[logVersion], t.Lang) }},
		{Label{"MÃ", "ID"}, str(logID)},
		{Label{"NGUỒN", "SOURCE"}, func(r Row) string {
			if r[logUnreadable] != nil {
				return str(logUnreadable)(r)
			}
			return str(logSource)(r)
		}},
	}, follow)
	return &LogGrid{g: g, w: w, t: t}
}

// Row writes an entry's row.
func (l *LogGrid) Row(r Row) {
	l.g.Row(r)
	l.n++
}

// Close aligns what is left and says how many entries were listed.
func (l *LogGrid) Close() error {
	if err := l.g.Close(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(l.w, l.t.t("%d sự kiện (* = ghi bổ sung từ sổ cũ)\n", "%d events (* = backfilled from old registers)\n"), l.n)
	return err
}

// logText is the log's text.
func logText(w io.Writer, t *Table, o Options) error {
	l := NewLogGrid(w, t, false)
	for _, r := range t.Rows {
		l.Row(r)
	}
	return l.Close()
}

// WriteLog writes the entries read visits, from position from, in a format: a table (text, CSV,
// XLSX) or JSON lines, an entry's JSON a line. With follow, text and JSON are written (and w
// flushed, when it can be) an entry at a time as they come.
func WriteLog(w io.Writer, f Format, o Options, from uint64, follow bool, lang string, read func(visit func(e eventstore.Envelope) error) error) error {
	t := Log(from, lang)
	if f.File() {
		if err := read(func(e eventstore.Envelope) error {
			t.Rows = append(t.Rows, LogRow(ledger.EntryOf(e), lang))
			return nil
		}); err != nil {
			return err
		}
		return Write(w, t, f, o)
	}
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	if f == FormatJSON {
		return read(func(e eventstore.Envelope) error {
			if err := WriteJSONLine(bw, e); err != nil || !follow {
				return err
			}
			return bw.Flush()
		})
	}
	grid := NewLogGrid(bw, t, follow)
	err := read(func(e eventstore.Envelope) error {
		grid.Row(LogRow(ledger.EntryOf(e), lang))
		return nil
	})
	return errors.Join(err, grid.Close())
}

// WriteJSONLine writes v's JSON on a line of its own.
func WriteJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// EventText is an entry as a line of text, as `ocopledger watch` prints it.
func EventText(e ledger.Entry, lang string) string {
	if e.Unreadable != "" { // not an event: named, with why
		return fmt.Sprintf("#%d  %s  %-26s %s  %s", e.Sequence, InstantText(e.AppendedAt, lang), Label{"(không đọc được)", "(unreadable)"}.In(lang), e.Stream, e.Unreadable)
	}
	line := fmt.Sprintf("#%d  %s  %-26s %s", e.Sequence, InstantText(e.RecordedAt, lang), e.Type, e.Stream)
	if e.Actor != "" {
		line += "  " + Label{"bởi ", "by "}.In(lang) + e.Actor
	}
	if e.Source != "" {
		line += "  (" + e.Source + ")"
	}
	return line
}
