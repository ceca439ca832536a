package projections

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"testing"
)

// The arena map gives back what was put, as it grows past its table and its blocks, when
// values grow in place or move, with a value larger than a block, and lists names in order.
func TestBulkIndexKeepsWhatWasPut(t *testing.T) {
	b := newBulkIndex()
	want := map[string][]byte{}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 60_000; i++ {
		name := fmt.Sprintf("stream.%d", r.Intn(40_000))
		v := bytes.Repeat([]byte{byte(i)}, r.Intn(40))
		if i == 30_000 {
			v = bytes.Repeat([]byte{7}, 3<<blockBits/2) // its own block
		}
		b.put(name, v)
		want[name] = v
	}
	if b.n != len(want) {
		t.Fatalf("%d names held, %d put", b.n, len(want))
	}
	for name, v := range want {
		if got := b.get(name); !bytes.Equal(got, v) {
			t.Fatalf("%s: got %d bytes, want %d", name, len(got), len(v))
		}
	}
	if b.get("stream.none") != nil {
		t.Fatal("a name never put has a value")
	}
	var names []string
	for _, off := range b.sorted() {
		n, _, _ := b.entry(off)
		names = append(names, string(n))
	}
	if len(names) != len(want) || !sort.StringsAreSorted(names) {
		t.Fatalf("sorted lists %d names (sorted: %v), want %d", len(names), sort.StringsAreSorted(names), len(want))
	}
}
