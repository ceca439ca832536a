package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/provenance"
)

// export: the backup of the log (format 2, docs/export.md). Line i is the entry at position i:
// the message exactly as the log stores it when it is one of the ledger's entries; anything else
// the log holds wrapped so that its exact bytes survive (ocopledger_unreadable); under --salvage,
// what the store cannot give back named in its place (ocopledger_missing).

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
	var blocks *eventstore.Blocks
	if o.salvage && m.NatsURL == "" && o.mirror == "" {
		var err error
		if blocks, err = m.salvageCopy(); err != nil {
			return err
		}
	}
	s, err := m.Store(ctx)
	if err != nil {
		return err
	}
	last, err := s.LastSequence(ctx)
	if err != nil {
		return err
	}
	opts := eventstore.ReadOptions{}
	if o.mirror == "" {
		// The log must reach as far as the data directory knows it did: a stream that nats-server
		// cut short when it opened a damaged block names what it lost.
		if opts.End, err = m.knownEnd(ctx, s); err != nil {
			return err
		}
		if blocks != nil && blocks.Last() > max(opts.End, last) {
			opts.End = blocks.Last() // the blocks hold entries past the stream's end
		}
	}
	var out io.Writer = m.Out
	var file *partialFile
	if o.out != "" {
		if file, err = createPartial("out", o.out); err != nil {
			return err
		}
		defer file.abandon()
		out = file
	}
	w := bufio.NewWriterSize(out, 1<<20)
	var hashes *bufio.Writer
	var hashFile *partialFile
	if o.hashes != "" {
		if hashFile, err = createPartial("hashes", o.hashes); err != nil {
			return err
		}
		defer hashFile.abandon()
		hashes = bufio.NewWriterSize(hashFile, 1<<16)
	}
	var (
		n          int
		unreadable []uint64
		missing    []eventstore.GapError
		recovered  []uint64 // read from the block files, the server could not give them
		line       []byte
	)
	entry := func(e eventstore.Envelope) error {
		n++
		var own bool
		line, own = appendExportLine(line[:0], e)
		if !own {
			unreadable = append(unreadable, e.Sequence)
		}
		if hashes != nil {
			if err := provenance.WriteLeaf(hashes, provenance.LeafHash(e.Body)); err != nil {
				return err
			}
		}
		_, err := w.Write(line)
		return err
	}
	if o.salvage {
		opts.Missing = func(g *eventstore.GapError) error {
			reason := missingInStore
			if g.From > last {
				reason = fmt.Sprintf(missingAfterEnd, last, opts.End)
			}
			for p := g.From; p <= g.To; p++ {
				if blocks != nil {
					e, ok, err := blocks.Envelope(p)
					if err != nil {
						return err
					}
					if ok {
						recovered = append(recovered, p)
						if err := entry(e); err != nil {
							return err
						}
						continue
					}
				}
				if k := len(missing); k > 0 && missing[k-1].To+1 == p {
					missing[k-1].To = p
				} else {
					missing = append(missing, eventstore.GapError{From: p, To: p})
				}
				line = appendMissingLine(line[:0], p, reason)
				if _, err := w.Write(line); err != nil {
					return err
				}
			}
			return nil
		}
	}
	err = s.ReadWith(ctx, opts, entry)
	if err != nil {
		return ledger.ReadError(err)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if hashes != nil {
		if err := hashes.Flush(); err != nil {
			return err
		}
		if err := hashFile.keep(); err != nil {
			return err
		}
	}
	if file != nil {
		if err := file.keep(); err != nil {
			return err
		}
		fmt.Fprintf(m.Err, m.t("đã xuất %d mục ghi vào %s\n", "exported %d entries to %s\n"), n, o.out)
	}
	if len(recovered) > 0 {
		fmt.Fprintf(m.Err, m.t("ocopledger: cảnh báo: kho sự kiện không đọc được %d mục ghi, ở các vị trí %s; chúng được đọc thẳng từ các tệp khối dữ liệu (đã kiểm tra mã kiểm tra của từng mục) và có trong bản xuất; kho này bị hỏng: hãy khôi phục bản xuất vào một thư mục dữ liệu mới\n",
			"ocopledger: warning: the store cannot give back %d entries, at positions %s; they were read straight from its block files (each one's checksum verified) and are in the export; the store is damaged: restore the export into a new data directory\n"),
			len(recovered), positionList(recovered))
	}
	if len(unreadable) > 0 {
		fmt.Fprintf(m.Err, m.t("%d mục ghi không phải sự kiện, được giữ nguyên byte (ocopledger_unreadable), ở các vị trí: %s\n",
			"%d entries are not events and are kept byte for byte (ocopledger_unreadable), at positions: %s\n"),
			len(unreadable), positionList(unreadable))
	}
	if len(missing) > 0 {
		total := uint64(0)
		for _, g := range missing {
			total += g.Count()
		}
		where := m.t("đầu ra", "the output")
		if o.out != "" {
			where = o.out
		}
		return domain.HistoryMismatch("the backup in %s is incomplete: the store cannot give back %d entries, at positions %s; each is written as an ocopledger_missing line, and the other %d entries are saved",
			where, total, gapList(missing), n)
	}
	return nil
}

