package projections

import (
	"math"
	"slices"
	"sort"
)

// A breakdown as known at a past position n sums the deltas before n whose day is on or before
// the day asked: a corner of the plane (log position × day). Known now, a valuation's series
// read it by day alone; in the past, summing every delta before n (or taking every one after it
// away) costs a scan of up to half the log. The past sums index that corner instead.
//
// The deltas are cut, in log order, into blocks of pastBlock, and each block into bands by
// their lag — how many days the delta's day lies after the day its entry was recorded (an
// expiry three years ahead, a late recording years behind, most within days of it). Within a
// block a band's deltas are kept by day: most of a band lies wholly on or before the day asked
// (counted from its valuation's running sums by block, one read per run of such blocks), or
// wholly after it (left out); only the bands whose days straddle the day asked are read delta
// by delta, from whichever end is shorter. The bands' bounds are chosen from the lags of the
// deltas so that the dense ones are narrow, so few blocks straddle. Which deltas a band or a
// block holds changes how much is read, never the sum.

// pastBlock is how many deltas a block of the past sums holds; pastBudget bounds the memory of
// a valuation's running sums (bytes), blocks being merged for a dimension with many values
// (variables so that tests can take small ones).
var (
	pastBlock  = 4096 // < 1<<16
	pastBudget = 24 << 20
)

const pastBandsMax = 12

// pastBlocks are the blocks of the index's deltas by band and day, shared by the valuations.
type pastBlocks struct {
	size   int     // deltas a block
	upper  []int32 // band k holds the lags ≤ upper[k] (and > upper[k-1])
	blocks []pastBlockIndex
}

type pastBlockIndex struct {
	first int      // the number of the block's first delta
	order []uint16 // its deltas (numbers after the first), by band, then day
	days  []uint16 // their days
	start []uint16 // band k: order[start[k]:start[k+1]]
}

// deltaAt returns the i-th delta: in the snapshot i falls in when every snapshot holds the same
// number of deltas (as the index takes them), else the one snapAt finds.
func (x *index) deltaAt(i int) delta {
	if len(x.snaps) == 1 {
		return x.snaps[0].deltas[i]
	}
	j := min(i/x.snaps[1].upto, len(x.snaps)-1)
	if x.snaps[j].upto > i || j+1 < len(x.snaps) && x.snaps[j+1].upto <= i {
		j = x.snapAt(i)
	}
	sn := &x.snaps[j]
	return sn.deltas[i-sn.upto]
}

// recordingDays calls fn for the deltas a ≤ i < b with the day on which their entry was
// recorded (the clock's running maximum at their position).
func (x *index) recordingDays(a, b int, fn func(i int, d delta, recorded int)) {
	const unixDayOfBase = 10957 // 2000-01-01
	j := -1                     // the clock's positions up to the delta's
	i := a
	x.each(a, b, func(d delta) {
		if j < 0 {
			j = sort.Search(len(x.seqs), func(k int) bool { return x.seqs[k] > d.seq })
		}
		for j < len(x.seqs) && x.seqs[j] <= d.seq {
			j++
		}
		r := 0
		if j > 0 {
			r = int(x.known[j-1]/(24*3600*1e9)) - unixDayOfBase
		}
		fn(i, d, r)
		i++
	})
}

