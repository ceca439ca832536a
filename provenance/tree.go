package provenance

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sort"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/tlog"
)

// TreeBucket is the name suggested for the bbolt bucket that holds the tree. The bucket must hold
// nothing else: its keys are the tree's blocks of stored hashes.
const TreeBucket = "provenance.tree"

// LeafHash is the hash of the leaf for an entry whose stored body is body: SHA-256 of 0x00 and the
// body (RFC 6962 §2.1, tlog.RecordHash). The entry at stream position p is tlog index p−1.
func LeafHash(body []byte) tlog.Hash { return tlog.RecordHash(body) }

// The tree is kept as tlog's stored hashes: every leaf hash and every hash of a complete subtree,
// numbered by tlog.StoredHashIndex (a tree of n leaves has tlog.StoredHashCount(n) of them, just
// under 2n, each written once, in increasing index). They are kept in blocks of blockHashes
// consecutive stored hashes: the key is the big-endian StoredHashIndex of the block's first hash
// (a multiple of blockHashes), the value the hashes, 32 bytes each; only the last block may be
// shorter. A block per key rather than a hash per key makes appending a batch of leaves cost one
// bbolt Put per 32 stored hashes.
const blockHashes = 32

const blockBytes = blockHashes * tlog.HashSize

func blockKey(index int64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(index-index%blockHashes))
	return k[:]
}

// lastBlock returns the key index and value of the tree's last block in b (nil when b is empty)
// and the number of stored hashes in b.
func lastBlock(b *bolt.Bucket) (first int64, v []byte, count int64, err error) {
	k, v := b.Cursor().Last()
	if k == nil {
		return 0, nil, 0, nil
	}
	if len(k) != 8 || len(v) == 0 || len(v) > blockBytes || len(v)%tlog.HashSize != 0 || binary.BigEndian.Uint64(k)%blockHashes != 0 {
		return 0, nil, 0, fmt.Errorf("provenance: the tree's last block (key %x, %d bytes) is not a block of hashes", k, len(v))
	}
	first = int64(binary.BigEndian.Uint64(k))
	return first, v, first + int64(len(v)/tlog.HashSize), nil
}

// storedCount is the number of stored hashes in b, from its last block.
func storedCount(b *bolt.Bucket) (int64, error) {
	_, _, c, err := lastBlock(b)
	return c, err
}

// leavesOf returns the number of leaves of a tree of c stored hashes.
func leavesOf(c int64) (int64, error) {
	// StoredHashCount is strictly increasing and StoredHashCount(n) ≥ n.
	n := int64(sort.Search(int(c)+1, func(n int) bool { return tlog.StoredHashCount(int64(n)) >= c }))
	if tlog.StoredHashCount(n) != c {
		return 0, fmt.Errorf("provenance: the tree holds %d stored hashes, which is no tree's count", c)
	}
	return n, nil
}

// Size returns the number of leaves of the tree stored in b.
func Size(b *bolt.Bucket) (int64, error) {
	c, err := storedCount(b)
	if err != nil {
		return 0, err
	}
	return leavesOf(c)
}

// Hashes returns a tlog.HashReader over the stored hashes in b.
func Hashes(b *bolt.Bucket) tlog.HashReader { return bucketReader{b} }

type bucketReader struct{ b *bolt.Bucket }

func (r bucketReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var key []byte
	var block []byte
	for i, idx := range indexes {
		if idx < 0 {
			return nil, fmt.Errorf("provenance: stored hash %d does not exist", idx)
		}
		k := blockKey(idx)
		if key == nil || string(k) != string(key) {
			key, block = k, r.b.Get(k)
		}
		off := int(idx%blockHashes) * tlog.HashSize
		if off+tlog.HashSize > len(block) {
			return nil, fmt.Errorf("provenance: stored hash %d is not in the tree", idx)
		}
		copy(out[i][:], block[off:])
	}
	return out, nil
}

// Root returns the root hash of the tree's first size leaves (tlog.TreeHash).
func Root(b *bolt.Bucket, size int64) (tlog.Hash, error) {
	if err := checkSize(b, size); err != nil {
		return tlog.Hash{}, err
	}
	return tlog.TreeHash(size, Hashes(b))
}

