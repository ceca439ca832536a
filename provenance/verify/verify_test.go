package verify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/checkpoint/checkpointtest"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/provenance/verify"
)

// published is a ledger's log of 40 entries, as an auditor gets it: its export, the checkpoints
// the ledger published of 20 and 40 entries (the second cosigned by a witness), the listing of
// GET /v1/checkpoints, proofs, the keys.
type published struct {
	export    []byte
	hashes    []byte
	cp20      checkpoint.Entry
	cp40      checkpoint.Entry // with its cosignature
	listing   []byte
	incl      provenance.InclusionProof // position 13 in the log of 40
	cons      provenance.ConsistencyProof
	log       note.Verifiers
	witnesses []note.Verifier
}

// publish records 40 entries in a real store, folds them into real read models with the log's
// tree, publishes checkpoints with the checkpoint log, and has a witness cosign the last.
func publish(t *testing.T) *published {
	t.Helper()
	ctx := t.Context()
	l := checkpointtest.New(t, t.TempDir())
	s, cl, p := l.Store, l.Log, l.Proj
	out := &published{}
	var cps []*checkpoint.Entry
	for i := range 40 {
		l.Append(t, fmt.Sprintf("product.p%d", i%4), fmt.Sprintf("e%03d", i), fmt.Appendf(nil, `{"n":%d,"name":"Sản phẩm %d"}`, i, i))
		if i == 19 || i == 39 {
			e, _ := l.Publish(t)
			cps = append(cps, e)
		}
	}
	var hashes bytes.Buffer
	if err := s.Read(ctx, 1, func(e eventstore.Envelope) error {
		out.export = append(append(out.export, e.Body...), '\n')
		return provenance.WriteLeaf(&hashes, provenance.LeafHash(e.Body))
	}); err != nil {
		t.Fatal(err)
	}
	out.hashes = hashes.Bytes()

	w, _ := provenance.LoadOrCreateWitnessKey(t.TempDir(), "witness.example/inspectorate")
	out.witnesses, _ = provenance.NewWitnessVerifiers(w.VerifierKey)
	cosigned, _, err := provenance.Cosign([]byte(cps[1].Note), w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.AddCosignatures(ctx, cosigned, out.witnesses); err != nil {
		t.Fatal(err)
	}
	list, _, err := cl.List(ctx, 0, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("the published checkpoints: %+v %v", list, err)
	}
	for i := range list {
		if err := cl.WithCosignatures(ctx, &list[i], out.witnesses); err != nil {
			t.Fatal(err)
		}
	}
	out.cp20, out.cp40 = list[0], list[1]
	out.listing, _ = json.Marshal(map[string]any{"checkpoints": list})
	if out.incl, err = cl.ProveInclusion(ctx, p, 13, 40); err != nil {
		t.Fatal(err)
	}
	if out.cons, err = cl.ProveConsistency(ctx, p, 20, 40); err != nil {
		t.Fatal(err)
	}
	out.log, _ = provenance.NewVerifiers(l.Key.VerifierKey)
	return out
}

// An export is checked against the checkpoints in a note file or in the ledger's JSON listing,
// with the witnesses' cosignatures where they are required; a changed line is bounded by the
// checkpoints, and named exactly with the hashes file.
func TestExportAgainstCheckpoints(t *testing.T) {
	pub := publish(t)
	keys := verify.Keys{Log: pub.log}
	cps, err := verify.Checkpoints(verify.File{Name: "cps.json", Data: pub.listing}, keys)
	if err != nil || len(cps) != 2 || cps[0].Size != 20 || cps[1].Size != 40 {
		t.Fatalf("the checkpoints of the listing: %+v %v", cps, err)
	}
	rep, err := verify.Export(t.Context(), bytes.NewReader(pub.export), cps, verify.ExportOptions{})
	if err != nil || rep.Lines != 40 || rep.Covered != 40 || len(rep.Checkpoints) != 2 || rep.Took <= 0 {
		t.Fatalf("the export: %+v %v", rep, err)
	}

	// The witness's cosignature, required: the listing carries it on the checkpoint of 40.
	witnessed := verify.Keys{Log: pub.log, Witnesses: pub.witnesses, Quorum: 1}
	if _, err := verify.Checkpoints(verify.File{Name: "cps.json", Data: pub.listing}, witnessed); domain.ErrorCode(err) != domain.CodeHistoryMismatch ||
		!strings.HasPrefix(err.Error(), "cps.json: the checkpoint of 20 entries is cosigned by 0 of the witnesses given, 1 are required") {
		t.Fatalf("the listing, the checkpoint of 20 entries not cosigned: %v", err)
	}
	one, _ := json.Marshal(pub.cp40)
	cs, err := verify.Checkpoints(verify.File{Name: "latest.json", Data: one}, witnessed)
	if err != nil || len(cs) != 1 || len(cs[0].Cosignatures) != 1 || cs[0].Cosignatures[0].Witness != "witness.example/inspectorate" {
		t.Fatalf("the cosigned checkpoint: %+v %v", cs, err)
	}
	if _, err := verify.Checkpoints(verify.File{Name: "plain.txt", Data: []byte(pub.cp40.Note)}, witnessed); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("the note without its cosignature: %v", err)
	}

	// One byte changed on line 27: the checkpoints bound it to lines 21–40, the hashes name it.
	tampered := bytes.Clone(pub.export)
	i := bytes.Index(tampered, []byte("Sản phẩm 26"))
	tampered[i+len("Sản phẩm 2")] = '7'
	_, err = verify.Export(t.Context(), bytes.NewReader(tampered), cps, verify.ExportOptions{})
	var le *provenance.LineError
	if !errors.As(err, &le) || le.From != 21 || le.To != 40 {
		t.Fatalf("the tampered export: %v, want lines 21–40", err)
	}
	_, err = verify.Export(t.Context(), bytes.NewReader(tampered), cps, verify.ExportOptions{Hashes: bytes.NewReader(pub.hashes), HashesName: "backup.hashes"})
	if !errors.As(err, &le) || le.Line != 27 {
		t.Fatalf("the tampered export with the hashes: %v, want line 27", err)
	}
	// The tampered export's own hashes are not the log's: refused, by the file's name.
	var own bytes.Buffer
	for _, line := range bytes.SplitAfter(bytes.TrimSuffix(tampered, []byte("\n")), []byte("\n")) {
		provenance.WriteLeaf(&own, provenance.LeafHash(bytes.TrimSuffix(line, []byte("\n"))))
	}
	_, err = verify.Export(t.Context(), bytes.NewReader(tampered), cps, verify.ExportOptions{Hashes: &own, HashesName: "tampered.hashes"})
	if domain.ErrorCode(err) != domain.CodeHistoryMismatch || !strings.HasPrefix(err.Error(), "tampered.hashes: ") {
		t.Fatalf("the tampered export's hashes: %v", err)
	}
}

