package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/provenance"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// docExamples returns the code blocks of docs/auditors.md that follow a comment
// <!-- example:NAME -->, by name.
func docExamples(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/auditors.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- example:([a-z0-9-]+) -->\n```[a-z]*\n(.*?)```")
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		out[m[1]] = m[2]
	}
	for _, name := range []string{"export", "leaves", "roots", "verifier-key", "checkpoint-3", "checkpoint-5", "verify", "inclusion", "consistency", "python"} {
		if out[name] == "" {
			t.Fatalf("docs/auditors.md has no example %q", name)
		}
	}
	return out
}

// TestAuditorsDocExample recomputes the worked example of docs/auditors.md.
func TestAuditorsDocExample(t *testing.T) {
	t.Setenv(provenance.KeyFileEnv, "")
	ex := docExamples(t)
	export := ex["export"]
	lines := strings.Split(strings.TrimSuffix(export, "\n"), "\n")

	// The leaves, with tlog, from the lines (an unreadable entry by its decoded body).
	var bodies [][]byte
	for _, l := range lines {
		body := []byte(l)
		if strings.HasPrefix(l, `{"ocopledger_unreadable":`) {
			var w struct {
				U struct {
					B string `json:"body_base64"`
				} `json:"ocopledger_unreadable"`
			}
			if err := json.Unmarshal(body, &w); err != nil {
				t.Fatal(err)
			}
			var err error
			if body, err = base64.StdEncoding.DecodeString(w.U.B); err != nil {
				t.Fatal(err)
			}
		}
		bodies = append(bodies, body)
	}
	for i, row := range strings.Split(strings.TrimSpace(ex["leaves"]), "\n") {
		h := tlog.RecordHash(bodies[i])
		if want := strconv.Itoa(i+1) + " " + hex.EncodeToString(h[:]); row != want {
			t.Errorf("leaves: the doc says %q, tlog says %q", row, want)
		}
	}
	// The roots, with transparency-dev/merkle.
	rng := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	roots := map[int64][]byte{}
	for i, b := range bodies {
		rng.Append(rfc6962.DefaultHasher.HashLeaf(b), nil)
		root, err := rng.GetRootHash(nil)
		if err != nil {
			t.Fatal(err)
		}
		roots[int64(i+1)] = root
		want := strconv.Itoa(i+1) + " " + hex.EncodeToString(root) + " " + base64.StdEncoding.EncodeToString(root)
		if row := strings.Split(strings.TrimSpace(ex["roots"]), "\n")[i]; row != want {
			t.Errorf("roots: the doc says %q, transparency-dev says %q", row, want)
		}
	}

	// The key from its published seed, and the checkpoints signed by it, byte for byte.
	seed := sha256.Sum256([]byte("ocopledger docs/auditors.md example key"))
	priv := ed25519.NewKeyFromSeed(seed[:])
	vkey, err := note.NewEd25519VerifierKey(provenance.DefaultOrigin, priv.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(ex["verifier-key"]); got != vkey {
		t.Errorf("verifier key: the doc says %q, the seed gives %q", got, vkey)
	}
	hash := strings.Split(vkey, "+")[1]
	signer, err := note.NewSigner("PRIVATE+KEY+" + provenance.DefaultOrigin + "+" + hash + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, seed[:]...)))
	if err != nil {
		t.Fatal(err)
	}
	verifiers, err := provenance.NewVerifiers(vkey)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{3, 5} {
		var root tlog.Hash
		copy(root[:], roots[size])
		sc, err := provenance.Sign(provenance.Checkpoint{Origin: provenance.DefaultOrigin, Size: size, Root: root}, signer)
		if err != nil {
			t.Fatal(err)
		}
		doc := ex["checkpoint-"+strconv.FormatInt(size, 10)]
		if doc != string(sc.Note) {
			t.Errorf("checkpoint of %d: the doc says\n%s\nsigning gives\n%s", size, doc, sc.Note)
		}
		if _, err := provenance.Open([]byte(doc), verifiers); err != nil {
			t.Errorf("checkpoint of %d in the doc: %v", size, err)
		}
	}

	// The proofs: our verifier, and transparency-dev's on the same hashes.
	var incl provenance.InclusionProof
	var cons provenance.ConsistencyProof
	if err := json.Unmarshal([]byte(ex["inclusion"]), &incl); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(ex["consistency"]), &cons); err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.VerifyInclusion(incl, verifiers); err != nil {
		t.Errorf("the doc's inclusion proof: %v", err)
	}
	if _, _, err := provenance.VerifyConsistency(cons, verifiers); err != nil {
		t.Errorf("the doc's consistency proof: %v", err)
	}
	raw := func(hs []tlog.Hash) (out [][]byte) {
		for _, h := range hs {
			out = append(out, append([]byte(nil), h[:]...))
		}
		return out
	}
	leaf4 := tlog.RecordHash(bodies[3])
	if incl.LeafHash != leaf4 || proof.VerifyInclusion(rfc6962.DefaultHasher, 3, 5, leaf4[:], raw(incl.Hashes), roots[5]) != nil {
		t.Error("transparency-dev refuses the doc's inclusion proof of position 4")
	}
	if proof.VerifyConsistency(rfc6962.DefaultHasher, 3, 5, raw(cons.Hashes), roots[3], roots[5]) != nil {
		t.Error("transparency-dev refuses the doc's consistency proof")
	}

	// The command, as shown.
	dir := t.TempDir()
	write := func(name, s string) string { return writeFile(t, filepath.Join(dir, name), []byte(s)) }
	write("example.jsonl", export)
	write("cp3.txt", ex["checkpoint-3"])
	write("cp5.txt", ex["checkpoint-5"])
	write("example.key", ex["verifier-key"])
	shown := strings.Split(strings.TrimSpace(ex["verify"]), "\n")
	args := strings.Fields(strings.TrimPrefix(shown[0], "$ ocopledger "))
	for i, a := range args {
		if strings.Contains(a, ".") && !strings.HasPrefix(a, "-") {
			args[i] = filepath.Join(dir, a)
		}
	}
	code, out, errOut := runCLI(t, args...)
	ms := regexp.MustCompile(`in \d+ ms`)
	if code != 0 || ms.ReplaceAllString(out, "in 0 ms") != strings.Join(shown[1:], "\n")+"\n" {
		t.Errorf("verify: exit %d; prints\n%s%s\nthe doc shows\n%s", code, out, errOut, strings.Join(shown[1:], "\n"))
	}

	// The Python program, where Python 3 is installed.
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Log("no python3: the doc's Python program is not run")
		return
	}
	cmd := exec.Command(python, "-c", ex["python"])
	cmd.Stdin = strings.NewReader(export)
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("the doc's Python program: %v", err)
	}
	if want := base64.StdEncoding.EncodeToString(roots[5]); string(bytes.TrimSpace(got)) != want {
		t.Errorf("the doc's Python program prints %s, want %s", got, want)
	}
}