// RecordProof returns the proof that leaf index (position−1) is in the tree of the first size
// leaves (tlog.ProveRecord; RFC 6962 audit path).
func RecordProof(b *bolt.Bucket, index, size int64) (tlog.RecordProof, error) {
	if err := checkSize(b, size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, fmt.Errorf("provenance: leaf %d is not in a tree of %d leaves", index, size)
	}
	return tlog.ProveRecord(size, index, Hashes(b))
}

// TreeProof returns the proof that the tree of the first oldSize leaves is a prefix of the
// tree of the first newSize leaves (tlog.ProveTree; 1 ≤ oldSize ≤ newSize).
func TreeProof(b *bolt.Bucket, oldSize, newSize int64) (tlog.TreeProof, error) {
	if err := checkSize(b, newSize); err != nil {
		return nil, err
	}
	if oldSize < 1 || oldSize > newSize {
		return nil, fmt.Errorf("provenance: no consistency proof from %d leaves to %d", oldSize, newSize)
	}
	return tlog.ProveTree(newSize, oldSize, Hashes(b))
}

func checkSize(b *bolt.Bucket, size int64) error {
	n, err := Size(b)
	if err != nil {
		return err
	}
	if size < 0 || size > n {
		return fmt.Errorf("provenance: the tree has %d leaves, not %d", n, size)
	}
	return nil
}

// Append adds the leaf with hash leaf as leaf index n (position n+1) to the tree in b, which must
// have n leaves: a caller that hashed the same entry twice, or skipped one, gets an error and
// nothing is written. Call it in the write transaction that records the entry's effects, so that
// both commit together. To append many leaves, an Appender is much cheaper.
func Append(b *bolt.Bucket, n int64, leaf tlog.Hash) error {
	a, err := NewAppender(b)
	if err != nil {
		return err
	}
	if a.Size() != n {
		return fmt.Errorf("provenance: leaf %d appended to a tree of %d leaves", n, a.Size())
	}
	if err := a.Append(leaf); err != nil {
		return err
	}
	return a.Flush()
}

// Appender appends leaves to the tree in one bbolt bucket within one write transaction. It makes
// exactly the stored hashes tlog.StoredHashesForRecordHash makes (the leaf hash, then one
// tlog.NodeHash for each subtree the leaf completes), but takes the left siblings from the tree's
// right edge kept in memory instead of reading them back through a tlog.HashReader: appending a
// leaf allocates nothing and reads the bucket only for a sibling stored before the Appender was
// made, once. The new hashes are written in key order by Flush, which must be called before the
// transaction commits (leaves not flushed are lost with the Appender). It is not safe for
// concurrent use (nor is the transaction).
type Appender struct {
	b    *bolt.Bucket
	size int64 // leaves, including those not flushed
	// buf holds the stored hashes from index start (a multiple of blockHashes): what the bucket's
	// last block held when the Appender was made or last flushed, then the hashes not yet written.
	start int64
	buf   []byte
	// stored is the number of stored hashes the bucket holds, those of flushed leaves.
	stored, flushed int64
	// edge[l] is the hash of the complete subtree of 2^l leaves at the tree's right edge, when bit
	// l of size is set and bit l of loaded too (otherwise it is read from the tree when needed).
	edge   [64]tlog.Hash
	loaded uint64
	err    error
}

// NewAppender returns an Appender adding leaves after the last leaf in b.
func NewAppender(b *bolt.Bucket) (*Appender, error) {
	a := &Appender{}
	if err := a.Continue(b); err != nil {
		return nil, err
	}
	return a, nil
}

// Continue makes a append after the last leaf in b, the tree's bucket in a later write
// transaction (the one a last wrote in has ended). When b holds the tree as a left it at its last
// Flush, a goes on with the right edge of the tree it holds in memory; otherwise (that
// transaction rolled back, or b is another tree) it starts again from what b holds, as
// NewAppender. Leaves not flushed are dropped.
func (a *Appender) Continue(b *bolt.Bucket) error {
	first, v, c, err := lastBlock(b)
	if err != nil {
		return err
	}
	if a.b == nil || a.err != nil || c != a.stored || a.size != a.flushed {
		n, err := leavesOf(c)
		if err != nil {
			return err
		}
		buf := a.buf
		*a = Appender{size: n, buf: buf}
	}
	a.b, a.stored, a.flushed, a.start, a.buf = b, c, a.size, c, a.buf[:0]
	if len(v) < blockBytes {
		// The last block is not full: it is written again whole with the next hashes.
		a.start = first
		a.buf = append(a.buf, v...)
	}
	return nil
}

