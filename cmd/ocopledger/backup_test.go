package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// exportLines reads an export's lines, exactly.
func exportLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil
	}
	if b[len(b)-1] != '\n' {
		t.Fatalf("%s does not end with a line break", path)
	}
	return strings.Split(string(b[:len(b)-1]), "\n")
}

// The backup of README "Backups": a mirror of the ledger stream, exported with
// `export --mirror`, gives the ledger's export byte for byte, and restores into an empty ledger
// that exports the same file again.
func TestExportFromAMirrorBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errs)
	}
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream"), ListenAddr: "127.0.0.1:0", ListenUsers: []eventstore.ListenUser{storetest.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	last, err := s.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mirror := jetstream.StreamConfig{Name: "OCOP_LEDGER_BACKUP", Mirror: &jetstream.StreamSource{Name: eventstore.DefaultStreamName},
		Storage: jetstream.FileStorage, Discard: jetstream.DiscardNew, DenyDelete: true, DenyPurge: true}
	st, err := s.JetStream().CreateStream(ctx, mirror)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.LastSeq == last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mirror reached position %d of %d in 30 s", info.State.LastSeq, last)
		}
	}
	work := t.TempDir()
	fromLedger, fromMirror := filepath.Join(work, "ledger.jsonl"), filepath.Join(work, "mirror.jsonl")
	if code, _, errs := runCLI(t, "export", "--nats", storetest.AdminURL(s.ClientURL()), "--out", fromLedger); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, "export", "--nats", storetest.AdminURL(s.ClientURL()), "--mirror", mirror.Name, "--out", fromMirror); code != 0 {
		t.Fatalf("export --mirror: exit %d\n%s", code, errs)
	}
	want, got := exportLines(t, fromLedger), exportLines(t, fromMirror)
	if len(want) != int(last) || len(got) != len(want) {
		t.Fatalf("the ledger exported %d events, the mirror %d; the log holds %d", len(want), len(got), last)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d from the mirror:\n%s\nfrom the ledger:\n%s", i+1, got[i], want[i])
		}
	}
	// A mirror that could lose history is refused, in the clerk's language.
	loose := jetstream.StreamConfig{Name: "LOOSE_BACKUP", Mirror: &jetstream.StreamSource{Name: eventstore.DefaultStreamName},
		Storage: jetstream.FileStorage, Discard: jetstream.DiscardNew}
	if _, err := s.JetStream().CreateStream(ctx, loose); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "export", "--nats", storetest.AdminURL(s.ClientURL()), "--mirror", loose.Name)
	if code != 1 || !strings.Contains(errs, "luồng LOOSE_BACKUP cho phép xóa (deny_delete=false): ocopledger không dùng một sổ cái có thể mất lịch sử") {
		t.Errorf("export from a mirror that allows deletion: exit %d, %q", code, errs)
	}
	// A stream that does not exist is named, and nothing is created.
	code, _, errs = runCLI(t, "export", "--nats", storetest.AdminURL(s.ClientURL()), "--mirror", "NO_SUCH_BACKUP", "--lang", "en")
	if code != 3 || !strings.Contains(errs, "NO_SUCH_BACKUP") {
		t.Errorf("export from a missing mirror: exit %d, %q; want exit 3 naming it", code, errs)
	}
	if _, err := s.JetStream().Stream(ctx, "NO_SUCH_BACKUP"); err == nil {
		t.Error("export --mirror created the stream it was asked to read")
	}
	// The mirror's export restores into an empty ledger with the same history.
	restored := t.TempDir()
	if code, _, errs := runCLI(t, "restore", fromMirror, "--data", restored); code != 0 {
		t.Fatalf("restore: exit %d\n%s", code, errs)
	}
	again := filepath.Join(work, "restored.jsonl")
	if code, _, errs := runCLI(t, "export", "--data", restored, "--out", again); code != 0 {
		t.Fatalf("export of the restored ledger: exit %d\n%s", code, errs)
	}
	if r := exportLines(t, again); strings.Join(r, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the restored ledger exports %d entries that differ from the original's %d", len(r), len(want))
	}
}

