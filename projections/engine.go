package projections

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// Version is the version of the projectors' meaning. Bump it whenever the code changes what a
// read model holds: the next start finds the old version in the file and rebuilds from the log.
const Version = 9

// Options configure a projection.
type Options struct {
	Logger    *slog.Logger
	BatchSize int // events per bbolt transaction during catch-up; default 10000
	// OnCommit, if set, is called after each committed batch with the first and last positions
	// applied (outside any lock), e.g. to publish figure changes.
	OnCommit func(from, to uint64)
}

// Projection keeps the read models of the ledger in a bbolt file and answers figures from them.
// It is safe for concurrent use: one goroutine applies the log while any number query.
type Projection struct {
	db   *bolt.DB
	log  *slog.Logger
	opts Options

	mu      sync.RWMutex // guards idx, unknown, checkpoint
	idx     *index
	unknown map[string]int
	ckpt    uint64
	known   time.Time
	nextRow []uint64 // the last row number of each figure

	// caches of what bbolt holds, valid while the projection is the file's only writer: the
	// streams touched recently, in two generations (see writer.state)
	cache, cacheOld map[string]*streamState
	bulk            *bulkIndex // the stream indexes during a rebuild from zero (see bulkIndex)

	rebuilt bool // the file was (re)initialised at open
	waiters []chan struct{}
}

// Open opens (or creates) the read models at path. A file written by another projector version
// is reset, and the next catch-up rebuilds it from the log.
func Open(path string, opts Options) (*Projection, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 10000
	}
	// The freelist is written with each commit, so that opening the file reads it instead of
	// walking every page (at 1M events that walk maps the whole 470 MB file into memory).
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("projections: %s is in use by another ocopledger process", path)
		}
		return nil, fmt.Errorf("projections: open %s: %w", path, err)
	}
	p := &Projection{db: db, log: opts.Logger, opts: opts, cache: map[string]*streamState{}}
	if err := p.init(); err != nil {
		db.Close()
		return nil, err
	}
	return p, nil
}

func (p *Projection) init() error {
	err := p.db.Update(func(tx *bolt.Tx) error {
		if err := createBuckets(tx); err != nil {
			return err
		}
		m := tx.Bucket(bMeta)
		v := m.Get(kVersion)
		interrupted := m.Get(kBulk) != nil
		if v == nil || getU64(v) != Version || interrupted {
			if interrupted {
				p.log.Info("a rebuild of the read models was interrupted: rebuilding them from the log again")
			} else if v != nil {
				p.log.Info("projector version changed: rebuilding read models from the log", "was", getU64(v), "now", Version)
			}
			if err := dropBuckets(tx); err != nil {
				return err
			}
			p.rebuilt = true
			return tx.Bucket(bMeta).Put(kVersion, u64(Version))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	return p.load()
}

// load rebuilds the in-memory index from the deltas and clock kept in bbolt.
func (p *Projection) load() error {
	idx := newIndex()
	unknown := map[string]int{}
	err := p.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		p.ckpt = getU64(m.Get(kCheckpoint))
		p.nextRow = make([]uint64, len(figures))
		if v := m.Get(kNextRow); len(v) == 8*len(figures) {
			for i := range p.nextRow {
				p.nextRow[i] = binary.BigEndian.Uint64(v[8*i:])
			}
		}
		if v := m.Get(kKnown); v != nil {
			p.known = time.Unix(0, int64(getU64(v))).UTC()
		}
		if v := m.Get(kUnknown); v != nil {
			_ = json.Unmarshal(v, &unknown)
		}
		if err := tx.Bucket(bClock).ForEach(func(_, v []byte) error {
			return decodeClock(v, idx.addClockNS)
		}); err != nil {
			return err
		}
		return tx.Bucket(bDeltas).ForEach(func(_, v []byte) error {
			return decodeDeltas(v, idx.addDelta)
		})
	})
	if err != nil {
		return fmt.Errorf("projections: load index: %w", err)
	}
	if p.ckpt > idx.lastSeq {
		idx.lastSeq = p.ckpt
	}
	p.mu.Lock()
	p.idx, p.unknown = idx, unknown
	p.mu.Unlock()
	return nil
}

// Close closes the bbolt file.
func (p *Projection) Close() error { return p.db.Close() }

// Rebuilt reports whether Open found no usable read models (new file or a projector version
// change), so that the next catch-up replays the whole log.
func (p *Projection) Rebuilt() bool { return p.rebuilt }

// Checkpoint returns the last log position applied.
func (p *Projection) Checkpoint() uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.ckpt
}

