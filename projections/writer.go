package projections

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// The writer applies the log's events to the read models inside one bbolt transaction (see
// Projection.commit): it keeps each stream's fold, turns the change of its contributions into
// rows opened and closed, and records how every figure changed.

// streamState is a stream as the writer needs it: its fold (what it contributes follows from it)
// and its index (event positions, keys of its current rows). The projection caches it while it
// is the file's only writer. The fold is nil while no event has needed it since the stream was
// read from bbolt (see writer.state): it is then folded from the positions of the index.
type streamState struct {
	idx      streamIndex
	fold     *domain.Fold
	contribs []domain.Contribution // fold.Contributions(), kept to compare the next event's with
}

// cacheMax bounds the streams held in each generation of the cache. Measured on a national
// ledger (1M events, 560k records; `ocopledger rebuild --nats`): since a refold decodes binary
// payloads, a larger cache saves little and costs memory and garbage collection — 1,000 gives the
// speed of 2,000 (and of 250) with ≈ 10 MB less peak RSS; 10,000 takes 60 MB more than 2,000;
// 40,000 is slower and takes 330 MB more. (A record whose events come far apart is refolded from
// the log whatever the cache; one whose events come close together stays in it.)
var cacheMax = 1_000 // a variable so that tests can make it tiny

// writer applies events inside one transaction.
type writer struct {
	p  *Projection
	tx *bolt.Tx
	b  *batch

	log, streams, rows, ends, items, deltas *bolt.Bucket
	byItem, byExpiry                        *bolt.Bucket // the index of counted items (live path only)
	nextRow                                 []uint64     // the last row number of each figure
	logPage                                 pageWriter
	rowPages                                []pageWriter // one a figure
	attrPage                                pageWriter   // the attributes of the rows each entry opens
	attrs                                   attrsOfEntry

	logCur   *bolt.Cursor
	scratch  []byte
	changes  []dayChange   // scratch of reproject
	fchanges []facetChange // likewise
}

