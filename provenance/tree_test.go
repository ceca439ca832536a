package provenance_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/provenance"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/tlog"
)

// MustOpenDB opens a bbolt file in a temporary directory with the tree's bucket.
func MustOpenDB(tb testing.TB) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "tree.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte(provenance.TreeBucket))
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return db
}

func body(i int64) []byte {
	return fmt.Appendf(nil, `{"id":"e%d","type":"t","stream":"s.%d","version":1,"recorded_at":"2025-08-07T01:02:03Z","data":{}}`, i, i%7)
}

// appendLeaves appends the bodies of positions from+1…to in one transaction with an Appender.
func appendLeaves(tb testing.TB, db *bolt.DB, from, to int64) {
	tb.Helper()
	if err := db.Update(func(tx *bolt.Tx) error {
		a, err := provenance.NewAppender(tx.Bucket([]byte(provenance.TreeBucket)))
		if err != nil {
			return err
		}
		if a.Size() != from {
			return fmt.Errorf("tree has %d leaves, want %d", a.Size(), from)
		}
		for i := from; i < to; i++ {
			if err := a.Append(provenance.LeafHash(body(i))); err != nil {
				return err
			}
		}
		return a.Flush()
	}); err != nil {
		tb.Fatal(err)
	}
}

// reference is the tree as github.com/transparency-dev/merkle computes it: a compact range over
// the same leaves, every node it visits kept so that its own proofs can be built.
type reference struct {
	rng   *compact.Range
	nodes map[compact.NodeID][]byte
	roots [][]byte // roots[n] is the root of the first n leaves
}

func newReference() *reference {
	f := &compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	return &reference{rng: f.NewEmptyRange(0), nodes: map[compact.NodeID][]byte{}, roots: [][]byte{rfc6962.DefaultHasher.EmptyRoot()}}
}

func (r *reference) append(tb testing.TB, data []byte) {
	visit := func(id compact.NodeID, h []byte) { r.nodes[id] = h }
	leaf := rfc6962.DefaultHasher.HashLeaf(data)
	r.nodes[compact.NewNodeID(0, r.rng.End())] = leaf
	if err := r.rng.Append(leaf, visit); err != nil {
		tb.Fatal(err)
	}
	root, err := r.rng.GetRootHash(visit)
	if err != nil {
		tb.Fatal(err)
	}
	r.roots = append(r.roots, root)
}

func hashesOf(p []tlog.Hash) [][]byte {
	out := make([][]byte, len(p))
	for i := range p {
		out[i] = p[i][:]
	}
	return out
}