// bandsOf chooses the bands' upper bounds from the lags of the deltas a ≤ i < b: at most
// pastBandsMax contiguous ranges of lags that keep small the sum over the bands of the deltas
// they hold times the days they span (what a straddled band costs), by dynamic programming
// over the lags in steps of 8 days.
func (x *index) bandsOf(a, b int) []int32 {
	const step, lim = 8, 4096 // lags beyond ±lim fall in the first or last step
	const n = 2*lim/step + 2
	var hist [n]int64
	x.recordingDays(a, b, func(_ int, d delta, r int) {
		lag := int(d.day) - r
		hist[min(max((lag+lim)/step+1, 0), n-1)]++
	})
	lo, hi := 0, n-1
	for lo < hi && hist[lo] == 0 {
		lo++
	}
	for hi > lo && hist[hi] == 0 {
		hi--
	}
	m := hi - lo + 1
	pre := make([]int64, m+1)
	for i := range m {
		pre[i+1] = pre[i] + hist[lo+i]
	}
	cost := func(i, j int) float64 { // buckets i…j-1
		return float64(pre[j]-pre[i]) * float64((j-i)*step+16)
	}
	k := min(pastBandsMax, m)
	best := make([][]float64, k+1) // best[c][j]: the first j buckets in c bands
	from := make([][]int, k+1)
	for c := range best {
		best[c] = make([]float64, m+1)
		from[c] = make([]int, m+1)
		for j := range best[c] {
			best[c][j] = math.Inf(1)
		}
	}
	best[0][0] = 0
	for c := 1; c <= k; c++ {
		for j := 1; j <= m; j++ {
			for i := c - 1; i < j; i++ {
				if v := best[c-1][i] + cost(i, j); v < best[c][j] {
					best[c][j], from[c][j] = v, i
				}
			}
		}
	}
	var cuts []int // bucket ends
	for c, j := k, m; c > 0; c-- {
		cuts = append(cuts, j)
		j = from[c][j]
	}
	slices.Reverse(cuts)
	upper := make([]int32, 0, len(cuts))
	for _, j := range cuts[:len(cuts)-1] {
		// bucket lo+j-1 is the last in the band: lags up to its end
		upper = append(upper, int32((lo+j-1-1)*step-lim+step-1))
	}
	return append(upper, math.MaxInt32)
}

// pastIndex returns the blocks of the deltas before n (complete blocks only), extending them if
// need be.
func (x *index) pastIndex(n int) *pastBlocks {
	if x.past == nil {
		x.past = &pastBlocks{size: pastBlock, upper: x.bandsOf(0, x.n)}
	}
	pb := x.past
	keys := make([]uint64, 0, pb.size) // band, day and delta number, in that order of weight
	for (len(pb.blocks)+1)*pb.size <= n {
		a := len(pb.blocks) * pb.size
		bands := len(pb.upper)
		keys = keys[:0]
		x.recordingDays(a, a+pb.size, func(i int, d delta, r int) {
			lag := int32(max(min(int(d.day)-r, math.MaxInt32-1), math.MinInt32))
			k, _ := slices.BinarySearch(pb.upper, lag)
			keys = append(keys, uint64(k)<<48|uint64(d.day)<<32|uint64(i))
		})
		slices.Sort(keys)
		bl := pastBlockIndex{first: a, order: make([]uint16, len(keys)), days: make([]uint16, len(keys)), start: make([]uint16, bands+1)}
		for i, key := range keys {
			bl.order[i], bl.days[i] = uint16(uint32(key)-uint32(a)), uint16(key>>32)
			bl.start[key>>48+1] = uint16(i + 1)
		}
		for k := 1; k <= bands; k++ {
			bl.start[k] = max(bl.start[k], bl.start[k-1])
		}
		pb.blocks = append(pb.blocks, bl)
	}
	return pb
}

// pastSums are a valuation's running sums of the past blocks by band: for each band and each
// boundary of its blocks (merges of per base blocks), the sum of the deltas of that band before
// it, for each figure the valuation splits and value.
type pastSums struct {
	per    int       // base blocks a block of the sums
	blocks int       // blocks of the sums
	off    []int     // figure → its first slot, −1 when the valuation does not split it
	values []int     // figure → the values it had when the sums were built
	slots  int       // slots a boundary
	sums   [][]int32 // band → boundary × slot
}

// pastFor returns the valuation's past sums over the complete blocks of the deltas its series
// hold: built when first asked, and extended by the blocks that followed as long as no figure
// gained a value (else built again).
func (v *valuation) pastFor(x *index, t *facetTables) *pastSums {
	pb := x.pastIndex(v.built)
	if ps := v.past; ps != nil {
		for f := range figures {
			if ps.off[f] >= 0 && len(v.series[f]) != ps.values[f] {
				v.past = nil
				break
			}
		}
	}
	if v.past == nil {
		ps := &pastSums{off: make([]int, len(figures)), values: make([]int, len(figures))}
		for f := range figures {
			ps.off[f] = -1
			if v.figs[f] && f < len(v.series) {
				ps.off[f], ps.values[f] = ps.slots, len(v.series[f])
				ps.slots += len(v.series[f])
			}
		}
		ps.per = 1
		for len(pb.upper)*(len(pb.blocks)/ps.per+1)*max(ps.slots, 1)*4 > pastBudget && ps.per < len(pb.blocks) {
			ps.per *= 2
		}
		ps.sums = make([][]int32, len(pb.upper))
		for k := range ps.sums {
			ps.sums[k] = make([]int32, ps.slots)
		}
		v.past = ps
	}
	ps := v.past
	for ; (ps.blocks+1)*ps.per <= min(len(pb.blocks), v.built/pb.size); ps.blocks++ {
		c := ps.blocks
		for k := range ps.sums {
			ps.sums[k] = append(ps.sums[k], ps.sums[k][c*ps.slots:(c+1)*ps.slots]...)
			row := ps.sums[k][(c+1)*ps.slots:]
			for b := c * ps.per; b < (c+1)*ps.per; b++ {
				bl := &pb.blocks[b]
				for _, i := range bl.order[bl.start[k]:bl.start[k+1]] {
					d := x.deltaAt(bl.first + int(i))
					if ps.off[d.fig] >= 0 {
						row[ps.off[d.fig]+int(v.value(t, d))] += int32(d.d)
					}
				}
			}
		}
	}
	return ps
}

