package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
	"golang.org/x/mod/sumdb/tlog"
)

// HistorySource is a Source that can tell whether the log still extends a history known of it
// (see ledger.CheckHistory). CatchUp asks it before reading, so that read models never stand
// for a log that was lost, shortened or replaced.
type HistorySource interface {
	CheckHistory(ctx context.Context, known domain.KnownHistory) error
}

// kLeaf holds the leaf hash of the entry at the checkpoint, written with it.
var kLeaf = []byte("leaf")

// logHistory is what the read models know of the log beyond the checkpoint: the leaf hash of the
// entry at the checkpoint. Guarded by Projection.mu.
type logHistory struct {
	leaf [32]byte
}

// Known returns the history the read models were built from: the checkpoint, the leaf hash of
// the entry there// and the root of the Merkle tree of the entries up to it (when the tree is kept).
func (p *Projection) Known() domain.KnownHistory {
	p.mu.RLock()
	k := domain.KnownHistory{Size: p.ckpt, By: domain.KnownByReadModels}
	if p.hist.leaf != ([32]byte{}) {
		k.Leaf = append([]byte(nil), p.hist.leaf[:]...)
	}
	p.mu.RUnlock()
	if k.Size > 0 {
		// The tree only grows: its root at Size stays what it was when Size was read.
		if root, err := p.Root(k.Size); err == nil {
			k.Root = root[:]
		}
	}
	return k
}

// checkHistory refuses a log that does not extend what the read models hold: shorter than the
// checkpoint, or with another entry there.
func (p *Projection) checkHistory(ctx context.Context, src Source, end uint64) error {
	known := p.Known()
	if known.Size == 0 {
		return nil
	}
	if hs, ok := src.(HistorySource); ok {
		return hs.CheckHistory(ctx, known)
	}
	if end < known.Size {
		return domain.HistoryMismatch("the log holds %d entries, but %s shows %d: entries %d to %d are gone; restore the log from a backup",
			end, known.By.Label(), known.Size, end+1, known.Size)
	}
	return nil
}

// putLeaf records, in the transaction that moves the checkpoint to the last event of b, that
// event's leaf hash (when the reader gave one).
func (b *batch) putLeaf(m *bolt.Bucket) error {
	if b.leaf == ([32]byte{}) {
		return m.Delete(kLeaf)
	}
	return m.Put(kLeaf, b.leaf[:])
}

// appendTree appends the leaf hashes of the events of b after the checkpoint ckpt to the log's
// Merkle tree (provenance), in the transaction that moves the checkpoint: the tree's size is the
// checkpoint, always. It runs before the events are applied (which clears them). Events from a
// source that gives no leaf hashes (a log read from memory) keep no tree: it stays empty, and
// the read models then prove nothing.
//
// The appender of the last transaction goes on in this one (it is kept in *last, transactions
// being one at a time): the tree's right edge is then in memory, not read again.
func (b *batch) appendTree(tx *bolt.Tx, ckpt uint64, last *treeAppender) error {
	tree, err := tx.CreateBucketIfNotExists(bTree)
	if err != nil {
		return err
	}
	a := *last
	if a == nil {
		if a, err = newTreeAppender(tree); err != nil {
			return err
		}
		*last = a
	} else if err := a.Continue(tree); err != nil {
		return err
	}
	b.leaf = [32]byte{}
	if a.Size() != int64(ckpt) {
		if a.Size() == 0 {
			return nil // no tree is kept
		}
		return fmt.Errorf("the log's Merkle tree has %d entries but the read models %d: rebuild them (ocopledger rebuild)", a.Size(), ckpt)
	}
	a.Grow(len(b.events))
	next := ckpt + 1
	for _, r := range b.events {
		if r.Sequence < next {
			continue // already applied (a re-delivery)
		}
		if r.Sequence != next {
			return fmt.Errorf("event %d follows %d: positions %d to %d were not delivered", r.Sequence, next-1, next, r.Sequence-1)
		}
		if r.Leaf == ([32]byte{}) {
			if a.Size() == 0 {
				return nil // a source without leaf hashes: no tree
			}
			return fmt.Errorf("event %d came without its leaf hash", r.Sequence)
		}
		if err := a.Append(r.Leaf); err != nil {
			return err
		}
		next++
	}
	b.leaf = b.events[len(b.events)-1].Leaf
	return a.Flush()
}

