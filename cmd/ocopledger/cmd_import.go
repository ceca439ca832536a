package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

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
	if err := ledger.CheckRecordingTimes(args[0], ledger.ReadExport(in, o.allowMissing), time.Now()); err != nil {
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
	n, err := s.Import(ctx, ledger.ReadExport(in, o.allowMissing))
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
