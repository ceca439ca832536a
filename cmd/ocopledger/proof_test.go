package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/provenance"
	bolt "go.etcd.io/bbolt"
)

// storedBodies appends n events to the ledger in dir (a real embedded JetStream) and returns the
// stored bodies in log order: the lines of an export, format v2.
func storedBodies(t *testing.T, dir string, n int) [][]byte {
	t.Helper()
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		_, err := s.Append(ctx, fmt.Sprintf("product.p%d", i%4), eventstore.AnyVersion, eventstore.Proposed{
			ID: fmt.Sprintf("e%03d", i), Type: "test.happened", Schema: 1, Actor: "test",
			Data: json.RawMessage(fmt.Sprintf(`{"n":%d,"name":"Sản phẩm %d"}`, i, i))})
		if err != nil {
			t.Fatal(err)
		}
	}
	var bodies [][]byte
	if err := s.Read(ctx, 1, func(e eventstore.Envelope) error {
		bodies = append(bodies, append([]byte(nil), e.Body...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != n {
		t.Fatalf("read %d bodies back, want %d", len(bodies), n)
	}
	return bodies
}

// signedCheckpoints builds the tree of bodies in a bbolt file and signs checkpoints of the given
// sizes with the data directory's key; it returns their notes, and the tree's file for proofs.
func signedCheckpoints(t *testing.T, dir string, bodies [][]byte, sizes ...int64) ([]provenance.SignedCheckpoint, *bolt.DB) {
	t.Helper()
	key, err := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "tree.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var out []provenance.SignedCheckpoint
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(provenance.TreeBucket))
		if err != nil {
			return err
		}
		a, err := provenance.NewAppender(b)
		if err != nil {
			return err
		}
		for _, body := range bodies {
			a.Append(provenance.LeafHash(body))
		}
		if err := a.Flush(); err != nil {
			return err
		}
		for _, size := range sizes {
			root, err := provenance.Root(b, size)
			if err != nil {
				return err
			}
			sc, err := provenance.Sign(provenance.Checkpoint{Origin: key.Origin, Size: size, Root: root}, key.Signer)
			if err != nil {
				return err
			}
			out = append(out, sc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, db
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestKeyCommand(t *testing.T) {
	t.Setenv(provenance.KeyFileEnv, "")
	dir := t.TempDir()
	code, out, errOut := run(t, dir, "", "key")
	if code != 0 || !strings.HasPrefix(out, provenance.DefaultOrigin+"+") || !strings.Contains(errOut, "đã tạo khóa ký mới") {
		t.Fatalf("key: exit %d, out %q, err %q", code, out, errOut)
	}
	st, err := os.Stat(filepath.Join(dir, provenance.KeyFileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key file: %v, %v; want mode 0600", st, err)
	}
	code, again, errOut := run(t, dir, "", "key", "--lang", "en")
	if code != 0 || again != out || errOut != "" {
		t.Fatalf("key again: exit %d, %q (first %q), err %q", code, again, out, errOut)
	}
	code, js, _ := run(t, dir, "", "key", "--json")
	var k struct {
		VerifierKey string `json:"verifier_key"`
		Created     bool   `json:"created"`
	}
	if code != 0 || json.Unmarshal([]byte(js), &k) != nil || k.VerifierKey+"\n" != out || k.Created {
		t.Fatalf("key --json: exit %d, %s", code, js)
	}
	// A log keeps its name.
	if code, _, errOut := run(t, dir, "", "key", "--origin", "other.example/log"); code != 2 || !strings.Contains(errOut, "other.example/log") {
		t.Errorf("key with another origin: exit %d, %s", code, errOut)
	}
}

func TestVerifyCommand(t *testing.T) {
	t.Setenv(provenance.KeyFileEnv, "")
	dir, files := t.TempDir(), t.TempDir()
	bodies := storedBodies(t, dir, 40)
	cps, db := signedCheckpoints(t, dir, bodies, 20, 40)
	_, vkey, _ := run(t, dir, "", "key")
	keyFile := writeFile(t, filepath.Join(files, "ocop.key"), []byte(vkey))
	cp20 := writeFile(t, filepath.Join(files, "cp20.txt"), cps[0].Note)
	cp40 := writeFile(t, filepath.Join(files, "cp40.txt"), cps[1].Note)
	var export bytes.Buffer
	for _, b := range bodies {
		export.Write(b)
		export.WriteByte('\n')
	}
	good := writeFile(t, filepath.Join(files, "export.jsonl"), export.Bytes())

	code, out, errOut := runCLI(t, "verify", good, "--checkpoint", cp20, "--checkpoint", cp40, "--key", keyFile)
	if code != 0 || !strings.Contains(out, "Tệp xuất khớp") || !strings.Contains(out, "điểm kiểm chứng 40 mục ghi") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errOut)
	}
	// The key given as text, the export on stdin, in English, as JSON.
	code, out, errOut = runWithInput(t, export.String(), "verify", "-", "--checkpoint", cp40, "--key", strings.TrimSpace(vkey), "--json")
	var rep struct {
		Verified bool  `json:"verified"`
		Lines    int64 `json:"lines"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.Verified || rep.Lines != 40 {
		t.Fatalf("verify - --json: exit %d\n%s%s", code, out, errOut)
	}

	// The checkpoints inside a JSON answer, as the API lists them.
	listing, _ := json.Marshal(map[string]any{"checkpoints": []any{
		map[string]any{"seq": 1, "size": 20, "checkpoint": string(cps[0].Note)},
		map[string]any{"seq": 2, "size": 40, "checkpoint": string(cps[1].Note)}}})
	code, out, errOut = runCLI(t, "verify", good, "--checkpoint", writeFile(t, filepath.Join(files, "cps.json"), listing), "--key", keyFile, "--lang", "en")
	if code != 0 || !strings.Contains(out, "checkpoint of 20 entries") || !strings.Contains(out, "checkpoint of 40 entries") {
		t.Errorf("checkpoints in a JSON answer: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "verify", good, "--checkpoint", writeFile(t, filepath.Join(files, "none.json"), []byte(`{"size":40}`)), "--key", keyFile); code != 2 {
		t.Errorf("JSON without a checkpoint: exit %d, %s", code, errOut)
	}

	// One byte changed in the payload of line 27: exit 6, and lines 21–40 named.
	tampered := bytes.Clone(export.Bytes())
	i := bytes.Index(tampered, []byte("Sản phẩm 26"))
	tampered[i+len("Sản phẩm 2")] = '7'
	bad := writeFile(t, filepath.Join(files, "tampered.jsonl"), tampered)
	code, _, errOut = runCLI(t, "verify", bad, "--checkpoint", cp20, "--checkpoint", cp40, "--key", keyFile)
	if code != 6 || !strings.Contains(errOut, "một trong các dòng 21–40") {
		t.Errorf("tampered export: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "verify", bad, "--checkpoint", cp40, "--key", keyFile, "--lang", "en")
	if code != 6 || !strings.Contains(errOut, "one of lines 1–40 differs") {
		t.Errorf("tampered export, in English: exit %d, %s", code, errOut)
	}
	// A gap: line 7 marks a missing entry.
	lines := bytes.SplitAfter(export.Bytes(), []byte("\n"))
	lines[6] = []byte(`{"ocopledger_missing":{"position":7,"reason":"damaged block"}}` + "\n")
	gap := writeFile(t, filepath.Join(files, "gap.jsonl"), bytes.Join(lines, nil))
	if code, _, errOut := runCLI(t, "verify", gap, "--checkpoint", cp40, "--key", keyFile, "--lang", "en"); code != 6 || !strings.Contains(errOut, "line 7 marks the entry at position 7 as missing") {
		t.Errorf("export with a gap: exit %d, %s", code, errOut)
	}
	// Another log's key: the checkpoint does not verify.
	other, _ := provenance.LoadOrCreateKey(t.TempDir(), provenance.KeyOptions{})
	if code, _, errOut := runCLI(t, "verify", good, "--checkpoint", cp40, "--key", other.VerifierKey); code != 6 || !strings.Contains(errOut, "cp40.txt") {
		t.Errorf("another key: exit %d, %s", code, errOut)
	}
	// An altered checkpoint.
	altered := writeFile(t, filepath.Join(files, "altered.txt"), bytes.Replace(cps[1].Note, []byte("\n40\n"), []byte("\n39\n"), 1))
	if code, _, errOut := runCLI(t, "verify", good, "--checkpoint", altered, "--key", keyFile); code != 6 {
		t.Errorf("altered checkpoint: exit %d, %s", code, errOut)
	}
	// Mistakes in the call: exit 2.
	for _, args := range [][]string{
		{"verify", good, "--checkpoint", cp40},
		{"verify", good, "--key", keyFile},
		{"verify", "--checkpoint", cp40, "--key", keyFile},
		{"verify", filepath.Join(files, "nope.jsonl"), "--checkpoint", cp40, "--key", keyFile},
		{"verify", good, "--checkpoint", good, "--key", keyFile},
		{"verify", good, "--checkpoint", cp40, "--key", "not-a-key"},
		{"verify", good, "--checkpoint", cp40, "--key", keyFile, "--proof", cp40},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
		}
	}

	// Proofs: inclusion of position 13 in the log of 40, consistency of 20 with 40.
	var incl provenance.InclusionProof
	var cons provenance.ConsistencyProof
	db.View(func(tx *bolt.Tx) error {
		var err error
		b := tx.Bucket([]byte(provenance.TreeBucket))
		if incl, err = provenance.ProveInclusion(b, 13, cps[1]); err != nil {
			t.Fatal(err)
		}
		if cons, err = provenance.ProveConsistency(b, cps[0], cps[1]); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	if incl.LeafHash != provenance.LeafHash(bodies[12]) {
		t.Fatal("the inclusion proof is not of line 13")
	}
	js, _ := json.Marshal(incl)
	inclFile := writeFile(t, filepath.Join(files, "incl.json"), js)
	js, _ = json.Marshal(cons)
	consFile := writeFile(t, filepath.Join(files, "cons.json"), js)
	if code, out, errOut := runCLI(t, "verify", "--proof", inclFile, "--key", keyFile); code != 0 || !strings.Contains(out, "vị trí 13") {
		t.Errorf("inclusion proof: exit %d, %s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "verify", "--proof", consFile, "--key", keyFile, "--lang", "en"); code != 0 || !strings.Contains(out, "of 20 entries") {
		t.Errorf("consistency proof: exit %d, %s%s", code, out, errOut)
	}
	incl.Position = 14
	js, _ = json.Marshal(incl)
	if code, _, errOut := runCLI(t, "verify", "--proof", writeFile(t, filepath.Join(files, "bad.json"), js), "--key", keyFile); code != 6 {
		t.Errorf("inclusion proof of another position: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "verify", "--proof", good, "--key", keyFile); code != 2 {
		t.Errorf("a proof that is not one: exit %d, %s", code, errOut)
	}
}

// export --hashes writes the leaf hash of each line beside the export; verify --hashes checks
// it against the checkpoints and then names the very line of a tampered export, where the
// checkpoint alone says "one of lines 1–N". A hashes file of another log is refused, by name.
func TestExportHashesNameTheChangedLine(t *testing.T) {
	t.Setenv(provenance.KeyFileEnv, "")
	dir, files := t.TempDir(), t.TempDir()
	for i, p := range []string{"a", "b", "c", "d", "e"} {
		recordCert(t, dir, p, fmt.Sprintf("2025-07-0%dT09:00:00+07:00", i+1))
	}
	exp, hashes := filepath.Join(files, "backup.jsonl"), filepath.Join(files, "backup.hashes")
	mustRun(t, dir, "export", "--out", exp, "--hashes", hashes)
	cp := writeFile(t, filepath.Join(files, "cp.txt"), []byte(mustRun(t, dir, "checkpoint")))
	key := writeFile(t, filepath.Join(files, "ocop.key"), []byte(mustRun(t, dir, "key")))
	if h := mustReadFile(t, hashes); strings.Count(h, "\n") != 5 || len(h) != 5*45 {
		t.Fatalf("hashes file:\n%s", h)
	}
	if code, out, errOut := runCLI(t, "verify", exp, "--checkpoint", cp, "--key", key, "--hashes", hashes); code != 0 {
		t.Fatalf("verify --hashes of the export as written: exit %d\n%s%s", code, out, errOut)
	}
	data := []byte(mustReadFile(t, exp))
	i := bytes.Index(data, []byte(`"product_id":"d"`))
	data[i+len(`"product_id":"`)] = 'x' // line 4, still valid JSON
	bad := writeFile(t, filepath.Join(files, "tampered.jsonl"), data)
	code, _, errOut := runCLI(t, "verify", bad, "--checkpoint", cp, "--key", key, "--lang", "en")
	if code != 6 || !strings.Contains(errOut, "one of lines 1–5 differs") {
		t.Errorf("verify without the hashes: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "verify", bad, "--checkpoint", cp, "--key", key, "--hashes", hashes, "--lang", "en")
	if code != 6 || !strings.Contains(errOut, "line 4 differs from the log") {
		t.Errorf("verify --hashes: exit %d, %s; want line 4 named", code, errOut)
	}
	// The hashes of the tampered export are not the log's: refused, naming the file.
	badHashes := filepath.Join(files, "tampered.hashes")
	var b bytes.Buffer
	for _, l := range bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		provenance.WriteLeaf(&b, provenance.LeafHash(bytes.TrimSuffix(l, []byte("\n"))))
	}
	writeFile(t, badHashes, b.Bytes())
	code, _, errOut = runCLI(t, "verify", bad, "--checkpoint", cp, "--key", key, "--hashes", badHashes, "--lang", "en")
	if code != 6 || !strings.Contains(errOut, "tampered.hashes") || !strings.Contains(errOut, "it is not this log's") {
		t.Errorf("verify with the tampered export's own hashes: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "export", "--data", dir, "--salvage", "--hashes", badHashes); code != 2 {
		t.Errorf("export --salvage --hashes: exit %d, %s", code, errOut)
	}
}
