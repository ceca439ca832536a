package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/ledger"
)

// export and restore: the backup of the log (ledger.Export, format 2, docs/export.md), and the
// backup stored back into an empty log.

type exportOptions struct {
	out, mirror, hashes string
	salvage             bool
}

func newExportCmd(m *Main) *cobra.Command {
	o := &exportOptions{}
	return m.Command(clihelp.Spec{Path: "export",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.out, "out", "", "")
			fs.StringVar(&o.mirror, "mirror", "", "")
			fs.StringVar(&o.hashes, "hashes", "", "")
			fs.BoolVar(&o.salvage, "salvage", false, "")
		},
		Run: func(ctx context.Context, _ []string) error { return runExport(ctx, m, o) }})
}

func runExport(ctx context.Context, m *Main, o *exportOptions) error {
	if o.hashes != "" && o.salvage {
		return clihelp.Usagef("--hashes and --salvage do not go together: a salvaged export lacks entries whose hashes nobody can know")
	}
	// Export only reads: the store opens read-only, so that a damaged one can still be read
	// and nothing is created or written.
	m.ReadOnly = true
	if o.mirror != "" {
		m.StreamName = o.mirror
	}
	var opts ledger.ExportOptions
	if o.salvage && m.NATS.URL == "" && o.mirror == "" {
		sv, err := m.Dir.Salvage()
		if err != nil {
			return err
		}
		m.closer = append(m.closer, sv.Remove)
		m.StoreDir, opts.Blocks = sv.StoreDir, sv.Blocks
		if sv.BlocksErr != nil {
			fmt.Fprintf(m.Err, m.T("ocopledger: cảnh báo: không đọc được các tệp khối dữ liệu: %v\n", "ocopledger: warning: the block files cannot be read: %v\n"), sv.BlocksErr)
		}
	}
	s, err := m.node().Store(ctx)
	if err != nil {
		return err
	}
	if o.mirror == "" {
		// The log must reach as far as the data directory knows it did: a stream that nats-server
		// cut short when it opened a damaged block names what it lost.
		if opts.End, err = m.knownEnd(ctx, s); err != nil {
			return err
		}
	}
	opts.Salvage = o.salvage
	var r ledger.ExportReport
	export := func(out, hashes io.Writer) (err error) {
		opts.Out, opts.Hashes = out, hashes
		r, err = ledger.Export(ctx, s, opts)
		return err
	}
	// The hashes, then the export, are given their names once the export is complete.
	err = userfile.Write("out", o.out, m.Out, func(w io.Writer) error {
		if o.hashes == "" {
			return export(w, nil)
		}
		return userfile.Write("hashes", o.hashes, nil, func(h io.Writer) error { return export(w, h) })
	})
	if err != nil {
		return err
	}
	if o.out != "" {
		fmt.Fprintf(m.Err, m.T("đã xuất %d mục ghi vào %s\n", "exported %d entries to %s\n"), r.Entries, o.out)
	}
	r.WriteWarnings(m.Err, m.Lang)
	return r.Err(cmp.Or(o.out, m.T("đầu ra", "the output")))
}

// knownEnd is how many entries the data directory knows the log held (history.json or the read
// models), when it knows this stream; 0 when it knows nothing of it. A record it cannot read is
// reported on stderr and not used: export saves what the store holds regardless.
func (m *Main) knownEnd(ctx context.Context, s *eventstore.Store) (uint64, error) {
	known, _, err := m.Dir.LoadKnown()
	if err != nil {
		fmt.Fprintf(m.Err, m.T("ocopledger: cảnh báo: %s\n", "ocopledger: warning: %s\n"), i18n.Localize(err, m.Lang))
		return 0, nil
	}
	return datadir.KnownEnd(ctx, known, s)
}

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
