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
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Version is the version of the projectors' meaning. Bump it whenever the code changes what a
// read model holds: the next start finds the old version in the file and rebuilds from the log.
const Version = 15 // 15: the rows' attributes name their place and tags among the facets; 14: the rows' attributes kept (attrs); 13: the index of counted items (explain by pages, expiring); 12: deltas by place and tags (breakdowns indexed)

// Options configure a projection.
type Options struct {
	Logger    *slog.Logger
	BatchSize int // events per bbolt transaction during catch-up; default DefaultBatchSize
	// OnCommit, if set, is called after each committed batch with the first and last positions
	// applied (outside any lock), e.g. to publish figure changes.
	OnCommit func(from, to uint64)
	// TuneProcess lets a catch-up tune settings of the whole process, which a library leaves
	// alone unless asked; the commands that own their process (ocopledger rebuild and serve) turn
	// it on. It drops the read-model file's pages from the process's memory while the resident
	// memory, polled from /proc, is high (releaser), and a rebuild from zero runs the collector
	// at GOGC 200 under a soft memory limit that follows the live heap (gc.go), unless GOGC or
	// GOMEMLIMIT is set in the environment.
	TuneProcess bool
}

// DefaultBatchSize is how many events a catch-up applies per bbolt transaction. Measured on a
// national ledger (1M events, `ocopledger rebuild --nats`, see bench/): 2,500 is as fast as
// 10,000 within noise (in process, without NATS: 2% slower; 1,000 is 11% slower) and keeps the
// peak RSS 80 MB lower, since fewer pages of the file are mapped between two releases (see
// releaseMapped) and fewer decoded events wait in memory.
const DefaultBatchSize = 2500

// Projection keeps the read models of the ledger in a bbolt file and answers figures from them.
// It is safe for concurrent use: one goroutine applies the log while any number query.
type Projection struct {
	db   *bolt.DB
	log  *slog.Logger
	opts Options

	mu      sync.RWMutex // guards idx, facets' places and tags, unknown, quarantine, checkpoint
	idx     *index
	facets  *facetTables
	byMu    sync.Mutex   // guards byCache
	byCache []*valuation // the breakdown indexes asked for lately, the latest last
	unknown map[string]int
	// quarantine lists the entries the read models do not fold, by position (see Quarantined)
	quarantine []Quarantined
	ckpt       uint64
	known      time.Time
	nextRow    []uint64 // the last row number of each figure

	// caches of what bbolt holds, valid while the projection is the file's only writer: the
	// streams touched recently, in two generations (see writer.state)
	cache, cacheOld map[string]*streamState
	bulk            *bulk       // what a rebuild from zero writes at the end (see bulk)
	bulkOn          atomic.Bool // bulk != nil, for queries (which must not read bulk itself)
	bulkBroken      bool        // a commit or the final write of a rebuild from zero failed: bulk no longer matches the file
	// the buffers of the pages of the log, of the rows and of their attributes, lent to each
	// transaction (the applier's: transactions that write run one at a time)
	logPages, rowPages, attrPages pagePool

	rebuilt    bool        // the file was (re)initialised at open
	rebuilding atomic.Bool // from a Reset until Run has caught up again (see Rebuilding)
	hist       logHistory
	tree       treeAppender // the Merkle tree's appender of the last commit (used in commits only)
	waiters    []chan struct{}
}

// pageSize is the size of the pages of a read-model file this version creates (a file keeps the
// size it was created with). Larger pages than the usual 4 KiB make a rebuild from zero 5–8%
// faster (measured, 1M events, `ocopledger rebuild --nats` on new files, three interleaved rounds:
// 4 KiB 7.55–8.37 s, 16 KiB 7.13–7.85 s, 32 KiB 7.19–7.65 s, 64 KiB 7.26–7.56 s; peak RSS the
// same): a page of the log or of rows is a value of 3–6 KiB, which on 4 KiB pages takes a run of
// pages bbolt allocates afresh at each commit, and the B+trees have fewer levels to fault in
// after each release of the mapping. 16 KiB rather than more, because a live commit writes each
// page it changes whole.
const pageSize = 16 << 10

