package ledger

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/provenance"
)

// The backup of the log (format 2, docs/export.md). Line i is the entry at position i: the
// message exactly as the log stores it when it is one of the ledger's entries; anything else the
// log holds wrapped so that its exact bytes survive (ocopledger_unreadable); under Salvage, what
// the store cannot give back named in its place (ocopledger_missing).

// ExportOptions say where and how Export writes the log.
type ExportOptions struct {
	Out io.Writer // the export's lines
	// Hashes, if set, gets line i: the leaf hash (base64) of the entry at position i.
	Hashes io.Writer
	// End is the position the log must reach (what the data directory knows it held); 0: its end.
	End uint64
	// Salvage writes an ocopledger_missing line for each position the store cannot give back,
	// instead of stopping at the first.
	Salvage bool
	// Blocks, under Salvage, are the store's block files, read for the entries the server cannot
	// give back.
	Blocks *eventstore.Blocks
}

// ExportReport is what Export found.
type ExportReport struct {
	Entries    int                   // lines written for entries (not for missing positions)
	Unreadable []uint64              // positions whose message is not an entry of ours, kept wrapped
	Missing    []eventstore.GapError // positions nothing could give back (under Salvage)
	Recovered  []uint64              // positions read from the block files, which the server could not give back
}

// Err is nil when nothing is missing; otherwise a history mismatch (exit code 6) saying that the
// backup written to where is incomplete, and where.
func (r ExportReport) Err(where string) error {
	if len(r.Missing) == 0 {
		return nil
	}
	total := uint64(0)
	for _, g := range r.Missing {
		total += g.Count()
	}
	return domain.HistoryMismatch("the backup in %s is incomplete: the store cannot give back %d entries, at positions %s; each is written as an ocopledger_missing line, and the other %d entries are saved",
		where, total, gapList(r.Missing), r.Entries)
}

// WriteWarnings writes, in a language, what an export that is complete still says: the entries
// read from the block files because the store could not give them back (the store is damaged),
// and the entries that are not events, kept byte for byte.
func (r ExportReport) WriteWarnings(w io.Writer, lang string) {
	t := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	if len(r.Recovered) > 0 {
		fmt.Fprintf(w, t("ocopledger: cảnh báo: kho sự kiện không đọc được %d mục ghi, ở các vị trí %s; chúng được đọc thẳng từ các tệp khối dữ liệu (đã kiểm tra mã kiểm tra của từng mục) và có trong bản xuất; kho này bị hỏng: hãy khôi phục bản xuất vào một thư mục dữ liệu mới\n",
			"ocopledger: warning: the store cannot give back %d entries, at positions %s; they were read straight from its block files (each one's checksum verified) and are in the export; the store is damaged: restore the export into a new data directory\n"),
			len(r.Recovered), PositionList(r.Recovered))
	}
	if len(r.Unreadable) > 0 {
		fmt.Fprintf(w, t("%d mục ghi không phải sự kiện, được giữ nguyên byte (ocopledger_unreadable), ở các vị trí: %s\n",
			"%d entries are not events and are kept byte for byte (ocopledger_unreadable), at positions: %s\n"),
			len(r.Unreadable), PositionList(r.Unreadable))
	}
}

// Reasons written in ocopledger_missing lines.
const (
	missingInStore  = "the store cannot read this entry: its message is damaged or was deleted"
	missingAfterEnd = "the log ends at position %d, but the data directory knows it held %d entries"
)

