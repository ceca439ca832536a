package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
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

// Known returns the history the read models were built from: the checkpoint and the leaf hash of
// the entry there.
func (p *Projection) Known() domain.KnownHistory {
	p.mu.RLock()
	defer p.mu.RUnlock()
	k := domain.KnownHistory{Size: p.ckpt, By: domain.KnownByReadModels}
	if p.hist.leaf != ([32]byte{}) {
		k.Leaf = append([]byte(nil), p.hist.leaf[:]...)
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
	last := b.events[len(b.events)-1]
	if last.Leaf == ([32]byte{}) {
		return m.Delete(kLeaf)
	}
	b.leaf = last.Leaf
	return m.Put(kLeaf, last.Leaf[:])
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
