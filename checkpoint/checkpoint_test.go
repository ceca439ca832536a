package checkpoint_test

import (
	"fmt"
	"testing"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/checkpoint/checkpointtest"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/provenance"
	"golang.org/x/mod/sumdb/note"
)

// Checkpoints are published in order as the log grows, in a stream that refuses deletes and
// purges; each is found again by its size, and proofs made from the read models verify.
func TestCheckpointsGrowAndProve(t *testing.T) {
	ctx := t.Context()
	tl := checkpointtest.New(t, t.TempDir())
	s, key, cl, p := tl.Store, tl.Key, tl.Log, tl.Proj
	l := ledger.New(s, nil)
	sizes := []int64{}
	for round := range 5 {
		for i := range round + 2 {
			if _, err := s.Append(ctx, "product.cp", eventstore.AnyVersion, eventstore.Proposed{
				ID: fmt.Sprintf("cp-%d-%d", round, i), Type: "test.noted", Schema: 1, Data: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.CatchUp(ctx, l, nil); err != nil {
			t.Fatal(err)
		}
		e, made, err := cl.Make(ctx, p)
		if err != nil || !made || uint64(e.Size) != p.Checkpoint() {
			t.Fatalf("round %d: %+v %v %v", round, e, made, err)
		}
		sizes = append(sizes, e.Size)
		if _, made, _ := cl.Make(ctx, p); made {
			t.Fatalf("round %d: a second checkpoint of the same size", round)
		}
	}
	for _, size := range sizes {
		e, err := cl.At(ctx, size)
		if err != nil || e == nil || e.Size != size {
			t.Fatalf("At(%d): %+v %v", size, e, err)
		}
		if e, _ := cl.AtOrAfter(ctx, size-1); e == nil || e.Size != size {
			t.Fatalf("AtOrAfter(%d): %+v", size-1, e)
		}
	}
	if e, _ := cl.At(ctx, sizes[1]+1); e != nil {
		t.Fatalf("At of a size never published: %+v", e)
	}
	list, last, err := cl.List(ctx, 2, 2)
	if err != nil || len(list) != 2 || list[0].Seq != 3 || last != 5 {
		t.Fatalf("List: %+v %d %v", list, last, err)
	}
	// Nothing removes a checkpoint.
	js := s.JetStream()
	st, _ := js.Stream(ctx, checkpoint.StreamName)
	if err := st.DeleteMsg(ctx, 1); err == nil {
		t.Fatal("a checkpoint was deleted")
	}
	if err := st.Purge(ctx); err == nil {
		t.Fatal("the checkpoint stream was purged")
	}
	verifiers := note.VerifierList(key.Verifier)
	inc, err := cl.ProveInclusion(ctx, p, 3, uint64(sizes[2]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.VerifyInclusion(inc, verifiers); err != nil {
		t.Fatalf("inclusion: %v", err)
	}
	answer, err := cl.Prove(ctx, p, checkpoint.ProofRequest{From: uint64(sizes[0])})
	cons, ok := answer.(provenance.ConsistencyProof)
	if err != nil || !ok {
		t.Fatalf("Prove from %d: %T %v", sizes[0], answer, err)
	}
	if _, _, err := provenance.VerifyConsistency(cons, verifiers); err != nil {
		t.Fatalf("consistency: %v", err)
	}
	if answer, err := cl.Prove(ctx, p, checkpoint.ProofRequest{Position: 3}); err != nil {
		t.Fatal(err)
	} else if inc, ok := answer.(provenance.InclusionProof); !ok {
		t.Fatalf("Prove of position 3: %T", answer)
	} else if _, err := provenance.VerifyInclusion(inc, verifiers); err != nil {
		t.Fatalf("inclusion by Prove: %v", err)
	}
	pv := cl.ProvenanceOf(ctx, p, uint64(sizes[3]))
	if pv.Checkpoint == "" || len(pv.Root) != 32 {
		t.Fatalf("provenance at a published size: %+v", pv)
	}
}
