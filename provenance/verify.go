package provenance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
	"golang.org/x/mod/sumdb/tlog"
	"golang.org/x/sync/errgroup"
)

// ExportReport is what VerifyExport found in an export that verifies.
type ExportReport struct {
	Lines       int64        // entries in the export (its lines)
	Checkpoints []Checkpoint // the checkpoints the export matches, by size
	// Covered is the size of the largest checkpoint: its lines are the log the checkpoints vouch
	// for; lines after it were checked for form and order only.
	Covered    int64
	Unreadable []UnreadableEntry // entries present in the log that are not events (hashed as stored)
	// Irregular are entries of the signed history that are not as the ledger writes them (a
	// field missing, a recording time that goes back): something published into the log that the
	// ledger quarantines. The checkpoints vouch for them; they are the log. At most MaxIrregular
	// are listed; IrregularCount counts them all.
	Irregular      []Irregularity
	IrregularCount int64
	// FirstRecordedAt and LastRecordedAt bound the recording times of the entries.
	FirstRecordedAt, LastRecordedAt time.Time
}

// Irregularity is an entry that is not as the ledger writes it, and why.
type Irregularity struct {
	Line int64
	Err  *domain.Error
}

// MaxIrregular is how many irregular entries an ExportReport lists.
const MaxIrregular = 100

// UnreadableEntry is an entry of the log whose stored body is not one line of JSON, written in the
// export as {"ocopledger_unreadable":{"position":N,"subject":"…","body_base64":"…"}}.
type UnreadableEntry struct {
	Position int64  `json:"position"`
	Subject  string `json:"subject"`
}

// LineError says why an export does not verify and where: Line is the first bad line when it is
// known; when only a range is (a prefix whose root differs from a checkpoint's), the first line
// that differs is one of From…To.
type LineError struct {
	Line     int64
	From, To int64
	Err      *domain.Error // CodeHistoryMismatch
}

func (e *LineError) Error() string { return e.Err.Error() }
func (e *LineError) Unwrap() error { return e.Err }

// VerifyOptions tunes VerifyExport.
type VerifyOptions struct {
	Workers int // goroutines hashing and checking lines; default GOMAXPROCS
	// Leaves, if set, are the leaf hashes of the log's entries from a source checked against the
	// checkpoints (CheckLeaves; e.g. the hashes file export --hashes wrote): a line whose hash
	// differs is then named exactly where the checkpoints alone bound it to a range.
	Leaves []tlog.Hash
}

const (
	// MaxLine is the longest line VerifyExport reads (an unreadable entry's wrapper included).
	MaxLine   = 16 << 20
	chunkSize = 1 << 20
	noTime    = math.MinInt64
)

// Prefixes of the lines that are not stored bodies (export format v2).
var (
	unreadablePrefix = []byte(`{"ocopledger_unreadable":`)
	missingPrefix    = []byte(`{"ocopledger_missing":`)
)

