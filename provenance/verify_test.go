package provenance_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/synth"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"
)

// exportLines returns n lines of an export (format v2) of a synthetic ledger: each the body of an
// entry as the event store writes it, versions counted per stream.
func exportLines(tb testing.TB, n int) [][]byte {
	tb.Helper()
	entries := synth.Generate(synth.Config{Events: n + n/10 + 100, Seed: 7})
	if len(entries) < n {
		tb.Fatalf("synth made %d entries, want %d", len(entries), n)
	}
	versions := map[string]uint64{}
	out := make([][]byte, n)
	for i, e := range entries[:n] {
		data, err := json.Marshal(e.Event)
		if err != nil {
			tb.Fatal(err)
		}
		stream := e.Event.Stream()
		versions[stream]++
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		// the fields of eventstore's body, in its order
		enc.Encode(struct {
			ID            string          `json:"id"`
			Type          string          `json:"type"`
			Schema        int             `json:"schema"`
			Stream        string          `json:"stream"`
			Version       uint64          `json:"version"`
			RecordedAt    time.Time       `json:"recorded_at"`
			Backfilled    bool            `json:"backfilled"`
			Actor         string          `json:"actor"`
			Source        string          `json:"source"`
			CorrelationID string          `json:"correlation_id"`
			Data          json.RawMessage `json:"data"`
		}{e.ID, e.Event.EventType(), e.Event.SchemaVersion(), stream, versions[stream], e.RecordedAt.UTC(), false, "synth", "Công văn 470/SCT-QLTM", "", data})
		out[i] = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	return out
}

func join(lines [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// checkpointsOf returns the checkpoints of the given sizes over leaves, their roots computed by
// transparency-dev/merkle (the reference of tree_test.go), not by the code under test.
func checkpointsOf(tb testing.TB, leaves [][]byte, sizes ...int) []provenance.Checkpoint {
	want := map[int]bool{}
	for _, n := range sizes {
		want[n] = true
	}
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	roots := map[int][]byte{0: rfc6962.DefaultHasher.EmptyRoot()}
	for i, l := range leaves {
		if err := rng.Append(rfc6962.DefaultHasher.HashLeaf(l), nil); err != nil {
			tb.Fatal(err)
		}
		if want[i+1] {
			root, err := rng.GetRootHash(nil)
			if err != nil {
				tb.Fatal(err)
			}
			roots[i+1] = root
		}
	}
	var out []provenance.Checkpoint
	for _, n := range sizes {
		var root tlog.Hash
		copy(root[:], roots[n])
		out = append(out, provenance.Checkpoint{Origin: "ocopledger.example/test", Size: int64(n), Root: root})
	}
	return out
}

func verify(tb testing.TB, export []byte, cps []provenance.Checkpoint) (*provenance.ExportReport, *provenance.LineError) {
	tb.Helper()
	rep, err := provenance.VerifyExport(context.Background(), bytes.NewReader(export), cps, provenance.VerifyOptions{Workers: 3})
	if err == nil {
		return rep, nil
	}
	var le *provenance.LineError
	if !errors.As(err, &le) || domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		tb.Fatalf("VerifyExport: %v (%T), want a *LineError with a history mismatch", err, err)
	}
	return nil, le
}

// TestVerifyExportEverySize verifies an export against a checkpoint at every size 0…300: the
// frontier's root is transparency-dev's at each.
func TestVerifyExportEverySize(t *testing.T) {
	lines := exportLines(t, 300)
	var sizes []int
	for n := 0; n <= 300; n++ {
		sizes = append(sizes, n)
	}
	rep, err := verify(t, join(lines), checkpointsOf(t, lines, sizes...))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines != 300 || rep.Covered != 300 || len(rep.Checkpoints) != 301 || rep.FirstRecordedAt.IsZero() || rep.LastRecordedAt.Before(rep.FirstRecordedAt) {
		t.Fatalf("report: %+v", rep)
	}
}

// A large export, in several read buffers: the batches join up.
func TestVerifyExportLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large export")
	}
	lines := exportLines(t, 30_000)
	export := join(lines)
	if len(export) < 3<<20 {
		t.Fatalf("export of %d bytes spans less than three read buffers", len(export))
	}
	rep, err := verify(t, export, checkpointsOf(t, lines, 1, 4096, 29_999, 20_000))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines != 30_000 || rep.Covered != 29_999 {
		t.Fatalf("report: lines %d, covered %d", rep.Lines, rep.Covered)
	}
	// Without a final new line, the same.
	if _, err := verify(t, bytes.TrimSuffix(export, []byte("\n")), checkpointsOf(t, lines, 30_000)); err != nil {
		t.Fatalf("without the final new line: %v", err)
	}
}

