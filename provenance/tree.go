package provenance

import (
	"encoding/binary"
	"fmt"
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

// storedCount is the number of stored hashes in b, from its last block.
func storedCount(b *bolt.Bucket) (int64, error) {
	k, v := b.Cursor().Last()
	if k == nil {
		return 0, nil
	}
	if len(k) != 8 || len(v) == 0 || len(v) > blockBytes || len(v)%tlog.HashSize != 0 || binary.BigEndian.Uint64(k)%blockHashes != 0 {
		return 0, fmt.Errorf("provenance: the tree's last block (key %x, %d bytes) is not a block of hashes", k, len(v))
	}
	return int64(binary.BigEndian.Uint64(k)) + int64(len(v)/tlog.HashSize), nil
}

// Size returns the number of leaves of the tree stored in b.
func Size(b *bolt.Bucket) (int64, error) {
	c, err := storedCount(b)
	if err != nil {
		return 0, err
	}
	// StoredHashCount is strictly increasing and StoredHashCount(n) ≥ n.
	n := int64(sort.Search(int(c)+1, func(n int) bool { return tlog.StoredHashCount(int64(n)) >= c }))
	if tlog.StoredHashCount(n) != c {
		return 0, fmt.Errorf("provenance: the tree holds %d stored hashes, which is no tree's count", c)
	}
	return n, nil
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

// Appender appends leaves to the tree in one bbolt bucket within one write transaction. The stored
// hashes it makes are kept in memory, where the next leaves read them, and written in key order by
// Flush, which must be called before the transaction commits (leaves not flushed are lost with the
// Appender). It is not safe for concurrent use (nor is the transaction).
type Appender struct {
	b       *bolt.Bucket
	size    int64       // leaves, including those not flushed
	start   int64       // stored hash index of pending[0]
	pending []tlog.Hash // stored hashes not yet written
	read    []tlog.Hash // ReadHashes' result, reused
	err     error
}

// NewAppender returns an Appender adding leaves after the last leaf in b.
func NewAppender(b *bolt.Bucket) (*Appender, error) {
	n, err := Size(b)
	if err != nil {
		return nil, err
	}
	return &Appender{b: b, size: n, start: tlog.StoredHashCount(n)}, nil
}

// Size returns the number of leaves, including those appended and not yet flushed.
func (a *Appender) Size() int64 { return a.size }

// Append adds a leaf (its LeafHash) after the last.
func (a *Appender) Append(leaf tlog.Hash) error {
	if a.err != nil {
		return a.err
	}
	hashes, err := tlog.StoredHashesForRecordHash(a.size, leaf, a)
	if err != nil {
		a.err = err
		return err
	}
	a.pending = append(a.pending, hashes...)
	a.size++
	return nil
}

// ReadHashes reads the stored hashes that Append needs: the pending ones from memory, the others
// from the bucket. It is for tlog, through Append.
func (a *Appender) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	a.read = a.read[:0]
	var older []int64
	for _, idx := range indexes {
		if idx < a.start {
			older = append(older, idx)
		}
	}
	var fromBucket []tlog.Hash
	if len(older) > 0 {
		var err error
		if fromBucket, err = Hashes(a.b).ReadHashes(older); err != nil {
			return nil, err
		}
	}
	for _, idx := range indexes {
		if idx < a.start {
			a.read = append(a.read, fromBucket[0])
			fromBucket = fromBucket[1:]
			continue
		}
		if idx-a.start >= int64(len(a.pending)) {
			return nil, fmt.Errorf("provenance: stored hash %d is not made yet", idx)
		}
		a.read = append(a.read, a.pending[idx-a.start])
	}
	return a.read, nil
}

// Flush writes the pending stored hashes into the bucket, in key order.
func (a *Appender) Flush() error {
	if a.err != nil {
		return a.err
	}
	if len(a.pending) == 0 {
		return nil
	}
	// The block the pending hashes start in may already hold some: it is written again whole.
	first := a.start - a.start%blockHashes
	head := a.b.Get(blockKey(first))
	if int64(len(head)) != (a.start-first)*tlog.HashSize {
		a.err = fmt.Errorf("provenance: the tree's block at %d holds %d bytes, not the %d expected", first, len(head), (a.start-first)*tlog.HashSize)
		return a.err
	}
	// bbolt keeps a value until the transaction ends: one buffer, never reused, holds them all.
	buf := make([]byte, 0, len(head)+len(a.pending)*tlog.HashSize)
	buf = append(buf, head...)
	for _, h := range a.pending {
		buf = append(buf, h[:]...)
	}
	a.b.FillPercent = 1 // keys only ever grow: fill pages instead of splitting them in half
	for off, idx := 0, first; off < len(buf); off, idx = off+blockBytes, idx+blockHashes {
		end := min(off+blockBytes, len(buf))
		if err := a.b.Put(blockKey(idx), buf[off:end:end]); err != nil {
			a.err = fmt.Errorf("provenance: writing the tree: %w", err)
			return a.err
		}
	}
	a.start += int64(len(a.pending))
	a.pending = a.pending[:0]
	return nil
}
