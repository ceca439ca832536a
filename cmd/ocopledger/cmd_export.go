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
	c := &cobra.Command{
		Use: "export " + m.t("[--out TỆP] [--hashes TỆP] [--mirror LUỒNG] [--salvage]", "[--out FILE] [--hashes FILE] [--mirror STREAM] [--salvage]"),
		Short: m.t("xuất toàn bộ sổ cái, mỗi dòng một mục ghi đúng như đã lưu, theo thứ tự vị trí (định dạng sao lưu)",
			"write the whole log, one entry per line exactly as stored, in position order (the backup format)"),
		Long: m.t(`Dòng thứ i là mục ghi ở vị trí i của sổ cái, đúng từng byte như sổ cái lưu (định dạng 2,
docs/export.md). Một mục ghi không phải sự kiện (dữ liệu lạ ai đó đã gửi vào) vẫn được giữ nguyên
byte, gói trong {"ocopledger_unreadable":…}. Kho sự kiện chỉ được đọc, không ghi gì.

Khi kho không đọc được một vị trí (khối dữ liệu bị hỏng, thông điệp bị xóa, sổ cái bị cắt ngắn),
lệnh dừng lại, nêu các vị trí bị thiếu và không để lại tệp --out dở dang. Với --salvage, lệnh ghi
mọi mục ghi còn đọc được, ghi {"ocopledger_missing":…} vào chỗ mỗi vị trí bị thiếu (số dòng vẫn
là vị trí), rồi liệt kê các vị trí đó.

Mã thoát: 0 đã xuất đầy đủ (kể cả các mục ghi không phải sự kiện); 6 sổ cái bị thiếu vị trí (với
--salvage: tệp đã được ghi nhưng không đầy đủ); 3 không có luồng để đọc; 1 lỗi khác.`,
			`Line i is the entry at position i of the log, byte for byte as the log stores it (format 2,
docs/export.md). An entry that is not an event (foreign data someone published) keeps its exact
bytes, wrapped in {"ocopledger_unreadable":…}. The store is only read, never written.

When the store cannot give back a position (a damaged message block, a deleted message, a log cut
short), the command stops, names the missing positions and leaves no partial --out file. With
--salvage it writes every entry it can read, {"ocopledger_missing":…} in the place of each
missing position (line numbers stay positions), and lists them.

Exit codes: 0 exported in full (entries that are not events included); 6 positions are missing
from the log (with --salvage: the file is written but incomplete); 3 no stream to read; 1 other
failure.`),
		Example: `  ocopledger export --out sao-luu.jsonl
  ocopledger export --nats nats://backup:4222 --mirror OCOP_LEDGER_BACKUP --out sao-luu.jsonl
  ocopledger export --salvage --out cuu-du-lieu.jsonl
  ocopledger export --out sao-luu.jsonl --hashes sao-luu.hashes`,
		RunE: func(c *cobra.Command, args []string) error { return runExport(c.Context(), m, o, args) },
	}
	fs := c.Flags()

	fs.StringVar(&o.out, "out", "", m.t(
		"ghi ra tệp này thay vì stdout",
		"write to this file instead of stdout"))
	fs.StringVar(&o.mirror, "mirror", "", m.t(
		"đọc bản sao lưu: luồng JetStream sao chép sổ cái (ví dụ OCOP_LEDGER_BACKUP), mở ở chế độ chỉ đọc",
		"read a backup: the JetStream stream that mirrors the ledger (e.g. OCOP_LEDGER_BACKUP), opened read-only"))
	fs.StringVar(&o.hashes, "hashes", "", m.t(
		"ghi thêm tệp mã băm: dòng i là mã băm lá (base64) của mục ghi ở vị trí i; ocopledger verify --hashes dùng nó để chỉ đúng dòng bị sửa của một bản xuất",
		"also write a hashes file: line i is the leaf hash (base64) of the entry at position i; ocopledger verify --hashes uses it to name the very line of an export that was changed"))
	fs.BoolVar(&o.salvage, "salvage", false, m.t(
		"cứu dữ liệu từ một kho bị hỏng: ghi mọi mục ghi còn đọc được và đánh dấu các vị trí bị thiếu thay vì dừng lại",
		"salvage a damaged store: write every entry that can be read and mark the missing positions instead of stopping"))
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
	if len(r.Recovered) > 0 {
		fmt.Fprintf(m.Err, m.t("ocopledger: cảnh báo: kho sự kiện không đọc được %d mục ghi, ở các vị trí %s; chúng được đọc thẳng từ các tệp khối dữ liệu (đã kiểm tra mã kiểm tra của từng mục) và có trong bản xuất; kho này bị hỏng: hãy khôi phục bản xuất vào một thư mục dữ liệu mới\n",
			"ocopledger: warning: the store cannot give back %d entries, at positions %s; they were read straight from its block files (each one's checksum verified) and are in the export; the store is damaged: restore the export into a new data directory\n"),
			len(r.Recovered), ledger.PositionList(r.Recovered))
	}
	if len(r.Unreadable) > 0 {
		fmt.Fprintf(m.Err, m.t("%d mục ghi không phải sự kiện, được giữ nguyên byte (ocopledger_unreadable), ở các vị trí: %s\n",
			"%d entries are not events and are kept byte for byte (ocopledger_unreadable), at positions: %s\n"),
			len(r.Unreadable), ledger.PositionList(r.Unreadable))
	}
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
