package projections

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// The bbolt layout. Read models are disposable: the log is the truth, and every bucket here can
// be rebuilt from it. Keys that grow with the log are sequential, so a rebuild appends at the right
// edge of each tree instead of splitting pages all over the file; what is only ever read whole or
// in runs (the log, its clock, the deltas) is packed many records to a key, so that a rebuild puts
// a few thousand values instead of millions.
//
//	meta     "checkpoint" → last applied log position; "version" → projector version;
//	         "known" → running maximum recorded time; "unknown" → JSON {type: count};
//	         "nextrow" → the last row number of each figure; "bulk" → a rebuild from zero is
//	         under way (its stream indexes are in memory until it ends)
//	log      seq>>logPageBits → a page of entries: recorded time, version, id, type, stream,
//	         actor, source, payload (see logPageHeader)
//	clock    first seq of a commit → the running maximum recorded time at each of its positions
//	streams  stream → the positions of its events and the keys of the rows it contributes now
//	rows     fig rowID>>rowPageBits → a page of contribution rows of one figure, each with the
//	         log position from which the ledger held it true (rows are numbered per figure)
//	ends     fig rowID → the log position at which a row stopped being true (absent: it still is)
//	items    fig item 0x00 rowID → from,until: current rows of items that several streams share
//	deltas   first seq of a commit → the changes of each figure it made, each with the place and
//	         tags its item counts under (16 bytes each), loaded into the in-memory index
//	facets   'p' id → a place, 't' id → tags: what the deltas' place and tags IDs stand for
//	quarantine  seq → an entry the read models do not fold, as JSON (see Quarantined)
//	byitem, byexpiry  the index of counted items (see itemindex.go)
//	attrs    seq>>logPageBits → the attributes of the rows the entry at seq opened (see attrs.go)
var (
	bMeta       = []byte("meta")
	bLog        = []byte("log")
	bClock      = []byte("clock")
	bStreams    = []byte("streams")
	bRows       = []byte("rows")
	bEnds       = []byte("ends")
	bItems      = []byte("items")
	bDeltas     = []byte("deltas")
	bQuarantine = []byte("quarantine")
	bFacets     = []byte("facets")
	bByItem     = []byte("byitem")
	bByExpiry   = []byte("byexpiry")
	bAttrs      = []byte("attrs")
	buckets     = [][]byte{bMeta, bLog, bClock, bStreams, bRows, bEnds, bItems, bDeltas, bQuarantine, bFacets, bByItem, bByExpiry, bAttrs}

	kCheckpoint = []byte("checkpoint")
	kVersion    = []byte("version")
	kKnown      = []byte("known")
	kUnknown    = []byte("unknown")
	kNextRow    = []byte("nextrow")
	kBulk       = []byte("bulk")
)

// sharedItems are the figures whose items gather contributions from several streams
// (domain.Figure.Shared). Their coverage is computed through the items bucket; every other item
// belongs to one stream.
var sharedItems = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range domain.Figures() {
		if f.Shared {
			m[f.ID] = true
		}
	}
	return m
}()

// row is a contribution as the projection stores it, with the log positions between which the
// ledger held it true: it counts as known at S when KnownFrom ≤ S and (KnownTo == 0 or S < KnownTo).
type row struct {
	domain.Contribution
	Stream    string
	KnownFrom uint64
	KnownTo   uint64
	attrNo    uint64 // its attributes' number among those of the entry at KnownFrom (see attrs.go)
}