// history reads the events at the given positions back from the log, including the page this
// transaction is filling.
func (w *writer) history(seqs []uint64) ([]domain.Recorded, error) {
	out := make([]domain.Recorded, 0, len(seqs))
	for _, q := range seqs {
		key := logPageKey(q)
		v, open := w.logPage.entry(key, q)
		if !open {
			if w.logCur == nil {
				w.logCur = w.log.Cursor() // one for the transaction: a Get makes a cursor each time
			}
			k, page := w.logCur.Seek(key)
			if !bytes.Equal(k, key) {
				page = nil
			}
			v = logPageEntry(page, q)
		}
		r, err := decodeLog(q, v).recorded()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// failApply, set by tests only, fails the transaction that applies an entry it refuses;
// foldPanics makes the fold of an entry it names panic.
var (
	failApply  func(domain.Recorded) error
	foldPanics func(domain.Recorded) bool
)

func (w *writer) apply(r domain.Recorded, known time.Time) error {
	if failApply != nil {
		if err := failApply(r); err != nil {
			return err
		}
	}
	var err error
	if w.scratch, err = appendLogOf(w.scratch[:0], r); err != nil {
		// An event without a binary form cannot be folded again from the log: keep the entry
		// without its payload, and set it aside.
		r.Event, r.Unreadable = nil, domain.Internal("folding this entry into its record failed (%v); it is left out of the figures", err)
		if w.scratch, err = appendLogOf(w.scratch[:0], r); err != nil {
			return err
		}
	}
	if err := w.logPage.add(logPageKey(r.Sequence), r.Sequence, w.scratch); err != nil {
		return err
	}
	r.Raw = nil // the payload is in the log; folds keep decoded events only
	w.b.clock = append(w.b.clock, clockMark{r.Sequence, known})
	if r.Event == nil {
		if r.Type != "" && !domain.KnownType(r.Type) {
			w.b.unknown[r.Type]++
		}
		w.quarantine(r, unfoldable(r))
		return nil
	}
	if ack, ok := r.Event.(domain.QuarantineAcknowledged); ok {
		w.acknowledge(r, ack)
	}
	return w.fold(r)
}

// fold folds an event into its stream and turns the change of what the stream contributes into
// rows. A fold that panics (a rule that cannot take the event) leaves the stream as it was
// before the event, whose entry is quarantined: the stream is folded on without it, as every
// instance and every rebuild does, since whether the fold panics depends on the stream's
// history (the log) and the code only.
func (w *writer) fold(r domain.Recorded) (err error) {
	var st *streamState
	seqs := -1
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if st != nil {
			if seqs >= 0 {
				st.idx.seqs = st.idx.seqs[:seqs]
			}
			st.fold, st.contribs = nil, nil // folded again from the log when next needed
		}
		w.quarantine(r, foldFailed(v))
		err = nil
	}()
	// An inert event (an expiry, a notice) changes no row: a stream that is not in memory only
	// takes its position, and is folded with it when an event needs the fold (half of the
	// streams a national rebuild would read back from the log were read for these alone).
	inert := domain.Inert(r.Event)
	st, err = w.state(r.Stream, r.Version, inert)
	if err != nil {
		return err
	}
	w.b.touched[r.Stream] = st
	seqs = len(st.idx.seqs)
	if foldPanics != nil && foldPanics(r) {
		panic("a rule of the fold refuses the entry (test)")
	}
	if st.fold == nil {
		st.idx.seqs = append(st.idx.seqs, r.Sequence)
		return nil
	}
	prev := st.contribs
	if len(prev) != len(st.idx.rows) {
		return fmt.Errorf("stream %s contributes %d rows but %d are recorded: the read models are out of date; run ocopledger rebuild", r.Stream, len(prev), len(st.idx.rows))
	}
	st.idx.seqs = append(st.idx.seqs, r.Sequence)
	if inert {
		st.fold.Apply(r) // never a correction; what the stream contributes stays prev
		return nil
	}
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

// state returns a stream's state, from the cache or from bbolt. The cache keeps two
// generations: when the young one is full it becomes the old one, and a stream found in the
// old generation moves back to the young one, so streams in use stay while the rest age out.
//
// A state read from bbolt has its fold folded again from the log, unless indexOnly: then its
// fold is nil until a later call needs it. An event at version 1 opens its stream: there is
// nothing to look up.
func (w *writer) state(stream string, version uint64, indexOnly bool) (*streamState, error) {
	p := w.p
	st, ok := p.cache[stream]
	if ok && (st.fold != nil || indexOnly) {
		return st, nil
	}
	if !ok {
		st, ok = p.cacheOld[stream]
	}
	if !ok {
		st, ok = w.b.touched[stream] // changed earlier in this transaction, since evicted
	}
	if !ok {
		var idx streamIndex
		if version != 1 {
			var v []byte
			if p.bulk != nil {
				v = p.bulk.stream(w.streams, stream)
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
		st = &streamState{idx: idx}
	}
	if st.fold == nil && !indexOnly {
		hist, err := w.history(st.idx.seqs)
		if err != nil {
			return nil, err
		}
		st.fold = domain.Refold(stream, hist)
		st.contribs = st.fold.Contributions()
	}
	if _, young := p.cache[stream]; !young {
		if len(p.cache) >= cacheMax {
			p.cacheOld, p.cache = p.cache, make(map[string]*streamState, cacheMax)
		}
		p.cache[stream] = st
	}
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
		if len(gone) == 0 && sameSpan(prev, next[i]) {
			continue // the stream already covers these days for the item: its coverage stays
		}
		touch(figItem{figIdx(next[i].Figure), next[i].Item})
	}
	slices.SortFunc(touched, func(a, b figItem) int {
		if a.fig != b.fig {
			return int(a.fig) - int(b.fig)
		}
		return strings.Compare(a.item, b.item)
	})
	before := make([][]span, len(touched))
	beforeF := make([][]fspan, len(touched))
	for i, t := range touched {
		if sharedItems[figures[t.fig].ID] {
			before[i] = w.spans(t, st.idx.rows, prev)
		} else {
			beforeF[i] = w.fspans(t, st.idx.rows, prev)
		}
	}
	for _, i := range gone {
		k := st.idx.rows[i]
		if bk := w.p.bulk; bk != nil {
			bk.endRow(k, seq)
			if sharedItems[prev[i].Figure] {
				w.scratch = bk.removeItem(w.items, string(itemPrefix(k.fig, prev[i].Item)), k.id, w.scratch)
			}
			continue
		}
		if err := w.ends.Put(k.bytes(), u64(seq)); err != nil { // known until seq
			return err
		}
		if err := w.ixEnd(k.fig, prev[i].Item, k.id, seq); err != nil {
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
		w.scratch = appendRow(w.scratch[:0], row{Contribution: c, Stream: stream, KnownFrom: seq, attrNo: w.attrs.number(c.Attrs)})
		if err := w.rowPages[f].add(rowPageKey(f, k.id), k.id, w.scratch); err != nil {
			return err
		}
		if w.p.bulk == nil {
			if err := w.ixAdd(f, k.id, seq, c); err != nil {
				return err
			}
		}
		if sharedItems[c.Figure] {
			if bk := w.p.bulk; bk != nil {
				w.scratch = bk.addItem(w.items, string(itemPrefix(k.fig, c.Item)), k.id, c.From, c.Until, w.scratch)
			} else if err := w.items.Put(itemKey(k.fig, c.Item, k.id), dateBytes(c.From, c.Until)); err != nil {
				return err
			}
		}
		keys[i] = k
	}
	if len(added) > 0 {
		if err := w.attrPage.add(logPageKey(seq), seq, w.attrs.encode(func(a domain.Attrs) (uint32, uint32) { return w.b.facetOf(w.p.facets, a) })); err != nil {
			return err
		}
	}
	// The stream's rows are now keys, in the order of next (the fold derives them in that order).
	st.idx.rows = keys
	// Emit the change of each touched item's coverage.
	for i, t := range touched {
		if sharedItems[figures[t.fig].ID] {
			w.changes = coverageChange(w.changes[:0], before[i], w.spans(t, keys, next))
			for _, d := range w.changes {
				w.b.deltas = append(w.b.deltas, delta{seq: uint32(seq), fig: t.fig, day: uint16(d.day), d: int8(d.v)})
			}
			continue
		}
		w.fchanges = facetChanges(w.fchanges[:0], beforeF[i], w.fspans(t, keys, next))
		for _, d := range w.fchanges {
			w.b.deltas = append(w.b.deltas, delta{seq: uint32(seq), fig: t.fig, day: uint16(d.day), d: int8(d.v), place: d.place, tags: d.tags})
		}
	}
	return nil
}

// fspans returns the spans of an item's current rows (keys, of contributions cs) in its stream,
// with the attributes it counts under on their days.
func (w *writer) fspans(t figItem, keys []rowKey, cs []domain.Contribution) []fspan {
	var out []fspan
	for i, k := range keys {
		if k.fig == t.fig && cs[i].Item == t.item {
			place, tags := w.b.facetOf(w.p.facets, cs[i].Attrs)
			out = append(out, fspan{cs[i].From, cs[i].Until, cs[i].EventID, place, tags})
		}
	}
	return out
}

// sameSpan reports whether cs holds a contribution to c's item of c's figure over the same days
// (a trade event's every participation counts the event again, over the same days).
func sameSpan(cs []domain.Contribution, c domain.Contribution) bool {
	for i := range cs {
		if cs[i].From == c.From && cs[i].Until == c.Until && cs[i].Item == c.Item && cs[i].Figure == c.Figure {
			return true
		}
	}
	return false
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
		if w.p.bulk != nil {
			return w.p.bulk.itemSpans(w.items, string(prefix), out)
		}
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

// coverageChange appends to out the per-day changes that turn the coverage of before into that
// of after: an item counts once on a day covered by any of its spans.
func coverageChange(out []dayChange, before, after []span) []dayChange {
	var bb, ab [4]dayChange                             // most items have one span: two edges
	b, a := edges(bb[:0], before), edges(ab[:0], after) // each sorted by day, one change a day
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

// edges appends to out +1 at the start and -1 at the end of each maximal covered run of days
// (clamped to the index's day range).
func edges(out []dayChange, spans []span) []dayChange {
	if len(spans) == 0 {
		return out
	}
	type iv struct{ a, b int }
	var buf [4]iv
	ivs := buf[:0]
	for _, s := range spans {
		if a, b, ok := clampDays(s.from, s.until); ok {
			ivs = append(ivs, iv{a, b})
		}
	}
	slices.SortFunc(ivs, func(x, y iv) int { return x.a - y.a })
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
