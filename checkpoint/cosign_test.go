package checkpoint_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/checkpoint/checkpointtest"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/provenance"
)

// A witness's cosignature of a published checkpoint is kept (its first one only), shown with the
// checkpoint, and cannot be removed; a checkpoint the ledger did not publish is refused.
func TestCosignaturesAreKept(t *testing.T) {
	ctx := t.Context()
	tl := checkpointtest.New(t, t.TempDir())
	s, key, cl, p := tl.Store, tl.Key, tl.Log, tl.Proj
	if _, err := s.Append(ctx, "product.cs", eventstore.AnyVersion, eventstore.Proposed{ID: "cs-1", Type: "test.noted", Schema: 1, Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(ctx, ledger.New(s, nil), nil); err != nil {
		t.Fatal(err)
	}
	e, _, err := cl.Make(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := provenance.LoadOrCreateWitnessKey(t.TempDir(), "witness.example/a")
	wv, _ := provenance.NewWitnessVerifiers(w.VerifierKey)
	cosigned, line, err := provenance.Cosign([]byte(e.Note), w)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cl.AddCosignatures(ctx, cosigned, wv)
	if err != nil || len(got.Cosignatures) != 1 || got.Cosignatures[0].Line != line || got.Cosigned != string(cosigned) {
		t.Fatalf("AddCosignatures: %+v %v", got, err)
	}
	// A second cosignature by the same witness is not kept: the first stays.
	again, _, _ := provenance.Cosign([]byte(e.Note), w)
	if got, err := cl.AddCosignatures(ctx, again, wv); err != nil || len(got.Cosignatures) != 1 || got.Cosignatures[0].Line != line {
		t.Fatalf("a second cosignature: %+v %v", got, err)
	}
	latest, _ := cl.Latest(ctx)
	if err := cl.WithCosignatures(ctx, latest, wv); err != nil || len(latest.Cosignatures) != 1 {
		t.Fatalf("WithCosignatures: %+v %v", latest, err)
	}
	// Without the witness's key the ledger shows nothing of it and takes nothing from it.
	if err := cl.WithCosignatures(ctx, latest, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.AddCosignatures(ctx, cosigned, nil); domain.ErrorCode(err) != domain.CodeForbidden {
		t.Fatalf("a ledger without witnesses: %v, want forbidden", err)
	}
	// A checkpoint it did not publish (signed by its key, never published) is refused.
	other, err := cl.Sign(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	fakeCP, _ := provenance.Sign(provenance.Checkpoint{Origin: key.Origin, Size: 2, Root: other.Root}, key.Signer)
	fc, _, _ := provenance.Cosign(fakeCP.Note, w)
	if _, err := cl.AddCosignatures(ctx, fc, wv); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("a checkpoint never published: %v, want a history mismatch", err)
	}
	// Nor one of the published size with another root, even signed by the ledger's key.
	otherRoot, _ := provenance.Sign(provenance.Checkpoint{Origin: key.Origin, Size: 1, Root: [32]byte{1}}, key.Signer)
	oc, _, _ := provenance.Cosign(otherRoot.Note, w)
	if _, err := cl.AddCosignatures(ctx, oc, wv); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("a checkpoint of the published size with another root: %v, want a history mismatch", err)
	}
	// Nothing removes a cosignature.
	st, err := s.JetStream().Stream(ctx, checkpoint.CosignatureStream)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMsg(ctx, 1); err == nil {
		t.Fatal("a cosignature was deleted")
	}
	if err := st.Purge(ctx); err == nil {
		t.Fatal("the cosignature stream was purged")
	}
}
