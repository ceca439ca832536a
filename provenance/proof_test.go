package provenance_test

import (
	"encoding/json"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
	bolt "go.etcd.io/bbolt"
)

func TestProofsRoundTrip(t *testing.T) {
	const origin = "ocopledger.example/test"
	signer, verifiers := mustKey(t, origin)
	db := MustOpenDB(t)
	appendLeaves(t, db, 0, 1000)
	var incl provenance.InclusionProof
	var cons provenance.ConsistencyProof
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(provenance.TreeBucket))
		sign := func(size int64) provenance.SignedCheckpoint {
			root, err := provenance.Root(b, size)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := provenance.Sign(provenance.Checkpoint{Origin: origin, Size: size, Root: root}, signer)
			if err != nil {
				t.Fatal(err)
			}
			return sc
		}
		old, now := sign(613), sign(1000)
		var err error
		if incl, err = provenance.ProveInclusion(b, 500, old); err != nil {
			return err
		}
		if cons, err = provenance.ProveConsistency(b, old, now); err != nil {
			return err
		}
		// A checkpoint that is not of this tree gets no proof.
		forged := old
		forged.Root = provenance.LeafHash([]byte("forged"))
		if _, err := provenance.ProveInclusion(b, 1, forged); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
			t.Errorf("ProveInclusion against a checkpoint of another tree = %v, want a history mismatch", err)
		}
		if _, err := provenance.ProveInclusion(b, 614, old); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("ProveInclusion past the checkpoint = %v, want not found", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if incl.LeafHash != provenance.LeafHash(body(499)) {
		t.Fatal("the proof's leaf hash is not the hash of the entry at position 500")
	}

	// Through JSON, as an auditor receives them.
	for _, p := range []any{incl, cons} {
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := provenance.ParseProof(data)
		if err != nil {
			t.Fatalf("ParseProof(%s): %v", data, err)
		}
		switch q := parsed.(type) {
		case *provenance.InclusionProof:
			if _, err := provenance.VerifyInclusion(*q, verifiers); err != nil {
				t.Errorf("VerifyInclusion: %v", err)
			}
		case *provenance.ConsistencyProof:
			if _, _, err := provenance.VerifyConsistency(*q, verifiers); err != nil {
				t.Errorf("VerifyConsistency: %v", err)
			}
		}
	}

	// Tampered: another position, another leaf, a changed hash, a wrong size; a wrong key.
	tamperedIncl := []func(p *provenance.InclusionProof){
		func(p *provenance.InclusionProof) { p.Position++ },
		func(p *provenance.InclusionProof) { p.LeafHash = provenance.LeafHash(body(500)) },
		func(p *provenance.InclusionProof) { p.Hashes[3][0] ^= 1 },
		func(p *provenance.InclusionProof) { p.Hashes = p.Hashes[1:] },
		func(p *provenance.InclusionProof) { p.TreeSize = 1000 },
	}
	for i, tamper := range tamperedIncl {
		p := incl
		p.Hashes = append(p.Hashes[:0:0], incl.Hashes...)
		tamper(&p)
		if _, err := provenance.VerifyInclusion(p, verifiers); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
			t.Errorf("tampered inclusion proof %d: %v, want a history mismatch", i, err)
		}
	}
	tamperedCons := []func(p *provenance.ConsistencyProof){
		func(p *provenance.ConsistencyProof) { p.Hashes[0][5] ^= 1 },
		func(p *provenance.ConsistencyProof) { p.Hashes = p.Hashes[:len(p.Hashes)-1] },
		func(p *provenance.ConsistencyProof) { p.OldSize = 612 },
		func(p *provenance.ConsistencyProof) {
			p.OldCheckpoint, p.NewCheckpoint = p.NewCheckpoint, p.OldCheckpoint
		},
	}
	for i, tamper := range tamperedCons {
		p := cons
		p.Hashes = append(p.Hashes[:0:0], cons.Hashes...)
		tamper(&p)
		if _, _, err := provenance.VerifyConsistency(p, verifiers); err == nil {
			t.Errorf("tampered consistency proof %d verified", i)
		}
	}
	_, other := mustKey(t, origin)
	if _, err := provenance.VerifyInclusion(incl, other); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Errorf("inclusion proof with another key: %v, want a history mismatch", err)
	}
	for _, bad := range []string{`{`, `{"type":"other"}`, `{"type":"inclusion","position":"x"}`, `{"type":"inclusion","extra":1}`} {
		if _, err := provenance.ParseProof([]byte(bad)); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("ParseProof(%s) = %v, want invalid", bad, err)
		}
	}
}