func TestVerifyExportTampered(t *testing.T) {
	const n = 500
	lines := exportLines(t, n)
	every100 := checkpointsOf(t, lines, 100, 200, 300, 400, 500)
	last := checkpointsOf(t, lines, n)
	tamper := func(f func(ls [][]byte) [][]byte) []byte {
		ls := make([][]byte, len(lines))
		for i := range lines {
			ls[i] = append([]byte(nil), lines[i]...)
		}
		return join(f(ls))
	}
	mustFail := func(name string, export []byte, cps []provenance.Checkpoint, line int64, inMessage ...string) *provenance.LineError {
		t.Helper()
		_, le := verify(t, export, cps)
		if le == nil {
			t.Fatalf("%s: the export verifies", name)
		}
		if line != 0 && le.Line != line {
			t.Errorf("%s: names line %d, want %d: %v", name, le.Line, line, le)
		}
		for _, s := range inMessage {
			if !strings.Contains(le.Error(), s) {
				t.Errorf("%s: %q does not say %q", name, le, s)
			}
		}
		if vi := i18n.Localize(le, "vi"); vi == le.Error() {
			t.Errorf("%s: no Vietnamese message: %s", name, vi)
		}
		return le
	}

	// One byte of a payload changed, the JSON still valid: only the root tells, and the
	// checkpoints bound where.
	changed := tamper(func(ls [][]byte) [][]byte {
		i := bytes.Index(ls[250], []byte(`"data":{`)) + 10
		ls[250][i] ^= 0x01 // a letter of the first key of the payload
		return ls
	})
	le := mustFail("payload byte, checkpoints every 100", changed, every100, 0, "one of lines 201–300")
	if le.From != 201 || le.To != 300 {
		t.Errorf("range %d–%d, want 201–300", le.From, le.To)
	}
	mustFail("payload byte, one checkpoint", changed, last, 0, "one of lines 1–500")
	// and a checkpoint at every size names the line itself.
	var all []int
	for i := 1; i <= n; i++ {
		all = append(all, i)
	}
	mustFail("payload byte, a checkpoint at every size", changed, checkpointsOf(t, lines, all...), 251, "line 251 differs")

	// A byte that breaks the JSON: named by the line alone.
	mustFail("broken JSON", tamper(func(ls [][]byte) [][]byte {
		ls[250][bytes.Index(ls[250], []byte(`"data":`))] = 'x'
		return ls
	}), last, 251, "line 251 is not valid JSON")

	// One line removed: the export is shorter, and its stream's numbering names where.
	removed := findContinuedStream(t, lines, 180)
	mustFail("line removed", tamper(func(ls [][]byte) [][]byte {
		return append(ls[:removed:removed], ls[removed+1:]...)
	}), last, n, "ends after line 499", fmt.Sprintf("line %d is the first", nextOfStream(t, lines, removed)))
	mustFail("line removed, checkpoints every 100", tamper(func(ls [][]byte) [][]byte {
		return append(ls[:removed:removed], ls[removed+1:]...)
	}), every100, 0, "one of lines 101–200", fmt.Sprintf("line %d is the first", nextOfStream(t, lines, removed)))

	// Two lines swapped: recording times go back.
	a, b := swappable(t, lines)
	le = mustFail("two lines swapped", tamper(func(ls [][]byte) [][]byte {
		ls[a], ls[b] = ls[b], ls[a]
		return ls
	}), last, 0, "recording times never go back")
	if le.Line <= int64(a) || le.Line > int64(b)+1 {
		t.Errorf("swap of lines %d and %d: names line %d", a+1, b+1, le.Line)
	}

	// A gap: the salvage's marker of a missing entry.
	mustFail("missing entry", tamper(func(ls [][]byte) [][]byte {
		ls[99] = []byte(`{"ocopledger_missing":{"position":100,"reason":"message block damaged"}}`)
		return ls
	}), last, 100, "line 100 marks the entry at position 100 as missing", "message block damaged")

	// Windows line ends.
	mustFail("CRLF", bytes.ReplaceAll(join(lines), []byte("\n"), []byte("\r\n")), last, 1, "carriage return")

	// A field missing, twice, of the wrong kind; not an object; an empty line.
	for _, c := range []struct {
		line, says string
	}{
		{`{"id":"x","type":"t","stream":"s","version":1}`, `has no "recorded_at"`},
		{`{"id":"x","id":"y","type":"t","stream":"s","version":1,"recorded_at":"2030-01-01T00:00:00Z"}`, `has "id" twice`},
		{`{"id":"x","type":"t","stream":"s","version":"1","recorded_at":"2030-01-01T00:00:00Z"}`, `"version"`},
		{`{"id":"x","type":"t","stream":"s","version":1,"recorded_at":"yesterday"}`, `"recorded_at"`},
		{`{"id":"","type":"t","stream":"s","version":1,"recorded_at":"2030-01-01T00:00:00Z"}`, `"id"`},
		{`[1,2]`, "not an object"},
		{`{"id":"x"} {"id":"y"}`, "more than one JSON value"},
		{``, "line 500 is empty"},
	} {
		mustFail("bad last line "+c.line, tamper(func(ls [][]byte) [][]byte {
			ls[n-1] = []byte(c.line)
			return ls
		}), last, n, c.says)
	}

	// Two checkpoints of the same size with different roots: one history cannot match both.
	forked := checkpointsOf(t, lines, 300)[0]
	forked.Root[0] ^= 1
	mustFail("fork", join(lines), append(checkpointsOf(t, lines, 300), forked), 0, "two checkpoints of 300 entries have different roots")

	// Checkpoints of two logs.
	other := last[0]
	other.Origin = "elsewhere.example/log"
	if _, err := provenance.VerifyExport(context.Background(), bytes.NewReader(join(lines)), append(last, other), provenance.VerifyOptions{}); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("checkpoints of two logs: %v, want invalid input", err)
	}
}

