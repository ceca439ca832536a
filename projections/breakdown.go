package projections

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// A breakdown sums the deltas of each figure by the value their place and tags take in the
// dimension (see facets.go). That value depends on the language and, for the dimensions of
// places, on the mapping of administrative units as known at the position asked; a valuation
// is the breakdown index of one dimension, language and mapping, built when first asked and
// kept while asked (byCacheMax of them).
//
// Known now, a valuation reads, for each figure and value, the running sum of its deltas by day
// (daySeries: a binary search) and the deltas the log added since it was built. Known at a past
// position, it sums the deltas up to that position or takes those after it away from the sums
// known now, whichever is fewer.

// byCacheMax is how many valuations a projection keeps.
const byCacheMax = 24

// seriesStale is how many deltas a valuation reads one by one after its series before it builds
// them again.
var seriesStale = 1 << 16

// daySeries is the running sum of a figure's deltas under one value, on the days they change it.
type daySeries struct {
	days []uint16
	sums []int32
}

// sum returns the total of the days ≤ day.
func (s *daySeries) sum(day int) int64 {
	i := sort.Search(len(s.days), func(i int) bool { return int(s.days[i]) > day })
	if i == 0 {
		return 0
	}
	return int64(s.sums[i-1])
}

type valuation struct {
	dim, lang, unitsKey string
	units               *domain.UnitMap
	readsPlace          bool // the value reads the place
	readsTags           bool // the value reads the tags

	values  []string
	valueOf map[string]int32
	byPlace []int32             // place ID → value number, when the value reads the place only
	byTags  []int32             // tags ID → value number, when it reads the tags only
	byBoth  map[[2]uint32]int32 // otherwise

	figs   []bool        // by figure: the dimension splits it and its deltas carry attributes
	built  int           // the deltas the series hold
	series [][]daySeries // figure → value → series
	past   *pastSums     // as known at past positions (see pastsums.go), built when first asked
}

// dimensionReads says which part of an item's attributes the value of a dimension reads; a
// dimension not listed reads both (always right, only slower to value). A test holds it true.
func dimensionReads(dim string) (place, tags bool) {
	switch dim {
	case domain.DimFormerProvince, domain.DimCommune:
		return true, false
	case domain.DimStars, domain.DimSector, domain.DimProductSet, domain.DimProducerKind, domain.DimAuthority,
		domain.DimLevel, domain.DimFunding, domain.DimSiteType, domain.DimEventKind, domain.DimPlatform:
		return false, true
	}
	return true, true
}

func newValuation(dim, lang, unitsKey string, units *domain.UnitMap) *valuation {
	v := &valuation{dim: dim, lang: lang, unitsKey: unitsKey, units: units, valueOf: map[string]int32{},
		byBoth: map[[2]uint32]int32{}, figs: make([]bool, len(figures))}
	v.readsPlace, v.readsTags = dimensionReads(dim)
	for i, f := range figures {
		v.figs[i] = slices.Contains(f.Dims, dim) && !f.Shared
	}
	return v
}

// value returns the value number of a delta's place and tags.
func (v *valuation) value(t *facetTables, d delta) int32 {
	switch {
	case v.readsPlace && !v.readsTags:
		if int(d.place) < len(v.byPlace) && v.byPlace[d.place] >= 0 {
			return v.byPlace[d.place]
		}
		n := v.number(t.attrs(d.place, 0))
		for len(v.byPlace) <= int(d.place) {
			v.byPlace = append(v.byPlace, -1)
		}
		v.byPlace[d.place] = n
		return n
	case v.readsTags && !v.readsPlace:
		if int(d.tags) < len(v.byTags) && v.byTags[d.tags] >= 0 {
			return v.byTags[d.tags]
		}
		n := v.number(t.attrs(0, d.tags))
		for len(v.byTags) <= int(d.tags) {
			v.byTags = append(v.byTags, -1)
		}
		v.byTags[d.tags] = n
		return n
	}
	k := [2]uint32{d.place, d.tags}
	if n, ok := v.byBoth[k]; ok {
		return n
	}
	n := v.number(t.attrs(d.place, d.tags))
	v.byBoth[k] = n
	return n
}