// appendRow appends a row as uvarint(kf) varint(from) varint(until), the item, stream and
// event ID, each length-prefixed, and uvarint(the number of its attributes). Its end (KnownTo)
// lives in the ends bucket, so a row never changes once written; its attributes are in the
// attrs bucket, shared by the rows an entry opens (see attrs.go).
func appendRow(b []byte, r row) []byte {
	b = binary.AppendUvarint(b, r.KnownFrom)
	b = binary.AppendVarint(b, int64(r.From))
	b = binary.AppendVarint(b, int64(r.Until))
	for _, s := range []string{r.Item, r.Stream, r.EventID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return binary.AppendUvarint(b, r.attrNo)
}

// decodeRow decodes a row of figure fig ended at kt (0: current), without its attributes (see
// keptAttrs, attrsOf).
func decodeRow(fig string, kt uint64, v []byte) (row, error) {
	bad := func() error { return fmt.Errorf("projections: malformed row of %s", fig) }
	r := row{KnownTo: kt}
	r.Figure = fig
	var k int
	if r.KnownFrom, k = binary.Uvarint(v); k <= 0 {
		return row{}, bad()
	}
	v = v[k:]
	for _, d := range []*domain.Date{&r.From, &r.Until} {
		x, k := binary.Varint(v)
		if k <= 0 {
			return row{}, bad()
		}
		*d, v = domain.Date(x), v[k:]
	}
	for _, s := range []*string{&r.Item, &r.Stream, &r.EventID} {
		n, k := binary.Uvarint(v)
		if k <= 0 || uint64(len(v)-k) < n {
			return row{}, bad()
		}
		*s, v = string(v[k:k+int(n)]), v[k+int(n):]
	}
	if r.attrNo, k = binary.Uvarint(v); k <= 0 {
		return row{}, bad()
	}
	return r, nil
}

// rowDates reads the days a row covers, [from, until), without decoding the rest (ok is false
// for a malformed row, which decodeRow then reports).
func rowDates(v []byte) (from, until domain.Date, ok bool) {
	_, k := binary.Uvarint(v)
	if k <= 0 {
		return 0, 0, false
	}
	v = v[k:]
	f, k := binary.Varint(v)
	if k <= 0 {
		return 0, 0, false
	}
	u, k := binary.Varint(v[k:])
	if k <= 0 {
		return 0, 0, false
	}
	return domain.Date(f), domain.Date(u), true
}

// rowKnownFrom reads the position from which a row held without decoding the rest.
func rowKnownFrom(v []byte) uint64 {
	kf, _ := binary.Uvarint(v)
	return kf
}

// rowPageBits sets how many consecutive rows of a figure share a key of the rows bucket (64).
const rowPageBits = 6

func rowPageKey(fig uint8, id uint64) []byte {
	b := make([]byte, 9)
	b[0] = fig
	binary.BigEndian.PutUint64(b[1:], id>>rowPageBits)
	return b
}

// scanRows calls fn for every row of figure fig in order, with the position at which it ended
// (0: it has not), read from the ends bucket alongside.
func scanRows(tx *bolt.Tx, fig uint8, fn func(id, kt uint64, v []byte) error) error {
	ends := tx.Bucket(bEnds).Cursor()
	ek, ev := ends.Seek([]byte{fig})
	return forRowPages(tx, fig, func(id uint64, v []byte) error {
		for ek != nil && ek[0] == fig && binary.BigEndian.Uint64(ek[1:]) < id {
			ek, ev = ends.Next()
		}
		var kt uint64
		if ek != nil && ek[0] == fig && binary.BigEndian.Uint64(ek[1:]) == id {
			kt = getU64(ev)
		}
		return fn(id, kt, v)
	})
}

// forRowPages calls fn for every row of figure fig in order, without its end.
func forRowPages(tx *bolt.Tx, fig uint8, fn func(id uint64, v []byte) error) error {
	c := tx.Bucket(bRows).Cursor()
	for k, page := c.Seek([]byte{fig}); k != nil && k[0] == fig; k, page = c.Next() {
		for len(page) > 0 {
			id, v, rest, ok := nextPageEntry(page)
			if !ok {
				return fmt.Errorf("projections: malformed row page")
			}
			page = rest
			if err := fn(id, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// attrsOf fills in the attributes of rows: each row is the contribution its stream made when the
// event at its KnownFrom position was applied, so deriving the stream's contributions at that
// position again gives it back whole. The rows are taken stream by stream, so that one stream's
// history is held at a time (a figure of 1M events counts tens of thousands of items).
func attrsOf(tx *bolt.Tx, rows []row) error { return attrsEach(tx, rows, nil) }

// attrsEach is attrsOf, calling each (when not nil) with every row's index and its stream's
// history once the row has its attributes.
func attrsEach(tx *bolt.Tx, rows []row, each func(i int, hist []domain.Recorded)) error {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := &rows[order[a]], &rows[order[b]]
		if x.Stream != y.Stream {
			return x.Stream < y.Stream
		}
		return x.KnownFrom < y.KnownFrom
	})
	var hist []domain.Recorded
	var fold *domain.Fold
	var folded int // the events of hist in fold
	var cs []domain.Contribution
	for j, i := range order {
		r := &rows[i]
		newStream := j == 0 || rows[order[j-1]].Stream != r.Stream
		if newStream {
			_, h, err := loadStream(tx, r.Stream)
			if err != nil {
				return err
			}
			if h == nil {
				return fmt.Errorf("projections: stream %s of row %s is missing", r.Stream, r.Item)
			}
			hist, fold, folded = h, domain.NewFold(r.Stream), 0
		}
		if newStream || rows[order[j-1]].KnownFrom != r.KnownFrom {
			// Fold on to the position, as the writer did (a trade event's stream holds every
			// participation: folding each prefix from its start took quadratic time).
			n := sort.Search(len(hist), func(i int) bool { return hist[i].Sequence > r.KnownFrom })
			for ; folded < n; folded++ {
				if !fold.Apply(hist[folded]) {
					fold = domain.Refold(r.Stream, hist[:folded+1])
				}
			}
			cs = fold.Contributions()
		}
		for _, c := range cs {
			if c.Figure == r.Figure && c.Item == r.Item && c.EventID == r.EventID && c.From == r.From && c.Until == r.Until {
				r.Attrs = c.Attrs
				break
			}
		}
		if each != nil {
			each(i, hist)
		}
	}
	return nil
}

// rowKey names a row: its figure and its number among the figure's rows.
type rowKey struct {
	fig uint8
	id  uint64
}

func (k rowKey) bytes() []byte {
	b := make([]byte, 9)
	b[0] = k.fig
	binary.BigEndian.PutUint64(b[1:], k.id)
	return b
}

// logRecord is what the projection keeps of each event of the log.
type logRecord struct {
	Seq              uint64
	RecordedAt       time.Time
	Version          uint64
	ID, Type, Stream string
	Actor, Source    string
	Data             []byte // the event in domain's binary form; empty for a type this build does not know
}

// appendLog appends a log record (without its position, which the page gives) to b.
// appendLogOf appends the log record of an event to b, with its payload in the compact binary
// form (a refold decodes it many times faster than JSON).
func appendLogOf(b []byte, r domain.Recorded) ([]byte, error) {
	b = binary.AppendVarint(b, r.RecordedAt.UnixNano())
	b = binary.AppendUvarint(b, r.Version)
	for _, s := range []string{r.ID, r.Type, r.Stream, r.Actor, r.Source} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	if r.Event == nil {
		return binary.AppendUvarint(b, 0), nil
	}
	// The payload's length first: its size is known once it is encoded, so encode it after a
	// placeholder of the largest length prefix and close the gap.
	at := len(b)
	b = append(b, make([]byte, binary.MaxVarintLen32)...)
	b, err := appendBinary(b, r.Event)
	if err != nil {
		return b[:at], err
	}
	n := len(b) - at - binary.MaxVarintLen32
	var pre [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(pre[:], uint64(n))
	copy(b[at+k:], b[at+binary.MaxVarintLen32:])
	copy(b[at:], pre[:k])
	return b[:at+k+n], nil
}

// decodeLog decodes a log record; Data aliases v (valid during the transaction only). A missing
// or malformed record decodes as an empty one at seq.
func decodeLog(seq uint64, v []byte) logRecord {
	e := logRecord{Seq: seq}
	ns, k := binary.Varint(v)
	if k <= 0 {
		return e
	}
	v = v[k:]
	ver, k := binary.Uvarint(v)
	if k <= 0 {
		return e
	}
	v = v[k:]
	var parts [6][]byte
	for i := range parts {
		n, k := binary.Uvarint(v)
		if k <= 0 || uint64(len(v)-k) < n {
			return logRecord{Seq: seq}
		}
		parts[i] = v[k : k+int(n)]
		v = v[k+int(n):]
	}
	e.RecordedAt, e.Version = time.Unix(0, ns).UTC(), ver
	e.ID, e.Type, e.Stream, e.Actor, e.Source = string(parts[0]), string(parts[1]), string(parts[2]), string(parts[3]), string(parts[4])
	e.Data = parts[5]
	return e
}

// logPageBits sets how many consecutive log positions share a key of the log bucket (16: a page
// of them fits about one bbolt page).
const logPageBits = 4

func logPageKey(seq uint64) []byte { return u64(seq >> logPageBits) }

// A page (of the log, or of one figure's rows) is a run of entries, each as uvarint(n)
// uvarint(len) record, n being the log position or the row number. A log page begins with a
// header of where each of its positions' entries starts (logPageHeader: a big-endian uint32 a
// position, 0 for none yet), so that reading one record back touches the header and that record
// only: scanning the page to it was 0.64 s of CPU of a 1M-event rebuild (the refolds read 430k
// records back, each on a page not read for long).
const logPageHeader = 4 << logPageBits

// appendPageEntry appends one entry to a page.
func appendPageEntry(page []byte, n uint64, rec []byte) []byte {
	page = binary.AppendUvarint(page, n)
	page = binary.AppendUvarint(page, uint64(len(rec)))
	return append(page, rec...)
}

// logPageEntry finds the record of seq in a log page (nil if absent).
func logPageEntry(page []byte, seq uint64) []byte {
	if len(page) < logPageHeader {
		return nil
	}
	off := int(binary.BigEndian.Uint32(page[4*(seq&(1<<logPageBits-1)):]))
	if off < logPageHeader || off >= len(page) {
		return nil
	}
	q, rec, _, ok := nextPageEntry(page[off:])
	if !ok || q != seq {
		return nil
	}
	return rec
}

// nextPageEntry splits the first entry off a page: its number, its record and the rest of the
// page (ok is false for a malformed page).
func nextPageEntry(page []byte) (n uint64, rec, rest []byte, ok bool) {
	n, k := binary.Uvarint(page)
	if k <= 0 {
		return 0, nil, nil, false
	}
	page = page[k:]
	size, k := binary.Uvarint(page)
	if k <= 0 || uint64(len(page)-k) < size {
		return 0, nil, nil, false
	}
	return n, page[k : k+int(size)], page[k+int(size):], true
}

// pageWriter fills the pages of a paged bucket (the log, the rows of one figure) inside one
// transaction. Entries arrive in increasing order, so one page is open at a time; it is put when
// the next entry belongs to another page and at the end of the transaction (bbolt keeps the
// slice until the commit). Entries also come in increasing order from one transaction to the
// next, so only the first page a transaction opens may have been begun by an earlier one.
type pageWriter struct {
	b     *bolt.Bucket
	key   []byte // the open page's key; nil when none is open
	buf   []byte
	size  int  // room to reserve for a page
	log   bool // pages of the log: with a header of where each entry starts
	began bool // a page was opened in this transaction: the next ones are new
	pool  *pagePool
}

// pagePool lends the buffers of the pages transactions put, and has them back when the
// transaction is over, committed or not (bbolt holds a value only until then): without it a
// 1M-event rebuild allocates 600 MB of page buffers, growing most of them several times.
type pagePool struct{ free, lent [][]byte }

// get returns an empty buffer of at least size bytes.
func (pp *pagePool) get(size int) []byte {
	if pp != nil {
		if n := len(pp.free); n > 0 {
			b := pp.free[n-1]
			pp.free = pp.free[:n-1]
			if cap(b) >= size {
				return b[:0]
			}
		}
	}
	return make([]byte, 0, size)
}

// lend records that bbolt holds b until the transaction is over.
func (pp *pagePool) lend(b []byte) {
	if pp != nil {
		pp.lent = append(pp.lent, b)
	}
}

// over takes back what the transaction held.
func (pp *pagePool) over() {
	pp.free = append(pp.free, pp.lent...)
	clear(pp.lent)
	pp.lent = pp.lent[:0]
}

// add appends entry n to the page at key.
func (pw *pageWriter) add(key []byte, n uint64, rec []byte) error {
	if !bytes.Equal(key, pw.key) {
		if err := pw.flush(); err != nil {
			return err
		}
		pw.key, pw.buf = key, pw.pool.get(pw.size)
		if !pw.began {
			pw.buf, pw.began = append(pw.buf, pw.b.Get(key)...), true
		}
		if pw.log && len(pw.buf) == 0 {
			pw.buf = pw.buf[:logPageHeader]
			clear(pw.buf)
		}
	}
	if pw.log {
		binary.BigEndian.PutUint32(pw.buf[4*(n&(1<<logPageBits-1)):], uint32(len(pw.buf)))
	}
	pw.buf = appendPageEntry(pw.buf, n, rec)
	return nil
}

// entry returns the record of seq if the open page, one of the log, is the one at key.
func (pw *pageWriter) entry(key []byte, seq uint64) ([]byte, bool) {
	if pw.key == nil || !bytes.Equal(key, pw.key) {
		return nil, false
	}
	return logPageEntry(pw.buf, seq), true
}

// flush puts the open page and closes it.
func (pw *pageWriter) flush() error {
	if pw.key == nil {
		return nil
	}
	err := pw.b.Put(pw.key, pw.buf)
	pw.pool.lend(pw.buf)
	pw.key, pw.buf = nil, nil
	return err
}

// logAt reads the log record at seq.
func logAt(lb *bolt.Bucket, seq uint64) logRecord {
	return decodeLog(seq, logPageEntry(lb.Get(logPageKey(seq)), seq))
}

// appendClock appends the clock of a run of positions: the first position and time, then for
// each position its distance to the previous one and how far the running maximum moved.
func appendClock(b []byte, clock []clockMark) []byte {
	var prevSeq uint64
	var prevNS int64
	for i, c := range clock {
		ns := c.known.UnixNano()
		if i == 0 {
			b = binary.AppendUvarint(b, c.seq)
			b = binary.AppendVarint(b, ns)
		} else {
			b = binary.AppendUvarint(b, c.seq-prevSeq)
			b = binary.AppendVarint(b, ns-prevNS)
		}
		prevSeq, prevNS = c.seq, ns
	}
	return b
}

// decodeClock calls fn for each position of a clock value.
func decodeClock(b []byte, fn func(seq uint64, knownNS int64)) error {
	var seq uint64
	var ns int64
	for first := true; len(b) > 0; first = false {
		q, k := binary.Uvarint(b)
		if k <= 0 {
			return fmt.Errorf("projections: malformed clock")
		}
		b = b[k:]
		d, k := binary.Varint(b)
		if k <= 0 {
			return fmt.Errorf("projections: malformed clock")
		}
		b = b[k:]
		if first {
			seq, ns = q, d
		} else {
			seq, ns = seq+q, ns+d
		}
		fn(seq, ns)
	}
	return nil
}

// clockMark is the running maximum of recorded times at a log position.
type clockMark struct {
	seq   uint64
	known time.Time
}

// recorded turns a log record back into the event it was.
func (e logRecord) recorded() (domain.Recorded, error) {
	r := domain.Recorded{ID: e.ID, Type: e.Type, Stream: e.Stream, Version: e.Version, Sequence: e.Seq,
		RecordedAt: e.RecordedAt, Actor: e.Actor, Source: e.Source}
	if e.ID == "" {
		return r, fmt.Errorf("projections: the read models have no entry at log position %d; run ocopledger rebuild", e.Seq)
	}
	if len(e.Data) > 0 {
		ev, err := decodeBinary(e.Type, e.Data)
		if err != nil {
			return r, fmt.Errorf("projections: entry %s at log position %d: %w; run ocopledger rebuild", e.ID, e.Seq, err)
		}
		r.Event = ev
	}
	return r, nil
}

func (e logRecord) ref() EventRef {
	return EventRef{Sequence: e.Seq, ID: e.ID, Type: e.Type, Stream: e.Stream, RecordedAt: e.RecordedAt, Source: e.Source, Actor: e.Actor}
}

// streamIndex is what the projection keeps of a stream: the positions of its events (their
// payloads are in the log bucket) and the keys of the rows it contributes now, in the order
// domain.Contributions gives them.
type streamIndex struct {
	seqs []uint64
	rows []rowKey
}

func (s streamIndex) encode() []byte {
	return s.appendTo(make([]byte, 0, 4+5*len(s.seqs)+6*len(s.rows)))
}

func (s streamIndex) appendTo(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s.seqs)))
	var prev uint64
	for _, q := range s.seqs {
		b = binary.AppendUvarint(b, q-prev)
		prev = q
	}
	b = binary.AppendUvarint(b, uint64(len(s.rows)))
	for _, k := range s.rows {
		b = append(b, k.fig)
		b = binary.AppendUvarint(b, k.id)
	}
	return b
}

func decodeStreamIndex(b []byte) (streamIndex, error) {
	var s streamIndex
	bad := fmt.Errorf("projections: malformed stream index")
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return s, bad
	}
	b = b[k:]
	var prev uint64
	for i := uint64(0); i < n; i++ {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			return s, bad
		}
		prev += d
		s.seqs = append(s.seqs, prev)
		b = b[k:]
	}
	n, k = binary.Uvarint(b)
	if k <= 0 {
		return s, bad
	}
	b = b[k:]
	for i := uint64(0); i < n; i++ {
		if len(b) < 2 {
			return s, bad
		}
		fig := b[0]
		id, k := binary.Uvarint(b[1:])
		if k <= 0 {
			return s, bad
		}
		s.rows = append(s.rows, rowKey{fig, id})
		b = b[1+k:]
	}
	return s, nil
}

