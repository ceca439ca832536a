package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/provenance"
	"golang.org/x/mod/sumdb/note"
)

// tempFile writes s to a new file in the test's temporary directory and returns its path.
func tempFile(t *testing.T, name, s string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The command line end to end: checkpoint signs and publishes a checkpoint of the log, prove
// writes inclusion (by position and by ID) and consistency proofs that verify --proof accepts
// with the key ocopledger key prints and refuses once altered, and figures, explain and diff
// answers say which history they read.
func TestCheckpointProveVerify(t *testing.T) {
	dir := t.TempDir()
	for i, p := range []string{"a", "b", "c"} {
		if code, out, errOut := recordCert(t, dir, p, "2025-07-0"+string(rune('1'+i))+"T09:00:00+07:00"); code != 0 {
			t.Fatalf("record: %d %s %s", code, out, errOut)
		}
	}
	cp := mustRun(t, dir, "checkpoint")
	if !strings.HasPrefix(cp, provenance.DefaultOrigin+"\n3\n") || !strings.Contains(cp, "\n\n— ") {
		t.Fatalf("checkpoint printed:\n%s", cp)
	}
	var again struct {
		Checkpoint struct {
			Seq  uint64 `json:"seq"`
			Size int64  `json:"size"`
		} `json:"checkpoint"`
		PublishedNow bool `json:"published_now"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, dir, "checkpoint", "--json")), &again); err != nil || again.PublishedNow || again.Checkpoint.Seq != 1 || again.Checkpoint.Size != 3 {
		t.Fatalf("a second checkpoint of the same log: %+v %v", again, err)
	}
	key := tempFile(t, "ocop.key", mustRun(t, dir, "key"))

	// Figures say which history they read, with the signed checkpoint of that size.
	var figs struct {
		Position   uint64 `json:"position"`
		Provenance struct {
			Size       uint64 `json:"size"`
			Root       []byte `json:"root"`
			Checkpoint string `json:"checkpoint"`
		} `json:"provenance"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, dir, "figures", "--json")), &figs); err != nil || figs.Provenance.Size != 3 || len(figs.Provenance.Root) != 32 || figs.Provenance.Checkpoint != cp {
		t.Fatalf("figures --json provenance: %+v %v", figs, err)
	}
	if _, err := provenance.Open([]byte(cp), mustVerifiers(t, key)); err != nil {
		t.Fatalf("the published checkpoint does not verify with the key ocopledger key prints: %v", err)
	}
	// The export (format 2) is the log the checkpoint commits to: verify checks it offline.
	export := tempFile(t, "log.jsonl", mustRun(t, dir, "export"))
	mustRun(t, dir, "verify", export, "--checkpoint", tempFile(t, "cp.txt", cp), "--key", key)
	for _, args := range [][]string{{"explain", "ocop.valid", "--json"}, {"diff", "--known-at", "2025-07-02T12:00:00+07:00", "--json"}} {
		if out := mustRun(t, dir, args...); !strings.Contains(out, `"provenance"`) || !strings.Contains(out, `"size": 3`) {
			t.Errorf("%v: no provenance of the 3 entries read:\n%s", args, out)
		}
	}

	for _, args := range [][]string{{"prove", "--position", "2"}, {"prove", "--id", "c-b"}} {
		proof := tempFile(t, "proof.json", mustRun(t, dir, args...))
		mustRun(t, dir, "verify", "--proof", proof, "--key", key)
	}
	recordCert(t, dir, "d", "2025-07-04T09:00:00+07:00")
	recordCert(t, dir, "e", "2025-07-05T09:00:00+07:00")
	cons := mustRun(t, dir, "prove", "--from", "3")
	var cp2 struct {
		OldSize, NewSize int64
		Old              string `json:"old_checkpoint"`
	}
	if err := json.Unmarshal([]byte(cons), &cp2); err != nil || cp2.Old != cp {
		t.Fatalf("consistency proof from the published checkpoint: %s %v", cons, err)
	}
	mustRun(t, dir, "verify", "--proof", tempFile(t, "cons.json", cons), "--key", key)
	// One hash altered: verify refuses, exit 6.
	var raw map[string]any
	json.Unmarshal([]byte(cons), &raw)
	hashes := raw["hashes"].([]any)
	hashes[0] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	bad, _ := json.Marshal(raw)
	if code, _, errOut := run(t, dir, "", "verify", "--proof", tempFile(t, "bad.json", string(bad)), "--key", key); code != 6 {
		t.Fatalf("verify of an altered proof: exit %d %s", code, errOut)
	}
	// Usage mistakes are named.
	if code, _, _ := run(t, dir, "", "prove"); code != 2 {
		t.Errorf("prove without an entry or sizes: exit %d, want 2", code)
	}
	if code, _, _ := run(t, dir, "", "prove", "--position", "99"); code != 3 {
		t.Errorf("prove of a position past the log: exit %d, want 3", code)
	}
}