// A file that holds no checkpoint, or one another key signed, or altered, is refused by name.
func TestCheckpointsRefused(t *testing.T) {
	pub := publish(t)
	keys := verify.Keys{Log: pub.log}
	other, _ := provenance.LoadOrCreateKey(t.TempDir(), provenance.KeyOptions{})
	otherLog, _ := provenance.NewVerifiers(other.VerifierKey)
	for _, c := range []struct {
		name string
		data string
		keys verify.Keys
		code domain.Code
	}{
		{"none.json", `{"size":40}`, keys, domain.CodeInvalid},
		{"broken.json", `{"checkpoint":`, keys, domain.CodeInvalid},
		{"other.txt", pub.cp40.Note, verify.Keys{Log: otherLog}, domain.CodeHistoryMismatch},
		{"altered.txt", strings.Replace(pub.cp40.Note, "\n40\n", "\n39\n", 1), keys, domain.CodeHistoryMismatch},
	} {
		_, err := verify.Checkpoints(verify.File{Name: c.name, Data: []byte(c.data)}, c.keys)
		if domain.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: %v, want %s naming the file", c.name, err, c.code)
		}
	}
}

// Proofs of inclusion and of consistency verify against the log's key; a proof of another
// position, or that is not a proof, does not.
func TestProof(t *testing.T) {
	pub := publish(t)
	js, _ := json.Marshal(pub.incl)
	r, err := verify.Proof(js, pub.log)
	if err != nil || r.Inclusion == nil || r.Inclusion.Position != 13 || r.Checkpoint.Size != 40 || r.Consistency != nil {
		t.Fatalf("the inclusion proof: %+v %v", r, err)
	}
	js, _ = json.Marshal(pub.cons)
	r, err = verify.Proof(js, pub.log)
	if err != nil || r.Consistency == nil || r.Old.Size != 20 || r.Checkpoint.Size != 40 || r.Old.Root == r.Checkpoint.Root {
		t.Fatalf("the consistency proof: %+v %v", r, err)
	}
	moved := pub.incl
	moved.Position = 14
	js, _ = json.Marshal(moved)
	if _, err := verify.Proof(js, pub.log); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("an inclusion proof of another position: %v", err)
	}
	if _, err := verify.Proof(pub.export[:100], pub.log); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a proof that is not one: %v", err)
	}
}