// Open opens (or creates) the read models at path. A file written by another projector version
// is reset, and the next catch-up rebuilds it from the log.
func Open(path string, opts Options) (*Projection, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	// The freelist is written with each commit, so that opening the file reads it instead of
	// walking every page (at 1M events that walk maps the whole 470 MB file into memory).
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second, PageSize: pageSize})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
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
		judge, stale := staleJudge(tx)
		if v == nil || getU64(v) != Version || interrupted || stale > 0 {
			if interrupted {
				p.log.Info("a rebuild of the read models was interrupted: rebuilding them from the log again")
			} else if stale > 0 && v != nil && getU64(v) == Version {
				p.log.Info("quarantined entries were judged by other code: rebuilding the read models from the log to examine them again",
					"entries", stale, "judged by", judge, "now", Judge())
			} else if v != nil {
				p.log.Info("projector version changed: rebuilding read models from the log", "was", getU64(v), "now", Version)
			}
			if err := p.dropBuckets(tx); err != nil {
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
	var quarantine []Quarantined
	var facets *facetTables
	var ckpt uint64
	var known time.Time
	err := p.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		ckpt = getU64(m.Get(kCheckpoint))
		p.loadHistory(m)
		p.nextRow = make([]uint64, len(figures))
		if v := m.Get(kNextRow); len(v) == 8*len(figures) {
			for i := range p.nextRow {
				p.nextRow[i] = binary.BigEndian.Uint64(v[8*i:])
			}
		}
		if v := m.Get(kKnown); v != nil {
			known = time.Unix(0, int64(getU64(v))).UTC()
		}
		if v := m.Get(kUnknown); v != nil {
			_ = json.Unmarshal(v, &unknown)
		}
		var err error
		if quarantine, err = loadQuarantine(tx); err != nil {
			return err
		}
		if facets, err = loadFacets(tx); err != nil {
			return err
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
	if ckpt > idx.lastSeq {
		idx.lastSeq = ckpt
	}
	// Under the lock: after a Reset, queries and a stopped Run's follower may still be reading.
	p.mu.Lock()
	p.idx, p.unknown, p.quarantine, p.ckpt, p.known, p.facets = idx, unknown, quarantine, ckpt, known, facets
	p.mu.Unlock()
	p.byMu.Lock()
	p.byCache = nil
	p.byMu.Unlock()
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
		if err := p.dropBuckets(tx); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Put(kVersion, u64(Version))
	})
	if err != nil {
		return fmt.Errorf("projections: reset: %w", err)
	}
	p.cache, p.cacheOld, p.bulk = map[string]*streamState{}, nil, nil
	p.tree = nil // the tree is dropped too: its appender starts again from the empty bucket
	p.bulkOn.Store(false)
	p.rebuilding.Store(true)
	return p.load() // the checkpoint and known time too, from the emptied file

}

// Rebuilding reports whether the read models are being rebuilt from the log: from a Reset until
// Run has caught up with the log's end again. Meanwhile they answer with a part of the log only,
// or not at all (see WaitReady).
func (p *Projection) Rebuilding() bool { return p.rebuilding.Load() }