func (v *valuation) number(a domain.Attrs) int32 {
	s := v.units.Dimension(v.dim, a, v.lang)
	n, ok := v.valueOf[s]
	if !ok {
		n = int32(len(v.values))
		v.values = append(v.values, s)
		v.valueOf[s] = n
	}
	return n
}

// build sums the index's deltas into series.
func (v *valuation) build(x *index, t *facetTables) {
	type entry struct {
		day uint16
		d   int8
	}
	per := make([][][]entry, len(figures))
	x.each(0, x.n, func(d delta) {
		if !v.figs[d.fig] {
			return
		}
		k := v.value(t, d)
		for len(per[d.fig]) <= int(k) {
			per[d.fig] = append(per[d.fig], nil)
		}
		per[d.fig][k] = append(per[d.fig][k], entry{d.day, d.d})
	})
	v.series = make([][]daySeries, len(figures))
	for f, vals := range per {
		v.series[f] = make([]daySeries, len(vals))
		for k, es := range vals {
			slices.SortFunc(es, func(a, b entry) int { return int(a.day) - int(b.day) })
			s := &v.series[f][k]
			var sum int32
			for i, e := range es {
				sum += int32(e.d)
				if i+1 < len(es) && es[i+1].day == e.day {
					continue
				}
				s.days, s.sums = append(s.days, e.day), append(s.sums, sum)
			}
		}
	}
	v.built = x.n
}

// counts returns, for each figure the valuation splits, its count under each value number for q
// as known at position s.
func (v *valuation) counts(x *index, t *facetTables, s uint64, q domain.Query) [][]int64 {
	if x.n-v.built > seriesStale {
		v.build(x, t)
	}
	day, before := dayIndex(q.AsOf), dayIndex(q.PeriodStart())-1
	out := make([][]int64, len(figures))
	add := func(d delta, sign int64) {
		if !v.figs[d.fig] {
			return
		}
		c := int64(0)
		if int(d.day) <= day {
			c += int64(d.d)
		}
		if figures[d.fig].Kind == domain.Flow && int(d.day) <= before {
			c -= int64(d.d)
		}
		if c == 0 {
			return
		}
		k := v.value(t, d)
		for len(out[d.fig]) <= int(k) {
			out[d.fig] = append(out[d.fig], 0)
		}
		out[d.fig][k] += sign * c
	}
	n := x.n
	if s < x.lastSeq {
		n = x.upto(s)
	}
	if n < x.n {
		v.sumsUpTo(x, t, n, day, out)
		if before >= 0 {
			prev := make([][]int64, len(figures))
			v.sumsUpTo(x, t, n, before, prev)
			for f, vals := range prev {
				if figures[f].Kind == domain.Flow {
					for k, c := range vals {
						for len(out[f]) <= k {
							out[f] = append(out[f], 0)
						}
						out[f][k] -= c
					}
				}
			}
		}
		return out
	}
	for f, vals := range v.series {
		if !v.figs[f] {
			continue
		}
		out[f] = make([]int64, len(vals))
		for k := range vals {
			c := vals[k].sum(day)
			if figures[f].Kind == domain.Flow {
				c -= vals[k].sum(before)
			}
			out[f][k] = c
		}
	}
	x.each(v.built, x.n, func(d delta) { add(d, 1) })
	x.each(n, x.n, func(d delta) { add(d, -1) })
	return out
}

// valuationFor returns the valuation of dim in lang under the units known at position s (built
// if need be, and kept). The caller holds byMu and mu for reading.
func (p *Projection) valuationFor(dim, lang string, units *domain.UnitMap, unitsKey string) *valuation {
	for i, v := range p.byCache {
		if v.dim == dim && v.lang == lang && v.unitsKey == unitsKey {
			p.byCache = append(slices.Delete(p.byCache, i, i+1), v) // the latest last
			return v
		}
	}
	v := newValuation(dim, lang, unitsKey, units)
	v.build(p.idx, p.facets)
	if len(p.byCache) >= byCacheMax {
		p.byCache = slices.Delete(p.byCache, 0, 1)
	}
	p.byCache = append(p.byCache, v)
	return v
}

