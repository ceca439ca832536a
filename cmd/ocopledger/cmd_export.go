package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
)

// export: the backup of the log (ledger.Export, format 2, docs/export.md).

type exportOptions struct {
	out, mirror, hashes string
	salvage             bool
}

func newExportCmd(m *Main) *cobra.Command {
	o := &exportOptions{}
	c := m.command("export", func(c *cobra.Command, args []string) error { return runExport(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.mirror, "mirror", "", "")
	fs.StringVar(&o.hashes, "hashes", "", "")
	fs.BoolVar(&o.salvage, "salvage", false, "")
	return c
}

func runExport(ctx context.Context, m *Main, o *exportOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "export")
	}
	if o.hashes != "" && o.salvage {
		return usagef("--hashes and --salvage do not go together: a salvaged export lacks entries whose hashes nobody can know")
	}
	// Export only reads: the store opens read-only, so that a damaged one can still be read
	// and nothing is created or written.
	m.ReadOnly = true
	if o.mirror != "" {
		m.StreamName = o.mirror
	}
	var opts ledger.ExportOptions
	if o.salvage && m.NatsURL == "" && o.mirror == "" {
		var err error
		if opts.Blocks, err = m.salvageCopy(); err != nil {
			return err
		}
	}
	s, err := m.Store(ctx)
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
	opts.Out, opts.Salvage = m.Out, o.salvage
	if o.out != "" {
		file, err := createPartial("out", o.out)
		if err != nil {
			return err
		}
		defer file.abandon()
		opts.Out = file
	}
	var hashFile *partialFile
	if o.hashes != "" {
		if hashFile, err = createPartial("hashes", o.hashes); err != nil {
			return err
		}
		defer hashFile.abandon()
		opts.Hashes = hashFile
	}
	r, err := ledger.Export(ctx, s, opts)
	if err != nil {
		return err
	}
	if hashFile != nil {
		if err := hashFile.keep(); err != nil {
			return err
		}
	}
	if file, ok := opts.Out.(*partialFile); ok {
		if err := file.keep(); err != nil {
			return err
		}
		fmt.Fprintf(m.Err, m.t("đã xuất %d mục ghi vào %s\n", "exported %d entries to %s\n"), r.Entries, o.out)
	}
	r.WriteWarnings(m.Err, m.Lang)
	return r.Err(cmp.Or(o.out, m.t("đầu ra", "the output")))
}

// salvageCopy prepares export --salvage on the embedded store: the store is opened from a copy,
// so that nats-server's repair of damaged blocks as it opens them (it cuts a block at its first
// damaged message when the index is gone) never touches the original, and the original's block
// files are read directly, for the entries the server cannot give back.
func (m *Main) salvageCopy() (*eventstore.Blocks, error) {
	orig := m.dir().StorePath()
	if _, err := os.Stat(filepath.Join(orig, "jetstream")); err != nil {
		return nil, domain.NotFound("there is no ledger in %s to read", m.DataDir)
	}
	dir, err := eventstore.CopyDataDir(orig, "")
	if err != nil {
		return nil, m.dir().LockedError(err)
	}
	m.closer = append(m.closer, func() error { return os.RemoveAll(dir) })
	m.storeDir = dir
	blocks, err := eventstore.OpenBlocks(orig, eventstore.DefaultStreamName)
	if err != nil {
		fmt.Fprintf(m.Err, m.t("ocopledger: cảnh báo: không đọc được các tệp khối dữ liệu: %v\n", "ocopledger: warning: the block files cannot be read: %v\n"), err)
		return nil, nil
	}
	return blocks, nil
}

// knownEnd is how many entries the data directory knows the log held (history.json or the read
// models), when it knows this stream; 0 when it knows nothing of it. A record it cannot read is
// reported on stderr and not used: export saves what the store holds regardless.
func (m *Main) knownEnd(ctx context.Context, s *eventstore.Store) (uint64, error) {
	known, _, err := m.dir().LoadKnown()
	if err != nil {
		fmt.Fprintf(m.Err, m.t("ocopledger: cảnh báo: %s\n", "ocopledger: warning: %s\n"), i18n.Localize(err, m.Lang))
		return 0, nil
	}
	return datadir.KnownEnd(ctx, known, s)
}

// partialFile is an output written under a temporary name beside its own and renamed to it
// once complete, so that a failed export never leaves a file that looks like a backup.
type partialFile struct {
	*os.File
	path string
	done bool
}

func createPartial(field, path string) (*partialFile, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, domain.Invalid(field, "%s is a folder, not a file", path)
	}
	f, err := createOutput(field, path+".partial")
	if err != nil {
		return nil, err
	}
	return &partialFile{File: f, path: path}, nil
}

// keep closes the file and gives it its name.
func (f *partialFile) keep() error {
	if err := f.File.Sync(); err != nil {
		return err
	}
	if err := f.File.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.File.Name(), f.path); err != nil {
		return err
	}
	f.done = true
	return nil
}

// abandon removes the file unless it was kept.
func (f *partialFile) abandon() {
	if !f.done {
		f.File.Close()
		os.Remove(f.File.Name())
	}
}