// treeAppender appends leaves to the log's Merkle tree: a provenance.Appender (TestTreeCost
// measures tlog's generic way in its place).
type treeAppender interface {
	Size() int64
	Append(leaf tlog.Hash) error
	Flush() error
	Grow(leaves int)
	Continue(b *bolt.Bucket) error
}

var newTreeAppender = func(b *bolt.Bucket) (treeAppender, error) { return provenance.NewAppender(b) }

// bTree is the bucket of the log's Merkle tree (provenance's stored hashes).
var bTree = []byte(provenance.TreeBucket)

// TreeSize returns the number of entries in the read models' Merkle tree of the log: the
// checkpoint, or 0 when the source gave no leaf hashes.
func (p *Projection) TreeSize() (uint64, error) {
	var n int64
	err := p.db.View(func(tx *bolt.Tx) error {
		if t := tx.Bucket(bTree); t != nil {
			var err error
			n, err = provenance.Size(t)
			return err
		}
		return nil
	})
	return uint64(n), err
}

// Leaves returns the leaf hashes the log's Merkle tree holds for positions from…from+count−1
// (for ledger.Scrub).
func (p *Projection) Leaves(from uint64, count int) ([][32]byte, error) {
	if from == 0 || count < 0 {
		return nil, fmt.Errorf("projections: no leaves from position %d", from)
	}
	idx := make([]int64, count)
	for i := range idx {
		idx[i] = tlog.StoredHashIndex(0, int64(from)-1+int64(i))
	}
	var out [][32]byte
	err := p.Tree(func(t *bolt.Bucket) error {
		n, err := provenance.Size(t)
		if err != nil {
			return err
		}
		if from-1+uint64(count) > uint64(n) {
			return fmt.Errorf("projections: the log's Merkle tree holds %d leaves, not positions %d–%d", n, from, from-1+uint64(count))
		}
		hs, err := provenance.Hashes(t).ReadHashes(idx)
		if err != nil {
			return err
		}
		out = make([][32]byte, len(hs))
		for i, h := range hs {
			out[i] = h
		}
		return nil
	})
	return out, err
}

// Tree calls fn with the bucket of the log's Merkle tree in a read transaction (for proofs and
// roots; see provenance). The bucket may be empty.
func (p *Projection) Tree(fn func(tree *bolt.Bucket) error) error {
	return p.db.View(func(tx *bolt.Tx) error {
		t := tx.Bucket(bTree)
		if t == nil {
			return errors.New("projections: the read models keep no Merkle tree of the log")
		}
		return fn(t)
	})
}

// Root returns the root hash of the tree of the log's first size entries.
func (p *Projection) Root(size uint64) (tlog.Hash, error) {
	var h tlog.Hash
	err := p.Tree(func(t *bolt.Bucket) error {
		var err error
		h, err = provenance.Root(t, int64(size))
		return err
	})
	return h, err
}

// loadHistory reads the history kept in meta (in load's transaction).
func (p *Projection) loadHistory(m *bolt.Bucket) {
	p.hist = logHistory{}
	copy(p.hist.leaf[:], m.Get(kLeaf))
}

// ReadKnown returns the history the read models at path hold, without opening them for writing:
// for a command that must know whether history existed before it touches the log. A file that
// does not exist knows nothing (zero Size); one held by another process gives ErrInUse.
func ReadKnown(path string) (domain.KnownHistory, error) {
	k := domain.KnownHistory{By: domain.KnownByReadModels}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return k, ErrInUse
	}
	if err != nil {
		return k, fmt.Errorf("projections: open %s: %w", path, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil {
			return nil
		}
		k.Size = getU64(m.Get(kCheckpoint))
		if v := m.Get(kLeaf); len(v) == 32 {
			k.Leaf = append([]byte(nil), v...)
		}
		return nil
	})
	return k, err
}

// ErrInUse: the read models are open in another process.
var ErrInUse = errors.New("projections: the read models are in use by another ocopledger process")

// PositionOf returns the log position of the entry with the given ID, or 0 if the read models
// hold none. It reads the log's index from the end backwards: meant for a proof asked by ID, not
// for a hot path.
func (p *Projection) PositionOf(id string) (uint64, error) {
	var pos uint64
	err := p.db.View(func(tx *bolt.Tx) error {
		lb := tx.Bucket(bLog)
		for seq := p.Checkpoint(); seq > 0; seq-- {
			if logAt(lb, seq).ref().ID == id {
				pos = seq
				return nil
			}
		}
		return nil
	})
	return pos, err
}
