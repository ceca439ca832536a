package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

func newRestoreCmd(m *Main) *cobra.Command {
	o := &restoreOptions{}
	return m.Command(clihelp.Spec{Path: "restore", Args: true,
		Flags: func(fs *pflag.FlagSet) { fs.BoolVar(&o.allowMissing, "allow-missing", false, "") },
		Run:   func(ctx context.Context, args []string) error { return runRestore(ctx, m, o, args) }})
}

func runRestore(ctx context.Context, m *Main, o *restoreOptions, args []string) error {
	if len(args) != 1 {
		return clihelp.Usagef("restore takes one file, written by ocopledger export ('-' for stdin)")
	}
	in := m.In
	if args[0] != "-" {
		f, err := userfile.Open("file", args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	start := time.Now()
	n, err := m.node().Restore(ctx, in, args[0], o.allowMissing)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Out, m.T("đã khôi phục %d sự kiện trong %s\n", "restored %d events in %s\n"), n, i18n.Duration(m.Lang, time.Since(start)))
	return nil
}

type restoreOptions struct{ allowMissing bool }
