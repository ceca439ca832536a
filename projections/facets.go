package projections

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// Breakdowns are indexed as the figures are: every delta also says under which attributes the
// item counts from its day on — its place (an interned Address) and its tags (the other
// attributes a dimension reads, interned together) — so that a breakdown by any dimension sums
// the deltas by the dimension's value of those, as known at any position (see valuation).
//
// An item counts on a day under the attributes of the contribution domain.Counts picks on that
// day (the latest From, then the greatest event ID, among those covering it); the writer turns
// each change of that choice, day by day, into deltas: −1 under the old attributes, +1 under the
// new. Summed over the attributes they are the figure's deltas, so the totals read them as before.
// Items several streams share (Figure.Shared) have no attributes in their deltas (place and tags
// 0): their breakdowns are read from the rows.

// facetTables interns the places and tags of the deltas. The applier adds to them; queries read
// them under Projection.mu.
type facetTables struct {
	places []domain.Address // id-1 → place
	tags   []domain.Attrs   // id-1 → tags
	// the applier's lookups (never read by queries), by placeKey and tagsKey
	placeIDs map[string]uint32
	tagIDs   map[string]uint32
}

func newFacetTables() *facetTables {
	return &facetTables{placeIDs: map[string]uint32{}, tagIDs: map[string]uint32{}}
}

// placeKey appends the encoding of a place (its commune, district and province), which is its
// key among the places and its value in the facets bucket.
func placeKey(b []byte, a domain.Address) []byte {
	return appendStrings(b, a.Commune, a.District, a.Province)
}

// tagsKey appends the encoding of an item's tags (facetTags), which is their key among the tags
// and their value in the facets bucket.
func tagsKey(b []byte, a domain.Attrs) []byte {
	b = binary.AppendUvarint(b, uint64(a.Stars))
	return appendStrings(b, string(a.ProducerKind), string(a.ProductSet), string(a.Authority), string(a.Level),
		string(a.Funding), string(a.SiteType), string(a.EventKind), string(a.Platform))
}

// facetPlace is the part of an item's attributes a dimension of places reads.
func facetPlace(a domain.Attrs) domain.Address {
	return domain.Address{Commune: a.Address.Commune, District: a.Address.District, Province: a.Address.Province}
}

// facetTags is the part of an item's attributes the other dimensions read: what names, dates or
// marks the item alone (name, producer, decision, address, flags) left out.
func facetTags(a domain.Attrs) domain.Attrs {
	return domain.Attrs{ProducerKind: a.ProducerKind, ProductSet: a.ProductSet, Stars: a.Stars, Authority: a.Authority,
		Level: a.Level, Funding: a.Funding, SiteType: a.SiteType, EventKind: a.EventKind, Platform: a.Platform}
}

// facetAttrs gives back the attributes a dimension's value reads from a place and tags.
func (t *facetTables) attrs(place, tags uint32) domain.Attrs {
	var a domain.Attrs
	if tags > 0 {
		a = t.tags[tags-1]
	}
	if place > 0 {
		a.Address = t.places[place-1]
	}
	return a
}

// newFacets are the places and tags a batch adds to the tables, with their IDs.
type newFacets struct {
	places   []domain.Address
	tags     []domain.Attrs
	placeIDs map[string]uint32
	tagIDs   map[string]uint32
	key      []byte // facetOf's scratch
}

// facetOf returns the place and tags IDs of a contribution's attributes, interning new ones in
// the batch (the tables take them when it commits). They are looked up by their encoding, one
// string hashed each, rather than by the structs (fourteen strings hashed for the tags).
func (b *batch) facetOf(t *facetTables, a domain.Attrs) (place, tags uint32) {
	n := &b.facets
	n.key = placeKey(n.key[:0], a.Address)
	place = intern(t.placeIDs, len(t.places), &n.placeIDs, &n.places, n.key, a, facetPlace)
	n.key = tagsKey(n.key[:0], a)
	return place, intern(t.tagIDs, len(t.tags), &n.tagIDs, &n.tags, n.key, a, facetTags)
}

