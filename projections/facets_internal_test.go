package projections

import (
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// synthAttrs are the attributes of every contribution of the synthetic national ledger of about
// n entries, as its streams' folds give them.
func synthAttrs(n int) []domain.Attrs {
	byStream := map[string][]domain.Recorded{}
	var streams []string
	for _, r := range synthRecorded(n) {
		if byStream[r.Stream] == nil {
			streams = append(streams, r.Stream)
		}
		byStream[r.Stream] = append(byStream[r.Stream], r)
	}
	var out []domain.Attrs
	for _, s := range streams {
		for _, c := range domain.Refold(s, byStream[s]).Contributions() {
			out = append(out, c.Attrs)
		}
	}
	return out
}

// The facets of the national ledger's attributes are numbered once each, in the order they come,
// the same IDs whether a batch or the committed tables know them.
func TestFacetOfNumbersOnce(t *testing.T) {
	attrs := synthAttrs(5000)
	ft := newFacetTables()
	places, tags := map[domain.Address]uint32{}, map[domain.Attrs]uint32{}
	for i, a := range attrs {
		var b batch
		p1, t1 := b.facetOf(ft, a)
		if p2, t2 := b.facetOf(ft, a); p2 != p1 || t2 != t1 {
			t.Fatalf("attributes %d: facets %d, %d then %d, %d in one batch", i, p1, t1, p2, t2)
		}
		ft.add(b.facets)
		var c batch
		if p2, t2 := c.facetOf(ft, a); p2 != p1 || t2 != t1 || len(c.facets.places)+len(c.facets.tags) > 0 {
			t.Fatalf("attributes %d: facets %d, %d, then %d, %d once committed", i, p1, t1, p2, t2)
		}
		if id, ok := places[facetPlace(a)]; ok && id != p1 || !ok && int(p1) != len(places)+1 {
			t.Fatalf("attributes %d: place %d, want %d of %d", i, p1, id, len(places))
		}
		if id, ok := tags[facetTags(a)]; ok && id != t1 || !ok && int(t1) != len(tags)+1 {
			t.Fatalf("attributes %d: tags %d, want %d of %d", i, t1, id, len(tags))
		}
		places[facetPlace(a)], tags[facetTags(a)] = p1, t1
		if ft.places[p1-1] != facetPlace(a) || ft.tags[t1-1] != facetTags(a) {
			t.Fatalf("attributes %d: facets %d, %d hold %+v, %+v", i, p1, t1, ft.places[p1-1], ft.tags[t1-1])
		}
	}
	if len(places) < 20 || len(tags) < 20 {
		t.Fatalf("%d places and %d tags: the ledger does not test the tables", len(places), len(tags))
	}
}

// BenchmarkFacetOf looks up the facets of the national ledger's attributes, all known (as most
// are during a rebuild).
func BenchmarkFacetOf(b *testing.B) {
	attrs := synthAttrs(20000)
	ft := newFacetTables()
	for _, a := range attrs {
		var bt batch
		bt.facetOf(ft, a)
		ft.add(bt.facets)
	}
	var bt batch
	b.ResetTimer()
	cpu := cpuTime()
	for i := range b.N {
		bt.facetOf(ft, attrs[i%len(attrs)])
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}