// TestTreeMatchesTransparencyDev builds trees of 1…300 leaves, appended in batches of random
// sizes, and checks every root, every inclusion proof and every consistency proof with the
// independent implementation of github.com/transparency-dev/merkle.
func TestTreeMatchesTransparencyDev(t *testing.T) {
	db := MustOpenDB(t)
	ref := newReference()
	rnd := rand.New(rand.NewPCG(1, 2))
	const max = 300
	for n := int64(0); n < max; {
		next := min(max, n+1+rnd.Int64N(20))
		if rnd.IntN(4) == 0 { // also the one-leaf Append
			next = n + 1
			if err := db.Update(func(tx *bolt.Tx) error {
				return provenance.Append(tx.Bucket([]byte(provenance.TreeBucket)), n, provenance.LeafHash(body(n)))
			}); err != nil {
				t.Fatal(err)
			}
		} else {
			appendLeaves(t, db, n, next)
		}
		for i := n; i < next; i++ {
			ref.append(t, body(i))
		}
		n = next
	}
	h := rfc6962.DefaultHasher
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(provenance.TreeBucket))
		if n, err := provenance.Size(b); err != nil || n != max {
			t.Fatalf("Size = %d, %v; want %d", n, err, max)
		}
		for size := int64(1); size <= max; size++ {
			root, err := provenance.Root(b, size)
			if err != nil {
				return err
			}
			if !bytes.Equal(root[:], ref.roots[size]) {
				t.Fatalf("root of %d leaves = %x, transparency-dev says %x", size, root, ref.roots[size])
			}
			for index := int64(0); index < size; index++ {
				p, err := provenance.RecordProof(b, index, size)
				if err != nil {
					return err
				}
				leaf := provenance.LeafHash(body(index))
				if err := proof.VerifyInclusion(h, uint64(index), uint64(size), leaf[:], hashesOf(p), ref.roots[size]); err != nil {
					t.Fatalf("inclusion of %d in %d: transparency-dev refuses our proof: %v", index, size, err)
				}
				// and the other way round: its proof passes tlog's check.
				nodes, err := proof.Inclusion(uint64(index), uint64(size))
				if err != nil {
					return err
				}
				theirs, err := nodes.Rehash(ref.lookup(t, nodes.IDs), h.HashChildren)
				if err != nil {
					return err
				}
				if err := tlog.CheckRecord(toTlog(theirs), size, root, index, leaf); err != nil {
					t.Fatalf("inclusion of %d in %d: tlog refuses transparency-dev's proof: %v", index, size, err)
				}
			}
			for old := int64(1); old <= size; old++ {
				p, err := provenance.TreeProof(b, old, size)
				if err != nil {
					return err
				}
				if err := proof.VerifyConsistency(h, uint64(old), uint64(size), hashesOf(p), ref.roots[old], ref.roots[size]); err != nil {
					t.Fatalf("consistency %d→%d: transparency-dev refuses our proof: %v", old, size, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (r *reference) lookup(tb testing.TB, ids []compact.NodeID) [][]byte {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := r.nodes[id]
		if !ok {
			tb.Fatalf("reference has no node %+v", id)
		}
		out[i] = h
	}
	return out
}

func toTlog(hs [][]byte) []tlog.Hash {
	out := make([]tlog.Hash, len(hs))
	for i := range hs {
		copy(out[i][:], hs[i])
	}
	return out
}

// TestTreeLarge checks roots and proofs at sizes around powers of two in a tree of 70,000 leaves.
func TestTreeLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large tree")
	}
	const max = 70_000
	db := MustOpenDB(t)
	ref := newReference()
	for n := int64(0); n < max; n += 10_000 {
		appendLeaves(t, db, n, min(max, n+10_000))
	}
	for i := int64(0); i < max; i++ {
		ref.append(t, body(i))
	}
	h := rfc6962.DefaultHasher
	sizes := []int64{1, 4095, 4096, 4097, 32767, 32768, 32769, 65535, 65536, 65537, 69999, 70000}
	rnd := rand.New(rand.NewPCG(3, 4))
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(provenance.TreeBucket))
		for _, size := range sizes {
			root, err := provenance.Root(b, size)
			if err != nil {
				return err
			}
			if !bytes.Equal(root[:], ref.roots[size]) {
				t.Fatalf("root of %d leaves differs from transparency-dev's", size)
			}
			for range 50 {
				index := rnd.Int64N(size)
				p, err := provenance.RecordProof(b, index, size)
				if err != nil {
					return err
				}
				leaf := provenance.LeafHash(body(index))
				if err := proof.VerifyInclusion(h, uint64(index), uint64(size), leaf[:], hashesOf(p), ref.roots[size]); err != nil {
					t.Fatalf("inclusion of %d in %d: %v", index, size, err)
				}
				old := 1 + rnd.Int64N(size)
				tp, err := provenance.TreeProof(b, old, size)
				if err != nil {
					return err
				}
				if err := proof.VerifyConsistency(h, uint64(old), uint64(size), hashesOf(tp), ref.roots[old], ref.roots[size]); err != nil {
					t.Fatalf("consistency %d→%d: %v", old, size, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAppendRefusesWrongPosition(t *testing.T) {
	db := MustOpenDB(t)
	appendLeaves(t, db, 0, 5)
	for _, n := range []int64{4, 6, 0} {
		err := db.Update(func(tx *bolt.Tx) error {
			return provenance.Append(tx.Bucket([]byte(provenance.TreeBucket)), n, provenance.LeafHash(body(n)))
		})
		if err == nil {
			t.Errorf("Append of leaf %d to a tree of 5 leaves succeeded", n)
		}
	}
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(provenance.TreeBucket))
		if n, err := provenance.Size(b); n != 5 || err != nil {
			t.Errorf("after refused appends Size = %d, %v; want 5", n, err)
		}
		if _, err := provenance.Root(b, 6); err == nil {
			t.Error("Root(6) of a tree of 5 leaves succeeded")
		}
		if _, err := provenance.RecordProof(b, 5, 5); err == nil {
			t.Error("RecordProof of leaf 5 in a tree of 5 succeeded")
		}
		if _, err := provenance.TreeProof(b, 0, 5); err == nil {
			t.Error("TreeProof from 0 leaves succeeded")
		}
		return nil
	})
}

// memHashes is a tlog.HashReader over stored hashes held in a slice.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		if idx < 0 || idx >= int64(len(m)) {
			return nil, fmt.Errorf("stored hash %d of %d", idx, len(m))
		}
		out[i] = m[idx]
	}
	return out, nil
}

