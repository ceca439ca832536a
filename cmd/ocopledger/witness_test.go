package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/witness"
)

// recordOn records a certification of product on the served ledger at base.
func recordOn(t *testing.T, base, product string) {
	t.Helper()
	body := strings.Replace(servePayload, `"product_id":"toi-serve"`, `"product_id":"`+product+`"`, 1)
	req, _ := http.NewRequest("POST", base+"/v1/events/ocop.certified", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+serveAdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("record %s: %v %v", product, err, res.Status)
	}
	res.Body.Close()
}

// checkpointOn makes the served ledger publish a checkpoint now and returns its size.
func checkpointOn(t *testing.T, base string) int64 {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/checkpoints", nil)
	req.Header.Set("Authorization", "Bearer "+serveAdminToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Size int64 `json:"size"`
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 || json.Unmarshal(b, &e) != nil {
		t.Fatalf("POST /v1/checkpoints: %d %s", res.StatusCode, b)
	}
	return e.Size
}

func postNote(t *testing.T, base, note string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/checkpoints/cosignatures", strings.NewReader(note))
	req.Header.Set("Authorization", "Bearer "+serveAdminToken)
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// A witness follows a real ledger: it cosigns its checkpoints as the log grows (checking each
// consistency proof itself), the ledger keeps and shows the cosignatures, verify requires them;
// shown a forked history (a second ledger with the same signing key and a different entry), the
// witness refuses to sign, keeps the evidence and exits 6.
func TestWitnessCosignsAndRefusesAFork(t *testing.T) {
	state := t.TempDir()
	wkey := strings.TrimSpace(mustRun(t, t.TempDir(), "witness", "--state", state, "--name", "witness.example/inspectorate", "--print-key"))
	if again := strings.TrimSpace(mustRun(t, t.TempDir(), "witness", "--state", state, "--print-key")); again != wkey {
		t.Fatalf("the witness key changed: %q then %q", wkey, again)
	}
	other, err := provenance.LoadOrCreateWitnessKey(t.TempDir(), "witness.example/other")
	if err != nil {
		t.Fatal(err)
	}

	dirA := t.TempDir()
	baseA, _ := serveOnLoopback(t, "--data", dirA, "--witness-key", wkey)
	ledgerKey, err := provenance.LoadOrCreateKey(dirA, provenance.KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keyFile := tempFile(t, "ocop.key", ledgerKey.VerifierKey+"\n")
	witness := func(base string) (int, string, string) {
		return run(t, t.TempDir(), "", "witness", "--ledger", base, "--ledger-key", keyFile, "--token", serveAdminToken,
			"--state", state, "--once", "--lang", "en")
	}
	for _, p := range []string{"w1", "w2", "w3"} {
		recordOn(t, baseA, p)
	}
	if n := checkpointOn(t, baseA); n != 3 {
		t.Fatalf("checkpoint of %d entries, want 3", n)
	}
	if code, out, errOut := witness(baseA); code != 0 || !strings.Contains(out, "cosigned the checkpoint of 3 entries") {
		t.Fatalf("first witness run: %d\n%s%s", code, out, errOut)
	}

	// The ledger shows the cosignature with its latest checkpoint; verify requires it.
	code, latest := getAuth(t, baseA+"/v1/checkpoints/latest")
	var e struct {
		Size         int64                    `json:"size"`
		Note         string                   `json:"checkpoint"`
		Cosignatures []provenance.Cosignature `json:"cosignatures"`
		Cosigned     string                   `json:"cosigned"`
	}
	if code != 200 || json.Unmarshal([]byte(latest), &e) != nil || e.Size != 3 || len(e.Cosignatures) != 1 ||
		e.Cosignatures[0].Witness != "witness.example/inspectorate" || !strings.HasPrefix(e.Cosigned, e.Note) {
		t.Fatalf("GET /v1/checkpoints/latest: %d %s", code, latest)
	}
	if code, list := getAuth(t, baseA+"/v1/checkpoints"); code != 200 || !strings.Contains(list, `"cosigned":"`+jsonEscape(e.Cosigned)) {
		t.Fatalf("GET /v1/checkpoints does not carry the cosignature: %d %s", code, list)
	}
	cpFile := tempFile(t, "latest.json", latest)
	if code, out, errOut := run(t, t.TempDir(), "", "verify", "--checkpoint", cpFile, "--key", keyFile, "--witness-key", wkey, "--lang", "en"); code != 0 || !strings.Contains(out, "witness.example/inspectorate") {
		t.Fatalf("verify with the witness's key: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, t.TempDir(), "", "verify", "--checkpoint", cpFile, "--key", keyFile, "--witness-key", wkey, "--witness-key", other.VerifierKey, "--lang", "en"); code != 6 || !strings.Contains(errOut, "cosigned by 1 of the witnesses given, 2 are required") {
		t.Fatalf("verify requiring a witness that did not cosign: %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, t.TempDir(), "", "verify", "--checkpoint", tempFile(t, "plain.txt", e.Note), "--key", keyFile, "--witness-key", wkey, "--lang", "en"); code != 6 {
		t.Fatalf("verify of a checkpoint without cosignature: %d %s", code, errOut)
	}
	if code, _, _ := run(t, t.TempDir(), "", "verify", "--checkpoint", cpFile, "--key", keyFile, "--witness-key", wkey, "--witnesses", "2"); code != 2 {
		t.Fatalf("--witnesses 2 with one key: exit %d, want 2", code)
	}

	// The ledger takes no cosignature from a witness it does not know, nor of a checkpoint it did
	// not publish.
	foreign, _, err := provenance.Cosign([]byte(e.Note), other)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := postNote(t, baseA, string(foreign)); code != 403 {
		t.Fatalf("a cosignature by an unknown witness: %d %s", code, body)
	}
	if code, body := postNote(t, baseA, strings.Replace(e.Cosigned, "\n3\n", "\n2\n", 1)); code != 409 {
		t.Fatalf("an altered checkpoint: %d %s", code, body)
	}

	// The log grows: the witness checks the consistency proof and cosigns the new checkpoint.
	recordOn(t, baseA, "w4")
	recordOn(t, baseA, "w5")
	checkpointOn(t, baseA)
	if code, out, errOut := witness(baseA); code != 0 || !strings.Contains(out, "cosigned the checkpoint of 5 entries") {
		t.Fatalf("second witness run: %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := witness(baseA); code != 0 || !strings.Contains(out, "nothing new") {
		t.Fatalf("third witness run: %d\n%s%s", code, out, errOut)
	}
	var again struct {
		Cosigned bool   `json:"cosigned"`
		Size     int64  `json:"size"`
		Note     string `json:"checkpoint"`
	}
	code, out, errOut := run(t, t.TempDir(), "", "witness", "--ledger", baseA, "--ledger-key", keyFile, "--token", serveAdminToken, "--state", state, "--once", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &again) != nil || again.Cosigned || again.Size != 5 || !strings.Contains(again.Note, "— witness.example/inspectorate ") {
		t.Fatalf("witness --json with nothing new: %d\n%s%s", code, out, errOut)
	}

	// A second ledger with the same signing key and a different third entry: a forked history.
	dirB := t.TempDir()
	keyB, _ := os.ReadFile(filepath.Join(dirA, provenance.KeyFileName))
	if err := os.WriteFile(filepath.Join(dirB, provenance.KeyFileName), keyB, 0o600); err != nil {
		t.Fatal(err)
	}
	baseB, _ := serveOnLoopback(t, "--data", dirB, "--witness-key", wkey)
	for _, p := range []string{"w1", "w2", "forked", "w4", "w5", "w6"} {
		recordOn(t, baseB, p)
	}
	if n := checkpointOn(t, baseB); n != 6 {
		t.Fatalf("the fork's checkpoint is of %d entries, want 6", n)
	}
	code, out, errOut = witness(baseB)
	if code != 6 || !strings.Contains(errOut, "refuses to cosign") || !strings.Contains(errOut, "does not extend the log of 5 entries") {
		t.Fatalf("the witness shown a fork: exit %d, want 6\n%s%s", code, out, errOut)
	}
	evidence, _ := filepath.Glob(filepath.Join(state, "evidence-6-*"))
	if len(evidence) != 1 {
		t.Fatalf("evidence folders: %v", evidence)
	}
	for _, f := range []string{"cosigned-checkpoint.txt", "presented-checkpoint.txt", "consistency-proof.json", "reason.txt"} {
		if b, err := os.ReadFile(filepath.Join(evidence[0], f)); err != nil || len(b) == 0 {
			t.Errorf("evidence %s: %v", f, err)
		}
	}
	// Both checkpoints in the evidence are signed by the ledger's key: the proof of a split view.
	for _, f := range []string{"cosigned-checkpoint.txt", "presented-checkpoint.txt"} {
		b, _ := os.ReadFile(filepath.Join(evidence[0], f))
		if _, err := provenance.Open(b, mustVerifiers(t, keyFile)); err != nil {
			t.Errorf("evidence %s does not verify: %v", f, err)
		}
	}
	// The witness kept its state: it still vouches for the 5 entries of the first ledger only.
	if st := witnessState(t, state); st.Size != 5 || !st.Posted {
		t.Fatalf("the witness's state after the refusal: %+v", st)
	}
	// A fork of the same size (B's checkpoint of 5 entries would differ) is refused too; and a
	// ledger that shows less than was cosigned.
	dirC := t.TempDir()
	if err := os.WriteFile(filepath.Join(dirC, provenance.KeyFileName), keyB, 0o600); err != nil {
		t.Fatal(err)
	}
	baseC, _ := serveOnLoopback(t, "--data", dirC)
	recordOn(t, baseC, "w1")
	checkpointOn(t, baseC)
	if code, _, errOut := witness(baseC); code != 6 || !strings.Contains(errOut, "fewer than the 5") {
		t.Fatalf("a ledger cut back: exit %d\n%s", code, errOut)
	}
}

// witnessState is the state the witness keeps in its folder.
func witnessState(t *testing.T, dir string) *witness.State {
	t.Helper()
	st, err := witness.LoadState(dir)
	if err != nil || st == nil {
		t.Fatalf("the witness's state in %s: %v %v", dir, st, err)
	}
	return st
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// Left running, the witness cosigns each new checkpoint as it comes; a ledger that does not know
// the witness's cosignature (exit 5), and the witness keeps it to post again, never calling it done.
func TestWitnessFollowsAndRetries(t *testing.T) {
	state := t.TempDir()
	wkey := strings.TrimSpace(mustRun(t, t.TempDir(), "witness", "--state", state, "--print-key"))

	// A ledger that was not told of this witness.
	dirU := t.TempDir()
	baseU, _ := serveOnLoopback(t, "--data", dirU)
	ku, _ := provenance.LoadOrCreateKey(dirU, provenance.KeyOptions{})
	recordOn(t, baseU, "u1")
	checkpointOn(t, baseU)
	code, out, errOut := run(t, t.TempDir(), "", "witness", "--ledger", baseU, "--ledger-key", ku.VerifierKey, "--token", serveAdminToken,
		"--state", state, "--once", "--lang", "en")
	if code != 5 || !strings.Contains(errOut, "serve --witness-key") {
		t.Fatalf("a ledger that does not know the witness: exit %d, want 5\n%s%s", code, out, errOut)
	}
	if st := witnessState(t, state); st.Size != 1 || st.Posted {
		t.Fatalf("the state after a refused post: %+v", st)
	}
	// Run again, it posts the same cosignature again rather than calling it done.
	if code, out, errOut := run(t, t.TempDir(), "", "witness", "--ledger", baseU, "--ledger-key", ku.VerifierKey, "--token", serveAdminToken,
		"--state", state, "--once", "--lang", "en"); code != 5 || strings.Contains(out, "nothing new") {
		t.Fatalf("the second run against a ledger that does not know the witness: exit %d, want 5\n%s%s", code, out, errOut)
	}

	// A ledger that knows it, followed by a witness left running.
	state2 := t.TempDir()
	wkey2 := strings.TrimSpace(mustRun(t, t.TempDir(), "witness", "--state", state2, "--print-key"))
	dir := t.TempDir()
	base, _ := serveOnLoopback(t, "--data", dir, "--witness-key", wkey, "--witness-key", wkey2)
	k, _ := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{})
	recordOn(t, base, "f1")
	checkpointOn(t, base)
	ctx, cancel := context.WithCancel(context.Background())
	var wout, werr syncBuffer
	m := NewMain(strings.NewReader(""), &wout, &werr)
	exit := make(chan int, 1)
	go func() {
		exit <- m.Run(ctx, []string{"witness", "--ledger", base, "--ledger-key", k.VerifierKey, "--token", serveAdminToken,
			"--state", state2, "--every", "1s", "--lang", "en", "--data", t.TempDir()})
	}()
	cosignedAt := func(size int64) bool {
		_, body := getAuth(t, base+"/v1/checkpoints/latest")
		var e struct {
			Size         int64                    `json:"size"`
			Cosignatures []provenance.Cosignature `json:"cosignatures"`
		}
		return json.Unmarshal([]byte(body), &e) == nil && e.Size == size && len(e.Cosignatures) == 1
	}
	// The witness polls every second; on a loaded machine a round (checkpoints, a consistency
	// proof, the post) can take several: wait for a minute, not waitFor's 15 s.
	waitLong := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; the witness said:\n%s%s", what, wout.String(), werr.String())
			}
		}
	}
	waitLong("the cosignature of the checkpoint of 1 entry", func() bool { return cosignedAt(1) })
	recordOn(t, base, "f2")
	recordOn(t, base, "f3")
	checkpointOn(t, base)
	waitLong("the cosignature of the checkpoint of 3 entries", func() bool { return cosignedAt(3) })
	// The ledger holds the cosignature before the witness has said so: wait for its line too.
	waitLong("the witness's line about 3 entries", func() bool {
		return strings.Contains(wout.String(), "cosigned the checkpoint of 3 entries")
	})
	cancel()
	select {
	case c := <-exit:
		if c != 0 {
			t.Fatalf("the witness stopped with %d\n%s%s", c, wout.String(), werr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the witness did not stop")
	}
}
