package projections

import (
	"encoding/binary"
	"hash/maphash"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
)

// bulk holds what a rebuild from zero writes at random places of bbolt's B+trees, so that it
// goes to bbolt in key order, in runs of many keys (see Projection.flushBulk): put into bbolt as
// they come, these writes dirty a different page each, so that every commit rewrites (and the
// process maps) most of the buckets' pages. Queries that read them are refused while it is held
// (see indexesReady).
//
// Each part holds at most bulkSpill bytes: past that it is written into its bucket (spillBulk)
// and starts again empty, so that the rebuild's memory stays the same whatever the log's length;
// what is not in memory is read from the bucket.
//
// A rebuild in this mode marks the file (meta "bulk"); if it is interrupted, the next start
// finds the mark and rebuilds from zero again, since the buckets are incomplete.
type bulk struct {
	streams *bulkIndex // stream name → its encoded index (written after each commit)
	items   *bulkIndex // itemPrefix → the item's rows: rowID(8) dates(8) each, in the order added
	ends    []byte     // the ends of rows: row key(9) position(8) each, in the order they ended
	// itemsSpilled is set once items were written into their bucket: an item not in memory may
	// have rows there, and writing an item's rows replaces those
	itemsSpilled bool
}

// bulkSpill is how many bytes each part of bulk holds before it is written into its bucket (a
// variable so that tests can spill at every commit). Each spill costs a write of the bucket's
// pages it touches, and the streams not in memory after it are read back from bbolt: small
// bounds cost CPU (docs/performance.md, "The rebuild's memory"), so a national log (1M entries)
// spills nothing and only larger ones do.
var bulkSpill = 64 << 20

func newBulk() *bulk {
	return &bulk{streams: newBulkIndex(), items: newBulkIndex()}
}

// stream returns a stream's encoded index: from memory, else from the streams bucket (nil if
// neither holds it).
func (b *bulk) stream(streams *bolt.Bucket, name string) []byte {
	if v := b.streams.get(name); v != nil {
		return v
	}
	return streams.Get([]byte(name))
}

// item returns an item's rows (rowID(8) dates(8) each, by row number): from memory, else from the
// items bucket once items were spilled; valid until the next change of the item.
func (b *bulk) item(items *bolt.Bucket, prefix string) []byte {
	v := b.items.get(prefix)
	if v != nil || !b.itemsSpilled {
		return v
	}
	c := items.Cursor()
	for k, d := c.Seek([]byte(prefix)); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == prefix; k, d = c.Next() {
		v = append(append(v, k[len(prefix):]...), d...)
	}
	return v
}

// itemSpans returns the validity intervals of an item's current rows.
func (b *bulk) itemSpans(items *bolt.Bucket, prefix string, out []span) []span {
	v := b.item(items, prefix)
	for ; len(v) >= 16; v = v[16:] {
		f, u := getDates(v[8:])
		out = append(out, span{f, u})
	}
	return out
}

// addItem records that row id of an item holds from–until.
func (b *bulk) addItem(items *bolt.Bucket, prefix string, id uint64, from, until domain.Date, scratch []byte) []byte {
	scratch = append(scratch[:0], b.item(items, prefix)...)
	scratch = binary.BigEndian.AppendUint64(scratch, id)
	scratch = append(scratch, dateBytes(from, until)...)
	b.items.put(prefix, scratch)
	return scratch
}

// removeItem forgets row id of an item.
func (b *bulk) removeItem(items *bolt.Bucket, prefix string, id uint64, scratch []byte) []byte {
	v := b.item(items, prefix)
	scratch = scratch[:0]
	for ; len(v) >= 16; v = v[16:] {
		if binary.BigEndian.Uint64(v) != id {
			scratch = append(scratch, v[:16]...)
		}
	}
	b.items.put(prefix, scratch)
	return scratch
}

// endRow records that a row stopped holding at position seq.
func (b *bulk) endRow(k rowKey, seq uint64) {
	b.ends = append(b.ends, k.fig)
	b.ends = binary.BigEndian.AppendUint64(b.ends, k.id)
	b.ends = binary.BigEndian.AppendUint64(b.ends, seq)
}

