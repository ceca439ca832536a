package witness_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/checkpoint/checkpointtest"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/witness"
)

const token = "witness-token-0123456789"

// ledgerEnv is a ledger as a witness sees it: one that publishes checkpoints, with the HTTP API
// on a loopback port.
type ledgerEnv struct {
	*checkpointtest.Ledger
	t   *testing.T
	url string
}

// newLedger serves a ledger signing its checkpoints with the key in keyDir and taking the
// cosignatures of witnesses.
func newLedger(t *testing.T, keyDir string, witnesses ...*provenance.WitnessKey) *ledgerEnv {
	t.Helper()
	l := checkpointtest.New(t, keyDir)
	var wv []note.Verifier
	for _, w := range witnesses {
		v, err := provenance.NewWitnessVerifiers(w.VerifierKey)
		if err != nil {
			t.Fatal(err)
		}
		wv = append(wv, v...)
	}
	auth, err := httpapi.NewAuth([]httpapi.Token{{Token: token, Role: "viewer", Identity: "inspectorate"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httpapi.New(httpapi.Config{Ledger: ledger.New(l.Store, nil), Projection: l.Proj, Auth: auth, Checkpoints: l.Log, Witnesses: wv})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &ledgerEnv{Ledger: l, t: t, url: hs.URL}
}

// grow appends entries named names and publishes a checkpoint of the log.
func (e *ledgerEnv) grow(names ...string) {
	e.t.Helper()
	for _, n := range names {
		e.Append(e.t, "product."+n, n, fmt.Appendf(nil, `{"name":%q}`, n))
	}
	e.Publish(e.t)
}

// cosignatures returns the cosignatures the ledger shows with its latest checkpoint.
func (e *ledgerEnv) cosignatures(w *provenance.WitnessKey) (int64, []provenance.Cosignature) {
	e.t.Helper()
	latest, err := e.Log.Latest(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	wv, _ := provenance.NewWitnessVerifiers(w.VerifierKey)
	if err := e.Log.WithCosignatures(e.t.Context(), latest, wv); err != nil {
		e.t.Fatal(err)
	}
	return int64(latest.Size), latest.Cosignatures
}

// open opens a witness with the state folder dir following the ledger at url, signed by the key
// in keyDir.
func open(t *testing.T, dir, url, keyDir string, key *provenance.WitnessKey, tune ...func(*witness.Config)) *witness.Witness {
	t.Helper()
	lk, err := provenance.LoadOrCreateKey(keyDir, provenance.KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	verifiers, err := provenance.NewVerifiers(lk.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := witness.Config{Ledger: url, Verifiers: verifiers, Key: key, Dir: dir, Token: token, Lang: "en"}
	for _, f := range tune {
		f(&cfg)
	}
	w, err := witness.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// A witness cosigns a ledger's checkpoints as its log grows, checking each consistency proof;
// shown a fork (another ledger with the same key and another third entry) it refuses, keeps the
// evidence in its state folder and keeps vouching for what it cosigned.
func TestWitnessCosignsAndRefusesAFork(t *testing.T) {
	keyDir, state := t.TempDir(), t.TempDir()
	key, err := witness.LoadKey(state, "witness.example/inspectorate")
	if err != nil || !key.Created {
		t.Fatalf("LoadKey: %+v %v", key, err)
	}
	a := newLedger(t, keyDir, key)
	a.grow("w1", "w2", "w3")
	w := open(t, state, a.url+"/", keyDir, key)

	r, err := w.Round(t.Context())
	if err != nil || r.Outcome != witness.Cosigned || r.Size != 3 || !strings.Contains(r.Cosigned, "— witness.example/inspectorate ") {
		t.Fatalf("first round: %+v %v", r, err)
	}
	if size, cs := a.cosignatures(key); size != 3 || len(cs) != 1 || cs[0].Witness != "witness.example/inspectorate" {
		t.Fatalf("the ledger shows the checkpoint of %d entries with %+v", size, cs)
	}
	a.grow("w4", "w5")
	if r, err := w.Round(t.Context()); err != nil || r.Outcome != witness.Cosigned || r.Size != 5 {
		t.Fatalf("round after the log grew: %+v %v", r, err)
	}
	if r, err := w.Round(t.Context()); err != nil || r.Outcome != witness.Unchanged || r.Size != 5 {
		t.Fatalf("round with nothing new: %+v %v", r, err)
	}
	st, err := witness.LoadState(state)
	if err != nil || st.Size != 5 || !st.Posted {
		t.Fatalf("the state: %+v %v", st, err)
	}
	if fi, err := os.Stat(filepath.Join(state, witness.StateFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the state file: %v %v", fi, err)
	}
	w.Close()

	b := newLedger(t, keyDir, key)
	b.grow("w1", "w2", "forked", "w4", "w5", "w6")
	wb := open(t, state, b.url, keyDir, key)
	_, err = wb.Round(t.Context())
	if domain.ErrorCode(err) != domain.CodeHistoryMismatch || !strings.Contains(err.Error(), "does not extend the log of 5 entries") {
		t.Fatalf("the fork: %v, want a refusal", err)
	}
	evidence, _ := filepath.Glob(filepath.Join(state, "evidence-6-*"))
	if len(evidence) != 1 {
		t.Fatalf("evidence folders: %v", evidence)
	}
	for _, f := range []string{"cosigned-checkpoint.txt", "presented-checkpoint.txt", "consistency-proof.json", "reason.txt"} {
		if data, err := os.ReadFile(filepath.Join(evidence[0], f)); err != nil || len(data) == 0 {
			t.Errorf("evidence %s: %v", f, err)
		}
	}
	if reason, _ := os.ReadFile(filepath.Join(evidence[0], "reason.txt")); !strings.Contains(string(reason), b.url+"\n"+err.Error()) {
		t.Errorf("reason.txt: %s", reason)
	}
	if st, err := witness.LoadState(state); err != nil || st.Size != 5 || !st.Posted {
		t.Fatalf("the state after the refusal: %+v %v", st, err)
	}
	if size, cs := b.cosignatures(key); size != 6 || len(cs) != 0 {
		t.Fatalf("the fork got a cosignature: %d %+v", size, cs)
	}
	// Run stops at a fork, with the refusal.
	if err := wb.Run(t.Context()); err == nil || domain.ErrorCode(err) == domain.CodeHistoryMismatch {
		t.Fatalf("Run without OnError: %v, want it refused", err)
	}
	wb.Close()
	wb = open(t, state, b.url, keyDir, key, func(c *witness.Config) {
		c.OnError = func(err error, _ time.Duration) { t.Errorf("OnError of the refusal: %v", err) }
	})
	if err := wb.Run(t.Context()); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("Run shown a fork: %v", err)
	}
}

// A ledger that does not know the witness refuses its cosignature: the witness keeps it as not
// posted and posts it again next time, never calling it done.
func TestWitnessPostsAgain(t *testing.T) {
	keyDir, state := t.TempDir(), t.TempDir()
	key, _ := witness.LoadKey(state, "")
	l := newLedger(t, keyDir)
	l.grow("u1")
	w := open(t, state, l.url, keyDir, key)
	if _, err := w.Round(t.Context()); domain.ErrorCode(err) != domain.CodeForbidden || domain.ErrorField(err) != "token" {
		t.Fatalf("a ledger that does not know the witness: %v", err)
	}
	if st, err := witness.LoadState(state); err != nil || st.Size != 1 || st.Posted {
		t.Fatalf("the state after a refused post: %+v %v", st, err)
	}
	if r, err := w.Round(t.Context()); domain.ErrorCode(err) != domain.CodeForbidden || r.Outcome != witness.Reposted {
		t.Fatalf("the second round: %+v %v, want the cosignature posted again", r, err)
	}
}

// Run cosigns each new checkpoint as it comes, telling OnRound, and ends with its context.
func TestWitnessRun(t *testing.T) {
	keyDir, state := t.TempDir(), t.TempDir()
	key, _ := witness.LoadKey(state, "")
	l := newLedger(t, keyDir, key)
	l.grow("r1")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rounds := make(chan witness.Round, 16)
	w := open(t, state, l.url, keyDir, key, func(c *witness.Config) {
		c.Every = time.Second
		c.OnRound = func(r witness.Round) error { rounds <- r; return nil }
		c.OnError = func(err error, _ time.Duration) { t.Errorf("round: %v", err) }
	})
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	next := func() witness.Round {
		t.Helper()
		select {
		case r := <-rounds:
			return r
		case <-time.After(time.Minute):
			t.Fatal("no round in a minute")
		}
		return witness.Round{}
	}
	if r := next(); r.Outcome != witness.Cosigned || r.Size != 1 {
		t.Fatalf("first round: %+v", r)
	}
	l.grow("r2", "r3")
	for r := next(); r.Outcome != witness.Cosigned; r = next() {
		if r.Outcome != witness.Unchanged || r.Size != 1 {
			t.Fatalf("a round before the new checkpoint: %+v", r)
		}
	}
	if size, cs := l.cosignatures(key); size != 3 || len(cs) != 1 {
		t.Fatalf("the ledger shows the checkpoint of %d entries with %+v", size, cs)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end with its context")
	}
}

// The configuration is checked before anything is asked; one witness at a time has a state folder.
func TestWitnessConfig(t *testing.T) {
	state := t.TempDir()
	key, _ := witness.LoadKey(state, "")
	lk, _ := provenance.LoadOrCreateKey(t.TempDir(), provenance.KeyOptions{})
	verifiers, _ := provenance.NewVerifiers(lk.VerifierKey)
	for _, c := range []struct {
		cfg   witness.Config
		field string
	}{
		{witness.Config{Verifiers: verifiers, Key: key, Dir: state}, "ledger"},
		{witness.Config{Ledger: "127.0.0.1:8080", Verifiers: verifiers, Key: key, Dir: state}, "ledger"},
		{witness.Config{Ledger: "ftp://ledger.example", Verifiers: verifiers, Key: key, Dir: state}, "ledger"},
		{witness.Config{Ledger: "http://ledger.example", Verifiers: verifiers, Key: key, Dir: state, Every: time.Millisecond}, "every"},
		{witness.Config{Ledger: "http://ledger.example", Key: key, Dir: state}, "ledger-key"},
		{witness.Config{Ledger: "http://ledger.example", Verifiers: verifiers, Key: key}, "state"},
	} {
		if err := c.cfg.Validate(); domain.ErrorField(err) != c.field {
			t.Errorf("%+v: %v, want an error on %s", c.cfg, err, c.field)
		}
	}
	cfg := witness.Config{Ledger: "http://ledger.example", Verifiers: verifiers, Key: key, Dir: state}
	w, err := witness.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := witness.Open(cfg); domain.ErrorCode(err) != domain.CodeConflict {
		t.Fatalf("a second witness on the same state folder: %v", err)
	}
	w.Close()
	if w, err := witness.Open(cfg); err != nil {
		t.Fatalf("after the first closed: %v", err)
	} else {
		w.Close()
	}
	// A state file that is not one is named, not taken for an empty state.
	if err := os.WriteFile(filepath.Join(state, witness.StateFile), []byte(`{"size":0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := witness.LoadState(state); domain.ErrorField(err) != "state" {
		t.Fatalf("a broken state file: %v", err)
	}
	// The key keeps its name; the folder must be one.
	if _, err := witness.LoadKey(state, "witness.example/another"); domain.ErrorField(err) != "witness-name" {
		t.Fatalf("another name: %v", err)
	}
	file := filepath.Join(state, "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := witness.LoadKey(filepath.Join(file, "sub"), ""); domain.ErrorField(err) != "state" || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("a state folder under a file: %v", err)
	}
}
