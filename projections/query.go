package projections

import (
	"context"
	"encoding/base64"
	"iter"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// Result answers a figures query.
type Result struct {
	AsOf     domain.Date      `json:"as_of"`
	KnownAt  time.Time        `json:"known_at"`
	From     domain.Date      `json:"from"`
	Position uint64           `json:"position"` // the last log position the answer includes
	Figures  map[string]int64 `json:"figures"`
	// By holds breakdowns when asked: dimension → figure → value → count.
	By map[string]map[string]map[string]int64 `json:"by,omitempty"`
	// Warnings name the entries up to Position that the figures leave out (quarantined), so
	// that no figure silently includes or drops them.
	Warnings []Quarantined `json:"warnings,omitempty"`
}

// resolve fills the defaults of a query: known now means the end of the log as applied.
func (p *Projection) resolve(q domain.Query) (domain.Query, uint64) {
	if q.From == domain.NoDate || q.From == 0 {
		q.From = domain.ReportPeriodStart
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	return q, p.idx.position(q.KnownAt)
}

// Figures returns every figure for a query, from the in-memory index: no scan of the log.
func (p *Projection) Figures(q domain.Query) Result {
	q, s := p.resolve(q)
	known := q.KnownAt
	p.mu.RLock()
	defer p.mu.RUnlock()
	if known.IsZero() {
		// As known now: the clock's time, not the last entry's recording time; or that time when
		// it lies ahead of the clock (within the store's tolerance, or restored before future
		// times were refused), so that a query at known_at reads the same position again.
		known = time.Now().UTC()
		if p.known.After(known) {
			known = p.known
		}
	}
	c := p.idx.at(s)
	out := Result{AsOf: q.AsOf, KnownAt: known, From: q.From, Position: s, Figures: make(map[string]int64, p.idx.figs),
		Warnings: p.quarantinedUpTo(s)}
	for i, v := range c.values(q) {
		out.Figures[figures[i].ID] = v
	}
	return out
}

// FiguresBy answers every figure for q and, for each of dims, its breakdown (values labelled
// in lang), read at the knowledge time of the figures (Result.KnownAt: the clock's time when q
// asks "as known now"), so that the breakdowns add up to the figures even while the log grows
// and the answer says the one knowledge time it was computed for. The CLI and the API both
// answer with it.
func (p *Projection) FiguresBy(ctx context.Context, q domain.Query, dims []string, lang string) (Result, error) {
	res := p.Figures(q)
	if len(dims) == 0 {
		return res, nil
	}
	bq := q
	bq.KnownAt = res.KnownAt
	res.By = make(map[string]map[string]map[string]int64, len(dims))
	for _, d := range dims {
		b, err := p.Breakdown(ctx, bq, d, lang)
		if err != nil {
			return Result{}, err
		}
		res.By[d] = b
	}
	return res, nil
}

// Value returns one figure for a query.
func (p *Projection) Value(figure string, q domain.Query) (int64, error) {
	f, ok := domain.LookupFigure(figure)
	if !ok {
		return 0, unknownFigure(figure)
	}
	q, s := p.resolve(q)
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.idx.at(s).value(domain.FigureIndex(figure), f.Kind, q), nil
}

func unknownFigure(id string) error {
	var ids []string
	for _, f := range figures {
		ids = append(ids, f.ID)
	}
	e := domain.NotFound("%q is not a figure ID; known figures: %s", id, strings.Join(ids, ", "))
	e.Field, e.Value = "figure", id
	return e
}

// ExplainItem is one item a figure counts, with the contribution that makes it count and the
// events behind it.
type ExplainItem struct {
	Item    string       `json:"item"`
	Stream  string       `json:"stream"`
	From    domain.Date  `json:"from"`
	Until   domain.Date  `json:"until"`
	Attrs   domain.Attrs `json:"attrs"`
	EventID string       `json:"event_id"`
	Events  []EventRef   `json:"events"` // the stream's events known at the time, in log order
}

// EventRef points at an event of the log.
type EventRef struct {
	Sequence   uint64    `json:"sequence"`
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Stream     string    `json:"stream"`
	RecordedAt time.Time `json:"recorded_at"`
	Source     string    `json:"source,omitempty"`
	Actor      string    `json:"actor,omitempty"`
}

// counting returns, for a figure and query, the counting contribution of each item, read from
// the rows known at position s, with its attributes.
func (p *Projection) counting(tx *bolt.Tx, figure string, q domain.Query, s uint64) ([]row, error) {
	rows, err := p.counted(tx, figure, q, s)
	if err != nil {
		return nil, err
	}
	return rows, attrsOf(tx, rows)
}

// counted is counting without the attributes (see attrsOf), in the order of the items.
func (p *Projection) counted(tx *bolt.Tx, figure string, q domain.Query, s uint64) ([]row, error) {
	f, ok := domain.LookupFigure(figure)
	if !ok {
		return nil, unknownFigure(figure)
	}
	byItem := map[string][]row{}
	fig := figIdx(figure)
	// domain.Counts looks only at the contributions that cover the day asked (and, for a flow
	// figure, the day before its period): the rows that cover neither are left undecoded, which
	// keeps to the items of the day what a question about a figure of 1M events holds.
	before := q.PeriodStart() - 1
	err := scanRows(tx, fig, func(_, kt uint64, v []byte) error {
		if rowKnownFrom(v) > s || kt != 0 && s >= kt {
			return nil
		}
		if from, until, ok := rowDates(v); ok {
			if c := (domain.Contribution{From: from, Until: until}); !c.Covers(q.AsOf) && !(f.Kind == domain.Flow && c.Covers(before)) {
				return nil
			}
		}
		r, err := decodeRow(figure, kt, v)
		if err != nil {
			return err
		}
		byItem[r.Item] = append(byItem[r.Item], r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []row
	for _, rs := range byItem {
		cs := make([]domain.Contribution, len(rs))
		for i, r := range rs {
			cs[i] = r.Contribution
		}
		if c, ok := domain.Counts(f.Kind, cs, q); ok {
			for _, r := range rs {
				if r.EventID == c.EventID && r.From == c.From && r.Until == c.Until {
					out = append(out, r)
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Item < out[j].Item })
	return out, nil
}

// indexesReady refuses, while a rebuild from zero keeps the stream indexes, the items and the
// ends of rows in memory, the questions that read them (explain, breakdowns, expiring, the rows):
// their answer would be incomplete.
func (p *Projection) indexesReady() error {
	if p.bulkOn.Load() {
		return domain.Unavailable("the read models are being rebuilt from the log (%d events so far); this answer needs them whole: ask again when /readyz says ready", p.Checkpoint())
	}
	return nil
}

// Explain lists the items that make up a figure for a query, each with the events behind it,
// in the order of the items' IDs. It holds the whole list: ExplainPage and ExplainSeq do not.
func (p *Projection) Explain(ctx context.Context, figure string, q domain.Query) ([]ExplainItem, error) {
	var out []ExplainItem
	for it, err := range p.ExplainSeq(ctx, figure, q, "") {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// ExplainPage is a page of the items a figure counts, in the order of their IDs.
type ExplainPage struct {
	Items []ExplainItem `json:"items"`
	// Next is the cursor of the page that follows (give it as after), empty after the last.
	Next string `json:"next,omitempty"`
}

// MaxExplainLimit is the largest page ExplainPage gives.
const MaxExplainLimit = 10000

// ExplainPage returns at most limit items of Explain's list, those after the cursor after (""
// from the first), and the cursor of the next page. The items of a page are read alone: its cost
// does not grow with the pages before it or after it. A cursor names an item; pages of the same
// query (as_of, known_at pinned to a time) never skip or repeat an item.
func (p *Projection) ExplainPage(ctx context.Context, figure string, q domain.Query, after string, limit int) (ExplainPage, error) {
	if limit < 1 || limit > MaxExplainLimit {
		return ExplainPage{}, domain.Invalid("limit", "%d is not a page size: give 1 to %d items", limit, MaxExplainLimit)
	}
	page := ExplainPage{Items: []ExplainItem{}}
	err := p.explain(ctx, figure, q, after, limit, func(it ExplainItem, more bool) bool {
		page.Items = append(page.Items, it)
		if len(page.Items) < limit {
			return true
		}
		if more {
			page.Next = ExplainCursor(it.Item)
		}
		return false
	})
	return page, err
}

// ExplainSeq yields Explain's items after the cursor after ("" from the first), reading them a
// few hundred at a time: the list is never held whole, only the keys of the items it counts.
// An error ends the sequence.
func (p *Projection) ExplainSeq(ctx context.Context, figure string, q domain.Query, after string) iter.Seq2[ExplainItem, error] {
	return func(yield func(ExplainItem, error) bool) {
		stopped := false
		err := p.explain(ctx, figure, q, after, explainChunk, func(it ExplainItem, _ bool) bool {
			stopped = !yield(it, nil)
			return !stopped
		})
		if err != nil && !stopped {
			yield(ExplainItem{}, err)
		}
	}
}

// explainChunk is how many items ExplainSeq reads in one transaction.
const explainChunk = 256

// ExplainCursor is the cursor that lists the items after item.
func ExplainCursor(item string) string { return base64.RawURLEncoding.EncodeToString([]byte(item)) }

func explainAfter(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !utf8.Valid(b) {
		return "", domain.Invalid("after", "%q is not a cursor of this list: give the next cursor of the page before", cursor)
	}
	return string(b), nil
}

// explain calls fn for the items after the cursor, in order, until fn returns false; more says
// whether items follow the one given. The items are read chunk at a time from the index of
// counted items (a cursor walk from the last item given), with their attributes and events, each
// chunk in a read transaction of its own, so that a slow reader does not hold one open (what a
// position knows never changes).
func (p *Projection) explain(ctx context.Context, figure string, q domain.Query, cursor string, chunk int, fn func(it ExplainItem, more bool) bool) error {
	after, err := explainAfter(cursor)
	if err != nil {
		return err
	}
	f, ok := domain.LookupFigure(figure)
	if !ok {
		return unknownFigure(figure)
	}
	if err := p.indexesReady(); err != nil {
		return err
	}
	q, s := p.resolve(q)
	first := cursor == ""
	for {
		var items []ExplainItem
		more := false
		err := p.db.View(func(tx *bolt.Tx) error {
			if err := p.indexesReady(); err != nil {
				return err // a rebuild from zero began meanwhile
			}
			var rows []row
			var err error
			ix := newItemIndex(tx)
			var sm *itemSummary
			if ckpt := getU64(tx.Bucket(bMeta).Get(kCheckpoint)); s < ckpt {
				p.mu.RLock()
				x := p.idx
				p.mu.RUnlock()
				if sm, err = x.summaryFor(tx, figIdx(f.ID), s, ckpt); err != nil {
					return err
				}
			}
			if sm != nil {
				rows, more, err = ix.countedAfterSummed(sm, f, q, s, after, first, chunk)
			} else {
				rows, more, err = ix.countedAfter(f, q, s, after, first, chunk)
			}
			if err != nil {
				return err
			}
			items, err = p.explainItems(ctx, tx, rows, s)
			return err
		})
		if err != nil {
			return err
		}
		for i, it := range items {
			if !fn(it, i < len(items)-1 || more) {
				return nil
			}
		}
		if !more {
			return nil
		}
		after, first = items[len(items)-1].Item, false
	}
}

// explainItems reads the attributes and events of the counting rows as known at s: the
// attributes kept with the rows, and the events of each row's stream up to s, read from the log
// without their payloads.
func (p *Projection) explainItems(ctx context.Context, tx *bolt.Tx, rows []row, s uint64) ([]ExplainItem, error) {
	if err := p.keptAttrs(tx, rows); err != nil {
		return nil, err
	}
	evs := make([][]EventRef, len(rows))
	refs := newEventRefs(tx)
	for i, r := range rows {
		var err error
		if evs[i], err = refs.upTo(r.Stream, s); err != nil {
			return nil, err
		}
	}
	return itemsOf(ctx, rows, evs)
}

// explainItemsRefolded is explainItems as it was before the attributes were kept: each row's
// attributes and its stream's events are those of the stream's history folded again (attrsEach).
func explainItemsRefolded(ctx context.Context, tx *bolt.Tx, rows []row, s uint64) ([]ExplainItem, error) {
	evs := make([][]EventRef, len(rows))
	var last []domain.Recorded
	var refs []EventRef
	err := attrsEach(tx, rows, func(i int, hist []domain.Recorded) {
		if len(hist) == 0 || len(last) == 0 || &hist[0] != &last[0] {
			last, refs = hist, nil
			for _, r := range hist {
				if r.Sequence > s {
					break
				}
				refs = append(refs, EventRef{Sequence: r.Sequence, ID: r.ID, Type: r.Type, Stream: r.Stream, RecordedAt: r.RecordedAt, Source: r.Source, Actor: r.Actor})
			}
		}
		evs[i] = refs
	})
	if err != nil {
		return nil, err
	}
	return itemsOf(ctx, rows, evs)
}

// itemsOf returns the explained items of rows with their events.
func itemsOf(ctx context.Context, rows []row, evs [][]EventRef) ([]ExplainItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	items := make([]ExplainItem, 0, len(rows))
	for i, r := range rows {
		items = append(items, ExplainItem{Item: r.Item, Stream: r.Stream, From: r.From, Until: r.Until, Attrs: r.Attrs, EventID: r.EventID, Events: evs[i]})
	}
	return items, nil
}

// ExplainRows is Explain read from the rows, every row of the figure, as it was before the index
// of counted items; the benchmark compares the two.
func (p *Projection) ExplainRows(ctx context.Context, figure string, q domain.Query) ([]ExplainItem, error) {
	if err := p.indexesReady(); err != nil {
		return nil, err
	}
	q, s := p.resolve(q)
	var items []ExplainItem
	err := p.db.View(func(tx *bolt.Tx) error {
		rows, err := p.counted(tx, figure, q, s)
		if err != nil {
			return err
		}
		if items, err = explainItemsRefolded(ctx, tx, rows, s); len(items) == 0 {
			items = nil // as Explain gives an empty list
		}
		return err
	})
	return items, err
}

func validDim(d string) bool { return contains(domain.Dimensions(), d) }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Change is how one figure differs between two knowledge times, and the entries that make the
// difference. The deltas of the entries add up to After - Before.
type Change struct {
	Figure  string        `json:"figure"`
	Before  int64         `json:"before"`
	After   int64         `json:"after"`
	Entries []EntryChange `json:"entries"`
}

// EntryChange is one entry recorded between the two knowledge times and its effect on a figure.
type EntryChange struct {
	EventRef
	Delta int64 `json:"delta"`
}

// DiffResult compares the figures of a day as known at two times.
type DiffResult struct {
	AsOf      domain.Date `json:"as_of"`
	From      domain.Date `json:"from"`
	KnownAt   time.Time   `json:"known_at"`
	Vs        time.Time   `json:"vs,omitzero"` // zero: now
	Positions [2]uint64   `json:"positions"`
	Changes   []Change    `json:"changes"`
	// Warnings name the entries up to the later position that the figures leave out.
	Warnings []Quarantined `json:"warnings,omitempty"`
}

// Diff compares the figures of q.AsOf as known at q.KnownAt with those as known at vs (zero: now)
// and names, for each figure that differs, the entries recorded in between that change it.
func (p *Projection) Diff(ctx context.Context, q domain.Query, vs time.Time) (DiffResult, error) {
	q, s1 := p.resolve(q)
	q2 := q
	q2.KnownAt = vs
	_, s2 := p.resolve(q2)
	res := DiffResult{AsOf: q.AsOf, From: q.From, KnownAt: q.KnownAt, Vs: vs, Positions: [2]uint64{s1, s2}}
	p.mu.RLock()
	res.Warnings = p.quarantinedUpTo(max(s1, s2))
	p.mu.RUnlock()
	lo, hi := s1, s2
	if lo > hi {
		lo, hi = hi, lo
	}
	p.mu.RLock()
	c1, c2 := p.idx.at(s1), p.idx.at(s2)
	figs := figures
	type effect map[uint64]int64 // seq → change
	effects := make([]effect, len(figs))
	day, before := dayIndex(q.AsOf), dayIndex(q.PeriodStart())-1
	p.idx.each(p.idx.upto(lo), p.idx.upto(hi), func(d delta) {
		v := int64(0)
		if int(d.day) <= day {
			v += int64(d.d)
		}
		if figs[d.fig].Kind == domain.Flow && int(d.day) <= before {
			v -= int64(d.d)
		}
		if figs[d.fig].Kind == domain.Flow && q.AsOf < q.PeriodStart() {
			v = 0
		}
		if v != 0 {
			if effects[d.fig] == nil {
				effects[d.fig] = effect{}
			}
			effects[d.fig][uint64(d.seq)] += v
		}
	})
	v1, v2 := c1.values(q), c2.values(q)
	for i, f := range figs {
		a, b := v1[i], v2[i]
		if a != b {
			res.Changes = append(res.Changes, Change{Figure: f.ID, Before: a, After: b})
		}
	}
	p.mu.RUnlock()
	sign := int64(1)
	if s2 < s1 {
		sign = -1
	}
	err := p.db.View(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bLog)
		for i := range res.Changes {
			ch := &res.Changes[i]
			eff := effects[domain.FigureIndex(ch.Figure)]
			seqs := make([]uint64, 0, len(eff))
			for s, v := range eff {
				if v != 0 {
					seqs = append(seqs, s)
				}
			}
			sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
			for _, s := range seqs {
				if err := ctx.Err(); err != nil {
					return err
				}
				ref, err := p.eventRef(tx, lb, s)
				if err != nil {
					return err
				}
				ch.Entries = append(ch.Entries, EntryChange{EventRef: ref, Delta: sign * eff[s]})
			}
		}
		return nil
	})
	return res, err
}

func (p *Projection) eventRef(tx *bolt.Tx, lb *bolt.Bucket, seq uint64) (EventRef, error) {
	return logAt(lb, seq).ref(), nil
}

// Point is one value of a timeline.
type Point struct {
	Date  domain.Date `json:"date"`
	Value int64       `json:"value"`
}

// Timeline returns a figure on each step from from to to, as known at knownAt (zero: now). It reads
// one tree of the index, not the log: the cost does not depend on how many points are asked.
func (p *Projection) Timeline(figure string, from, to domain.Date, step string, knownAt time.Time, periodStart domain.Date) ([]Point, error) {
	f, ok := domain.LookupFigure(figure)
	if !ok {
		return nil, unknownFigure(figure)
	}
	if to < from {
		return nil, domain.Invalid("to", "%s is before from %s", to.VN(), from.VN())
	}
	next := func(d domain.Date) domain.Date { return d.AddDays(1) }
	switch step {
	case "day", "":
	case "week":
		next = func(d domain.Date) domain.Date { return d.AddDays(7) }
	case "month":
		next = func(d domain.Date) domain.Date { return d.AddMonths(1) }
	case "year":
		next = func(d domain.Date) domain.Date { return d.AddMonths(12) }
	default:
		return nil, domain.Invalid("step", "%q is not a step; give day, week, month or year", step)
	}
	n := 0
	for d := from; d <= to; d = next(d) {
		if n++; n > 20000 {
			return nil, domain.Invalid("step", "more than 20000 points: take a longer step")
		}
	}
	q, s := p.resolve(domain.Query{KnownAt: knownAt, From: periodStart})
	p.mu.RLock()
	tree := fenwick{p.idx.at(s).figureTree(domain.FigureIndex(figure))}
	p.mu.RUnlock()
	var out []Point
	for d := from; d <= to; d = next(d) {
		v := tree.sum(0, dayIndex(d))
		if f.Kind == domain.Flow {
			v -= tree.sum(0, dayIndex(q.PeriodStart())-1)
			if d < q.PeriodStart() {
				v = 0
			}
		}
		out = append(out, Point{Date: d, Value: v})
	}
	return out, nil
}

// Expiry is a certificate that reaches the end of its validity soon.
type Expiry struct {
	Figure   string       `json:"figure"`
	Item     string       `json:"item"`
	Stream   string       `json:"stream"`
	Issued   domain.Date  `json:"issued"`
	LastDay  domain.Date  `json:"last_day"` // the last day it is valid
	DaysLeft int          `json:"days_left"`
	Attrs    domain.Attrs `json:"attrs"`
}

// expiringFigures are the figures of certificates that expire (domain.Figure.Expires), in the
// order of the report.
var expiringFigures = func() []domain.Figure {
	var out []domain.Figure
	for _, f := range domain.Figures() {
		if f.Expires != nil {
			out = append(out, f)
		}
	}
	return out
}()

// Expiring lists the certificates valid on q.AsOf whose validity ends by expiry within the next
// `within` days (the issuer must warn producers 30 days ahead), soonest first. It reads the index
// of counted items by the day they expire, the days ahead of q.AsOf only, and the attributes
// kept with the rows.
func (p *Projection) Expiring(ctx context.Context, q domain.Query, within int) ([]Expiry, error) {
	return p.expiring(ctx, q, within, p.keptAttrs, func(tx *bolt.Tx, fig domain.Figure, q domain.Query, s uint64) ([]row, error) {
		return newItemIndex(tx).expiringRows(fig, q, s, q.AsOf.AddDays(within))
	})
}

// ExpiringRows is Expiring read from every row of the figures of certificates, with the
// attributes folded again from the log, as it was before the index of counted items; the
// benchmark compares the two.
func (p *Projection) ExpiringRows(ctx context.Context, q domain.Query, within int) ([]Expiry, error) {
	return p.expiring(ctx, q, within, attrsOf, func(tx *bolt.Tx, fig domain.Figure, q domain.Query, s uint64) ([]row, error) {
		rows, err := p.counted(tx, fig.ID, q, s)
		if err != nil {
			return nil, err
		}
		var soon []row
		for _, r := range rows {
			if r.Until == fig.Expires(r.From) && int(r.Until.AddDays(-1)-q.AsOf) <= within {
				soon = append(soon, r)
			}
		}
		return soon, nil
	})
}

// expiring lists the rows soon gives for each figure of certificates, with the attributes attrs
// gives them.
func (p *Projection) expiring(ctx context.Context, q domain.Query, within int, attrs func(*bolt.Tx, []row) error, soon func(*bolt.Tx, domain.Figure, domain.Query, uint64) ([]row, error)) ([]Expiry, error) {
	if within < 0 || within > 3660 {
		return nil, domain.Invalid("within", "%d days is not a window: give 0 to 3660 days", within)
	}
	if err := p.indexesReady(); err != nil {
		return nil, err
	}
	q, s := p.resolve(q)
	var out []Expiry
	err := p.db.View(func(tx *bolt.Tx) error {
		var all []row // the attributes of the certificates that expire soon only
		for _, fig := range expiringFigures {
			rows, err := soon(tx, fig, q, s)
			if err != nil {
				return err
			}
			all = append(all, rows...)
		}
		if err := attrs(tx, all); err != nil {
			return err
		}
		for _, r := range all {
			last := r.Until.AddDays(-1)
			out = append(out, Expiry{Figure: r.Figure, Item: r.Item, Stream: r.Stream, Issued: r.From, LastDay: last, DaysLeft: int(last - q.AsOf), Attrs: r.Attrs})
		}
		return ctx.Err()
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastDay < out[j].LastDay })
	return out, err
}

// Status describes how far the projection has come.
type Status struct {
	Checkpoint uint64         `json:"checkpoint"`
	KnownAt    time.Time      `json:"known_at"`
	Deltas     int            `json:"deltas"`
	Unknown    map[string]int `json:"unknown_types,omitempty"`
	Version    int            `json:"projector_version"`
	// Quarantined counts the entries the read models leave out; Unacknowledged those of them no
	// admin has acknowledged (the ledger reports itself degraded while there are any).
	Quarantined    int `json:"quarantined"`
	Unacknowledged int `json:"unacknowledged"`
}

// Status returns the projection's state.
func (p *Projection) Status() Status {
	u := p.Unknown()
	un := p.Unacknowledged()
	p.mu.RLock()
	defer p.mu.RUnlock()
	return Status{Checkpoint: p.ckpt, KnownAt: p.known, Deltas: p.idx.n, Unknown: u, Version: Version,
		Quarantined: len(p.quarantine), Unacknowledged: un}
}

// FiguresAtPosition returns every figure for a query as known at log position s (the query's
// KnownAt is ignored): what the ledger said right after the entry at s was applied. Streams of
// figure changes use it to replay exactly what a subscriber missed.
func (p *Projection) FiguresAtPosition(q domain.Query, s uint64) Result {
	if q.From == domain.NoDate || q.From == 0 {
		q.From = domain.ReportPeriodStart
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if s > p.idx.lastSeq {
		s = p.idx.lastSeq
	}
	c := p.idx.at(s)
	out := Result{AsOf: q.AsOf, From: q.From, Position: s, Figures: make(map[string]int64, p.idx.figs),
		Warnings: p.quarantinedUpTo(s)}
	if i := sort.Search(len(p.idx.seqs), func(i int) bool { return uint64(p.idx.seqs[i]) > s }); i > 0 {
		out.KnownAt = time.Unix(0, p.idx.known[i-1]).UTC()
	}
	for i, v := range c.values(q) {
		out.Figures[figures[i].ID] = v
	}
	return out
}

// RowInfo is a contribution row as stored: an item counting towards a figure on the days
// [From, Until), held true by the ledger from log position KnownFrom until KnownTo (0: still).
type RowInfo struct {
	Figure    string
	Item      string
	Stream    string
	From      domain.Date
	Until     domain.Date
	KnownFrom uint64
	KnownTo   uint64
}

// ForEachRow calls fn for every contribution row, current or closed: the bitemporal table behind
// the figures, for audits and for comparing with other engines.
func (p *Projection) ForEachRow(ctx context.Context, fn func(RowInfo) error) error {
	if err := p.indexesReady(); err != nil {
		return err
	}
	return p.db.View(func(tx *bolt.Tx) error {
		n := 0
		for i, f := range figures {
			err := scanRows(tx, uint8(i), func(_, kt uint64, v []byte) error {
				if n++; n%10000 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				r, err := decodeRow(f.ID, kt, v)
				if err != nil {
					return err
				}
				return fn(RowInfo{Figure: f.ID, Item: r.Item, Stream: r.Stream, From: r.From, Until: r.Until, KnownFrom: r.KnownFrom, KnownTo: kt})
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Position returns the last log position known at k (zero k: the last applied).
func (p *Projection) Position(k time.Time) uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.idx.position(k)
}
