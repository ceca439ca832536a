package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// Version is the version of the projectors' meaning. Bump it whenever the code changes what a
// read model holds: the next start finds the old version in the file and rebuilds from the log.
const Version = 1

// Options configure a projection.
type Options struct {
	Logger    *slog.Logger
	BatchSize int // events per bbolt transaction during catch-up; default 5000
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
	nextRow uint64

	// caches of what bbolt holds, valid while the projection is the file's only writer
	hist    map[string][]domain.Recorded
	histLen int

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
		opts.BatchSize = 5000
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second, NoFreelistSync: true})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("projections: %s is in use by another ocopledger process", path)
		}
		return nil, fmt.Errorf("projections: open %s: %w", path, err)
	}
	p := &Projection{db: db, log: opts.Logger, opts: opts, hist: map[string][]domain.Recorded{}}
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
		if v == nil || getU64(v) != Version {
			if v != nil {
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
		p.nextRow = getU64(m.Get(kNextRow))
		if v := m.Get(kKnown); v != nil {
			p.known = time.Unix(0, int64(getU64(v))).UTC()
		}
		if v := m.Get(kUnknown); v != nil {
			_ = json.Unmarshal(v, &unknown)
		}
		if err := tx.Bucket(bLog).ForEach(func(k, v []byte) error {
			e := decodeLog(getU64(k), v)
			idx.addClock(e.Seq, e.Known)
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bDeltas).ForEach(func(k, v []byte) error {
			idx.addDelta(decodeDelta(k, v))
			return nil
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
	p.hist, p.histLen = map[string][]domain.Recorded{}, 0
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
	b := p.newBatch()
	err = src.Read(ctx, p.Checkpoint()+1, func(r domain.Recorded) error {
		b.events = append(b.events, r)
		if len(b.events) >= p.opts.BatchSize {
			if err := p.commit(b); err != nil {
				return err
			}
			if progress != nil {
				progress(p.Checkpoint(), end)
			}
			b = p.newBatch()
		}
		return nil
	})
	if err == nil {
		err = p.commit(b)
	}
	if err != nil {
		return err
	}
	if err := p.db.Sync(); err != nil {
		return fmt.Errorf("projections: sync: %w", err)
	}
	if progress != nil {
		progress(p.Checkpoint(), end)
	}
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
	clock   []logEntry
	unknown map[string]int
	touched map[string]bool // streams whose cached history changed
}

func (p *Projection) newBatch() *batch {
	return &batch{unknown: map[string]int{}, touched: map[string]bool{}}
}

func (p *Projection) commit(b *batch) error {
	if len(b.events) == 0 {
		return nil
	}
	known := p.known
	nextRow := p.nextRow
	err := p.db.Update(func(tx *bolt.Tx) error {
		w := &writer{p: p, tx: tx, b: b, nextRow: nextRow}
		for _, r := range b.events {
			if r.Sequence <= p.ckpt {
				continue // already applied (a re-delivery)
			}
			if r.RecordedAt.After(known) {
				known = r.RecordedAt
			}
			if err := w.apply(r, known); err != nil {
				return fmt.Errorf("event %d (%s %s): %w", r.Sequence, r.Type, r.ID, err)
			}
		}
		nextRow = w.nextRow
		m := tx.Bucket(bMeta)
		last := b.events[len(b.events)-1].Sequence
		if err := m.Put(kCheckpoint, u64(last)); err != nil {
			return err
		}
		if err := m.Put(kNextRow, u64(nextRow)); err != nil {
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
		// The transaction rolled back: forget cached histories it may have touched.
		for s := range b.touched {
			delete(p.hist, s)
		}
		return fmt.Errorf("projections: %w", err)
	}
	first, last := b.events[0].Sequence, b.events[len(b.events)-1].Sequence
	p.mu.Lock()
	for _, c := range b.clock {
		p.idx.addClock(c.Seq, c.Known)
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

// writer applies events inside one transaction.
type writer struct {
	p       *Projection
	tx      *bolt.Tx
	b       *batch
	nextRow uint64
}

const histCacheMax = 50_000

func (w *writer) apply(r domain.Recorded, known time.Time) error {
	entry := logEntry{Seq: r.Sequence, ID: r.ID, Type: r.Type, Stream: r.Stream, RecordedAt: r.RecordedAt, Known: known}
	if err := w.tx.Bucket(bLog).Put(u64(r.Sequence), encodeLog(entry)); err != nil {
		return err
	}
	w.b.clock = append(w.b.clock, entry)
	if r.Event == nil {
		w.b.unknown[r.Type]++
		return nil
	}
	data, err := json.Marshal(r.Event)
	if err != nil {
		return err
	}
	he, _ := json.Marshal(histEvent{ID: r.ID, Type: r.Type, Version: r.Version, RecordedAt: r.RecordedAt, Actor: r.Actor, Source: r.Source, Data: data})
	if err := w.tx.Bucket(bHist).Put(histKey(r.Stream, r.Sequence), he); err != nil {
		return err
	}
	hist, err := w.history(r.Stream)
	if err != nil {
		return err
	}
	hist = append(hist, r)
	w.p.hist[r.Stream] = hist
	w.p.histLen++
	w.b.touched[r.Stream] = true
	if w.p.histLen > histCacheMax {
		w.p.hist, w.p.histLen = map[string][]domain.Recorded{r.Stream: hist}, len(hist)
	}
	return w.reproject(r.Stream, r.Sequence, domain.Contributions(domain.Effective(hist)))
}

// history returns the events of a stream applied so far (from the cache or bbolt).
func (w *writer) history(stream string) ([]domain.Recorded, error) {
	if h, ok := w.p.hist[stream]; ok {
		return h, nil
	}
	var out []domain.Recorded
	prefix := append([]byte(stream), 0)
	c := w.tx.Bucket(bHist).Cursor()
	for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
		var he histEvent
		if err := json.Unmarshal(v, &he); err != nil {
			return nil, err
		}
		seq := getU64(k[len(prefix):])
		if seq >= w.currentSeq() {
			break
		}
		out = append(out, he.recorded(stream, seq))
	}
	return out, nil
}

// currentSeq is the position being applied (history reads stop before it).
func (w *writer) currentSeq() uint64 {
	if n := len(w.b.clock); n > 0 {
		return w.b.clock[n-1].Seq
	}
	return ^uint64(0)
}

type curRow struct {
	id  uint64
	row row
}

// reproject replaces the stream's current contributions with next, closing rows that no longer
// hold and opening new ones at position seq, and records how each figure changed.
func (w *writer) reproject(stream string, seq uint64, next []domain.Contribution) error {
	cur, err := w.current(stream)
	if err != nil {
		return err
	}
	key := func(c domain.Contribution) string { b, _ := json.Marshal(c); return string(b) }
	have := map[string]curRow{}
	for _, cr := range cur {
		have[key(cr.row.Contribution)] = cr
	}
	want := map[string]domain.Contribution{}
	for _, c := range next {
		want[key(c)] = c
	}
	type fi struct {
		fig  uint8
		item string
	}
	touched := map[fi]bool{}
	var gone []curRow
	var added []domain.Contribution
	for k, cr := range have {
		if _, ok := want[k]; !ok {
			gone = append(gone, cr)
			touched[fi{figIdx(cr.row.Figure), cr.row.Item}] = true
		}
	}
	for k, c := range want {
		if _, ok := have[k]; !ok {
			added = append(added, c)
			touched[fi{figIdx(c.Figure), c.Item}] = true
		}
	}
	if len(touched) == 0 {
		return nil
	}
	sort.Slice(added, func(i, j int) bool { return key(added[i]) < key(added[j]) })
	before := map[fi][]span{}
	for t := range touched {
		s, err := w.spans(t.fig, t.item)
		if err != nil {
			return err
		}
		before[t] = s
	}
	rows, byfig, curB, items := w.tx.Bucket(bRows), w.tx.Bucket(bByFig), w.tx.Bucket(bCur), w.tx.Bucket(bItems)
	for _, cr := range gone {
		cr.row.KnownTo = seq
		v, _ := json.Marshal(cr.row)
		f := figIdx(cr.row.Figure)
		if err := rows.Put(u64(cr.id), v); err != nil {
			return err
		}
		if err := curB.Delete(append(append([]byte(stream), 0), u64(cr.id)...)); err != nil {
			return err
		}
		if err := items.Delete(itemKey(f, cr.row.Item, cr.id)); err != nil {
			return err
		}
	}
	for _, c := range added {
		w.nextRow++
		id := w.nextRow
		f := figIdx(c.Figure)
		v, _ := json.Marshal(row{Contribution: c, Stream: stream, KnownFrom: seq})
		if err := rows.Put(u64(id), v); err != nil {
			return err
		}
		if err := byfig.Put(append([]byte{f}, u64(id)...), nil); err != nil {
			return err
		}
		if err := curB.Put(append(append([]byte(stream), 0), u64(id)...), nil); err != nil {
			return err
		}
		if err := items.Put(itemKey(f, c.Item, id), dateBytes(c.From, c.Until)); err != nil {
			return err
		}
	}
	// Emit the change of each touched item's coverage, in a stable order.
	keys := make([]fi, 0, len(touched))
	for t := range touched {
		keys = append(keys, t)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].fig != keys[j].fig {
			return keys[i].fig < keys[j].fig
		}
		return keys[i].item < keys[j].item
	})
	dl := w.tx.Bucket(bDeltas)
	for _, t := range keys {
		after, err := w.spans(t.fig, t.item)
		if err != nil {
			return err
		}
		for _, d := range coverageChange(before[t], after) {
			dd := delta{seq: uint32(seq), fig: t.fig, day: uint16(d.day), d: int8(d.v)}
			if err := dl.Put(deltaKey(seq, uint32(len(w.b.deltas))), encodeDelta(dd)); err != nil {
				return err
			}
			w.b.deltas = append(w.b.deltas, dd)
		}
	}
	return nil
}

// current returns the rows a stream contributes now.
func (w *writer) current(stream string) ([]curRow, error) {
	var out []curRow
	prefix := append([]byte(stream), 0)
	rows := w.tx.Bucket(bRows)
	c := w.tx.Bucket(bCur).Cursor()
	for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
		id := getU64(k[len(prefix):])
		var r row
		if err := json.Unmarshal(rows.Get(u64(id)), &r); err != nil {
			return nil, fmt.Errorf("row %d: %w", id, err)
		}
		out = append(out, curRow{id: id, row: r})
	}
	return out, nil
}

// span is a validity interval [from, until) in day indexes (until = -1: open).
type span struct{ from, until domain.Date }

func (w *writer) spans(fig uint8, item string) ([]span, error) {
	var out []span
	prefix := itemPrefix(fig, item)
	c := w.tx.Bucket(bItems).Cursor()
	for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
		f, u := getDates(v)
		out = append(out, span{f, u})
	}
	return out, nil
}

type dayChange struct{ day, v int }

// coverageChange returns the per-day changes that turn the coverage of before into that of after:
// an item counts once on a day covered by any of its spans.
func coverageChange(before, after []span) []dayChange {
	m := map[int]int{}
	for _, e := range edges(before) {
		m[e.day] -= e.v
	}
	for _, e := range edges(after) {
		m[e.day] += e.v
	}
	var out []dayChange
	for d, v := range m {
		if v != 0 {
			out = append(out, dayChange{d, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].day < out[j].day })
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
	sort.Slice(ivs, func(i, j int) bool { return ivs[i].a < ivs[j].a })
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
