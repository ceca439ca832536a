package projections

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
)

// bulkIndex keeps the stream indexes in memory during a rebuild from zero, instead of in the
// streams bucket. Stream names arrive in no order, so putting them into bbolt as they come
// rewrites most of the bucket's pages at every commit; kept here, they go to bbolt once at the
// end, in key order. It holds no Go pointers per stream (a map of hashes to offsets and one byte
// arena), so the garbage collector never has to walk it.
//
// A rebuild in this mode marks the file (meta "bulk"); if it is interrupted, the next start
// finds the mark and rebuilds from zero again, since the streams bucket is incomplete.
type bulkIndex struct {
	seed  maphash.Seed
	slots map[uint64]uint32 // hash of a name (then hash+1, +2… on a collision) → offset in arena
	arena []byte            // entries: uvarint(len name) name cap(4) len(4) value[cap]
	n     int
}

func newBulkIndex() *bulkIndex {
	return &bulkIndex{seed: maphash.MakeSeed(), slots: map[uint64]uint32{}, arena: make([]byte, 0, 1<<20)}
}

// entry decodes the entry at off: its name, where its length is, and its value.
func (b *bulkIndex) entry(off uint32) (name []byte, lenAt int, val []byte) {
	p := int(off)
	n, k := binary.Uvarint(b.arena[p:])
	p += k
	name = b.arena[p : p+int(n)]
	p += int(n)
	c := int(binary.BigEndian.Uint32(b.arena[p:]))
	l := int(binary.BigEndian.Uint32(b.arena[p+4:]))
	return name, p + 4, b.arena[p+8 : p+8+l : p+8+c]
}

// find returns the slot of name and whether it holds it (else the first free slot).
func (b *bulkIndex) find(name string) (uint64, bool) {
	h := maphash.String(b.seed, name)
	for {
		off, ok := b.slots[h]
		if !ok {
			return h, false
		}
		if n, _, _ := b.entry(off); string(n) == name {
			return h, true
		}
		h++
	}
}

// get returns the encoded index of a stream (nil if none), valid until the next put.
func (b *bulkIndex) get(name string) []byte {
	h, ok := b.find(name)
	if !ok {
		return nil
	}
	_, _, v := b.entry(b.slots[h])
	return v
}

// put sets the encoded index of a stream: in place when it fits, else in a new entry with room
// to grow.
func (b *bulkIndex) put(name string, v []byte) {
	h, ok := b.find(name)
	if ok {
		_, lenAt, old := b.entry(b.slots[h])
		if len(v) <= cap(old) {
			binary.BigEndian.PutUint32(b.arena[lenAt:], uint32(len(v)))
			copy(old[:len(v)], v)
			return
		}
	} else {
		b.n++
	}
	off := len(b.arena)
	c := len(v) + len(v)/2 + 4
	b.arena = binary.AppendUvarint(b.arena, uint64(len(name)))
	b.arena = append(b.arena, name...)
	b.arena = binary.BigEndian.AppendUint32(b.arena, uint32(c))
	b.arena = binary.BigEndian.AppendUint32(b.arena, uint32(len(v)))
	b.arena = append(b.arena, v...)
	b.arena = append(b.arena, make([]byte, c-len(v))...)
	b.slots[h] = uint32(off)
}

// sorted returns the offsets of every stream's entry in the order of their names.
func (b *bulkIndex) sorted() []uint32 {
	offs := make([]uint32, 0, len(b.slots))
	for _, off := range b.slots {
		offs = append(offs, off)
	}
	slices.SortFunc(offs, func(x, y uint32) int {
		nx, _, _ := b.entry(x)
		ny, _, _ := b.entry(y)
		return compareBytes(nx, ny)
	})
	return offs
}

func compareBytes(a, b []byte) int {
	switch {
	case string(a) < string(b):
		return -1
	case string(a) > string(b):
		return 1
	}
	return 0
}
