package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// recordCert records a 4-star certification of product (a fresh product each time).
func recordCert(t *testing.T, dir, product, recordedAt string, extra ...string) (int, string, string) {
	t.Helper()
	payload := strings.Replace(cert("4", "2025-06-26"), `"product_id":"toi-ly-son"`, `"product_id":"`+product+`"`, 1)
	return run(t, dir, payload, append([]string{"record", "ocop.certified", "--id", "c-" + product, "--recorded-at", recordedAt, "--actor", "test"}, extra...)...)
}

// streamDir is where the embedded server of the data directory dir keeps the ledger's stream.
func streamDir(dir string) string {
	return filepath.Join(dir, "jetstream", "jetstream", "$G", "streams", eventstore.DefaultStreamName)
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, dir, "", args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// wantRefused runs a command and wants exit code 6 with an error naming what differs.
func wantRefused(t *testing.T, dir string, args []string, wants ...string) {
	t.Helper()
	code, out, errOut := run(t, dir, "", append(args, "--lang", "en")...)
	if code != 6 {
		t.Fatalf("%v: exit %d, want 6 (the log does not extend the known history)\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	for _, w := range wants {
		if !strings.Contains(errOut, w) {
			t.Errorf("%v: the message does not say %q:\n%s", args, w, errOut)
		}
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp %s %s: %v %s", from, to, err, out)
	}
}

// The stream's folder removed from --data: every command that answers or appends stops with
// exit code 6, naming the missing stream and what knew it, and none creates an empty stream;
// --new-ledger starts a new one on purpose.
func TestStreamRemovedFromTheDataDirectoryStopsTheLedger(t *testing.T) {
	dir := t.TempDir()
	for i, p := range []string{"a", "b", "c"} {
		if code, out, errOut := recordCert(t, dir, p, "2025-07-0"+string(rune('1'+i))+"T09:00:00+07:00"); code != 0 {
			t.Fatalf("record: %d %s %s", code, out, errOut)
		}
	}
	mustRun(t, dir, "figures", "--as-of", "2025-08-07")
	var known struct {
		Size uint64 `json:"size"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "history.json"))
	if err != nil || json.Unmarshal(b, &known) != nil || known.Size != 3 {
		t.Fatalf("history.json after figures: %s %v", b, err)
	}
	if err := os.RemoveAll(streamDir(dir)); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"figures", "--as-of", "2025-08-07"}, {"log"}, {"export"}, {"rebuild"}, {"reconcile", "470-SCT-QLTM"}} {
		wantRefused(t, dir, args, "stream OCOP_LEDGER", "is missing", "shows 3 entries")
	}
	if code, _, errOut := recordCert(t, dir, "d", "2025-07-05T09:00:00+07:00", "--lang", "en"); code != 6 || !strings.Contains(errOut, "is missing") {
		t.Fatalf("record on a data directory whose stream is gone: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(streamDir(dir)); !os.IsNotExist(err) {
		t.Fatalf("a command created the stream again: %v", err)
	}
	// Vietnamese by default.
	if code, _, errOut := run(t, dir, "", "figures"); code != 6 || !strings.Contains(errOut, "không còn trong") {
		t.Fatalf("figures in Vietnamese: exit %d %s", code, errOut)
	}
	// Explicitly a new ledger.
	if code, out, errOut := recordCert(t, dir, "d", "2025-07-05T09:00:00+07:00", "--new-ledger"); code != 0 {
		t.Fatalf("record --new-ledger: %d %s %s", code, out, errOut)
	}
	if out := mustRun(t, dir, "log", "--json"); strings.Count(out, `"sequence"`) != 1 {
		t.Fatalf("the new ledger's log: %s", out)
	}
	mustRun(t, dir, "figures", "--as-of", "2025-08-07")
}

// The stream deleted by a client of the server (nothing enforces deny-delete on a stream):
// figures stops with exit code 6 instead of answering from the read models.
func TestStreamDeletedByAClientStopsTheLedger(t *testing.T) {
	dir := t.TempDir()
	recordCert(t, dir, "a", "2025-07-01T09:00:00+07:00")
	recordCert(t, dir, "b", "2025-07-02T09:00:00+07:00")
	mustRun(t, dir, "figures")
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.JetStream().DeleteStream(ctx, eventstore.DefaultStreamName); err != nil {
		t.Fatal(err)
	}
	s.Close()
	wantRefused(t, dir, []string{"figures"}, "is missing", "shows 2 entries")
	// Even without the data directory's record, the read models know.
	os.Remove(filepath.Join(dir, "history.json"))
	wantRefused(t, dir, []string{"figures"}, "is missing", "the read models' record shows 2 entries")
	wantRefused(t, dir, []string{"serve", "--addr", "127.0.0.1:0"}, "is missing")
}

// A log shorter than the history known (the stream's folder put back from an older copy), and a
// log with another entry at the known size (the older copy appended to): exit code 6, naming the
// positions.
func TestShorterOrDifferentLogStopsTheLedger(t *testing.T) {
	dir := t.TempDir()
	recordCert(t, dir, "a", "2025-07-01T09:00:00+07:00")
	recordCert(t, dir, "b", "2025-07-02T09:00:00+07:00")
	old := filepath.Join(t.TempDir(), "old")
	copyDir(t, streamDir(dir), old)
	recordCert(t, dir, "c", "2025-07-03T09:00:00+07:00")
	mustRun(t, dir, "figures")
	os.RemoveAll(streamDir(dir))
	copyDir(t, old, streamDir(dir))
	wantRefused(t, dir, []string{"figures"}, "holds 2 entries", "shows 3", "entries 3 to 3 are gone")
	if code, _, errOut := recordCert(t, dir, "d", "2025-07-05T09:00:00+07:00", "--lang", "en"); code != 6 || !strings.Contains(errOut, "holds 2 entries") {
		t.Fatalf("record on a shorter log: exit %d %s", code, errOut)
	}

	// The same stream (same creation) appended to from the older copy: another third entry.
	os.Remove(filepath.Join(dir, "history.json"))
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.x", eventstore.AnyVersion, eventstore.Proposed{ID: "other-third", Type: "test.noted", Schema: 1, Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	wantRefused(t, dir, []string{"figures"}, "entry at position 3", "hash differs")
}

// A command that only reads never creates the ledger: on an empty data directory figures answer
// as of an empty log, log and export say there is none yet (exit code 3), and no stream is left
// behind.
func TestReadOnlyCommandsDoNotCreateTheLedger(t *testing.T) {
	dir := t.TempDir()
	if out := mustRun(t, dir, "figures", "--json"); !strings.Contains(out, `"ocop.valid": 0`) {
		t.Fatalf("figures of an empty data directory: %s", out)
	}
	for _, args := range [][]string{{"log"}, {"export"}} {
		code, _, errOut := run(t, dir, "", append(args, "--lang", "en")...)
		if code != 3 || !strings.Contains(errOut, "there is no ledger in") {
			t.Fatalf("%v on an empty data directory: exit %d %s", args, code, errOut)
		}
	}
	if _, err := os.Stat(streamDir(dir)); !os.IsNotExist(err) {
		t.Fatalf("a read-only command created the stream: %v", err)
	}
}

// get returns the status and body of a GET with the admin token of serveOnLoopback.
func getAuth(t *testing.T, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
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

// serve on an external server where a client deletes the stream while it runs: /readyz says not
// ready and why, the metric says so, and the API answers the mismatch instead of figures.
func TestServeStopsAnsweringWhenTheStreamIsDeleted(t *testing.T) {
	srv := storetest.RunServer(t)
	base, logs := serveOnLoopbackWith(t, func(m *Main) { m.historyEvery = 100 * time.Millisecond }, "--nats", srv.ClientURL())
	req, _ := http.NewRequest("POST", base+"/v1/events/ocop.certified", strings.NewReader(servePayload))
	req.Header.Set("Authorization", "Bearer "+serveAdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("record: %v %v", err, res.Status)
	}
	res.Body.Close()
	if code, body := getAuth(t, base+"/v1/figures"); code != 200 {
		t.Fatalf("figures before: %d %s", code, body)
	}
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if err := js.DeleteStream(t.Context(), eventstore.DefaultStreamName); err != nil {
		t.Fatal(err)
	}
	ready := waitHistoryMismatch(t, base)
	if ready.Ready || !strings.Contains(ready.Reason.MessageEN, "is missing") {
		t.Errorf("/readyz: %+v", ready)
	}
	if _, body := getAuth(t, base+"/metrics"); !strings.Contains(body, "\nocopledger_history_mismatch 1\n") {
		t.Errorf("metrics lack ocopledger_history_mismatch 1")
	}
	code, body := getAuth(t, base+"/v1/figures")
	if code != 503 || !strings.Contains(body, `"code":"history_mismatch"`) {
		t.Errorf("figures after the stream was deleted: %d %s", code, body)
	}
	if !strings.Contains(logs.String(), "does not extend the history") {
		t.Errorf("the log does not say it:\n%s", logs.String())
	}
}

// The data directory records the root of the log's Merkle tree with what it read; a rebuild of the
// read models recomputes the tree from the log, and a root that differs for the same entries
// stops the ledger (the record here is altered to stand for a log whose earlier entries changed).
func TestRebuildChecksTheRootTheDataDirectoryKnows(t *testing.T) {
	dir := t.TempDir()
	recordCert(t, dir, "a", "2025-07-01T09:00:00+07:00")
	recordCert(t, dir, "b", "2025-07-02T09:00:00+07:00")
	mustRun(t, dir, "figures")
	path := filepath.Join(dir, "history.json")
	var rec map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &rec); err != nil || rec["root"] == nil || rec["size"] != float64(2) {
		t.Fatalf("history.json: %s %v", b, err)
	}
	mustRun(t, dir, "rebuild")
	rec["root"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	b, _ = json.Marshal(rec)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, dir, []string{"rebuild"}, "the first 2 entries of the log hash to the root", "the data directory's record shows the root AAAA")
}

// The remedy the refusal names: the stream lost, restore from an export brings the same history
// back (the same entries, so the same root), and the ledger answers again without --new-ledger.
func TestRestoreBringsTheKnownHistoryBack(t *testing.T) {
	dir := t.TempDir()
	recordCert(t, dir, "a", "2025-07-01T09:00:00+07:00")
	recordCert(t, dir, "b", "2025-07-02T09:00:00+07:00")
	recordCert(t, dir, "c", "2025-07-03T09:00:00+07:00")
	before := mustRun(t, dir, "figures", "--json", "--as-of", "2025-08-07")
	backup := filepath.Join(t.TempDir(), "backup.jsonl")
	if err := os.WriteFile(backup, []byte(mustRun(t, dir, "export")), 0o644); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(streamDir(dir))
	wantRefused(t, dir, []string{"figures"}, "is missing")
	mustRun(t, dir, "restore", backup)
	after := mustRun(t, dir, "figures", "--json", "--as-of", "2025-08-07")
	// Both answer as known now, each naming the instant it was read at: the rest must be equal.
	readAt := regexp.MustCompile(`"known_at": "[^"]*"`)
	if before, after := readAt.ReplaceAllString(before, ""), readAt.ReplaceAllString(after, ""); before != after {
		t.Fatalf("figures after the restore differ:\n%s\n%s", before, after)
	}
	// A backup that lacks the last entry does not bring the history back.
	os.RemoveAll(streamDir(dir))
	lines := strings.SplitAfter(strings.TrimSuffix(mustReadFile(t, backup), "\n"), "\n")
	short := filepath.Join(t.TempDir(), "short.jsonl")
	os.WriteFile(short, []byte(strings.Join(lines[:2], "")), 0o644)
	wantRefused(t, dir, []string{"restore", short}, "holds 2 entries", "shows 3")
}

func mustReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The stream deleted and created again by another client, with as many entries as before: the
// data directory's record of the stream's creation tells it apart, exit code 6.
func TestRecreatedStreamStopsTheLedger(t *testing.T) {
	dir := t.TempDir()
	recordCert(t, dir, "a", "2025-07-01T09:00:00+07:00")
	recordCert(t, dir, "b", "2025-07-02T09:00:00+07:00")
	mustRun(t, dir, "figures")
	ctx := context.Background()
	cfg := eventstore.Config{DataDir: filepath.Join(dir, "jetstream")}
	s, err := eventstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.JetStream().DeleteStream(ctx, eventstore.DefaultStreamName); err != nil {
		t.Fatal(err)
	}
	s.Close()
	time.Sleep(10 * time.Millisecond) // another creation time
	if s, err = eventstore.Open(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := s.Append(ctx, "product.other", eventstore.AnyVersion, eventstore.Proposed{ID: fmt.Sprintf("other-%d", i), Type: "test.noted", Schema: 1, Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	wantRefused(t, dir, []string{"figures"}, "was created at", "deleted and created again")
	if code, _, errOut := recordCert(t, dir, "c", "2025-07-03T09:00:00+07:00", "--lang", "en"); code != 6 || !strings.Contains(errOut, "created again") {
		t.Fatalf("record on a recreated stream: exit %d %s", code, errOut)
	}
}

// An entry the read models applied long ago, damaged in the store since: serve reads the whole
// log again against the read models' Merkle tree soon after it starts (then every few hours),
// and stops answering from it, naming the position, as for any other loss of history.
func TestServeScrubFindsAnEntryDamagedAfterItWasApplied(t *testing.T) {
	dir := t.TempDir()
	recordCert(t, dir, "a", "2025-07-01T09:00:00+07:00")
	recordCert(t, dir, "b", "2025-07-02T09:00:00+07:00")
	recordCert(t, dir, "c", "2025-07-03T09:00:00+07:00")
	mustRun(t, dir, "figures")
	storetest.FlipInMessage(t, filepath.Join(dir, "jetstream"), eventstore.DefaultStreamName, `"id":"c-b"`)
	base, logs := serveOnLoopbackWith(t, func(m *Main) { m.scrubAfter = 200 * time.Millisecond }, "--data", dir)
	ready := waitHistoryMismatch(t, base)
	if want := "reading the log again, 1 of its 3 entries are missing, at positions 2:"; !strings.Contains(ready.Reason.MessageEN, want) {
		t.Errorf("/readyz says %q, want %q", ready.Reason.MessageEN, want)
	}
	if code, body := getAuth(t, base+"/v1/figures"); code != 503 || !strings.Contains(body, `"code":"history_mismatch"`) {
		t.Errorf("figures with entry 2 damaged: %d %s", code, body)
	}
	if !strings.Contains(logs.String(), "entries are not as recorded") {
		t.Errorf("the log does not say it:\n%s", logs.String())
	}
}

// readyz is serve's /readyz answer, as far as the history checks need it.
type readyz struct {
	Ready  bool `json:"ready"`
	Reason struct {
		Code      string `json:"code"`
		MessageEN string `json:"message_en"`
	} `json:"reason"`
}

// waitHistoryMismatch waits until serve's /readyz answers 503 with a history mismatch, and returns
// that answer.
func waitHistoryMismatch(t *testing.T, base string) readyz {
	t.Helper()
	var ready readyz
	waitFor(t, "/readyz to say not ready", func() bool {
		code, body := getAuth(t, base+"/readyz")
		return code == 503 && json.Unmarshal([]byte(body), &ready) == nil && ready.Reason.Code == "history_mismatch"
	})
	return ready
}