// Issue 14, item 3: what someone published on a ledger subject that is no event is data the log
// holds. export exits 0 and keeps its exact bytes (wrapped), restore stores them again at their
// positions, and the restored ledger exports the same file.
func TestExportKeepsEntriesThatAreNotEvents(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Events("a", 3)...); err != nil {
		t.Fatal(err)
	}
	// Garbage, and a body that would pass for a wrapper if it were written as it is.
	poison := []string{"garbage\n\xff", `{"ocopledger_unreadable":{"position":1,"subject":"x","body_base64":""}}`}
	for _, p := range poison {
		if _, err := s.JetStream().Publish(ctx, "ocop.events.product.evil2", []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Append(ctx, "product.p2", 0, storetest.Events("b", 2)...); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	file := filepath.Join(work, "export.jsonl")
	code, _, errs := runCLI(t, "export", "--data", dir, "--out", file, "--lang", "en")
	if code != 0 || !strings.Contains(errs, "2 entries are not events and are kept byte for byte (ocopledger_unreadable), at positions: 4–5") {
		t.Fatalf("export: exit %d, %q; want 0 naming positions 4–5", code, errs)
	}
	lines := exportLines(t, file)
	if len(lines) != 7 {
		t.Fatalf("the export has %d lines, want 7", len(lines))
	}
	for i, p := range poison {
		var w struct {
			U *ledger.UnreadableEntry `json:"ocopledger_unreadable"`
		}
		pos := uint64(4 + i)
		if err := json.Unmarshal([]byte(lines[pos-1]), &w); err != nil || w.U == nil || w.U.Position != pos ||
			w.U.Subject != "ocop.events.product.evil2" || string(w.U.Body) != p {
			t.Errorf("line %d = %s, want the exact bytes %q wrapped", pos, lines[pos-1], p)
		}
	}
	for _, i := range []int{0, 1, 2, 5, 6} {
		if !strings.HasPrefix(lines[i], `{"id":`) {
			t.Errorf("line %d = %s, want the stored event", i+1, lines[i])
		}
	}
	restored := t.TempDir()
	if code, _, errs := runCLI(t, "restore", file, "--data", restored); code != 0 {
		t.Fatalf("restore: exit %d\n%s", code, errs)
	}
	again := filepath.Join(work, "again.jsonl")
	if code, _, errs := runCLI(t, "export", "--data", restored, "--out", again); code != 0 {
		t.Fatalf("export of the restored ledger: exit %d\n%s", code, errs)
	}
	if a, b := strings.Join(exportLines(t, again), "\n"), strings.Join(lines, "\n"); a != b {
		t.Fatalf("the restored ledger exports\n%s\nwant\n%s", a, b)
	}
}

// A backup in the old format (one envelope per line, before format 2) still restores, with the
// same history: the restored ledger exports what the original exports.
func TestRestoreTakesTheOldFormat(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Events("a", 4)...); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.p2", 0, storetest.Events("b", 3)...); err != nil {
		t.Fatal(err)
	}
	var old strings.Builder
	if err := s.Read(ctx, 1, func(e eventstore.Envelope) error {
		b, err := json.Marshal(e) // the old export's line: the envelope
		old.Write(append(b, '\n'))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(old.String(), `{"sequence":1,`) {
		t.Fatalf("the old format's line starts %.30s", old.String())
	}
	work := t.TempDir()
	oldFile, want, got := filepath.Join(work, "old.jsonl"), filepath.Join(work, "want.jsonl"), filepath.Join(work, "got.jsonl")
	if err := os.WriteFile(oldFile, []byte(old.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "export", "--data", dir, "--out", want); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	restored := t.TempDir()
	if code, _, errs := runCLI(t, "restore", oldFile, "--data", restored); code != 0 {
		t.Fatalf("restore of the old format: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, "export", "--data", restored, "--out", got); code != 0 {
		t.Fatalf("export of the restored ledger: exit %d\n%s", code, errs)
	}
	if a, b := strings.Join(exportLines(t, got), "\n"), strings.Join(exportLines(t, want), "\n"); a != b {
		t.Errorf("restored from the old format, the ledger exports\n%s\nwant\n%s", a, b)
	}
}