// CatchUp applies the log from the checkpoint to its current end. progress, if set, is called
// after each batch with the position reached and the end.
func (p *Projection) CatchUp(ctx context.Context, src Source, progress func(done, total uint64)) error {
	end, err := src.LastSequence(ctx)
	if err != nil {
		return fmt.Errorf("projections: %w", err)
	}
	if err := p.checkHistory(ctx, src, end); err != nil {
		return err
	}
	if p.bulkBroken {
		// A transaction of a rebuild from zero failed after changing what bulk holds: start again.
		if err := p.Reset(); err != nil {
			return err
		}
		p.bulkBroken = false
	}
	if end <= p.Checkpoint() {
		if p.bulk != nil {
			// A rebuild from zero applied the whole log but stopped before writing what it kept.
			if err := p.flushBulk(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(end, end)
		}
		return nil
	}
	p.mu.Lock()
	p.idx.reserveClock(int(end - p.ckpt))
	p.mu.Unlock()
	p.db.NoSync = true // a rebuild syncs once at the end; a crash before that only loses read models
	defer func() { p.db.NoSync = false }()
	if p.Checkpoint() == 0 && end >= bulkMin && p.bulk == nil {
		if err := p.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kBulk, []byte{1}) }); err != nil {
			return fmt.Errorf("projections: %w", err)
		}
		p.bulk = newBulk()
		p.bulkOn.Store(true)
	}
	var gc *rebuildGC
	if p.bulk != nil {
		gc = p.startRebuildGC()
		defer gc.stop()
	}
	// Reading (and decoding) the log and applying it run side by side: the reader hands batches
	// to the applier through a small queue.
	batches := make(chan *batch, 1)
	applied := make(chan error, 1)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rel := p.startReleaser(releaseEvery, releaseAbove)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = p.commit(b, rel); err != nil {
					cancel() // stop the reader
					p.bulkBroken = p.bulk != nil
					continue
				}
				if p.bulk != nil {
					if err = p.spillBulk(); err != nil {
						cancel()
						p.bulkBroken = true
						continue
					}
				}
				gc.adjust()
				rel.poke()
				if progress != nil {
					progress(p.Checkpoint(), end)
				}
			}
		}
		rel.stop() // before CatchUp may return and the file be closed
		applied <- err
	}()
	b := p.newBatch(p.opts.BatchSize)
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
			b = p.newBatch(p.opts.BatchSize)
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

// bulkMin is the size of a log from which a rebuild from zero keeps what it writes at random
// places in memory (see bulk).
var bulkMin uint64 = 1000 // a variable so that tests can use it on small logs

// flushBulk writes what a rebuild from zero kept in memory (see bulk) into bbolt, each bucket in
// key order and in transactions of a bounded size, and clears the mark of a rebuild in progress
// with the last of them.
func (p *Projection) flushBulk() error {
	if err := p.writeBulk(); err != nil {
		p.bulkBroken = true // what memory holds is partly written: the next catch-up starts again
		return err
	}
	p.bulk = nil
	p.bulkOn.Store(false)
	p.wake()
	return nil
}

func (p *Projection) writeBulk() error {
	b := p.bulk
	// The other processor sorts the streams, the most names by far, while this one sorts and
	// writes the items and the ends: at the end of a rebuild nothing else is left to run, and
	// the buckets may be written in any order (1M events: 0.60 s → 0.51 s). Each part is let go
	// once written, before the index of counted items, the last, takes its own memory. A write
	// that fails leaves the projection to start again from zero (bulkBroken), never to use these
	// again.
	var streams []uint64
	sorted := make(chan struct{})
	go func() {
		defer close(sorted)
		streams = b.streams.sorted()
	}()
	defer func() { <-sorted }() // nothing returns while it still reads the bulk
	w := sortedWriter{p: p}
	if err := b.writeItems(&w); err != nil {
		return err
	}
	b.items = nil
	if err := b.writeEnds(&w); err != nil {
		return err
	}
	b.ends = nil
	<-sorted
	if err := b.writeStreams(&w, streams); err != nil {
		return err
	}
	b.streams, streams = nil, nil
	if w.tx != nil {
		// The index of counted items reads the ends from their bucket.
		if err := w.commit(nil); err != nil {
			return err
		}
	}
	if err := p.writeItemIndex(&w); err != nil {
		return err
	}
	return w.finish(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(kBulk) })
}

// sortRecords sorts the fixed-size records of b in place by their first keyLen bytes.
func sortRecords(b []byte, size, keyLen int) {
	n := len(b) / size
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int {
		return bytes.Compare(b[int(x)*size:int(x)*size+keyLen], b[int(y)*size:int(y)*size+keyLen])
	})
	sorted := make([]byte, 0, n*size)
	for _, i := range idx {
		sorted = append(sorted, b[int(i)*size:int(i+1)*size]...)
	}
	copy(b, sorted)
}