// findContinuedStream returns an index ≥ from whose stream has a later entry.
func findContinuedStream(t *testing.T, lines [][]byte, from int) int {
	for i := from; i < len(lines); i++ {
		if nextOfStream(t, lines, i) > 0 {
			return i
		}
	}
	t.Fatal("no stream continues")
	return 0
}

// nextOfStream returns the line number, after lines[i] is removed, of the next entry of its
// stream, or 0.
func nextOfStream(t *testing.T, lines [][]byte, i int) int {
	stream := streamOf(t, lines[i])
	for j := i + 1; j < len(lines); j++ {
		if streamOf(t, lines[j]) == stream {
			return j // 1-based j+1, one line earlier once i is removed
		}
	}
	return 0
}

func streamOf(t *testing.T, line []byte) string {
	var e struct {
		Stream     string    `json:"stream"`
		RecordedAt time.Time `json:"recorded_at"`
	}
	if err := json.Unmarshal(line, &e); err != nil {
		t.Fatal(err)
	}
	return e.Stream
}

// swappable returns two indexes a < b whose recording times differ.
func swappable(t *testing.T, lines [][]byte) (int, int) {
	at := func(i int) time.Time {
		var e struct {
			RecordedAt time.Time `json:"recorded_at"`
		}
		json.Unmarshal(lines[i], &e)
		return e.RecordedAt
	}
	for a := 300; a < len(lines)-5; a++ {
		for b := a + 1; b < a+5; b++ {
			if at(b).After(at(a)) {
				return a, b
			}
		}
	}
	t.Fatal("no two lines with different recording times")
	return 0, 0
}

func TestVerifyExportUnreadable(t *testing.T) {
	lines := exportLines(t, 50)
	garbage := []byte("\x00\xffnot json at all\n")
	leaves := append(append([][]byte{}, lines...), garbage)
	export := append(join(lines), fmt.Sprintf(`{"ocopledger_unreadable":{"position":51,"subject":"ocop.events.junk","body_base64":%q}}`+"\n",
		base64.StdEncoding.EncodeToString(garbage))...)
	rep, le := verify(t, export, checkpointsOf(t, leaves, 51))
	if le != nil {
		t.Fatalf("an export with an unreadable entry, hashed as stored: %v", le)
	}
	if len(rep.Unreadable) != 1 || rep.Unreadable[0].Position != 51 || rep.Unreadable[0].Subject != "ocop.events.junk" {
		t.Fatalf("unreadable entries reported: %+v", rep.Unreadable)
	}
	// A wrapper at the wrong position, or whose body is not base64.
	wrong := append(join(lines), `{"ocopledger_unreadable":{"position":7,"subject":"x","body_base64":"AA=="}}`+"\n"...)
	if _, le := verify(t, wrong, nil); le == nil || le.Line != 51 {
		t.Errorf("wrapper of another position: %v", le)
	}
	bad := append(join(lines), `{"ocopledger_unreadable":{"position":51,"subject":"x","body_base64":"%%%"}}`+"\n"...)
	if _, le := verify(t, bad, nil); le == nil || le.Line != 51 {
		t.Errorf("wrapper with a body not in base64: %v", le)
	}
}