// salvageCopy prepares export --salvage on the embedded store: the store is opened from a copy,
// so that nats-server's repair of damaged blocks as it opens them (it cuts a block at its first
// damaged message when the index is gone) never touches the original, and the original's block
// files are read directly, for the entries the server cannot give back.
func (m *Main) salvageCopy() (*eventstore.Blocks, error) {
	orig := filepath.Join(m.DataDir, "jetstream")
	if _, err := os.Stat(filepath.Join(orig, "jetstream")); err != nil {
		return nil, domain.NotFound("there is no ledger in %s to read", m.DataDir)
	}
	dir, err := eventstore.CopyDataDir(orig, "")
	if err != nil {
		return nil, lockedError(m.DataDir, err)
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
	known, _, err := m.loadKnown()
	if err != nil {
		fmt.Fprintf(m.Err, m.t("ocopledger: cảnh báo: %s\n", "ocopledger: warning: %s\n"), i18n.Localize(err, m.Lang))
		return 0, nil
	}
	if known.Size == 0 {
		return 0, nil
	}
	st, err := s.State(ctx)
	if err != nil {
		return 0, err
	}
	if !known.Created.IsZero() && !known.Created.Equal(st.Created) {
		return 0, nil // another stream than the one the data directory knows: read it as it is
	}
	return known.Size, nil
}

// Reasons written in ocopledger_missing lines.
const (
	missingInStore  = "the store cannot read this entry: its message is damaged or was deleted"
	missingAfterEnd = "the log ends at position %d, but the data directory knows it held %d entries"
)

// appendExportLine appends the export's line for entry e to buf: its stored message when that
// is one of the ledger's entries written on one line (own), else the unreadable wrapper. A
// message that is not an entry of ours, or is not one line of valid UTF-8 JSON, is always
// wrapped: written as it is it could break the line structure or pass for a wrapper itself.
func appendExportLine(buf []byte, e eventstore.Envelope) (line []byte, own bool) {
	if e.Unreadable == "" && ownBody(e.Body) {
		return append(append(buf, e.Body...), '\n'), true
	}
	w := struct {
		U unreadableEntry `json:"ocopledger_unreadable"`
	}{unreadableEntry{Position: e.Sequence, Subject: eventstore.SubjectPrefix + e.Stream, Body: e.Body}}
	b, err := json.Marshal(w)
	if err != nil {
		panic(err) // a struct of a number, a string and bytes always encodes
	}
	return append(append(buf, b...), '\n'), false
}

// ownBody reports whether a stored message is written as it is: the JSON object of one of our
// entries, on one line.
func ownBody(b []byte) bool {
	return bytes.HasPrefix(b, []byte(`{"id":`)) && !bytes.ContainsAny(b, "\n\r") && utf8.Valid(b) && json.Valid(b)
}

// unreadableEntry is the content of an ocopledger_unreadable line.
type unreadableEntry struct {
	Position uint64 `json:"position"`
	Subject  string `json:"subject"`
	Body     []byte `json:"body_base64"` // standard base64 with padding, as encoding/json writes bytes
}

// missingEntry is the content of an ocopledger_missing line.
type missingEntry struct {
	Position uint64 `json:"position"`
	Reason   string `json:"reason"`
}

func appendMissingLine(buf []byte, position uint64, reason string) []byte {
	b, err := json.Marshal(struct {
		M missingEntry `json:"ocopledger_missing"`
	}{missingEntry{position, reason}})
	if err != nil {
		panic(err)
	}
	return append(append(buf, b...), '\n')
}

// gapList writes runs of positions for a clerk: "150, 300 to 310", the first few only.
func gapList(gaps []eventstore.GapError) string {
	const most = 10
	var parts []string
	for i, g := range gaps {
		if i == most {
			parts = append(parts, fmt.Sprintf("… (%d more runs)", len(gaps)-most))
			break
		}
		parts = append(parts, ledger.Positions(g))
	}
	return strings.Join(parts, ", ")
}

// positionList is gapList for single positions, in increasing order.
func positionList(ps []uint64) string {
	var gaps []eventstore.GapError
	for _, p := range ps {
		if n := len(gaps); n > 0 && gaps[n-1].To+1 == p {
			gaps[n-1].To = p
			continue
		}
		gaps = append(gaps, eventstore.GapError{From: p, To: p})
	}
	return gapList(gaps)
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