// Unknown returns the event types found in the log that this build does not know, with counts.
// They are reported (logged and counted), never silently skipped.
func (p *Projection) Unknown() map[string]int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := map[string]int{}
	for k, v := range p.unknown {
		out[k] = v
	}
	return out
}

// Reset drops every read model; the next catch-up rebuilds them from the log.
func (p *Projection) Reset() error {
	err := p.db.Update(func(tx *bolt.Tx) error {
		if err := dropBuckets(tx); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(kVersion, u64(Version))
	})
	if err != nil {
		return fmt.Errorf("projections: reset: %w", err)
	}
	p.cache, p.cacheOld, p.bulk = map[string]*streamState{}, nil, nil
	p.known = time.Time{}
	return p.load()
}

// CatchUp applies the log from the checkpoint to its current end. progress, if set, is called
// after each batch with the position reached and the end.
func (p *Projection) CatchUp(ctx context.Context, src Source, progress func(done, total uint64)) error {
	end, err := src.LastSequence(ctx)
	if err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	if end <= p.Checkpoint() {
		if progress != nil {
			progress(end, end)
		}
		return nil
	}
	p.db.NoSync = true // a rebuild syncs once at the end; a crash before that only loses read models
	defer func() { p.db.NoSync = false }()
	if p.Checkpoint() == 0 && end >= bulkMin && p.bulk == nil {
		if err := p.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kBulk, []byte{1}) }); err != nil {
			return fmt.Errorf("projections: %w", err)
		}
		p.bulk = newBulkIndex()
	}
	// Reading (and decoding) the log and applying it run side by side: the reader hands batches
	// to the applier through a small queue.
	batches := make(chan *batch, 1)
	applied := make(chan error, 1)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = p.commit(b); err != nil {
					cancel() // stop the reader
				} else if progress != nil {
					progress(p.Checkpoint(), end)
				}
			}
		}
		applied <- err
	}()
	b := p.newBatch()
	b.events = make([]domain.Recorded, 0, p.opts.BatchSize)
	from := p.Checkpoint() + 1
	err = src.Read(rctx, from, func(r domain.Recorded) error {
		r.Raw = nil // the read models keep the decoded event; Raw may hold the reader's whole buffer
		b.events = append(b.events, r)
		if len(b.events) >= p.opts.BatchSize {
			select {
			case batches <- b:
			case <-rctx.Done():
				return rctx.Err()
			}
			b = p.newBatch()
			b.events = make([]domain.Recorded, 0, p.opts.BatchSize)
		}
		return nil
	})
	if err == nil {
		select {
		case batches <- b:
		case <-rctx.Done():
		}
	}
	close(batches)
	if aerr := <-applied; aerr != nil {
		return aerr
	}
	if err != nil {
		return err
	}
	if p.bulk != nil {
		if err := p.flushBulk(); err != nil {
			return err
		}
	}
	if err := p.db.Sync(); err != nil {
		return fmt.Errorf("projections: sync: %w", err)
	}
	if progress != nil {
		progress(p.Checkpoint(), end)
	}
	return nil
}

// bulkMin is the size of a log from which a rebuild from zero keeps the stream indexes in memory.
var bulkMin uint64 = 1000 // a variable so that tests can use it on small logs