// intern returns the ID of the facet of a whose encoding is key: the committed tables' (committed,
// of size have), else the batch's (ids), else a new one the batch adds (of(a) to added, its key
// to ids), numbered after all of those.
func intern[K any](committed map[string]uint32, have int, ids *map[string]uint32, added *[]K, key []byte, a domain.Attrs, of func(domain.Attrs) K) uint32 {
	if id, ok := committed[string(key)]; ok {
		return id
	}
	if id, ok := (*ids)[string(key)]; ok {
		return id
	}
	if *ids == nil {
		*ids = map[string]uint32{}
	}
	*added = append(*added, of(a))
	id := uint32(have + len(*added))
	(*ids)[string(key)] = id
	return id
}

// add takes a committed batch's new places and tags.
func (t *facetTables) add(n newFacets) {
	var key []byte
	for _, pl := range n.places {
		t.places = append(t.places, pl)
		key = placeKey(key[:0], pl)
		t.placeIDs[string(key)] = uint32(len(t.places))
	}
	for _, tg := range n.tags {
		t.tags = append(t.tags, tg)
		key = tagsKey(key[:0], tg)
		t.tagIDs[string(key)] = uint32(len(t.tags))
	}
}

// The facets bucket: 'p' id → a place, 't' id → tags, each as length-prefixed strings (and the
// stars), keyed in the order they were interned.
func putFacets(tx *bolt.Tx, t *facetTables, n newFacets) error {
	b := tx.Bucket(bFacets)
	b.FillPercent = 1
	for i, pl := range n.places {
		if err := b.Put(facetKey('p', len(t.places)+i+1), placeKey(nil, pl)); err != nil { // bbolt keeps it until the commit
			return err
		}
	}
	for i, tg := range n.tags {
		if err := b.Put(facetKey('t', len(t.tags)+i+1), tagsKey(nil, tg)); err != nil {
			return err
		}
	}
	return nil
}

func facetKey(kind byte, id int) []byte {
	return binary.BigEndian.AppendUint32([]byte{kind}, uint32(id))
}

func appendStrings(b []byte, ss ...string) []byte {
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func readStrings(b []byte, ss ...*string) ([]byte, error) {
	for _, s := range ss {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, fmt.Errorf("projections: malformed facet")
		}
		*s, b = string(b[k:k+int(n)]), b[k+int(n):]
	}
	return b, nil
}

// loadFacets reads the facets bucket into tables.
func loadFacets(tx *bolt.Tx) (*facetTables, error) {
	t := newFacetTables()
	err := tx.Bucket(bFacets).ForEach(func(k, v []byte) error {
		if len(k) != 5 {
			return fmt.Errorf("projections: malformed facet key %x", k)
		}
		switch k[0] {
		case 'p':
			var pl domain.Address
			if _, err := readStrings(v, &pl.Commune, &pl.District, &pl.Province); err != nil {
				return err
			}
			t.add(newFacets{places: []domain.Address{pl}})
		case 't':
			var tg domain.Attrs
			stars, n := binary.Uvarint(v)
			if n <= 0 {
				return fmt.Errorf("projections: malformed facet")
			}
			tg.Stars = domain.Stars(stars)
			var pk, ps, au, lv, fu, st, ek, pf string
			if _, err := readStrings(v[n:], &pk, &ps, &au, &lv, &fu, &st, &ek, &pf); err != nil {
				return err
			}
			tg.ProducerKind, tg.ProductSet, tg.Authority, tg.Level = domain.ProducerKind(pk), domain.ProductSet(ps), domain.Authority(au), domain.CNNTTBLevel(lv)
			tg.Funding, tg.SiteType, tg.EventKind, tg.Platform = domain.Funding(fu), domain.SiteType(st), domain.TradeEventKind(ek), domain.Platform(pf)
			t.add(newFacets{tags: []domain.Attrs{tg}})
		}
		return nil
	})
	return t, err
}