// sortedWriter puts keys that come in key order (within each bucket) into bbolt, packing the
// pages full, in transactions of at most sortedChunk puts.
type sortedWriter struct {
	p  *Projection
	tx *bolt.Tx
	n  int
}

const sortedChunk = 10_000

func (w *sortedWriter) put(bucket, k, v []byte) error {
	if err := w.begin(); err != nil {
		return err
	}
	b := w.tx.Bucket(bucket)
	b.FillPercent = 1
	if err := b.Put(k, v); err != nil {
		_ = w.tx.Rollback()
		w.tx = nil
		return fmt.Errorf("projections: write the indexes: %w", err)
	}
	if w.n++; w.n < sortedChunk {
		return nil
	}
	return w.commit(nil)
}

// begin starts a transaction unless one is open.
func (w *sortedWriter) begin() error {
	if w.tx != nil {
		return nil
	}
	tx, err := w.p.db.Begin(true)
	if err != nil {
		return fmt.Errorf("projections: write the indexes: %w", err)
	}
	w.tx = tx
	return nil
}

// clear deletes the keys of bucket that are prefix and n bytes more.
func (w *sortedWriter) clear(bucket, prefix []byte, n int) error {
	if err := w.begin(); err != nil {
		return err
	}
	c := w.tx.Bucket(bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+n && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			_ = w.tx.Rollback()
			w.tx = nil
			return fmt.Errorf("projections: write the indexes: %w", err)
		}
	}
	return nil
}

func (w *sortedWriter) commit(last func(*bolt.Tx) error) error {
	tx := w.tx
	w.tx, w.n = nil, 0
	if last != nil {
		if err := last(tx); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("projections: write the indexes: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("projections: write the indexes: %w", err)
	}
	if w.p.opts.TuneProcess {
		w.p.releaseMapped()
	}
	return nil
}

// finish commits what is left, with last's changes.
func (w *sortedWriter) finish(last func(*bolt.Tx) error) error {
	if err := w.begin(); err != nil {
		return err
	}
	return w.commit(last)
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
	p.rebuilding.Store(false)
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
			b := p.newBatch(1)
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
			if err := p.commit(b, nil); err != nil {
				return err
			}
		}
	}
}

// WaitFor blocks until the projection has applied position seq, or ctx is done.
func (p *Projection) WaitFor(ctx context.Context, seq uint64) error {
	return p.waitUntil(ctx, func() bool { return p.ckpt >= seq })
}

// WaitReady is WaitFor that also waits, during a rebuild from zero, for the read models to be
// written whole (see bulk): until then explain, breakdowns, expiring and diff answer Unavailable
// while figures already answer. What depends on the whole read models (readiness, the expiry
// notifier, reconciliation) waits with it.
func (p *Projection) WaitReady(ctx context.Context, seq uint64) error {
	return p.waitUntil(ctx, func() bool { return p.ckpt >= seq && !p.bulkOn.Load() })
}

