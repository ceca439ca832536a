package verify_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance/verify"
)

// The auditor's files, by name: the checkpoints of several files together, an export from a file
// or the standard input with its hashes, a proof; a file that is not there is named by its option.
func TestFiles(t *testing.T) {
	pub := publish(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	incl, _ := json.Marshal(pub.incl)
	cps, err := verify.CheckpointFiles([]string{write("cp20.txt", []byte(pub.cp20.Note)), write("cp40.txt", []byte(pub.cp40.Note))}, verify.Keys{Log: pub.log})
	if err != nil || len(cps) != 2 || cps[1].Size != 40 {
		t.Fatalf("CheckpointFiles: %+v %v", cps, err)
	}
	export, hashes := write("export.jsonl", pub.export), write("export.hashes", pub.hashes)
	for _, c := range []struct{ path, hashes string }{{export, ""}, {"-", hashes}} {
		rep, err := verify.ExportFile(t.Context(), c.path, bytes.NewReader(pub.export), cps, c.hashes)
		if err != nil || rep.Lines != 40 || rep.Covered != 40 {
			t.Errorf("ExportFile(%s, hashes %q): %+v %v", c.path, c.hashes, rep, err)
		}
	}
	if r, err := verify.ProofFile(write("proof.json", incl), pub.log); err != nil || r.Inclusion == nil || r.Inclusion.Position != 13 {
		t.Errorf("ProofFile: %+v %v", r, err)
	}
	missing := filepath.Join(dir, "missing")
	for field, err := range map[string]error{
		"checkpoint": second(verify.CheckpointFiles([]string{missing}, verify.Keys{Log: pub.log})),
		"file":       second(verify.ExportFile(t.Context(), missing, nil, cps, "")),
		"hashes":     second(verify.ExportFile(t.Context(), export, nil, cps, missing)),
		"proof":      second(verify.ProofFile(missing, pub.log)),
	} {
		if domain.ErrorField(err) != field {
			t.Errorf("a missing %s file: %v, want it named by %s", field, err, field)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestKeysQuorum(t *testing.T) {
	two := []note.Verifier{nil, nil}
	for _, c := range []struct {
		quorum, want int
		ok           bool
	}{{0, 2, true}, {1, 1, true}, {2, 2, true}, {3, 3, false}, {-1, -1, false}} {
		k := verify.Keys{Witnesses: two, Quorum: c.quorum}
		err := k.Validate()
		if k.Quorum != c.want || (err == nil) != c.ok || err != nil && domain.ErrorField(err) != "witnesses" {
			t.Errorf("quorum %d of 2: %d, %v", c.quorum, k.Quorum, err)
		}
	}
}