// sumsUpTo adds to out, for each figure the valuation splits and value, the sum of the deltas
// before the n-th with a day ≤ day.
func (v *valuation) sumsUpTo(x *index, t *facetTables, n, day int, out [][]int64) {
	add := func(d delta, sign int64) {
		if !v.figs[d.fig] || int(d.day) > day {
			return
		}
		k := v.value(t, d)
		for len(out[d.fig]) <= int(k) {
			out[d.fig] = append(out[d.fig], 0)
		}
		out[d.fig][k] += sign * int64(d.d)
	}
	ps := v.pastFor(x, t)
	pb := x.past
	size := ps.per * pb.size
	full := min(n/size, ps.blocks)
	// The deltas between the last block boundary and n, or between n and the next one.
	if a := full * size; full < ps.blocks && (full+1)*size-n < n-a {
		full++
		x.each(n, full*size, func(d delta) { add(d, -1) })
	} else {
		x.each(a, n, func(d delta) { add(d, 1) })
	}
	for f := range out {
		if ps.off[f] >= 0 {
			for len(out[f]) < ps.values[f] {
				out[f] = append(out[f], 0)
			}
		}
	}
	for k := range pb.upper {
		run := -1 // the first block of the run of blocks counted whole, if any
		closeRun := func(c int) {
			if run < 0 {
				return
			}
			hi, lo := ps.sums[k][c*ps.slots:(c+1)*ps.slots], ps.sums[k][run*ps.slots:(run+1)*ps.slots]
			for f, o := range ps.off {
				if o >= 0 {
					for val := range ps.values[f] {
						out[f][val] += int64(hi[o+val] - lo[o+val])
					}
				}
			}
			run = -1
		}
		for c := range full {
			bs := pb.blocks[c*ps.per : (c+1)*ps.per]
			before, after := 0, 0 // the deltas of the band on or before the day, after it
			for b := range bs {
				days := bs[b].days[bs[b].start[k]:bs[b].start[k+1]]
				switch {
				case len(days) == 0:
				case int(days[0]) > day:
					after += len(days)
				case int(days[len(days)-1]) <= day:
					before += len(days)
				default:
					i, _ := slices.BinarySearch(days, uint16(day+1))
					before, after = before+i, after+len(days)-i
				}
			}
			switch {
			case before == 0:
				closeRun(c)
			case after == 0:
				if run < 0 {
					run = c
				}
			case before <= after:
				closeRun(c)
				for b := range bs {
					bl := &bs[b]
					for _, i := range bl.order[bl.start[k]:bl.start[k+1]] {
						if d := x.deltaAt(bl.first + int(i)); int(d.day) <= day {
							add(d, 1)
						} else {
							break
						}
					}
				}
			default: // whole, less what lies after the day
				if run < 0 {
					run = c
				}
				for b := range bs {
					bl := &bs[b]
					order := bl.order[bl.start[k]:bl.start[k+1]]
					for j := len(order) - 1; j >= 0; j-- {
						d := x.deltaAt(bl.first + int(order[j]))
						if int(d.day) <= day {
							break
						}
						v.subtractWhole(t, d, ps, out)
					}
				}
			}
		}
		closeRun(full)
	}
}

// subtractWhole takes away from out a delta that a run of whole blocks counts but that lies
// after the day asked.
func (v *valuation) subtractWhole(t *facetTables, d delta, ps *pastSums, out [][]int64) {
	if ps.off[d.fig] < 0 {
		return
	}
	out[d.fig][v.value(t, d)] -= int64(d.d)
}
