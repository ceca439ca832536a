package projections

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// fillAttrs sets every field of a (nested structs too) to a value of its own, so that a field the
// encoding forgets or swaps with another shows.
func fillAttrs(v reflect.Value, n *int) {
	for i := range v.NumField() {
		f := v.Field(i)
		*n++
		switch f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("giá trị %d ạ", *n))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(int64(*n))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Struct:
			fillAttrs(f, n)
		default:
			panic(fmt.Sprintf("domain.Attrs has a field of kind %s: teach appendAttrs and this test about it", f.Kind()))
		}
	}
}

// TestAttrsCodecKeepsEveryField checks that the attributes kept with the rows come back whole:
// every field of domain.Attrs set, each alone, and none.
func TestAttrsCodecKeepsEveryField(t *testing.T) {
	var full domain.Attrs
	n := 0
	fillAttrs(reflect.ValueOf(&full).Elem(), &n)
	cases := []domain.Attrs{{}, full, {Stars: -1}, {Synthetic: true}, {Potential5: true, Address: domain.Address{Province: "Kon Tum"}}}
	for i := range reflect.TypeOf(full).NumField() {
		var one domain.Attrs
		reflect.ValueOf(&one).Elem().Field(i).Set(reflect.ValueOf(full).Field(i))
		cases = append(cases, one)
	}
	ft := newFacetTables()
	encode := func(a domain.Attrs) []byte {
		var b batch
		place, tags := b.facetOf(ft, a)
		ft.add(b.facets)
		return appendAttrs(nil, a, place, tags)
	}
	var encoded [][]byte
	for _, a := range cases {
		encoded = append(encoded, encode(a))
	}
	fv := facetView{ft.places, ft.tags}
	for i, a := range cases {
		got, err := decodeAttrs(encoded[i], fv)
		if err != nil {
			t.Fatalf("decode %+v: %v", a, err)
		}
		if got != a {
			t.Errorf("attributes %+v came back as %+v", a, got)
		}
	}
	// Cut short, followed by more or naming a facet the reader does not have, the encoding is
	// refused, never read wrong.
	b := encoded[1]
	for i := range len(b) {
		if _, err := decodeAttrs(b[:i], fv); err == nil {
			t.Errorf("the first %d of %d bytes decode", i, len(b))
		}
	}
	if _, err := decodeAttrs(append(b, 0), fv); err == nil {
		t.Error("an encoding followed by a byte decodes")
	}
	if _, err := decodeAttrs(b, facetView{ft.places[:1], ft.tags[:1]}); err == nil {
		t.Error("an encoding naming facets beyond the tables decodes")
	}
}

// TestAttrsOfEntryNumbersDistinct checks that the rows an entry opens share the attributes they
// have in common and each reads its own back.
func TestAttrsOfEntryNumbersDistinct(t *testing.T) {
	var e attrsOfEntry
	a, b := domain.Attrs{Name: "Tỏi Lý Sơn", Stars: 5}, domain.Attrs{Name: "Tỏi Lý Sơn", Stars: 4}
	nums := []uint64{e.number(a), e.number(b), e.number(a)}
	if fmt.Sprint(nums) != "[0 1 0]" {
		t.Fatalf("numbers %v, want [0 1 0]", nums)
	}
	ft := newFacetTables()
	var bt batch
	page := appendPageEntry(make([]byte, logPageHeader), 7, e.encode(func(a domain.Attrs) (uint32, uint32) { return bt.facetOf(ft, a) }))
	page[4*7+3] = logPageHeader // where entry 7 starts (big-endian, < 256)
	ft.add(bt.facets)
	ar := attrsReader{key: logPageKey(7), page: page, fv: facetView{ft.places, ft.tags}}
	for i, want := range []domain.Attrs{a, b, a} {
		got, err := ar.of(&row{KnownFrom: 7, attrNo: nums[i]})
		if err != nil || got != want {
			t.Errorf("row %d: %+v, %v; want %+v", i, got, err, want)
		}
	}
	if _, err := ar.of(&row{KnownFrom: 7, attrNo: 2}); err == nil {
		t.Error("a third attributes of an entry that has two: no error")
	}
	if len(e.distinct) != 0 {
		t.Error("encode did not start a new entry")
	}
}