// spillBulk writes each part of the bulk that holds more than bulkSpill bytes into its bucket,
// and empties it.
func (p *Projection) spillBulk() error {
	b := p.bulk
	w := sortedWriter{p: p}
	if b.items.used > bulkSpill {
		if err := b.writeItems(&w); err != nil {
			return err
		}
		b.items.reset()
		b.itemsSpilled = true
	}
	if len(b.ends) > bulkSpill {
		if err := b.writeEnds(&w); err != nil {
			return err
		}
		b.ends = b.ends[:0]
	}
	if b.streams.used > bulkSpill {
		if err := b.writeStreams(&w, b.streams.sorted()); err != nil {
			return err
		}
		b.streams.reset()
	}
	if w.tx == nil {
		return nil
	}
	return w.commit(nil)
}

// writeItems writes the items' rows held in memory into the items bucket, in key order, each
// item's replacing those the bucket held.
func (b *bulk) writeItems(w *sortedWriter) error {
	for _, k := range b.items.sorted() {
		prefix, _, v := b.items.entry(uint32(k))
		if b.itemsSpilled {
			if err := w.clear(bItems, prefix, 8); err != nil {
				return err
			}
		}
		sortRecords(v, 16, 8) // by row number
		for ; len(v) >= 16; v = v[16:] {
			// bbolt keeps the key until the commit: one of its own each
			key := append(append(make([]byte, 0, len(prefix)+8), prefix...), v[:8]...)
			if err := w.put(bItems, key, v[8:16]); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeEnds writes the ends of rows held in memory into the ends bucket, in key order.
func (b *bulk) writeEnds(w *sortedWriter) error {
	sortRecords(b.ends, 17, 9) // by row key
	for e := b.ends; len(e) >= 17; e = e[17:] {
		if err := w.put(bEnds, e[:9], e[9:17]); err != nil {
			return err
		}
	}
	return nil
}

// writeStreams writes the streams' indexes held in memory into the streams bucket, in the order
// sorted gives them (bulkIndex.sorted).
func (b *bulk) writeStreams(w *sortedWriter, sorted []uint64) error {
	for _, k := range sorted {
		name, _, v := b.streams.entry(uint32(k))
		if err := w.put(bStreams, name, v); err != nil {
			return err
		}
	}
	return nil
}

// bulkIndex is a map of names to byte strings that holds no Go pointers per entry (an open
// addressing table of offsets and an arena of fixed-size blocks), so that the garbage collector
// never has to walk it, and growing it never copies the entries.
type bulkIndex struct {
	seed   maphash.Seed
	table  []uint32 // offset+1 of an entry, 0 for a free slot; linear probing from the name's hash
	tags   []uint8  // the top byte of the hash of each slot's name: most probes end without reading the arena
	blocks [][]byte // entries: uvarint(len name) name cap(4) len(4) value[cap]; offset = block<<blockBits | position
	n      int
	used   int // bytes of the blocks taken by entries
}

// blockBits sets the size of the arena's blocks (1 MiB); a larger entry gets a block of its own.
const blockBits = 20

func newBulkIndex() *bulkIndex {
	return &bulkIndex{seed: maphash.MakeSeed(), table: make([]uint32, 1<<10), tags: make([]uint8, 1<<10)}
}

// entry decodes the entry at off: its name, where its length is, and its value.
func (b *bulkIndex) entry(off uint32) (name []byte, lenAt []byte, val []byte) {
	a := b.blocks[off>>blockBits]
	p := int(off & (1<<blockBits - 1))
	n, k := binary.Uvarint(a[p:])
	p += k
	name = a[p : p+int(n)]
	p += int(n)
	c := int(binary.BigEndian.Uint32(a[p:]))
	l := int(binary.BigEndian.Uint32(a[p+4:]))
	return name, a[p+4 : p+8], a[p+8 : p+8+l : p+8+c]
}

// find returns the slot of name and whether it holds it (else the free slot where it would go).
func (b *bulkIndex) find(name string) (int, uint8, bool) {
	h := maphash.String(b.seed, name)
	tag := uint8(h >> 56)
	mask := len(b.table) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		off := b.table[i]
		if off == 0 {
			return i, tag, false
		}
		if b.tags[i] != tag {
			continue
		}
		if n, _, _ := b.entry(off - 1); string(n) == name {
			return i, tag, true
		}
	}
}

// grow doubles the table.
func (b *bulkIndex) grow() {
	old, oldTags := b.table, b.tags
	b.table, b.tags = make([]uint32, 2*len(old)), make([]uint8, 2*len(old))
	mask := len(b.table) - 1
	for j, off := range old {
		if off == 0 {
			continue
		}
		name, _, _ := b.entry(off - 1)
		i := int(maphash.Bytes(b.seed, name)) & mask
		for b.table[i] != 0 {
			i = (i + 1) & mask
		}
		b.table[i], b.tags[i] = off, oldTags[j]
	}
}

// reset empties the map, keeping its table.
func (b *bulkIndex) reset() {
	clear(b.table)
	clear(b.tags)
	b.blocks, b.n, b.used = nil, 0, 0
}

// get returns the value of a name (nil if none), valid until the next put.
func (b *bulkIndex) get(name string) []byte {
	i, _, ok := b.find(name)
	if !ok {
		return nil
	}
	_, _, v := b.entry(b.table[i] - 1)
	return v
}

// put sets the value of a name: in place when it fits, else in a new entry.
func (b *bulkIndex) put(name string, v []byte) {
	i, tag, ok := b.find(name)
	c := len(v) // most streams take one or two events: a new entry fits exactly
	if ok {
		_, lenAt, old := b.entry(b.table[i] - 1)
		if len(v) <= cap(old) {
			binary.BigEndian.PutUint32(lenAt, uint32(len(v)))
			copy(old[:len(v)], v)
			return
		}
		c += len(v)/2 + 4 // one that grows gets room to grow more
	} else if b.n++; 4*b.n > 3*len(b.table) {
		b.grow()
		i, _, _ = b.find(name)
	}
	size := binary.MaxVarintLen64 + len(name) + 8 + c
	last := len(b.blocks) - 1
	// A new block when the entry does not fit in the last one, or would start past the positions
	// an offset can name (after a block of its own).
	if last < 0 || len(b.blocks[last])+size > cap(b.blocks[last]) || len(b.blocks[last])+size > 1<<blockBits && len(b.blocks[last]) > 0 {
		b.blocks = append(b.blocks, make([]byte, 0, max(size, 1<<blockBits)))
		last++
	}
	a := b.blocks[last]
	off := uint32(last)<<blockBits | uint32(len(a))
	a = binary.AppendUvarint(a, uint64(len(name)))
	a = append(a, name...)
	a = binary.BigEndian.AppendUint32(a, uint32(c))
	a = binary.BigEndian.AppendUint32(a, uint32(len(v)))
	a = append(a, v...)
	a = append(a, make([]byte, c-len(v))...)
	b.used += len(a) - len(b.blocks[last])
	b.blocks[last] = a
	b.table[i], b.tags[i] = off+1, tag
}

// sorted returns the offsets of every entry in the order of their names (sortByName), each in
// the low 32 bits of a key: sorting reads each name from the arena once per three bytes, rather
// than twice at each comparison (which read the arena at random: 0.5 s of a rebuild's final
// write at 1M events); the keys take 8 bytes an entry, what the offsets took before (the final
// write is where a rebuild's memory peaks).
func (b *bulkIndex) sorted() []uint64 {
	keys := make([]uint64, 0, b.n)
	for _, off := range b.table {
		if off != 0 {
			keys = append(keys, uint64(off-1))
		}
	}
	sortByName(keys, func(off uint32) []byte { name, _, _ := b.entry(off); return name })
	return keys
}