// waitUntil blocks until done (called with p.mu held) holds, looking again each time a commit
// or the end of a rebuild's final write wakes the waiters, or until ctx is done.
func (p *Projection) waitUntil(ctx context.Context, done func() bool) error {
	for {
		p.mu.Lock()
		if done() {
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

// wake releases the waiters of WaitFor and WaitReady, which look again.
func (p *Projection) wake() {
	p.mu.Lock()
	waiters := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, ch := range waiters {
		close(ch)
	}
}

// batch is a run of events applied in one bbolt transaction together with the checkpoint.
type batch struct {
	events  []domain.Recorded
	deltas  []delta
	clock   []clockMark
	unknown map[string]int
	// quarantine are the entries this batch sets aside; acked the ones quarantined earlier
	// that it acknowledges
	quarantine, acked []Quarantined
	touched           map[string]*streamState // streams this batch changed; their indexes are put at the end
	facets            newFacets               // the places and tags its deltas name first
	leaf              [32]byte                // the leaf hash of the last event, once committed
}

// newBatch returns an empty batch with room for n events.
func (p *Projection) newBatch(n int) *batch {
	return &batch{events: make([]domain.Recorded, 0, n), clock: make([]clockMark, 0, n),
		unknown: map[string]int{}, touched: make(map[string]*streamState, n)}
}

// commit applies b in one transaction; rel, if not nil, is asked to release the mapped file
// half-way through it.
func (p *Projection) commit(b *batch, rel *releaser) error {
	if len(b.events) == 0 {
		return nil
	}
	known := p.known
	nextRow := slices.Clone(p.nextRow)
	err := p.db.Update(func(tx *bolt.Tx) error {
		if err := b.appendTree(tx, p.ckpt, &p.tree); err != nil {
			return err
		}
		w := &writer{p: p, tx: tx, b: b, nextRow: nextRow,
			log: tx.Bucket(bLog), streams: tx.Bucket(bStreams), rows: tx.Bucket(bRows), ends: tx.Bucket(bEnds),
			items: tx.Bucket(bItems), deltas: tx.Bucket(bDeltas), byItem: tx.Bucket(bByItem), byExpiry: tx.Bucket(bByExpiry)}
		w.logPage = pageWriter{b: w.log, size: logPageHeader + 300<<logPageBits, log: true, pool: &p.logPages}
		w.attrPage = pageWriter{b: tx.Bucket(bAttrs), size: logPageHeader + 200<<logPageBits, log: true, pool: &p.attrPages}
		w.rowPages = make([]pageWriter, len(figures))
		for i := range w.rowPages {
			w.rowPages[i] = pageWriter{b: w.rows, pool: &p.rowPages}
		}
		// The log, its clock, the rows and the deltas grow at their right edge (the rows at the
		// right edge of each figure's run): pack their pages full.
		clock := tx.Bucket(bClock)
		w.log.FillPercent, w.rows.FillPercent, w.deltas.FillPercent, clock.FillPercent, w.attrPage.b.FillPercent = 1, 0.95, 1, 1, 1
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
			if i == len(b.events)/2 {
				rel.poke()
			}
		}
		if err := w.logPage.flush(); err != nil {
			return err
		}
		for i := range w.rowPages {
			if err := w.rowPages[i].flush(); err != nil {
				return err
			}
		}
		if err := w.attrPage.flush(); err != nil {
			return err
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
		if err := putFacets(tx, p.facets, b.facets); err != nil {
			return err
		}
		if len(b.clock) > 0 {
			first := u64(b.clock[0].seq)
			if err := clock.Put(first, appendClock(nil, b.clock)); err != nil {
				return err
			}
			if len(b.deltas) > 0 {
				if err := w.deltas.Put(first, appendDeltas(make([]byte, 0, 16*len(b.deltas)), b.deltas)); err != nil {
					return err
				}
			}
		}
		m := tx.Bucket(bMeta)
		last := b.events[len(b.events)-1].Sequence
		if err := m.Put(kCheckpoint, u64(last)); err != nil {
			return err
		}
		if err := b.putLeaf(m); err != nil {
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
		if err := putQuarantine(tx, b); err != nil {
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
	p.logPages.over() // bbolt holds the pages no more
	p.rowPages.over()
	p.attrPages.over()
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
			p.bulk.streams.put(s, enc)
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
	p.facets.add(b.facets)
	if last > p.idx.lastSeq {
		p.idx.lastSeq = last
	}
	for k, v := range b.unknown {
		p.unknown[k] += v
	}
	p.addQuarantine(b)
	p.ckpt, p.known, p.nextRow = last, known, nextRow
	p.hist.leaf = b.leaf
	p.mu.Unlock()
	p.wake()
	for t, n := range b.unknown {
		p.log.Warn("the log holds events of a type this build does not know; they are not counted — upgrade ocopledger", "type", t, "events", n)
	}
	if p.opts.OnCommit != nil {
		p.opts.OnCommit(first, last)
	}
	return nil
}