// TestAppenderStoresWhatTlogStores checks that the Appender, which takes left siblings from the
// tree's right edge kept in memory, stores for every size from 1 to 2,100 leaves exactly the
// hashes tlog.StoredHashesForRecordHash makes: appended in transactions and flushes of random
// lengths (several flushes in one transaction too), by a new Appender or one that continues from
// the last transaction, some of them rolled back, so that siblings come from memory, from blocks
// written in the same transaction and from blocks of earlier ones.
func TestAppenderStoresWhatTlogStores(t *testing.T) {
	db := MustOpenDB(t)
	rnd := rand.New(rand.NewPCG(3, 4))
	const max = 2100
	var want memHashes
	var a *provenance.Appender
	errRollback := errors.New("rolled back")
	for n := int64(0); n < max; {
		rollback := rnd.IntN(5) == 0
		m, w := n, want
		err := db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte(provenance.TreeBucket))
			if a == nil || rnd.IntN(3) == 0 {
				var err error
				if a, err = provenance.NewAppender(b); err != nil {
					return err
				}
			} else if err := a.Continue(b); err != nil {
				return err
			}
			if a.Size() != m {
				return fmt.Errorf("Appender over %d leaves says %d", m, a.Size())
			}
			for range 1 + rnd.IntN(3) {
				for range 1 + rnd.IntN(1+[]int{3, 40, 300}[rnd.IntN(3)]) {
					leaf := provenance.LeafHash(body(m))
					hs, err := tlog.StoredHashesForRecordHash(m, leaf, w)
					if err != nil {
						return err
					}
					w = append(w[:len(w):len(w)], hs...)
					if err := a.Append(leaf); err != nil {
						return err
					}
					m++
				}
				if err := a.Flush(); err != nil {
					return err
				}
			}
			if rollback {
				return errRollback
			}
			return nil
		})
		if rollback && err == errRollback {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n, want = m, w
		if err := db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte(provenance.TreeBucket))
			if size, err := provenance.Size(b); err != nil || size != n {
				return fmt.Errorf("Size = %d, %v; want %d", size, err, n)
			}
			indexes := make([]int64, len(want))
			for i := range indexes {
				indexes[i] = int64(i)
			}
			got, err := provenance.Hashes(b).ReadHashes(indexes)
			if err != nil {
				return err
			}
			for i := range want {
				if got[i] != want[i] {
					return fmt.Errorf("after %d leaves, stored hash %d = %x, tlog makes %x", n, i, got[i], want[i])
				}
			}
			if _, err := provenance.Hashes(b).ReadHashes([]int64{int64(len(want))}); err == nil {
				return fmt.Errorf("after %d leaves, stored hash %d exists, beyond tlog's %d", n, len(want), len(want))
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHashingAllocatesNothing: the readers' decode workers hash every entry, and a rebuild appends
// every leaf; neither may cost the collector anything.
func TestHashingAllocatesNothing(t *testing.T) {
	b := body(12345)
	if n := testing.AllocsPerRun(100, func() { provenance.LeafHash(b) }); n != 0 {
		t.Errorf("LeafHash allocates %v times", n)
	}
	db := MustOpenDB(t)
	appendLeaves(t, db, 0, 1000)
	if err := db.Update(func(tx *bolt.Tx) error {
		a, err := provenance.NewAppender(tx.Bucket([]byte(provenance.TreeBucket)))
		if err != nil {
			return err
		}
		leaf := provenance.LeafHash(b)
		a.Append(leaf) // reads the edge of the tree from the bucket once
		// Only the buffer of new hashes grows now and then (doubling).
		if n := testing.AllocsPerRun(1000, func() { a.Append(leaf) }); n > 0.01 {
			t.Errorf("Append allocates %v times per leaf", n)
		}
		return a.Flush()
	}); err != nil {
		t.Fatal(err)
	}
}
