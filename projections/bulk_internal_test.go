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
	for _, k := range b.sorted() {
		n, _, _ := b.entry(uint32(k))
		names = append(names, string(n))
	}
	if len(names) != len(want) || !sort.StringsAreSorted(names) {
		t.Fatalf("sorted lists %d names (sorted: %v), want %d", len(names), sort.StringsAreSorted(names), len(want))
	}
}

// Names list in byte order whatever they share: prefixes of one another, zero bytes (padding
// looks like them), long common starts, every length around the eight-byte steps.
func TestBulkIndexSortsNamesInByteOrder(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	b := newBulkIndex()
	seen := map[string]bool{}
	var want []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			want = append(want, name)
			b.put(name, []byte{1})
		}
	}
	alphabet := []byte{0, 1, 'a', 'b', 0xff}
	for i := 0; i < 20_000; i++ {
		var name []byte
		switch i % 3 {
		case 0: // short names over a tiny alphabet: many are prefixes of others
			for n := r.Intn(20); n > 0; n-- {
				name = append(name, alphabet[r.Intn(len(alphabet))])
			}
		case 1: // a long shared start, then a difference at any depth
			name = append([]byte("product.qn-"), bytes.Repeat([]byte{'x'}, r.Intn(30))...)
			name = append(name, alphabet[r.Intn(len(alphabet))])
		default:
			name = fmt.Appendf(nil, "%c%s", 1+r.Intn(3), bytes.Repeat([]byte{0}, r.Intn(18)))
		}
		add(string(name))
	}
	var got []string
	for _, k := range b.sorted() {
		n, _, _ := b.entry(uint32(k))
		got = append(got, string(n))
	}
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("sorted lists %d names, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("name %d: %q, want %q (after %q)", i, got[i], want[i], want[max(i-1, 0)])
		}
	}
}