func TestVerifyExportCancelled(t *testing.T) {
	lines := exportLines(t, 2000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := provenance.VerifyExport(ctx, bytes.NewReader(join(lines)), nil, provenance.VerifyOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Entries published into the log that are not as the ledger writes them (the ledger quarantines
// them) are part of the signed history: an export holding them verifies and lists them. Beyond the
// checkpoints, nothing vouches for them: there they fail.
func TestVerifyExportIrregularEntries(t *testing.T) {
	lines := exportLines(t, 60)
	lines[19] = []byte(`{"id":"junk-1","type":"t","stream":"s","version":1}`)                                      // no recorded_at
	lines[39] = []byte(`{"id":"junk-2","type":"t","stream":"s","version":2,"recorded_at":"2001-01-01T00:00:00Z"}`) // back in time
	rep, le := verify(t, join(lines), checkpointsOf(t, lines, 50))
	if le != nil {
		t.Fatalf("an export with irregular entries in its signed history: %v", le)
	}
	if rep.IrregularCount != 2 || len(rep.Irregular) != 2 || rep.Irregular[0].Line != 20 || rep.Irregular[1].Line != 40 ||
		!strings.Contains(rep.Irregular[1].Err.Error(), "recording times never go back") {
		t.Fatalf("irregular entries reported: %d, %+v", rep.IrregularCount, rep.Irregular)
	}
	// The same entry past the last checkpoint: nothing vouches for it.
	lines[54] = []byte(`{"id":"junk-3","type":"t","stream":"s","version":3}`)
	_, le = verify(t, join(lines), checkpointsOf(t, lines, 50))
	if le == nil || le.Line != 55 || !strings.Contains(le.Error(), "no checkpoint vouches for this line") {
		t.Fatalf("an irregular entry past the checkpoints: %v", le)
	}
}

// What an irregular entry's message quotes is its own copy: the read buffers are reused.
func TestVerifyExportIrregularMessagesSurviveBufferReuse(t *testing.T) {
	if testing.Short() {
		t.Skip("large export")
	}
	lines := exportLines(t, 30_000)
	lines[10] = []byte(`{"id":"junk","type":"t","stream":"s","version":1,"recorded_at":"yesterday"}`)
	rep, le := verify(t, join(lines), checkpointsOf(t, lines, 30_000))
	if le != nil {
		t.Fatal(le)
	}
	if len(rep.Irregular) != 1 {
		t.Fatalf("irregular: %+v", rep.Irregular)
	}
	for lang, want := range map[string]string{"en": `line 11: "recorded_at" "yesterday"`, "vi": `dòng 11: "recorded_at" "yesterday"`} {
		if msg := i18n.Localize(rep.Irregular[0].Err, lang); !strings.Contains(msg, want) {
			t.Errorf("%s message after the buffers were reused: %s", lang, msg)
		}
	}
}

// failingReader gives its data, then an error.
type failingReader struct{ data []byte }

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// A line longer than MaxLine, and a file that cannot be read to its end, are named, after the
// lines before them are checked.
func TestVerifyExportUnreadableFile(t *testing.T) {
	lines := exportLines(t, 20)
	long := append(join(lines), bytes.Repeat([]byte("x"), provenance.MaxLine+10)...)
	_, le := verify(t, long, nil)
	if le == nil || le.Line != 21 || !strings.Contains(le.Error(), "longer than") {
		t.Fatalf("a line longer than MaxLine: %v", le)
	}
	_, err := provenance.VerifyExport(context.Background(), &failingReader{join(lines)}, nil, provenance.VerifyOptions{})
	if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(err.Error(), "after line 20") || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("a read error: %v", err)
	}
	// An error in the lines before the read error wins: it comes first.
	bad := join(lines)
	bad[5] = 'x'
	_, err = provenance.VerifyExport(context.Background(), &failingReader{bad}, nil, provenance.VerifyOptions{})
	var e *provenance.LineError
	if !errors.As(err, &e) || e.Line != 1 {
		t.Fatalf("a bad line before a read error: %v", err)
	}
}