// VerifyExport checks an export (format v2: line i is the stored body of the entry at position i)
// read from r against checkpoints, whose signatures the caller has checked (Open): every line is
// one JSON object, or an unreadable entry's wrapper, hashed as its decoded body; a line marking a
// missing entry fails; for every checkpoint the first Size lines hash to its root; and every entry
// is well formed (a JSON object with id, type, stream, version and recorded_at) with recording
// times that never go back. An entry that is not well formed, or goes back in time, is irregular:
// within the lines a matching checkpoint covers it is part of the signed history (something
// published into the log, which the ledger quarantines) and is listed in the report; beyond them,
// or among lines whose root differs, it is the first bad line. The export may be longer than the
// checkpoints. It reads r once, hashing lines on several goroutines, and keeps only the tree's
// frontier. An export that does not verify gets a *LineError naming the first bad line (or the
// lines among which it is).
func VerifyExport(ctx context.Context, r io.Reader, checkpoints []Checkpoint, opt VerifyOptions) (*ExportReport, error) {
	cps := append([]Checkpoint(nil), checkpoints...)
	sort.SliceStable(cps, func(i, j int) bool { return cps[i].Size < cps[j].Size })
	for _, c := range cps {
		if c.Origin != cps[0].Origin {
			return nil, domain.Invalid("checkpoint", "the checkpoints are of different logs, %s and %s: give checkpoints of one log", cps[0].Origin, c.Origin)
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	v := &exportVerifier{
		r:       r,
		cps:     cps,
		work:    make(chan *batch, workers),
		order:   make(chan *batch, 2*workers+2),
		free:    make(chan []byte, 3*workers+4),
		streams: make(map[uint64]uint64),
		report:  &ExportReport{},
		leaves:  opt.Leaves,
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return v.read(gctx) })
	for range workers {
		g.Go(func() error {
			for b := range v.work {
				b.check()
				close(b.done)
			}
			return nil
		})
	}
	// The consumer alone decides: the others stop when it does, or when ctx ends.
	var result error
	g.Go(func() error {
		result = v.consume(gctx)
		return result
	})
	if err := g.Wait(); result == nil {
		result = err
	}
	if result != nil {
		return nil, result
	}
	return v.report, nil
}

type exportVerifier struct {
	r     io.Reader
	cps   []Checkpoint
	work  chan *batch // to the workers
	order chan *batch // to the consumer, in the order of the file
	free  chan []byte // buffers the consumer is done with

	// the consumer's state
	report   *ExportReport
	frontier frontier
	maxTime  int64 // the latest recording time so far, and its line
	maxLine  int64
	matched  int64 // the size of the largest checkpoint matched so far
	// streams holds the last version seen of every stream, by a hash of its name; hint is the first
	// line after the last matched checkpoint whose version does not follow its stream's, the
	// likely place of a change.
	streams map[uint64]uint64
	hint    *versionBreak
	// unvouched is the first irregular entry after the last matched checkpoint; pending are the
	// irregular entries since then, listed in the report once a checkpoint vouches for them.
	unvouched *Irregularity
	pending   []Irregularity
	// leaves are VerifyOptions.Leaves; differs is the first line whose hash is not among them.
	leaves  []tlog.Hash
	differs int64
}

// irregular notes an entry that is not as the ledger writes it.
func (v *exportVerifier) irregular(line int64, err *domain.Error) {
	f := Irregularity{Line: line, Err: err}
	if v.unvouched == nil {
		v.unvouched = &f
	}
	if int64(len(v.pending)) < MaxIrregular {
		v.pending = append(v.pending, f)
	}
	v.report.IrregularCount++
}

type versionBreak struct {
	line          int64
	stream        string
	version, prev uint64
}

// batch is a run of whole lines of the export.
type batch struct {
	first int64  // line number of the first
	data  []byte // the lines, each ending in "\n" but perhaps the file's last
	buf   []byte // the buffer data is in, to give back

	n         int // lines checked (all of them unless one is bad)
	leaves    []tlog.Hash
	times     []int64  // unix nanoseconds, noTime for an unreadable entry
	streams   []uint64 // a hash of the stream's name (streamSeed)
	versions  []uint64
	wrapped   []UnreadableEntry
	irregular map[int]*domain.Error // by index in the batch
	bad       *LineError            // the first line that is not an entry at all, which ends the batch
	fail      error                 // the reader's, after the lines: the rest of the file cannot be read
	done      chan struct{}
}

// read cuts the export into batches of whole lines and hands them to the workers and, in order,
// to the consumer. What stops it (a line too long, a read error) goes to the consumer as a batch,
// after the lines before it.
func (v *exportVerifier) read(ctx context.Context) error {
	defer close(v.work)
	defer close(v.order)
	send := func(b *batch) error {
		select {
		case v.order <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.fail != nil {
			close(b.done)
			return nil
		}
		select {
		case v.work <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	line := int64(1)
	var carry []byte
	for {
		buf := v.buffer(min(max(chunkSize, 2*len(carry)), MaxLine+1))
		buf = append(buf, carry...)
		n, err := io.ReadFull(v.r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		readErr := err
		if eof {
			readErr = nil
		}
		data := buf
		carry = nil
		end := bytes.LastIndexByte(buf, '\n')
		tooLong := len(buf)-end-1 > MaxLine // the buffer's last line, unfinished or the file's last
		switch {
		case tooLong || readErr != nil: // the whole lines before
			data = buf[:end+1]
		case !eof && end < 0: // one line longer than the buffer: read on
			carry = append([]byte(nil), buf...)
			continue
		case !eof:
			data, carry = buf[:end+1], append([]byte(nil), buf[end+1:]...)
		}
		if len(data) > 0 {
			b := &batch{first: line, data: data, buf: buf, done: make(chan struct{})}
			line += int64(bytes.Count(data, []byte{'\n'}))
			if data[len(data)-1] != '\n' {
				line++
			}
			if err := send(b); err != nil {
				return err
			}
		}
		if readErr != nil {
			return send(&batch{first: line, done: make(chan struct{}),
				fail: domain.Invalid("file", "the export cannot be read after line %d: %v", line-1, readErr)})
		}
		if tooLong {
			return send(&batch{first: line, done: make(chan struct{}),
				fail: lineError(line, domain.HistoryMismatch("line %d is longer than %d bytes: it is not an entry of the log", line, MaxLine))})
		}
		if eof {
			return nil
		}
	}
}

func (v *exportVerifier) buffer(size int) []byte {
	select {
	case b := <-v.free:
		if cap(b) >= size {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, size)
}

// check hashes and checks the batch's lines, up to the first bad one.
func (b *batch) check() {
	lines := bytes.Count(b.data, []byte{'\n'}) + 1
	b.leaves = make([]tlog.Hash, 0, lines)
	b.times = make([]int64, 0, lines)
	b.streams = make([]uint64, 0, lines)
	b.versions = make([]uint64, 0, lines)
	for rest := b.data; len(rest) > 0; b.n++ {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		no := b.first + int64(b.n)
		leaf, e, wrapped, irregular, err := checkLine(line, no)
		if err != nil {
			b.bad = lineError(no, err)
			return
		}
		b.leaves = append(b.leaves, leaf)
		switch {
		case wrapped != nil:
			b.wrapped = append(b.wrapped, *wrapped)
			e = envelope{recordedAt: noTime}
		case irregular != nil:
			if b.irregular == nil {
				b.irregular = map[int]*domain.Error{}
			}
			b.irregular[b.n] = irregular
			e = envelope{recordedAt: noTime}
		}
		b.times = append(b.times, e.recordedAt)
		b.streams = append(b.streams, maphash.Bytes(streamSeed, e.stream))
		b.versions = append(b.versions, e.version)
	}
}

func lineError(line int64, err *domain.Error) *LineError {
	return &LineError{Line: line, From: line, To: line, Err: err}
}

// consume folds the checked lines into the tree's frontier in the order of the file, checking
// the recording times and each checkpoint's root as its size is reached.
func (v *exportVerifier) consume(ctx context.Context) error {
	v.maxTime = noTime
	next := 0 // the next checkpoint to reach
	if err := v.reach(0, &next); err != nil {
		return err
	}
	var lines int64
	for b := range v.order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		wrapped := b.wrapped
		for i := range b.n {
			line := b.first + int64(i)
			switch t := b.times[i]; {
			case b.irregular[i] != nil:
				v.irregular(line, b.irregular[i])
			case t == noTime:
				v.report.Unreadable = append(v.report.Unreadable, wrapped[0])
				wrapped = wrapped[1:]
			case t < v.maxTime:
				// The ledger's readers take the running maximum: so does this check.
				v.irregular(line, domain.HistoryMismatch("line %d was recorded at %s, before line %d (%s): recording times never go back along the log",
					line, formatTime(t), v.maxLine, formatTime(v.maxTime)))
			default:
				if v.maxTime == noTime {
					v.report.FirstRecordedAt = time.Unix(0, t).UTC()
				}
				v.maxTime, v.maxLine = t, line
				v.follow(line, b.streams[i], b.versions[i], b, i)
			}
			if v.differs == 0 && line <= int64(len(v.leaves)) && v.leaves[line-1] != b.leaves[i] {
				v.differs = line
			}
			if err := v.frontier.append(line-1, b.leaves[i]); err != nil {
				return err
			}
			lines = line
			if err := v.reach(line, &next); err != nil {
				return err
			}
		}
		if b.bad != nil {
			return b.bad
		}
		if b.fail != nil {
			return b.fail
		}
		select {
		case v.free <- b.buf:
		default:
		}
	}
	v.report.Lines = lines
	if v.maxTime != noTime {
		v.report.LastRecordedAt = time.Unix(0, v.maxTime).UTC()
	}
	if next < len(v.cps) {
		c := v.cps[next]
		if c.Size == lines+1 {
			return lineError(lines+1, v.withHint(domain.HistoryMismatch(
				"the export ends after line %d but the checkpoint of %d entries covers %d: line %d is missing", lines, c.Size, c.Size, lines+1)))
		}
		return v.within(v.matched+1, c.Size, domain.HistoryMismatch(
			"the export ends after line %d but the checkpoint of %d entries covers %d: lines %d–%d are missing", lines, c.Size, c.Size, lines+1, c.Size))
	}
	if f := v.unvouched; f != nil {
		return lineError(f.Line, domain.HistoryMismatch("%v; no checkpoint vouches for this line", f.Err))
	}
	v.report.Checkpoints = v.cps
	if len(v.cps) > 0 {
		v.report.Covered = v.cps[len(v.cps)-1].Size
	}
	return ctx.Err()
}

// reach checks the checkpoints of size n (the lines read so far).
func (v *exportVerifier) reach(n int64, next *int) error {
	for ; *next < len(v.cps) && v.cps[*next].Size == n; *next++ {
		c := v.cps[*next]
		root, err := tlog.TreeHash(n, &v.frontier)
		if err != nil {
			return err
		}
		if root == c.Root {
			v.matched, v.hint, v.unvouched = n, nil, nil
			if room := MaxIrregular - len(v.report.Irregular); room > 0 {
				v.report.Irregular = append(v.report.Irregular, v.pending[:min(room, len(v.pending))]...)
			}
			v.pending = v.pending[:0]
			continue
		}
		if v.matched == n {
			return &LineError{From: 1, To: n, Err: domain.HistoryMismatch(
				"two checkpoints of %d entries have different roots: the log's key signed two different histories", n)}
		}
		from := v.matched + 1
		if v.differs >= from && v.differs <= n {
			return lineError(v.differs, domain.HistoryMismatch(
				"line %d differs from the log: its hash is not the leaf hash of position %d that the hashes file holds, and the hashes file matches the checkpoint of %d entries",
				v.differs, v.differs, v.leafCheckpoint()))
		}
		if from == n {
			return lineError(n, v.withHint(domain.HistoryMismatch(
				"line %d differs from the log: the first %d lines match the checkpoint of %d entries, the first %d do not match the checkpoint of %d entries",
				n, v.matched, v.matched, n, n)))
		}
		return v.within(from, n, domain.HistoryMismatch(
			"the first %d lines do not hash to the root of the checkpoint of %d entries: one of lines %d–%d differs from the log", n, n, from, n))
	}
	return nil
}

// within is the error of a bad line among from…to, named by the first irregular entry there if
// there is one (the likely place), else left open.
func (v *exportVerifier) within(from, to int64, err *domain.Error) *LineError {
	e := &LineError{From: from, To: to, Err: v.withHint(err)}
	if v.unvouched != nil {
		e.Line = v.unvouched.Line
	}
	return e
}

// follow notes where an entry's version does not follow the last of its stream: not an error in
// itself (anyone may publish into the log, and the ledger quarantines what does not fit), but the
// likely place of a change when a root differs.
func (v *exportVerifier) follow(line int64, stream, version uint64, b *batch, i int) {
	prev := v.streams[stream]
	if version != prev+1 && v.hint == nil {
		v.hint = &versionBreak{line: line, stream: string(b.stream(i)), version: version, prev: prev}
	}
	v.streams[stream] = max(prev, version)
}

// streamSeed seeds the hashes of stream names: two names with the same hash would only make the
// hint of a version break less precise.
var streamSeed = maphash.MakeSeed()

// stream returns the stream name of the batch's line i, read again (only for a message).
func (b *batch) stream(i int) []byte {
	rest := b.data
	for range i {
		rest = rest[bytes.IndexByte(rest, '\n')+1:]
	}
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	e, _, _ := checkEnvelope(rest, 0)
	return e.stream
}

func (v *exportVerifier) withHint(e *domain.Error) *domain.Error {
	if f := v.unvouched; f != nil {
		return domain.HistoryMismatch("%v; the first line there that is not as the ledger writes it: %v", e, f.Err)
	}
	h := v.hint
	if h == nil {
		return e
	}
	if h.prev == 0 {
		return domain.HistoryMismatch("%v; line %d is the first after the last matching checkpoint whose entry does not follow its stream (%s begins at version %d)",
			e, h.line, h.stream, h.version)
	}
	return domain.HistoryMismatch("%v; line %d is the first after the last matching checkpoint whose entry does not follow its stream (%s: version %d after %d)",
		e, h.line, h.stream, h.version, h.prev)
}

func formatTime(t int64) string { return time.Unix(0, t).UTC().Format(time.RFC3339Nano) }

// frontier is the part of a tree that later leaves and the root need: the hash of each maximal
// complete subtree, by its tlog stored hash index, left to right. It is a tlog.HashReader for
// tlog.StoredHashesForRecordHash and tlog.TreeHash, which read only those.
type frontier struct {
	index []int64
	hash  []tlog.Hash
	out   []tlog.Hash
}

func (f *frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	f.out = f.out[:0]
	for _, want := range indexes {
		j := len(f.index) - 1
		for j >= 0 && f.index[j] != want {
			j--
		}
		if j < 0 {
			return nil, fmt.Errorf("provenance: stored hash %d is not on the tree's frontier", want)
		}
		f.out = append(f.out, f.hash[j])
	}
	return f.out, nil
}

// append adds leaf n: the subtrees it completes merge into one.
func (f *frontier) append(n int64, leaf tlog.Hash) error {
	hashes, err := tlog.StoredHashesForRecordHash(n, leaf, f)
	if err != nil {
		return err
	}
	merged := len(hashes) - 1
	f.index = append(f.index[:len(f.index)-merged], tlog.StoredHashIndex(merged, n>>merged))
	f.hash = append(f.hash[:len(f.hash)-merged], hashes[merged])
	return nil
}

// envelope is what VerifyExport reads of an entry.
type envelope struct {
	stream     []byte
	version    uint64
	recordedAt int64
}

var requiredFields = [...]string{"id", "type", "stream", "version", "recorded_at"}

// checkLine checks one line and returns its leaf hash and either the envelope it holds or, for an
// unreadable entry's wrapper, the entry. A line that is not an entry at all is bad (err); an
// entry that is not as the ledger writes it is irregular.
func checkLine(line []byte, no int64) (leaf tlog.Hash, e envelope, wrapped *UnreadableEntry, irregular, err *domain.Error) {
	if len(line) == 0 {
		return leaf, e, nil, nil, domain.HistoryMismatch("line %d is empty: every line of an export is an entry", no)
	}
	if line[len(line)-1] == '\r' {
		return leaf, e, nil, nil, domain.HistoryMismatch("line %d ends with a carriage return: the file was changed to Windows line ends; verify the export as it was written", no)
	}
	switch {
	case bytes.HasPrefix(line, unreadablePrefix):
		u, body, err := checkUnreadable(line, no)
		if err != nil {
			return leaf, e, nil, nil, err
		}
		return LeafHash(body), e, u, nil, nil
	case bytes.HasPrefix(line, missingPrefix):
		var w struct {
			Missing struct {
				Position int64  `json:"position"`
				Reason   string `json:"reason"`
			} `json:"ocopledger_missing"`
		}
		json.Unmarshal(line, &w)
		return leaf, e, nil, nil, domain.HistoryMismatch("line %d marks the entry at position %d as missing from the store (%s): an export with a missing entry is not the log", no, w.Missing.Position, w.Missing.Reason)
	}
	e, irregular, err = checkEnvelope(line, no)
	if err != nil {
		return leaf, e, nil, nil, err
	}
	return LeafHash(line), e, nil, irregular, nil
}

// checkEnvelope checks that line is one JSON object (else err) with the envelope's fields (else
// irregular) and reads them.
func checkEnvelope(s []byte, no int64) (e envelope, irregular, err *domain.Error) {
	if !utf8.Valid(s) {
		return e, nil, domain.HistoryMismatch("line %d is not valid UTF-8 text", no)
	}
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		if !validJSON(s) {
			return e, nil, domain.HistoryMismatch("line %d is not valid JSON (from byte %d on)", no, i+1)
		}
		return e, nil, domain.HistoryMismatch("line %d is JSON but not an object: an entry is a JSON object", no)
	}
	var spans [len(requiredFields)][2]int
	var seen [len(requiredFields)]int
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			if i >= len(s) || s[i] != '"' {
				return e, nil, malformed(no, i)
			}
			end, escaped, ok := scanString(s, i)
			if !ok {
				return e, nil, malformed(no, i)
			}
			key := s[i+1 : end-1]
			if escaped {
				var k string
				json.Unmarshal(s[i:end], &k)
				key = []byte(k)
			}
			i = skipWS(s, end)
			if i >= len(s) || s[i] != ':' {
				return e, nil, malformed(no, i)
			}
			start := skipWS(s, i+1)
			if i, ok = scanValue(s, start, 1); !ok {
				return e, nil, malformed(no, start)
			}
			for f, name := range requiredFields {
				if string(key) == name {
					seen[f]++
					spans[f] = [2]int{start, i}
				}
			}
			i = skipWS(s, i)
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			if i >= len(s) || s[i] != ',' {
				return e, nil, malformed(no, i)
			}
			i = skipWS(s, i+1)
		}
	}
	if i = skipWS(s, i); i != len(s) {
		return e, nil, domain.HistoryMismatch("line %d holds more than one JSON value (from byte %d on)", no, i+1)
	}
	for f, name := range requiredFields {
		switch {
		case seen[f] == 0:
			return e, domain.HistoryMismatch("line %d has no %q: every entry has id, type, stream, version and recorded_at", no, name), nil
		case seen[f] > 1:
			return e, domain.HistoryMismatch("line %d has %q twice", no, name), nil
		}
	}
	var texts [len(requiredFields)][]byte
	for _, f := range []int{0, 1, 2, 4} { // the strings
		v := s[spans[f][0]:spans[f][1]]
		text, ok := jsonString(v)
		if !ok || len(text) == 0 {
			return e, domain.HistoryMismatch("line %d: %q is empty or not a text", no, requiredFields[f]), nil
		}
		texts[f] = text
	}
	version, perr := strconv.ParseUint(string(s[spans[3][0]:spans[3][1]]), 10, 64)
	if perr != nil || version == 0 {
		return e, domain.HistoryMismatch("line %d: \"version\" %s is not a whole number from 1", no, excerpt(s[spans[3][0]:spans[3][1]])), nil
	}
	t, terr := time.Parse(time.RFC3339Nano, string(texts[4]))
	if terr != nil || t.Year() < 1678 || t.Year() > 2261 {
		return e, domain.HistoryMismatch("line %d: \"recorded_at\" %q is not a time (RFC 3339, such as 2025-08-07T01:02:03Z)", no, excerpt(texts[4])), nil
	}
	return envelope{stream: texts[2], version: version, recordedAt: t.UnixNano()}, nil, nil
}

// excerpt copies at most 60 bytes of a value for a message (the line's buffer is reused).
func excerpt(b []byte) string {
	if len(b) <= 60 {
		return string(b)
	}
	cut := 60
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…"
}

func malformed(no int64, i int) *domain.Error {
	return domain.HistoryMismatch("line %d is not valid JSON (from byte %d on)", no, i+1)
}

// jsonString returns the text of the JSON string v (already scanned), or ok false if v is not a
// string.
func jsonString(v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != '"' {
		return nil, false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1], true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}

// checkUnreadable reads an unreadable entry's wrapper: the entry, and its stored body.
func checkUnreadable(line []byte, no int64) (*UnreadableEntry, []byte, *domain.Error) {
	var w map[string]json.RawMessage
	var u struct {
		Position   *int64  `json:"position"`
		Subject    string  `json:"subject"`
		BodyBase64 *string `json:"body_base64"`
	}
	if !validJSON(line) || json.Unmarshal(line, &w) != nil || len(w) != 1 || json.Unmarshal(w["ocopledger_unreadable"], &u) != nil ||
		u.Position == nil || u.BodyBase64 == nil {
		return nil, nil, domain.HistoryMismatch("line %d is not a well-formed unreadable entry: {\"ocopledger_unreadable\":{\"position\":N,\"subject\":\"…\",\"body_base64\":\"…\"}}", no)
	}
	if *u.Position != no {
		return nil, nil, domain.HistoryMismatch("line %d holds the unreadable entry of position %d: every line is the entry of its own position", no, *u.Position)
	}
	body, err := base64.StdEncoding.DecodeString(*u.BodyBase64)
	if err != nil {
		return nil, nil, domain.HistoryMismatch("line %d: the body_base64 of the unreadable entry is not base64", no)
	}
	return &UnreadableEntry{Position: no, Subject: u.Subject}, body, nil
}

// leafCheckpoint is the size of the largest checkpoint the leaves cover.
func (v *exportVerifier) leafCheckpoint() int64 {
	var size int64
	for _, c := range v.cps {
		if c.Size <= int64(len(v.leaves)) {
			size = c.Size
		}
	}
	return size
}
