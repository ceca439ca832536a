package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
)

func init() {
	register(&command{
		name: "restore",
		summary: text{"khôi phục bản xuất của `ocopledger export` vào một sổ cái trống (bị ngắt thì chạy lại để làm tiếp)",
			"restore a log exported with `ocopledger export` into an empty ledger (resumable)"},
		usage: text{"TỆP.jsonl", "FILE.jsonl"},
		help: text{`Đọc tệp JSON Lines do "ocopledger export" ghi ra và ghi lại từng sự kiện theo đúng thứ tự, giữ
nguyên mã, phiên bản và thời điểm ghi ban đầu. Sổ cái phải trống, hoặc chỉ chứa những sự kiện đầu
tiên của chính sổ cái đã xuất (lần khôi phục bị ngắt giữa chừng sẽ được làm tiếp khi chạy lại).
Không có gì bị xóa hay ghi đè.`,
			`Reads JSON Lines written by "ocopledger export" and appends them in order with their original
IDs, versions and recording times. The ledger must be empty or hold the first events of the same
log (an interrupted restore is resumed by running it again). Nothing is deleted or rewritten.`},
		run: runRestore,
	})
}

func runRestore(ctx context.Context, m *Main, fs *flag.FlagSet, args []string) error {
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
	if err := checkRecordingTimes(args[0], exportReader(in), time.Now()); err != nil {
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
	n, err := s.Import(ctx, exportReader(in))
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
	fmt.Fprintf(m.Out, m.t("đã khôi phục %d sự kiện trong %s\n", "restored %d events in %s\n"), n, time.Since(start).Round(time.Millisecond))
	return nil
}

// exportReader reads export lines one at a time for Store.Import.
func exportReader(r io.Reader) func() (eventstore.Imported, bool, error) {
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
		var w eventstore.Envelope
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
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
}
