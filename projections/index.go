package projections

import (
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// The in-memory index answers counts for any day D as known at any log position S.
//
// Every change of a figure is a delta: at log position seq, figure f gains (or loses) one item
// from day d onwards. The count of f on day D as known at S is the sum of the deltas with
// seq ≤ S and day ≤ D. Known now, a Fenwick tree over days per figure gives it in O(log days).
// For a past S, the index keeps snapshots of those trees every snapshotEvery deltas and adds the
// few deltas between the snapshot and S. The deltas live in bbolt; this index is rebuilt from
// them when the projection opens.

// Days are counted from dayBase; dates outside [dayBase, dayBase+dayCount) are clamped.
var dayBase = domain.MustDate(2000, 1, 1)

const (
	dayCount      = 1 << 15 // 2000-01-01 … 2089
	snapshotEvery = 1 << 17
)

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

// delta is one change of a figure: 8 bytes, so a million events fit in a few megabytes.
type delta struct {
	seq uint32
	day uint16
	fig uint8
	d   int8
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

func (f fenwick) clone() fenwick {
	c := make(fenwick, len(f))
	for i := range f {
		c[i] = append([]int32(nil), f[i]...)
	}
	return c
}

type snapshot struct {
	upto int // number of deltas folded in (deltas[:upto])
	tree fenwick
}

type index struct {
	figs      int
	deltas    []delta
	live      fenwick
	snaps     []snapshot
	seqs      []uint32 // log positions with a recording time, ascending
	known     []int64  // running maximum of recorded_at (unix ns) at each of seqs
	lastSeq   uint64
	sinceSnap int
}

func newIndex() *index {
	n := len(domain.Figures())
	return &index{figs: n, live: newFenwick(n), snaps: []snapshot{{upto: 0, tree: newFenwick(n)}}}
}

func (x *index) addDelta(dl delta) {
	x.deltas = append(x.deltas, dl)
	x.live.add(int(dl.fig), int(dl.day), int32(dl.d))
	x.sinceSnap++
	if x.sinceSnap >= snapshotEvery {
		x.snaps = append(x.snaps, snapshot{upto: len(x.deltas), tree: x.live.clone()})
		x.sinceSnap = 0
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
	return sort.Search(len(x.deltas), func(i int) bool { return uint64(x.deltas[i].seq) > s })
}

// counter answers sums as known at log position s.
type counter struct {
	x    *index
	tree fenwick
	tail []delta // deltas after the snapshot, up to s
}

func (x *index) at(s uint64) counter {
	if s >= x.lastSeq {
		return counter{x: x, tree: x.live}
	}
	n := x.upto(s)
	i := sort.Search(len(x.snaps), func(i int) bool { return x.snaps[i].upto > n }) - 1
	sn := x.snaps[i]
	return counter{x: x, tree: sn.tree, tail: x.deltas[sn.upto:n]}
}

// sum returns the count of figure fig over the days ≤ day.
func (c counter) sum(fig, day int) int64 {
	s := c.tree.sum(fig, day)
	for _, d := range c.tail {
		if int(d.fig) == fig && int(d.day) <= day {
			s += int64(d.d)
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

// figureTree returns a private Fenwick tree of one figure as known at s, for many reads (timelines).
func (c counter) figureTree(fig int) []int32 {
	t := append([]int32(nil), c.tree[fig]...)
	one := fenwick{t}
	for _, d := range c.tail {
		if int(d.fig) == fig {
			one.add(0, int(d.day), int32(d.d))
		}
	}
	return t
}
