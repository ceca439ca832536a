package projections

import (
	"fmt"

	"github.com/ocopledger/ocopledger/provenance"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/tlog"
)

// UseTlogAppender makes the read models append to the Merkle tree the way they did before
// provenance.Appender kept the tree's right edge in memory (tlog.StoredHashesForRecordHash over
// a HashReader, the hashes of the transaction from memory and the others read from the bucket),
// so that TestTreeCost measures both in the same run. It returns the function that restores
// provenance.Appender.
func UseTlogAppender() (restore func()) {
	return set(&newTreeAppender, func(b *bolt.Bucket) (treeAppender, error) {
		a := &tlogAppender{}
		return a, a.Continue(b)
	})
}

// Continue starts again from what b holds, every transaction.
func (a *tlogAppender) Continue(b *bolt.Bucket) error {
	n, err := provenance.Size(b)
	*a = tlogAppender{b: b, size: n, start: tlog.StoredHashCount(n)}
	return err
}

type tlogAppender struct {
	b       *bolt.Bucket
	size    int64
	start   int64
	pending []tlog.Hash
	read    []tlog.Hash
}

func (a *tlogAppender) Size() int64 { return a.size }

func (a *tlogAppender) Grow(int) {}

func (a *tlogAppender) Append(leaf tlog.Hash) error {
	hashes, err := tlog.StoredHashesForRecordHash(a.size, leaf, a)
	if err != nil {
		return err
	}
	a.pending = append(a.pending, hashes...)
	a.size++
	return nil
}

func (a *tlogAppender) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
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
		if fromBucket, err = provenance.Hashes(a.b).ReadHashes(older); err != nil {
			return nil, err
		}
	}
	for _, idx := range indexes {
		if idx < a.start {
			a.read = append(a.read, fromBucket[0])
			fromBucket = fromBucket[1:]
			continue
		}
		a.read = append(a.read, a.pending[idx-a.start])
	}
	return a.read, nil
}

func (a *tlogAppender) Flush() error {
	if len(a.pending) == 0 {
		return nil
	}
	const blockHashes = 32
	key := func(idx int64) []byte {
		return []byte{byte(idx >> 56), byte(idx >> 48), byte(idx >> 40), byte(idx >> 32), byte(idx >> 24), byte(idx >> 16), byte(idx >> 8), byte(idx)}
	}
	first := a.start - a.start%blockHashes
	head := a.b.Get(key(first))
	if int64(len(head)) != (a.start-first)*tlog.HashSize {
		return fmt.Errorf("the tree's block at %d holds %d bytes", first, len(head))
	}
	buf := make([]byte, 0, len(head)+len(a.pending)*tlog.HashSize)
	buf = append(buf, head...)
	for _, h := range a.pending {
		buf = append(buf, h[:]...)
	}
	a.b.FillPercent = 1
	for off, idx := 0, first; off < len(buf); off, idx = off+blockHashes*tlog.HashSize, idx+blockHashes {
		end := min(off+blockHashes*tlog.HashSize, len(buf))
		if err := a.b.Put(key(idx), buf[off:end:end]); err != nil {
			return err
		}
	}
	a.start += int64(len(a.pending))
	a.pending = a.pending[:0]
	return nil
}
