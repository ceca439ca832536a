package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"os"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
)

func newRestoreCmd(m *Main) *cobra.Command {
	o := &restoreOptions{}
	c := &cobra.Command{
		Use: "restore " + m.t("TỆP.jsonl [--allow-missing]", "FILE.jsonl [--allow-missing]"),
		Short: m.t("khôi phục bản xuất của `ocopledger export` vào một sổ cái trống (bị ngắt thì chạy lại để làm tiếp)",
			"restore a log exported with `ocopledger export` into an empty ledger (resumable)"),
		Long: m.t(`Đọc tệp do "ocopledger export" ghi ra và ghi lại từng mục ghi vào đúng vị trí của nó: với định
dạng 2, đúng từng byte như sổ cái gốc đã lưu (kể cả các mục ghi không phải sự kiện), nên sổ cái
khôi phục có cùng gốc cây Merkle; với định dạng cũ (các dòng bắt đầu bằng {"sequence":), giữ
nguyên mã, phiên bản và thời điểm ghi ban đầu. Sổ cái phải trống, hoặc chỉ chứa những mục ghi đầu
tiên của chính sổ cái đã xuất (lần khôi phục bị ngắt giữa chừng sẽ được làm tiếp khi chạy lại).
Không có gì bị xóa hay ghi đè.

Một bản xuất bằng --salvage có các dòng {"ocopledger_missing":…} ở những vị trí kho không đọc được:
lệnh từ chối khôi phục bản sao lưu không đầy đủ đó, trừ khi có --allow-missing; khi đó mỗi vị trí
bị thiếu được ghi một mục đánh dấu (chính dòng đó, trên chủ đề ocop.events.ocopledger.missing) để
mọi mục ghi khác giữ đúng vị trí của nó.`,
			`Reads a file written by "ocopledger export" and stores every entry at its position: in format 2
byte for byte as the original log stored it (entries that are not events included), so that the
restored log has the same Merkle root; in the old format (lines starting with {"sequence":) with
their original IDs, versions and recording times. The ledger must be empty or hold the first
entries of the same log (an interrupted restore is resumed by running it again). Nothing is
deleted or rewritten.

An export made with --salvage holds {"ocopledger_missing":…} lines where the store could not read
an entry: such an incomplete backup is refused unless --allow-missing is given; each missing
position then gets a marker entry (the line itself, on subject ocop.events.ocopledger.missing) so
that every other entry keeps its position.`),
		Example: `  ocopledger restore sao-luu.jsonl --data ./khoi-phuc
  ocopledger restore cuu-du-lieu.jsonl --data ./khoi-phuc --allow-missing`,
		RunE: func(c *cobra.Command, args []string) error { return runRestore(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.BoolVar(&o.allowMissing, "allow-missing", false, m.t(
		"khôi phục cả một bản sao lưu không đầy đủ (export --salvage): ghi một mục đánh dấu vào mỗi vị trí bị thiếu",
		"restore an incomplete backup (export --salvage) too: store a marker entry at each missing position"))
	return c
}

func runRestore(ctx context.Context, m *Main, o *restoreOptions, args []string) error {
	if len(args) != 1 {
		return usagef("restore takes one file, written by ocopledger export ('-' for stdin)")
	}
	var in io.ReadSeeker
	if args[0] == "-" {
		// Read twice (checked whole, then restored): stdin is kept in a temporary file.
		tmp, err := os.CreateTemp("", "ocopledger-restore-*.jsonl")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, m.In); err != nil {
			return err
		}
		in = tmp
	} else {
		f, err := openInput("file", args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := checkRecordingTimes(args[0], exportReader(in, o.allowMissing), time.Now()); err != nil {
		return err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s, err := m.Store(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := s.Import(ctx, exportReader(in, o.allowMissing))
	var inv *eventstore.InvalidError
	if errors.As(err, &inv) && inv.Event > 0 {
		// The store counts the file's events from 1, as the file's lines are counted.
		e := domain.Invalid("file", "line %d of %s cannot be restored: %v", inv.Event, args[0], ledger.StoreError(err))
		e.Err = err
		return e
	}
	if err != nil {
		return err
	}
	if err := m.adoptRestored(ctx, s); err != nil {
		return err
	}
	fmt.Fprintf(m.Out, m.t("đã khôi phục %d sự kiện trong %s\n", "restored %d events in %s\n"), n, i18n.Duration(m.Lang, time.Since(start)))
	return nil
}

type restoreOptions struct{ allowMissing bool }

// missingSubject is where restore --allow-missing stores the marker of a position missing from
// the backup: a subject of the ledger that no event uses, so readers take it for what it is.
const missingSubject = eventstore.SubjectPrefix + "ocopledger.missing"

// exportReader reads export lines one at a time for Store.Import: format 2 (a stored message,
// or an ocopledger_unreadable or ocopledger_missing line) and the old one (an envelope).
func exportReader(r io.Reader, allowMissing bool) func() (eventstore.Imported, bool, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), eventstore.MaxEventSize*2)
	line := 0
	return func() (eventstore.Imported, bool, error) {
		if !sc.Scan() {
			if errors.Is(sc.Err(), bufio.ErrTooLong) {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d is longer than %d bytes: it is not an event written by ocopledger export", line+1, eventstore.MaxEventSize*2)
			}
			return eventstore.Imported{}, false, sc.Err()
		}
		line++
		b := sc.Bytes()
		switch {
		case bytes.HasPrefix(b, []byte(`{"sequence":`)):
			return envelopeLine(b, line)
		case bytes.HasPrefix(b, []byte(`{"ocopledger_unreadable":`)):
			var w struct {
				U *unreadableEntry `json:"ocopledger_unreadable"`
			}
			if err := json.Unmarshal(b, &w); err != nil || w.U == nil {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d is not an ocopledger_unreadable entry as ocopledger export writes it (position, subject, body_base64)", line)
			}
			if w.U.Position != uint64(line) {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d holds the entry of position %d: the lines of an export are its positions in order", line, w.U.Position)
			}
			e, err := eventstore.ImportedUnreadable(w.U.Subject, w.U.Body)
			if err != nil {
				return e, false, domain.Invalid("file", "line %d cannot be restored: %v", line, ledger.StoreError(err))
			}
			return e, true, nil
		case bytes.HasPrefix(b, []byte(`{"ocopledger_missing":`)):
			var w struct {
				M *missingEntry `json:"ocopledger_missing"`
			}
			if err := json.Unmarshal(b, &w); err != nil || w.M == nil || w.M.Position != uint64(line) {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d is not an ocopledger_missing entry of position %d as ocopledger export writes it", line, line)
			}
			if !allowMissing {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d: position %d is missing from this backup (%s): restore refuses an incomplete backup; give --allow-missing to store a marker entry in its place",
					line, line, w.M.Reason)
			}
			e, err := eventstore.ImportedUnreadable(missingSubject, b)
			e.Missing = true
			return e, err == nil, err
		}
		e, err := eventstore.ImportedBody(b)
		if err != nil {
			var syntax *json.SyntaxError
			var inv *eventstore.InvalidError
			switch {
			case errors.As(err, &syntax):
				return e, false, domain.Invalid("file", "line %d is not an event written by ocopledger export: its JSON is malformed at byte %d", line, syntax.Offset)
			case errors.As(err, &inv):
				return e, false, domain.Invalid("file", "line %d is not an event written by ocopledger export: %v", line, ledger.StoreError(err))
			}
			return e, false, domain.Invalid("file", "line %d is not an event written by ocopledger export", line)
		}
		return e, true, nil
	}
}

// envelopeLine reads a line of the old export format: an envelope.
func envelopeLine(b []byte, line int) (eventstore.Imported, bool, error) {
	var w eventstore.Envelope
	if err := json.Unmarshal(b, &w); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return eventstore.Imported{}, false, domain.Invalid("file", "line %d is not an event written by ocopledger export: its JSON is malformed at byte %d", line, syntax.Offset)
		}
		return eventstore.Imported{}, false, domain.Invalid("file", "line %d is not an event written by ocopledger export", line)
	}
	return eventstore.Imported{Stream: w.Stream, Version: w.Version, Backfilled: w.Backfilled, Proposed: eventstore.Proposed{
		ID: w.ID, Type: w.Type, Schema: w.Schema, Data: w.Data, Actor: w.Actor, Source: w.Source,
		CorrelationID: w.CorrelationID, RecordedAt: w.RecordedAt}}, true, nil
}