// history reads the events at the given positions back from the log.
func history(tx *bolt.Tx, seqs []uint64) ([]domain.Recorded, error) {
	c := tx.Bucket(bLog).Cursor()
	var key, page []byte // the log page read last: a stream's events often share one
	out := make([]domain.Recorded, 0, len(seqs))
	for _, q := range seqs {
		if k := logPageKey(q); !bytes.Equal(k, key) {
			found, v := c.Seek(k)
			if !bytes.Equal(found, k) {
				v = nil
			}
			key, page = k, v
		}
		r, err := decodeLog(q, logPageEntry(page, q)).recorded()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// loadStream reads a stream's index and its events.
func loadStream(tx *bolt.Tx, stream string) (streamIndex, []domain.Recorded, error) {
	v := tx.Bucket(bStreams).Get([]byte(stream))
	if v == nil {
		return streamIndex{}, nil, nil
	}
	idx, err := decodeStreamIndex(v)
	if err != nil {
		return idx, nil, err
	}
	hist, err := history(tx, idx.seqs)
	return idx, hist, err
}

func u64(v uint64) []byte { b := make([]byte, 8); binary.BigEndian.PutUint64(b, v); return b }

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func itemKey(fig uint8, item string, rowID uint64) []byte {
	k := make([]byte, 0, len(item)+10)
	k = append(k, fig)
	k = append(k, item...)
	k = append(k, 0)
	return append(k, u64(rowID)...)
}

func itemPrefix(fig uint8, item string) []byte {
	k := make([]byte, 0, len(item)+2)
	k = append(k, fig)
	k = append(k, item...)
	return append(k, 0)
}

func dateBytes(from, until domain.Date) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint32(b, uint32(int32(from)))
	binary.BigEndian.PutUint32(b[4:], uint32(int32(until)))
	return b
}

func getDates(b []byte) (domain.Date, domain.Date) {
	return domain.Date(int32(binary.BigEndian.Uint32(b))), domain.Date(int32(binary.BigEndian.Uint32(b[4:])))
}

// appendDeltas packs deltas 16 bytes each: seq(4) day(2) fig(1) d(1) place(4) tags(4).
func appendDeltas(b []byte, ds []delta) []byte {
	for _, d := range ds {
		b = binary.BigEndian.AppendUint32(b, d.seq)
		b = binary.BigEndian.AppendUint16(b, d.day)
		b = append(b, d.fig, byte(d.d))
		b = binary.BigEndian.AppendUint32(b, d.place)
		b = binary.BigEndian.AppendUint32(b, d.tags)
	}
	return b
}

// decodeDeltas calls fn for each delta of a packed value.
func decodeDeltas(b []byte, fn func(delta)) error {
	if len(b)%16 != 0 {
		return fmt.Errorf("projections: malformed deltas")
	}
	for ; len(b) > 0; b = b[16:] {
		fn(delta{seq: binary.BigEndian.Uint32(b), day: binary.BigEndian.Uint16(b[4:]), fig: b[6], d: int8(b[7]),
			place: binary.BigEndian.Uint32(b[8:]), tags: binary.BigEndian.Uint32(b[12:])})
	}
	return nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, b := range buckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("projections: create bucket %s: %w", b, err)
		}
	}
	return nil
}

// dropBuckets empties every read model (never the log of events: that lives in JetStream).
// bbolt frees a bucket by reading every page of it, so dropping the read models of 1M events
// mapped the whole 450 MB file: a rebuild over an existing file peaked at 511 MB of RSS before
// applying its first event. A releaser drops the pages meanwhile, every 2 ms: at each 10 ms
// above 224 MiB, as during a catch-up, the file still mapped 213–230 MB (peak 265–290 MB).
func (p *Projection) dropBuckets(tx *bolt.Tx) error {
	var names [][]byte
	if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, append([]byte(nil), name...))
		return nil
	}); err != nil {
		return err
	}
	rel := p.startReleaser(2*time.Millisecond, 0)
	for _, n := range names {
		if err := tx.DeleteBucket(n); err != nil {
			rel.stop()
			return err
		}
	}
	rel.stop()
	return createBuckets(tx)
}