// flushBulk writes the stream indexes kept in memory during a rebuild into the streams bucket, in
// key order and in transactions of a bounded size, and clears the mark of a rebuild in progress.
func (p *Projection) flushBulk() error {
	b := p.bulk
	offs := b.sorted()
	const chunk = 50_000
	for i := 0; i < len(offs) || i == 0; i += chunk {
		last := min(i+chunk, len(offs))
		err := p.db.Update(func(tx *bolt.Tx) error {
			sb := tx.Bucket(bStreams)
			sb.FillPercent = 1 // in key order: pack the pages full
			for _, off := range offs[i:last] {
				name, _, v := b.entry(off)
				if err := sb.Put(name, v); err != nil {
					return err
				}
			}
			if last == len(offs) {
				return tx.Bucket(bMeta).Delete(kBulk)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("projections: write the stream indexes: %w", err)
		}
	}
	p.bulk = nil
	return nil
}

// Run catches up and then follows the live tail until ctx is done, committing events as they
// come (in small batches when they come fast). It returns nil when ctx is cancelled.
func (p *Projection) Run(ctx context.Context, src Source) error {
	if err := p.CatchUp(ctx, src, nil); err != nil {
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
	events := make(chan domain.Recorded, 1024)
	errc := make(chan error, 1)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		errc <- src.Follow(fctx, p.Checkpoint()+1, func(r domain.Recorded) error {
			select {
			case events <- r:
				return nil
			case <-fctx.Done():
				return fctx.Err()
			}
		})
		close(events)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case r, ok := <-events:
			if !ok {
				err := <-errc
				if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("projections: follow: %w", err)
			}
			b := p.newBatch()
			b.events = append(b.events, r)
		drain:
			for len(b.events) < 500 {
				select {
				case r, ok := <-events:
					if !ok {
						break drain
					}
					b.events = append(b.events, r)
				default:
					break drain
				}
			}
			if err := p.commit(b); err != nil {
				return err
			}
		}
	}
}

// WaitFor blocks until the projection has applied position seq, or ctx is done.
func (p *Projection) WaitFor(ctx context.Context, seq uint64) error {
	for {
		p.mu.Lock()
		if p.ckpt >= seq {
			p.mu.Unlock()
			return nil
		}
		ch := make(chan struct{})
		p.waiters = append(p.waiters, ch)
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// batch is a run of events applied in one bbolt transaction together with the checkpoint.
type batch struct {
	events  []domain.Recorded
	deltas  []delta
	clock   []clockMark
	unknown map[string]int
	touched map[string]*streamState // streams this batch changed; their indexes are put at the end
}

func (p *Projection) newBatch() *batch {
	return &batch{unknown: map[string]int{}, touched: map[string]*streamState{}}
}

func (p *Projection) commit(b *batch) error {
	if len(b.events) == 0 {
		return nil
	}
	known := p.known
	nextRow := slices.Clone(p.nextRow)
	err := p.db.Update(func(tx *bolt.Tx) error {
		w := &writer{p: p, tx: tx, b: b, nextRow: nextRow, rowPages: make([]rowPage, len(figures)),
			log: tx.Bucket(bLog), streams: tx.Bucket(bStreams), rows: tx.Bucket(bRows), ends: tx.Bucket(bEnds),
			items: tx.Bucket(bItems), deltas: tx.Bucket(bDeltas)}
		// The log, its clock, the rows and the deltas grow at their right edge (the rows at the
		// right edge of each figure's run): pack their pages full.
		clock := tx.Bucket(bClock)
		w.log.FillPercent, w.rows.FillPercent, w.deltas.FillPercent, clock.FillPercent = 1, 0.95, 1, 1
		for i, r := range b.events {
			if r.Sequence <= p.ckpt {
				continue // already applied (a re-delivery)
			}
			if r.RecordedAt.After(known) {
				known = r.RecordedAt
			}
			if err := w.apply(r, known); err != nil {
				return fmt.Errorf("event %d (%s %s): %w", r.Sequence, r.Type, r.ID, err)
			}
			if i > 0 && i < len(b.events)-1 {
				b.events[i] = domain.Recorded{} // applied: let the collector have it
			}
		}
		if err := w.flushPage(); err != nil {
			return err
		}
		for i := range w.rowPages {
			if err := w.flushRows(&w.rowPages[i], uint8(i)); err != nil {
				return err
			}
		}
		// Each stream's index once per transaction, in key order (during a rebuild from zero, in
		// memory once the transaction is committed).
		if p.bulk == nil {
			names := make([]string, 0, len(b.touched))
			for s := range b.touched {
				names = append(names, s)
			}
			sort.Strings(names)
			for _, s := range names {
				if err := w.streams.Put([]byte(s), b.touched[s].idx.encode()); err != nil {
					return err
				}
			}
		}
		if len(b.clock) > 0 {
			first := u64(b.clock[0].seq)
			if err := clock.Put(first, appendClock(nil, b.clock)); err != nil {
				return err
			}
			if len(b.deltas) > 0 {
				if err := w.deltas.Put(first, appendDeltas(make([]byte, 0, 8*len(b.deltas)), b.deltas)); err != nil {
					return err
				}
			}
		}
		m := tx.Bucket(bMeta)
		last := b.events[len(b.events)-1].Sequence
		if err := m.Put(kCheckpoint, u64(last)); err != nil {
			return err
		}
		rowNumbers := make([]byte, 0, 8*len(nextRow))
		for _, n := range nextRow {
			rowNumbers = binary.BigEndian.AppendUint64(rowNumbers, n)
		}
		if err := m.Put(kNextRow, rowNumbers); err != nil {
			return err
		}
		if err := m.Put(kKnown, u64(uint64(known.UnixNano()))); err != nil {
			return err
		}
		if len(b.unknown) > 0 {
			all := p.Unknown()
			for k, v := range b.unknown {
				all[k] += v
			}
			j, _ := json.Marshal(all)
			return m.Put(kUnknown, j)
		}
		return nil
	})
	if err != nil {
		// The transaction rolled back: forget the cached state of the streams it touched.
		for s := range b.touched {
			delete(p.cache, s)
			delete(p.cacheOld, s)
		}
		return fmt.Errorf("projections: %w", err)
	}
	if p.bulk != nil {
		var enc []byte
		for s, st := range b.touched {
			enc = st.idx.appendTo(enc[:0])
			p.bulk.put(s, enc)
		}
	}
	first, last := b.events[0].Sequence, b.events[len(b.events)-1].Sequence
	p.mu.Lock()
	for _, c := range b.clock {
		p.idx.addClockNS(c.seq, c.known.UnixNano())
	}
	for _, d := range b.deltas {
		p.idx.addDelta(d)
	}
	if last > p.idx.lastSeq {
		p.idx.lastSeq = last
	}
	for k, v := range b.unknown {
		p.unknown[k] += v
	}
	p.ckpt, p.known, p.nextRow = last, known, nextRow
	waiters := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, ch := range waiters {
		close(ch)
	}
	for t, n := range b.unknown {
		p.log.Warn("the log holds events of a type this build does not know; they are not counted — upgrade ocopledger", "type", t, "events", n)
	}
	if p.opts.OnCommit != nil {
		p.opts.OnCommit(first, last)
	}
	return nil
}

// streamState is a stream as the writer needs it: its fold (what it contributes follows from it)
// and its index (event positions, keys of its current rows). The projection caches it while it
// is the file's only writer.
type streamState struct {
	idx      streamIndex
	fold     *domain.Fold
	contribs []domain.Contribution // fold.Contributions(), kept to compare the next event's with
}

// cacheMax bounds the streams held in each generation of the cache. Measured on a national
// ledger (1M events, 560k records), a larger cache saves refolds but costs as much again in
// garbage collection and memory.
var cacheMax = 10_000 // a variable so that tests can make it tiny

// writer applies events inside one transaction.
type writer struct {
	p  *Projection
	tx *bolt.Tx
	b  *batch

	log, streams, rows, ends, items, deltas *bolt.Bucket
	nextRow                                 []uint64 // the last row number of each figure
	rowPages                                []rowPage

	page    []byte // the log page being filled, put at the end of the commit
	pageNo  uint64
	pageSet bool
	scratch []byte
	payload []byte
}

// logPut adds the record of seq to its log page.
func (w *writer) logPut(seq uint64, rec []byte) error {
	if pn := seq >> logPageBits; !w.pageSet || pn != w.pageNo {
		if err := w.flushPage(); err != nil {
			return err
		}
		w.pageNo, w.pageSet = pn, true
		w.page = append(make([]byte, 0, 300<<logPageBits), w.log.Get(u64(pn))...) // a page an earlier commit began
	}
	w.page = appendPageEntry(w.page, seq, rec)
	return nil
}

// history reads the events at the given positions back from the log, including the page this
// transaction is filling.
func (w *writer) history(seqs []uint64) ([]domain.Recorded, error) {
	out := make([]domain.Recorded, 0, len(seqs))
	for _, q := range seqs {
		var v []byte
		if w.pageSet && q>>logPageBits == w.pageNo && len(w.page) > 0 {
			v = pageEntry(w.page, q)
		} else {
			v = pageEntry(w.log.Get(logPageKey(q)), q)
		}
		r, err := decodeLog(q, v).recorded()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rowPage is the page of rows of one figure being filled in a transaction.
type rowPage struct {
	no  uint64
	buf []byte
	set bool
}

// rowPut adds a row to its page.
func (w *writer) rowPut(k rowKey, r row) error {
	pg := &w.rowPages[k.fig]
	if no := k.id >> rowPageBits; !pg.set || no != pg.no {
		if err := w.flushRows(pg, k.fig); err != nil {
			return err
		}
		pg.no, pg.set = no, true
		pg.buf = append([]byte(nil), w.rows.Get(rowPageKey(k.fig, k.id))...) // a page an earlier commit began
	}
	w.scratch = appendRow(w.scratch[:0], r)
	pg.buf = appendPageEntry(pg.buf, k.id, w.scratch)
	return nil
}

// flushRows puts a figure's page of rows being filled.
func (w *writer) flushRows(pg *rowPage, fig uint8) error {
	if len(pg.buf) == 0 {
		return nil
	}
	err := w.rows.Put(rowPageKey(fig, pg.no<<rowPageBits), pg.buf)
	pg.buf = nil
	return err
}

// flushPage puts the log page being filled (bbolt keeps the slice until the commit).
func (w *writer) flushPage() error {
	if len(w.page) == 0 {
		return nil
	}
	err := w.log.Put(u64(w.pageNo), w.page)
	w.page = nil
	return err
}

func (w *writer) apply(r domain.Recorded, known time.Time) error {
	rec := logRecord{Seq: r.Sequence, RecordedAt: r.RecordedAt, Version: r.Version, ID: r.ID, Type: r.Type,
		Stream: r.Stream, Actor: r.Actor, Source: r.Source}
	if r.Event != nil {
		// The payload in the compact binary form: a refold decodes it many times faster than JSON.
		var err error
		if w.payload, err = domain.AppendBinary(w.payload[:0], r.Event); err != nil {
			return err
		}
		rec.Data = w.payload
	}
	w.scratch = appendLog(w.scratch[:0], rec)
	if err := w.logPut(r.Sequence, w.scratch); err != nil {
		return err
	}
	r.Raw = nil // the payload is in the log; folds keep decoded events only
	w.b.clock = append(w.b.clock, clockMark{r.Sequence, known})
	if r.Event == nil {
		w.b.unknown[r.Type]++
		return nil
	}
	st, err := w.state(r.Stream, r.Version)
	if err != nil {
		return err
	}
	w.b.touched[r.Stream] = st
	prev := st.contribs
	if len(prev) != len(st.idx.rows) {
		return fmt.Errorf("stream %s contributes %d rows but %d are recorded: the read models are out of date; run ocopledger rebuild", r.Stream, len(prev), len(st.idx.rows))
	}
	st.idx.seqs = append(st.idx.seqs, r.Sequence)
	if !st.fold.Apply(r) {
		// A correction reaches back into the history: fold the stream again from the log.
		hist, err := w.history(st.idx.seqs)
		if err != nil {
			return err
		}
		st.fold = domain.Refold(r.Stream, hist)
	}
	next := st.fold.Contributions()
	if err := w.reproject(r.Stream, st, r.Sequence, prev, next); err != nil {
		return err
	}
	st.contribs = next
	return nil
}

// state returns a stream's state, from the cache or folded again from bbolt. The cache keeps
// two generations: when the young one is full it becomes the old one, and a stream found in the
// old generation moves back to the young one, so streams in use stay while the rest age out.
//
// An event at version 1 opens its stream: there is nothing to look up.
func (w *writer) state(stream string, version uint64) (*streamState, error) {
	p := w.p
	if st, ok := p.cache[stream]; ok {
		return st, nil
	}
	st, ok := p.cacheOld[stream]
	if !ok {
		st, ok = w.b.touched[stream] // changed earlier in this transaction, since evicted
	}
	if !ok {
		var idx streamIndex
		if version != 1 {
			var v []byte
			if p.bulk != nil {
				v = p.bulk.get(stream)
			} else {
				v = w.streams.Get([]byte(stream))
			}
			if v != nil {
				var err error
				if idx, err = decodeStreamIndex(v); err != nil {
					return nil, err
				}
			}
		}
		hist, err := w.history(idx.seqs)
		if err != nil {
			return nil, err
		}
		st = &streamState{idx: idx, fold: domain.Refold(stream, hist)}
		st.contribs = st.fold.Contributions()
	}
	if len(p.cache) >= cacheMax {
		p.cacheOld, p.cache = p.cache, make(map[string]*streamState, cacheMax)
	}
	p.cache[stream] = st
	return st, nil
}

type figItem struct {
	fig  uint8
	item string
}

// reproject replaces the stream's current contributions prev (its rows st.idx.rows) with next,
// closing rows that no longer hold and opening new ones at position seq, and records how each
// figure changed.
func (w *writer) reproject(stream string, st *streamState, seq uint64, prev, next []domain.Contribution) error {
	keys, gone := matchRows(st.idx.rows, prev, next)
	var added []int
	for i, k := range keys {
		if k.id == 0 {
			added = append(added, i)
		}
	}
	if len(gone) == 0 && len(added) == 0 {
		return nil
	}
	// The items whose coverage may change, in a stable order (usually one or two).
	var buf [8]figItem
	touched := buf[:0]
	touch := func(t figItem) {
		if !slices.Contains(touched, t) {
			touched = append(touched, t)
		}
	}
	for _, i := range gone {
		touch(figItem{st.idx.rows[i].fig, prev[i].Item})
	}
	for _, i := range added {
		touch(figItem{figIdx(next[i].Figure), next[i].Item})
	}
	slices.SortFunc(touched, func(a, b figItem) int {
		if a.fig != b.fig {
			return int(a.fig) - int(b.fig)
		}
		return strings.Compare(a.item, b.item)
	})
	before := make([][]span, len(touched))
	for i, t := range touched {
		before[i] = w.spans(t, st.idx.rows, prev)
	}
	for _, i := range gone {
		k := st.idx.rows[i]
		if err := w.ends.Put(k.bytes(), u64(seq)); err != nil { // known until seq
			return err
		}
		if sharedItems[prev[i].Figure] {
			if err := w.items.Delete(itemKey(k.fig, prev[i].Item, k.id)); err != nil {
				return err
			}
		}
	}
	for _, i := range added {
		c := next[i]
		f := figIdx(c.Figure)
		w.nextRow[f]++
		k := rowKey{f, w.nextRow[f]}
		if err := w.rowPut(k, row{Contribution: c, Stream: stream, KnownFrom: seq}); err != nil {
			return err
		}
		if sharedItems[c.Figure] {
			if err := w.items.Put(itemKey(k.fig, c.Item, k.id), dateBytes(c.From, c.Until)); err != nil {
				return err
			}
		}
		keys[i] = k
	}
	// The stream's rows are now keys, in the order of next (the fold derives them in that order).
	st.idx.rows = keys
	// Emit the change of each touched item's coverage.
	for i, t := range touched {
		for _, d := range coverageChange(before[i], w.spans(t, keys, next)) {
			w.b.deltas = append(w.b.deltas, delta{seq: uint32(seq), fig: t.fig, day: uint16(d.day), d: int8(d.v)})
		}
	}
	return nil
}

// matchRows pairs the contributions of next with the current rows (cur, the keys of prev) they
// keep, as a multiset match: keys[i] is the key of the row next[i] keeps, or zero for a new one;
// gone are the indexes in prev of the rows next drops.
func matchRows(cur []rowKey, prev, next []domain.Contribution) (keys []rowKey, gone []int) {
	keys = make([]rowKey, len(next))
	// Most events only add to what their stream contributed (a participation, a new certificate),
	// and contributions come out in a stable order: then the current rows are a prefix of next.
	if len(next) >= len(prev) {
		prefix := len(prev) == 0 || &prev[0] == &next[0] // the fold appended to the same list
		if !prefix {
			prefix = true
			for i := range prev {
				if prev[i] != next[i] {
					prefix = false
					break
				}
			}
		}
		if prefix {
			copy(keys, cur)
			return keys, nil
		}
	}
	if len(prev)*len(next) <= 64 {
		for j := range prev {
			found := false
			for i := range next {
				if keys[i].id == 0 && next[i] == prev[j] {
					keys[i], found = cur[j], true
					break
				}
			}
			if !found {
				gone = append(gone, j)
			}
		}
		return keys, gone
	}
	free := make(map[domain.Contribution][]int, len(next))
	for i, c := range next {
		free[c] = append(free[c], i)
	}
	for j, c := range prev {
		if is := free[c]; len(is) > 0 {
			keys[is[0]] = cur[j]
			free[c] = is[1:]
		} else {
			gone = append(gone, j)
		}
	}
	return keys, gone
}

// spans returns the validity intervals of an item's current rows: from the stream's own rows
// (keys, of contributions cs), or, for items several streams share, from the items bucket.
func (w *writer) spans(t figItem, keys []rowKey, cs []domain.Contribution) []span {
	var out []span
	if sharedItems[figures[t.fig].ID] {
		prefix := itemPrefix(t.fig, t.item)
		c := w.items.Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			f, u := getDates(v)
			out = append(out, span{f, u})
		}
		return out
	}
	for i, k := range keys {
		if k.fig == t.fig && cs[i].Item == t.item {
			out = append(out, span{cs[i].From, cs[i].Until})
		}
	}
	return out
}

// span is a validity interval [from, until).
type span struct{ from, until domain.Date }

type dayChange struct{ day, v int }

// coverageChange returns the per-day changes that turn the coverage of before into that of after:
// an item counts once on a day covered by any of its spans.
func coverageChange(before, after []span) []dayChange {
	b, a := edges(before), edges(after) // each sorted by day, one change a day
	var out []dayChange
	for len(a) > 0 || len(b) > 0 {
		var d dayChange
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].day < b[0].day:
			d, a = a[0], a[1:]
		case len(a) == 0 || b[0].day < a[0].day:
			d, b = dayChange{b[0].day, -b[0].v}, b[1:]
		default:
			d, a, b = dayChange{a[0].day, a[0].v - b[0].v}, a[1:], b[1:]
		}
		if d.v != 0 {
			out = append(out, d)
		}
	}
	return out
}

// edges returns +1 at the start and -1 at the end of each maximal covered run of days (clamped
// to the index's day range).
func edges(spans []span) []dayChange {
	if len(spans) == 0 {
		return nil
	}
	type iv struct{ a, b int }
	var ivs []iv
	for _, s := range spans {
		a := dayIndex(s.from)
		b := dayCount
		if s.until != domain.Forever {
			b = dayIndex(s.until)
			if s.until-dayBase >= dayCount {
				b = dayCount
			}
		}
		if s.from-dayBase < 0 && s.until != domain.Forever && s.until-dayBase <= 0 {
			continue
		}
		if b > a {
			ivs = append(ivs, iv{a, b})
		}
	}
	slices.SortFunc(ivs, func(x, y iv) int { return x.a - y.a })
	var out []dayChange
	for i := 0; i < len(ivs); {
		a, b := ivs[i].a, ivs[i].b
		j := i + 1
		for j < len(ivs) && ivs[j].a <= b {
			if ivs[j].b > b {
				b = ivs[j].b
			}
			j++
		}
		out = append(out, dayChange{a, 1})
		if b < dayCount {
			out = append(out, dayChange{b, -1})
		}
		i = j
	}
	return out
}

func figIdx(id string) uint8 { return uint8(domain.FigureIndex(id)) }

// figures is the figure catalogue, indexed as the rows and deltas index it.
var figures = domain.Figures()
