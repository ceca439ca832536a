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
	c := m.command("restore", func(c *cobra.Command, args []string) error { return runRestore(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.BoolVar(&o.allowMissing, "allow-missing", false, "")
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
