package projections

import (
	"slices"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// The in-memory index answers counts for any day D as known at any log position S.
//
// Every change of a figure is a delta: at log position seq, figure f gains (or loses) one item
// from day d onwards. The count of f on day D as known at S is the sum of the deltas with
// seq ≤ S and day ≤ D. Known now, a Fenwick tree over days per figure gives it in O(log days).
// For a past S, the index keeps a snapshot of the counts every snapshotEvery deltas (prefix sums
// over the days, see snapshot) and adds the deltas between the snapshot and S. The deltas live
// in bbolt; this index is rebuilt from them when the projection opens.

// Days are counted from dayBase; dates outside [dayBase, dayBase+dayCount) are clamped.
var dayBase = domain.MustDate(2000, 1, 1)

const dayCount = 1 << 15 // 2000-01-01 … 2089

// snapshotEvery is how many deltas the index takes between two snapshots (a variable so that
// tests can take many).
var snapshotEvery = 1 << 17

func dayIndex(d domain.Date) int {
	i := int(d - dayBase)
	if i < 0 {
		return 0
	}
	if i >= dayCount {
		return dayCount - 1
	}
	return i
}

// delta is one change of a figure, with the place and tags under which the item counts (see
// facets.go): 16 bytes, so a million events fit in a few tens of megabytes.
type delta struct {
	seq         uint32
	place, tags uint32
	day         uint16
	fig         uint8
	d           int8
}

// fenwick is a binary indexed tree of counts by day for every figure.
type fenwick [][]int32

func newFenwick(figs int) fenwick {
	f := make(fenwick, figs)
	for i := range f {
		f[i] = make([]int32, dayCount+1)
	}
	return f
}

func (f fenwick) add(fig, day int, v int32) {
	t := f[fig]
	for i := day + 1; i <= dayCount; i += i & -i {
		t[i] += v
	}
}

// sum returns the total of the days ≤ day.
func (f fenwick) sum(fig, day int) int64 {
	if day < 0 {
		return 0
	}
	t := f[fig]
	var s int64
	for i := day + 1; i > 0; i -= i & -i {
		s += int64(t[i])
	}
	return s
}

// snapshot is the index as known at a past position: the count of each figure on every day, as
// a prefix sum over the days on which any delta falls so far (before lo a count is zero; after
// them, the count of their last day). That span is a few thousand days of the 32,768 a tree
// covers, so a snapshot takes a fraction of a tree's memory, and reads in one step.
type snapshot struct {
	upto   int       // number of deltas folded in
	lo     int       // the first day of the span
	sums   [][]int32 // per figure, the count on each day of the span
	deltas []delta   // the deltas after it, up to the next snapshot
}

// snapshotOf takes a snapshot of the tree f over the days lo…hi.
func snapshotOf(f fenwick, upto, lo, hi int) snapshot {
	sn := snapshot{upto: upto, lo: lo, sums: make([][]int32, len(f))}
	if hi < lo {
		return sn
	}
	for fig := range f {
		s := make([]int32, hi-lo+1)
		for d := range s {
			s[d] = int32(f.sum(fig, lo+d))
		}
		sn.sums[fig] = s
	}
	return sn
}

// sum returns the total of the days ≤ day.
func (sn *snapshot) sum(fig, day int) int64 {
	s := sn.sums[fig]
	switch i := day - sn.lo; {
	case i < 0 || len(s) == 0:
		return 0
	case i >= len(s):
		return int64(s[len(s)-1])
	default:
		return int64(s[i])
	}
}

type index struct {
	figs      int
	n         int // deltas
	live      fenwick
	snaps     []snapshot // each with the deltas that follow it: the index never copies them
	lo, hi    int        // the days on which any delta falls
	seqs      []uint32   // log positions with a recording time, ascending
	known     []int64    // running maximum of recorded_at (unix ns) at each of seqs
	lastSeq   uint64
	sinceSnap int
	past      *pastBlocks   // the deltas by band and day, for breakdowns in the past (see pastsums.go; under Projection.byMu)
	items     itemSummaries // for explain in the past (see itemsummary.go)
}

func newIndex() *index {
	n := len(domain.Figures())
	return &index{figs: n, live: newFenwick(n), snaps: []snapshot{{sums: make([][]int32, n)}}, lo: dayCount, hi: -1}
}

func (x *index) addDelta(dl delta) {
	last := &x.snaps[len(x.snaps)-1]
	if len(last.deltas) == cap(last.deltas) {
		// Doubled up to a snapshot's worth: append grows a large slice by a quarter, copying
		// the deltas some five times over by the end of a national rebuild.
		more := min(max(len(last.deltas), 1024), snapshotEvery-len(last.deltas))
		last.deltas = slices.Grow(last.deltas, max(more, 1))
	}
	last.deltas = append(last.deltas, dl)
	x.n++
	x.live.add(int(dl.fig), int(dl.day), int32(dl.d))
	x.lo, x.hi = min(x.lo, int(dl.day)), max(x.hi, int(dl.day))
	x.sinceSnap++
	if x.sinceSnap >= snapshotEvery {
		x.snaps = append(x.snaps, snapshotOf(x.live, x.n, x.lo, x.hi))
		x.sinceSnap = 0
	}
}

// reserveClock makes room for n more log positions, so that a long catch-up grows the clock
// once instead of many times.
func (x *index) reserveClock(n int) {
	x.seqs = slices.Grow(x.seqs, n)
	x.known = slices.Grow(x.known, n)
}

// snapAt returns the index of the last snapshot that folds in at most i deltas.
func (x *index) snapAt(i int) int {
	return sort.Search(len(x.snaps), func(j int) bool { return x.snaps[j].upto > i }) - 1
}

// delta returns the i-th delta.
func (x *index) delta(i int) delta {
	sn := &x.snaps[x.snapAt(i)]
	return sn.deltas[i-sn.upto]
}

// each calls fn for the deltas a ≤ i < b in order.
func (x *index) each(a, b int, fn func(delta)) {
	for j := x.snapAt(a); a < b; j++ {
		sn := &x.snaps[j]
		for _, d := range sn.deltas[a-sn.upto : min(b-sn.upto, len(sn.deltas))] {
			fn(d)
		}
		a = sn.upto + len(sn.deltas)
	}
}

// addClockNS records the running maximum of recorded times (unix ns) at log position seq.
func (x *index) addClockNS(seq uint64, knownNS int64) {
	x.seqs = append(x.seqs, uint32(seq))
	x.known = append(x.known, knownNS)
	if seq > x.lastSeq {
		x.lastSeq = seq
	}
}

// position returns the last log position known at k (0 when nothing was known yet).
func (x *index) position(k time.Time) uint64 {
	if k.IsZero() {
		return x.lastSeq
	}
	kn := k.UnixNano()
	i := sort.Search(len(x.known), func(i int) bool { return x.known[i] > kn })
	if i == 0 {
		return 0
	}
	return uint64(x.seqs[i-1])
}

// upto returns how many deltas have seq ≤ s.
func (x *index) upto(s uint64) int {
	return sort.Search(x.n, func(i int) bool { return uint64(x.delta(i).seq) > s })
}

// counter answers sums as known at log position s: from the live tree, or from the nearest
// snapshot and the deltas between it and s (added, or taken away when the snapshot follows s).
type counter struct {
	x    *index
	tree fenwick   // known now
	snap *snapshot // else
	tail []delta   // deltas between the snapshot and s
	sign int64     // +1: the tail follows the snapshot; −1: it precedes it
}

func (x *index) at(s uint64) counter {
	if s >= x.lastSeq {
		return counter{x: x, tree: x.live}
	}
	n := x.upto(s)
	j := x.snapAt(n)
	sn := &x.snaps[j]
	if j+1 < len(x.snaps) && x.snaps[j+1].upto-n < n-sn.upto {
		return counter{x: x, snap: &x.snaps[j+1], tail: sn.deltas[n-sn.upto:], sign: -1}
	}
	return counter{x: x, snap: sn, tail: sn.deltas[:n-sn.upto], sign: 1}
}

// sum returns the count of figure fig over the days ≤ day.
func (c counter) sum(fig, day int) int64 {
	if c.snap == nil {
		return c.tree.sum(fig, day)
	}
	s := c.snap.sum(fig, day)
	for _, d := range c.tail {
		if int(d.fig) == fig && int(d.day) <= day {
			s += c.sign * int64(d.d)
		}
	}
	return s
}

// value answers a figure for a query: the stock on D, or for a flow the items that came to be in
// [from, D].
func (c counter) value(fig int, kind domain.FigureKind, q domain.Query) int64 {
	if kind == domain.Flow && q.AsOf < q.PeriodStart() {
		return 0 // an empty period
	}
	v := c.sum(fig, dayIndex(q.AsOf))
	if kind == domain.Flow {
		v -= c.sum(fig, dayIndex(q.PeriodStart())-1)
	}
	return v
}

// values answers every figure for a query, as value does each: as known at a past position, one
// pass over the deltas after the snapshot for all the figures instead of one per figure.
func (c counter) values(q domain.Query) []int64 {
	out := make([]int64, len(figures))
	if c.snap == nil {
		for i, f := range figures {
			out[i] = c.value(i, f.Kind, q)
		}
		return out
	}
	day, before := dayIndex(q.AsOf), dayIndex(q.PeriodStart())-1
	flow := make([]bool, len(figures))
	for i, f := range figures {
		flow[i] = f.Kind == domain.Flow
		out[i] = c.snap.sum(i, day)
		if flow[i] {
			out[i] -= c.snap.sum(i, before)
		}
	}
	for _, d := range c.tail {
		if int(d.day) <= day {
			out[d.fig] += c.sign * int64(d.d)
		}
		if flow[d.fig] && int(d.day) <= before {
			out[d.fig] -= c.sign * int64(d.d)
		}
	}
	if q.AsOf < q.PeriodStart() {
		for i := range out {
			if flow[i] {
				out[i] = 0 // an empty period
			}
		}
	}
	return out
}

// figureTree returns a private Fenwick tree of one figure as known at s, for many reads (timelines).
func (c counter) figureTree(fig int) []int32 {
	if c.snap == nil {
		return append([]int32(nil), c.tree[fig]...)
	}
	one := fenwick{make([]int32, dayCount+1)}
	sums := c.snap.sums[fig]
	for d := range sums {
		v := sums[d]
		if d > 0 {
			v -= sums[d-1]
		}
		if v != 0 {
			one.add(0, c.snap.lo+d, v)
		}
	}
	for _, d := range c.tail {
		if int(d.fig) == fig {
			one.add(0, int(d.day), int32(c.sign)*int32(d.d))
		}
	}
	return one[0]
}