// Size returns the number of leaves, including those appended and not yet flushed.
func (a *Appender) Size() int64 { return a.size }

// Grow makes room for the hashes of n more leaves, so that appending them allocates nothing.
func (a *Appender) Grow(n int) {
	more := tlog.StoredHashCount(a.size+int64(n)) - tlog.StoredHashCount(a.size)
	a.buf = slices.Grow(a.buf, int(more)*tlog.HashSize)
}

// Append adds a leaf (its LeafHash) after the last.
func (a *Appender) Append(leaf tlog.Hash) error {
	if a.err != nil {
		return a.err
	}
	n, h := a.size, leaf
	buf := append(a.buf, h[:]...)
	// Each trailing 1 bit of n is a complete subtree that the new leaf completes: as in
	// tlog.StoredHashesForRecordHash, hash it with its left sibling, level by level.
	m := bits.TrailingZeros64(uint64(n + 1))
	for l := range m {
		left, err := a.edgeAt(l, buf)
		if err != nil {
			a.err = err
			return err
		}
		h = tlog.NodeHash(left, h)
		buf = append(buf, h[:]...)
	}
	a.buf = buf
	// The tree of n+1 leaves ends with the subtree just made at level m, and none below it.
	a.edge[m] = h
	a.loaded = a.loaded&^(1<<m-1) | 1<<m
	a.size++
	return nil
}

// edgeAt returns the hash of the complete subtree at level l of the right edge, the one that
// ends at leaf size−1 (bit l of size is set); buf is a.buf as Append has it.
func (a *Appender) edgeAt(l int, buf []byte) (tlog.Hash, error) {
	if a.loaded&(1<<l) != 0 {
		return a.edge[l], nil
	}
	idx := tlog.StoredHashIndex(l, a.size>>l-1)
	var h tlog.Hash
	if idx < a.start {
		buf = a.b.Get(blockKey(idx))
		idx %= blockHashes
	} else {
		idx -= a.start
	}
	if int64(len(buf)) < (idx+1)*tlog.HashSize {
		return h, fmt.Errorf("provenance: stored hash %d is not in the tree", tlog.StoredHashIndex(l, a.size>>l-1))
	}
	copy(h[:], buf[idx*tlog.HashSize:])
	a.edge[l], a.loaded = h, a.loaded|1<<l
	return h, nil
}

// Flush writes the stored hashes not yet written into the bucket, in key order.
func (a *Appender) Flush() error {
	if a.err != nil {
		return a.err
	}
	end := a.start + int64(len(a.buf)/tlog.HashSize)
	if end == a.stored {
		return nil
	}
	// Nothing else may have written the tree meanwhile.
	if _, _, c, err := lastBlock(a.b); err != nil || c != a.stored {
		a.err = fmt.Errorf("provenance: the tree holds %d stored hashes, not the %d expected (written meanwhile?)", c, a.stored)
		if err != nil {
			a.err = err
		}
		return a.err
	}
	a.b.FillPercent = 1 // keys only ever grow: fill pages instead of splitting them in half
	// buf starts in the block the unwritten hashes start in (the stored hashes before them are
	// those it held). bbolt keeps each value until the transaction ends, so buf is not written
	// into again.
	for off, idx := 0, a.start; off < len(a.buf); off, idx = off+blockBytes, idx+blockHashes {
		e := min(off+blockBytes, len(a.buf))
		if err := a.b.Put(blockKey(idx), a.buf[off:e:e]); err != nil {
			a.err = fmt.Errorf("provenance: writing the tree: %w", err)
			return a.err
		}
	}
	// The next hashes start a new buffer, with the last block again if it is not full.
	a.stored, a.flushed = end, a.size
	tail := a.buf[int64(len(a.buf))-(end%blockHashes)*tlog.HashSize:]
	a.start = end - end%blockHashes
	a.buf = append(make([]byte, 0, len(tail)+blockBytes), tail...)
	return nil
}