// fspan is a contribution's days with what decides which one an item counts under, and the
// attributes it counts under.
type fspan struct {
	from, until domain.Date
	event       string
	place, tags uint32
}

// facetChange is a change of the count under one place and tags from a day on.
type facetChange struct {
	day         int
	place, tags uint32
	v           int
}

// facetSeg is a run of days [a, b) on which an item counts under one place and tags.
type facetSeg struct {
	a, b        int
	place, tags uint32
}

// facetSegments appends to out the runs of days of the spans, each under the attributes of the
// span domain.Counts picks on those days; days are clamped to the index's range as edges does.
func facetSegments(out []facetSeg, spans []fspan) []facetSeg {
	type iv struct {
		a, b int
		s    *fspan
	}
	var buf [4]iv
	ivs := buf[:0]
	for i := range spans {
		s := &spans[i]
		a, b, ok := clampDays(s.from, s.until)
		if ok {
			ivs = append(ivs, iv{a, b, s})
		}
	}
	if len(ivs) == 1 {
		return append(out, facetSeg{ivs[0].a, ivs[0].b, ivs[0].s.place, ivs[0].s.tags})
	}
	var bounds []int
	for _, v := range ivs {
		bounds = append(bounds, v.a, v.b)
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	for i := 0; i+1 < len(bounds); i++ {
		x, y := bounds[i], bounds[i+1]
		var best *fspan
		for _, v := range ivs {
			if v.a <= x && x < v.b && (best == nil || v.s.from > best.from || v.s.from == best.from && v.s.event > best.event) {
				best = v.s
			}
		}
		if best == nil {
			continue
		}
		if n := len(out); n > 0 && out[n-1].b == x && out[n-1].place == best.place && out[n-1].tags == best.tags {
			out[n-1].b = y
			continue
		}
		out = append(out, facetSeg{x, y, best.place, best.tags})
	}
	return out
}

// clampDays turns a span into the days [a, b) of the index it covers (false: none).
func clampDays(from, until domain.Date) (a, b int, ok bool) {
	a, b = dayIndex(from), dayCount
	if until != domain.Forever {
		b = dayIndex(until)
		if until-dayBase >= dayCount {
			b = dayCount
		}
	}
	if from-dayBase < 0 && until != domain.Forever && until-dayBase <= 0 {
		return 0, 0, false
	}
	return a, b, b > a
}

// facetChanges appends to out the per-day, per-attributes changes that turn the counting of
// before into that of after.
func facetChanges(out []facetChange, before, after []fspan) []facetChange {
	var bb, ab [2]facetSeg
	start := len(out)
	for sign, spans := range [2][]fspan{before, after} {
		segs := facetSegments(bb[:0], spans)
		if sign == 1 {
			segs = facetSegments(ab[:0], spans)
		}
		v := 2*sign - 1
		for _, s := range segs {
			out = append(out, facetChange{s.a, s.place, s.tags, v})
			if s.b < dayCount {
				out = append(out, facetChange{s.b, s.place, s.tags, -v})
			}
		}
	}
	ch := out[start:]
	slices.SortFunc(ch, func(x, y facetChange) int {
		if x.day != y.day {
			return x.day - y.day
		}
		if x.place != y.place {
			return int(x.place) - int(y.place)
		}
		return int(x.tags) - int(y.tags)
	})
	n := start
	for i := start; i < len(out); {
		c := out[i]
		j := i + 1
		for ; j < len(out) && out[j].day == c.day && out[j].place == c.place && out[j].tags == c.tags; j++ {
			c.v += out[j].v
		}
		if c.v != 0 {
			out[n] = c
			n++
		}
		i = j
	}
	return out[:n]
}
