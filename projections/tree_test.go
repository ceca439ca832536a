package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/synth"
)

// importSynth imports a synthetic ledger of about n events into s.
func importSynth(tb testing.TB, s *eventstore.Store, n int) {
	tb.Helper()
	entries := synth.Generate(synth.Config{Events: n, Seed: 7})
	versions := map[string]uint64{}
	i := 0
	if _, err := s.Import(tb.Context(), func() (eventstore.Imported, bool, error) {
		if i == len(entries) {
			return eventstore.Imported{}, false, nil
		}
		e := entries[i]
		i++
		st := e.Event.Stream()
		versions[st]++
		data, err := json.Marshal(e.Event)
		if err != nil {
			return eventstore.Imported{}, false, err
		}
		return eventstore.Imported{Stream: st, Version: versions[st], Backfilled: true, Proposed: eventstore.Proposed{
			ID: e.ID, Type: e.Event.EventType(), Schema: e.Event.SchemaVersion(), Data: data,
			Actor: "test", Source: "synthetic", RecordedAt: e.RecordedAt}}, true, nil
	}); err != nil {
		tb.Fatal(err)
	}
}

// rootOf computes the root of the log's first n entries with transparency-dev/merkle, from the
// bodies the store holds: an implementation independent of the one the read models use.
func rootOf(t *testing.T, s *eventstore.Store, n uint64) []byte {
	t.Helper()
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r := rf.NewEmptyRange(0)
	if err := s.Read(t.Context(), 1, func(e eventstore.Envelope) error {
		if e.Sequence > n {
			return nil
		}
		return r.Append(rfc6962.DefaultHasher.HashLeaf(e.Body), nil)
	}); err != nil {
		t.Fatal(err)
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// The read models keep the log's Merkle tree: after a rebuild from zero (the bulk path) and
// while following the live log, its size is the checkpoint and its root is the one an independent
// implementation computes from the stored bodies; a reopened file knows it.
func TestReadModelsKeepTheLogsMerkleTree(t *testing.T) {
	s := storetest.MustOpenStore(t)
	importSynth(t, s, 3000)
	l := ledger.New(s, nil)
	path := filepath.Join(t.TempDir(), "rm.db")
	p, err := projections.Open(path, projections.Options{BatchSize: 700})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(t.Context(), l, nil); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		n, err := p.TreeSize()
		if err != nil || n != p.Checkpoint() || n == 0 {
			t.Fatalf("%s: tree size %d (%v), checkpoint %d", what, n, err, p.Checkpoint())
		}
		for _, size := range []uint64{1, n / 3, n} {
			root, err := p.Root(size)
			if err != nil {
				t.Fatal(err)
			}
			if want := rootOf(t, s, size); string(root[:]) != string(want) {
				t.Fatalf("%s: root of %d entries %x, transparency-dev/merkle says %x", what, size, root, want)
			}
		}
		k := p.Known()
		if k.Size != n || len(k.Leaf) != 32 || len(k.Root) != 32 {
			t.Fatalf("%s: known %+v", what, k)
		}
		if err := l.CheckHistory(t.Context(), k); err != nil {
			t.Fatalf("%s: the log does not extend what the read models know: %v", what, err)
		}
	}
	check("rebuild from zero")

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, l) }()
	var last uint64
	for i := range 40 {
		res, err := s.Append(t.Context(), fmt.Sprintf("product.tree-%d", i%3), eventstore.AnyVersion, eventstore.Proposed{
			ID: fmt.Sprintf("tree-%d", i), Type: "test.noted", Schema: 1, Data: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		last = res.LastSequence
	}
	wctx, wcancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer wcancel()
	if err := p.WaitFor(wctx, last); err != nil {
		t.Fatal(err)
	}
	check("following the log")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.Close()
	if p, err = projections.Open(path, projections.Options{}); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	check("reopened")
}