// Export writes the whole log of s, one line per position, exactly as stored. Without Salvage it
// stops at the first position the store cannot give back (a ReadError naming it, exit code 6).
func Export(ctx context.Context, s *eventstore.Store, o ExportOptions) (ExportReport, error) {
	var r ExportReport
	last, err := s.LastSequence(ctx)
	if err != nil {
		return r, err
	}
	opts := eventstore.ReadOptions{End: o.End}
	if o.Blocks != nil && o.Blocks.Last() > max(opts.End, last) {
		opts.End = o.Blocks.Last() // the blocks hold entries past the stream's end
	}
	w := bufio.NewWriterSize(o.Out, 1<<20)
	var hashes *bufio.Writer
	if o.Hashes != nil {
		hashes = bufio.NewWriterSize(o.Hashes, 1<<16)
	}
	var line []byte
	entry := func(e eventstore.Envelope) error {
		r.Entries++
		var own bool
		line, own = appendExportLine(line[:0], e)
		if !own {
			r.Unreadable = append(r.Unreadable, e.Sequence)
		}
		if hashes != nil {
			if err := provenance.WriteLeaf(hashes, provenance.LeafHash(e.Body)); err != nil {
				return err
			}
		}
		_, err := w.Write(line)
		return err
	}
	if o.Salvage {
		opts.Missing = func(g *eventstore.GapError) error {
			reason := missingInStore
			if g.From > last {
				reason = fmt.Sprintf(missingAfterEnd, last, opts.End)
			}
			for p := g.From; p <= g.To; p++ {
				if o.Blocks != nil {
					e, ok, err := o.Blocks.Envelope(p)
					if err != nil {
						return err
					}
					if ok {
						r.Recovered = append(r.Recovered, p)
						if err := entry(e); err != nil {
							return err
						}
						continue
					}
				}
				if k := len(r.Missing); k > 0 && r.Missing[k-1].To+1 == p {
					r.Missing[k-1].To = p
				} else {
					r.Missing = append(r.Missing, eventstore.GapError{From: p, To: p})
				}
				line = appendMissingLine(line[:0], p, reason)
				if _, err := w.Write(line); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if err := s.ReadWith(ctx, opts, entry); err != nil {
		return r, ReadError(err)
	}
	if err := w.Flush(); err != nil {
		return r, err
	}
	if hashes != nil {
		if err := hashes.Flush(); err != nil {
			return r, err
		}
	}
	return r, nil
}

// appendExportLine appends the export's line for entry e to buf: its stored message when that
// is one of the ledger's entries written on one line (own), else the unreadable wrapper. A
// message that is not an entry of ours, or is not one line of valid UTF-8 JSON, is always
// wrapped: written as it is it could break the line structure or pass for a wrapper itself.
func appendExportLine(buf []byte, e eventstore.Envelope) (line []byte, own bool) {
	if e.Unreadable == "" && ownBody(e.Body) {
		return append(append(buf, e.Body...), '\n'), true
	}
	w := struct {
		U UnreadableEntry `json:"ocopledger_unreadable"`
	}{UnreadableEntry{Position: e.Sequence, Subject: eventstore.SubjectPrefix + e.Stream, Body: e.Body}}
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

// UnreadableEntry is the content of an ocopledger_unreadable line.
type UnreadableEntry struct {
	Position uint64 `json:"position"`
	Subject  string `json:"subject"`
	Body     []byte `json:"body_base64"` // standard base64 with padding, as encoding/json writes bytes
}

// MissingEntry is the content of an ocopledger_missing line.
type MissingEntry struct {
	Position uint64 `json:"position"`
	Reason   string `json:"reason"`
}

func appendMissingLine(buf []byte, position uint64, reason string) []byte {
	b, err := json.Marshal(struct {
		M MissingEntry `json:"ocopledger_missing"`
	}{MissingEntry{position, reason}})
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
		parts = append(parts, Positions(g))
	}
	return strings.Join(parts, ", ")
}

// PositionList is the runs of positions ps (in increasing order) for a clerk: "150, 300 to 310",
// the first few runs only.
func PositionList(ps []uint64) string {
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

// missingSubject is where restore --allow-missing stores the marker of a position missing from
// the backup: a subject of the ledger that no event uses, so readers take it for what it is.
const missingSubject = eventstore.SubjectPrefix + "ocopledger.missing"

// ReadExport reads export lines one at a time for Store.Import: format 2 (a stored message,
// or an ocopledger_unreadable or ocopledger_missing line) and the old one (an envelope).
func ReadExport(r io.Reader, allowMissing bool) func() (eventstore.Imported, bool, error) {
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
				U *UnreadableEntry `json:"ocopledger_unreadable"`
			}
			if err := json.Unmarshal(b, &w); err != nil || w.U == nil {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d is not an ocopledger_unreadable entry as ocopledger export writes it (position, subject, body_base64)", line)
			}
			if w.U.Position != uint64(line) {
				return eventstore.Imported{}, false, domain.Invalid("file", "line %d holds the entry of position %d: the lines of an export are its positions in order", line, w.U.Position)
			}
			e, err := eventstore.ImportedUnreadable(w.U.Subject, w.U.Body)
			if err != nil {
				return e, false, domain.Invalid("file", "line %d cannot be restored: %v", line, StoreError(err))
			}
			return e, true, nil
		case bytes.HasPrefix(b, []byte(`{"ocopledger_missing":`)):
			var w struct {
				M *MissingEntry `json:"ocopledger_missing"`
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
				return e, false, domain.Invalid("file", "line %d is not an event written by ocopledger export: %v", line, StoreError(err))
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

// CheckRecordingTimes reads a whole log to restore (next, as Store.Import takes it) and refuses
// it, before anything is written, at its first entry recorded later than now allows
// (eventstore.MaxClockSkew): restored, such a time would pin every later recording time and
// "as known now" to the future. name is the file, for the message.
func CheckRecordingTimes(name string, next func() (eventstore.Imported, bool, error), now time.Time) error {
	limit := now.Add(eventstore.MaxClockSkew)
	for line := 1; ; line++ {
		e, ok, err := next()
		if err != nil || !ok {
			return err
		}
		if e.RecordedAt.After(limit) {
			return domain.Invalid("file", "line %d of %s (entry %s) was recorded at %s, later than now (%s) by more than %s: a ledger cannot have learned of it yet; nothing was restored",
				line, name, e.ID, e.RecordedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), eventstore.MaxClockSkew)
		}
	}
}