// Breakdown splits figures by a dimension: figure → value → count. Figures the dimension does not
// apply to are left out. It reads the breakdown index (see valuation), and the rows for the
// figures whose items several streams share.
func (p *Projection) Breakdown(ctx context.Context, q domain.Query, dim, lang string) (map[string]map[string]int64, error) {
	if !validDim(dim) {
		return nil, domain.Invalid("by", "%q is not a dimension; give one of %s", dim, strings.Join(domain.Dimensions(), ", "))
	}
	if err := p.indexesReady(); err != nil {
		return nil, err
	}
	q, s := p.resolve(q)
	var units *domain.UnitMap
	var unitsKey string
	err := p.db.View(func(tx *bolt.Tx) error {
		var err error
		units, unitsKey, err = p.unitsAt(tx, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int64{}
	var shared []domain.Figure
	p.byMu.Lock()
	p.mu.RLock()
	v := p.valuationFor(dim, lang, units, unitsKey)
	counts := v.counts(p.idx, p.facets, s, q)
	p.mu.RUnlock()
	for i, f := range figures {
		if !slices.Contains(f.Dims, dim) {
			continue
		}
		if f.Shared {
			shared = append(shared, f)
			continue
		}
		m := map[string]int64{}
		if !(f.Kind == domain.Flow && q.AsOf < q.PeriodStart()) { // an empty period
			for k, c := range counts[i] {
				if c != 0 {
					m[v.values[k]] = c
				}
			}
		}
		out[f.ID] = m
	}
	p.byMu.Unlock()
	if len(shared) > 0 {
		err := p.db.View(func(tx *bolt.Tx) error {
			return p.breakdownRows(ctx, tx, q, s, dim, lang, units, shared, out)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, ctx.Err()
}

// BreakdownRows is Breakdown read from the rows, item by item, as it was before the breakdown
// index: the reference the index is checked against, and a measure of what the index saves.
func (p *Projection) BreakdownRows(ctx context.Context, q domain.Query, dim, lang string) (map[string]map[string]int64, error) {
	if !validDim(dim) {
		return nil, domain.Invalid("by", "%q is not a dimension; give one of %s", dim, strings.Join(domain.Dimensions(), ", "))
	}
	if err := p.indexesReady(); err != nil {
		return nil, err
	}
	q, s := p.resolve(q)
	out := map[string]map[string]int64{}
	err := p.db.View(func(tx *bolt.Tx) error {
		units, _, err := p.unitsAt(tx, s)
		if err != nil {
			return err
		}
		var figs []domain.Figure
		for _, f := range figures {
			if slices.Contains(f.Dims, dim) {
				figs = append(figs, f)
			}
		}
		return p.breakdownRows(ctx, tx, q, s, dim, lang, units, figs, out)
	})
	return out, err
}

// breakdownRows splits figs by dim from the rows known at s into out.
func (p *Projection) breakdownRows(ctx context.Context, tx *bolt.Tx, q domain.Query, s uint64, dim, lang string, units *domain.UnitMap, figs []domain.Figure, out map[string]map[string]int64) error {
	for _, f := range figs {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := p.counting(tx, f.ID, q, s)
		if err != nil {
			return err
		}
		m := map[string]int64{}
		for _, r := range rows {
			m[units.Dimension(dim, r.Attrs, lang)]++
		}
		out[f.ID] = m
	}
	return ctx.Err()
}

// unitsAt returns the administrative mapping as known at position s, and a key that names it:
// the positions of the events of the administrative streams up to s.
func (p *Projection) unitsAt(tx *bolt.Tx, s uint64) (*domain.UnitMap, string, error) {
	m := domain.NewUnitMap()
	var key []byte
	prefix := []byte(domain.KindAdmin + ".")
	c := tx.Bucket(bStreams).Cursor()
	for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
		idx, err := decodeStreamIndex(v)
		if err != nil {
			return nil, "", err
		}
		all, err := history(tx, idx.seqs)
		if err != nil {
			return nil, "", err
		}
		var hist []domain.Recorded
		for _, r := range all {
			if r.Sequence <= s {
				hist = append(hist, r)
				key = strconv.AppendUint(append(key, ' '), r.Sequence, 10)
			}
		}
		for _, r := range domain.Effective(hist) {
			if u, ok := r.Event.(domain.UnitsMerged); ok {
				m.Add(u)
			}
		}
	}
	return m, string(key), nil
}