// reconcile proves the report's checkpoint consistent with the log now, and the report's footer
// names the history it was read from.
func TestReconcileProvesTheReportsCheckpoint(t *testing.T) {
	// Recording the report (position 14) published a checkpoint of 14 entries; this one, of 18,
	// is not the report's.
	f := reportLedger(t)
	mustRun(t, f.dir, "checkpoint")
	recordCert(t, f.dir, "after-filing", "2025-09-20T09:00:00+07:00")
	out, errOut, _ := f.cmd("reconcile", "470-SCT-QLTM", "--json")
	var res struct {
		Positions [2]uint64 `json:"positions"`
		History   struct {
			Now struct {
				Size uint64 `json:"size"`
			} `json:"now"`
			ReportCheckpoint string `json:"report_checkpoint"`
			Consistency      *struct {
				OldSize int64 `json:"old_size"`
				NewSize int64 `json:"new_size"`
			} `json:"consistency"`
			Consistent bool `json:"consistent"`
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("reconcile --json: %v\n%s\n%s", err, out, errOut)
	}
	h := res.History
	if !h.Consistent || h.Consistency == nil || h.Consistency.OldSize != 14 || h.Consistency.NewSize != 19 || h.Now.Size != res.Positions[1] || h.ReportCheckpoint == "" {
		t.Fatalf("reconcile history: %+v (positions %v)", h, res.Positions)
	}
	text, _, _ := f.cmd("reconcile", "470-SCT-QLTM", "--lang", "en")
	if !strings.Contains(text, "consistency proof verified") || !strings.Contains(text, "Source: the first 19 entries of the log, root hash") {
		t.Errorf("reconcile's text does not prove or name its history:\n%s", text)
	}
	rep := mustRun(t, f.dir, "report", "--as-of", "2025-08-07", "--lang", "en")
	if !strings.Contains(rep, "Source: the first") {
		t.Errorf("the report's footer does not name its history:\n%s", rep)
	}
}

// serve publishes checkpoints and answers them and proofs over HTTP; the proofs verify with
// provenance's verifiers and the data directory's key.
func TestServeCheckpointsAndProofs(t *testing.T) {
	dir := t.TempDir()
	base, _ := serveOnLoopback(t, "--data", dir)
	for _, p := range []string{"x1", "x2", "x3"} {
		body := strings.Replace(servePayload, `"product_id":"toi-serve"`, `"product_id":"`+p+`"`, 1)
		req, _ := http.NewRequest("POST", base+"/v1/events/ocop.certified", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+serveAdminToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 201 {
			t.Fatalf("record: %v %v", err, res.Status)
		}
		res.Body.Close()
	}
	req, _ := http.NewRequest("POST", base+"/v1/checkpoints", nil)
	req.Header.Set("Authorization", "Bearer "+serveAdminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var made struct {
		Size int64  `json:"size"`
		Note string `json:"checkpoint"`
	}
	if (res.StatusCode != 201 && res.StatusCode != 200) || json.Unmarshal(b, &made) != nil || made.Size != 3 {
		t.Fatalf("POST /v1/checkpoints: %d %s", res.StatusCode, b)
	}
	k, err := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	verifiers := note.VerifierList(k.Verifier)
	if _, err := provenance.Open([]byte(made.Note), verifiers); err != nil {
		t.Fatalf("the checkpoint does not verify: %v", err)
	}
	code, body := getAuth(t, base+"/v1/checkpoints?limit=10")
	if code != 200 || !strings.Contains(body, `"size":3`) {
		t.Fatalf("GET /v1/checkpoints: %d %s", code, body)
	}
	if code, body := getAuth(t, base+"/v1/checkpoints/latest"); code != 200 || !strings.Contains(body, `"size":3`) {
		t.Fatalf("GET /v1/checkpoints/latest: %d %s", code, body)
	}
	code, body = getAuth(t, base+"/v1/proofs/inclusion?position=2")
	p, err := provenance.ParseProof([]byte(body))
	if code != 200 || err != nil {
		t.Fatalf("inclusion proof: %d %s %v", code, body, err)
	}
	if _, err := provenance.VerifyInclusion(*p.(*provenance.InclusionProof), verifiers); err != nil {
		t.Fatalf("the inclusion proof does not verify: %v", err)
	}
	code, body = getAuth(t, base+"/v1/proofs/consistency?from=1&to=3")
	p, err = provenance.ParseProof([]byte(body))
	if code != 200 || err != nil {
		t.Fatalf("consistency proof: %d %s %v", code, body, err)
	}
	if _, _, err := provenance.VerifyConsistency(*p.(*provenance.ConsistencyProof), verifiers); err != nil {
		t.Fatalf("the consistency proof does not verify: %v", err)
	}
	if code, body := getAuth(t, base+"/v1/proofs/inclusion?position=9"); code != 404 {
		t.Errorf("a proof past the log: %d %s", code, body)
	}
	code, body = getAuth(t, base+"/v1/figures")
	if code != 200 || !strings.Contains(body, `"provenance":{"size":3`) || !strings.Contains(body, `"checkpoint":"`) {
		t.Errorf("figures do not carry the signed checkpoint of what they read: %s", body)
	}
}

func mustVerifiers(t *testing.T, keyFile string) note.Verifiers {
	t.Helper()
	b, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	v, err := provenance.NewVerifiers(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
