package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// Issue 15's damaged stores, on the demo's ledger: bytes flipped in one message, the same with
// the block index removed, the last block cut short. No command goes on silently: log and export
// fail naming the missing positions (exit 6), export --salvage saves every other entry and names
// them, restore refuses the incomplete backup unless told.

// demoExport runs the demo into a fresh data directory and returns it with its export's lines.
func demoExport(t *testing.T) (dir string, lines []string) {
	t.Helper()
	dir = t.TempDir()
	if code, _, errs := runCLI(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "export.jsonl")
	if code, _, errs := runCLI(t, "export", "--data", dir, "--out", file); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	return dir, exportLines(t, file)
}

// copyData copies a data directory, so that each case damages its own.
func copyData(t *testing.T, dir string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(to, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return to
}

// entryMarker is what is stored only in the message of an export's line: its id field.
func entryMarker(t *testing.T, line string) string {
	t.Helper()
	var e struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(line), &e); err != nil || e.ID == "" {
		t.Fatalf("export line %q has no id (%v)", line, err)
	}
	return `"id":"` + e.ID + `"`
}

// storeFiles returns the hash of every file of the ledger stream's message folder.
func storeFiles(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	msgs := storetest.MsgDir(t, filepath.Join(dir, "jetstream"), eventstore.DefaultStreamName)
	entries, err := os.ReadDir(msgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(msgs, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = sha256.Sum256(b)
	}
	return out
}

// checkSalvage checks a salvaged export against the intact one: every line the same but those
// of the missing positions, which are ocopledger_missing lines naming them.
func checkSalvage(t *testing.T, file string, want []string, missing map[int]bool) {
	t.Helper()
	got := exportLines(t, file)
	if len(got) != len(want) {
		t.Fatalf("the salvaged export has %d lines, want %d (one per position)", len(got), len(want))
	}
	for i := range want {
		pos := i + 1
		if !missing[pos] {
			if got[i] != want[i] {
				t.Fatalf("salvaged line %d:\n%s\nwant the intact export's:\n%s", pos, got[i], want[i])
			}
			continue
		}
		var m struct {
			M *struct {
				Position int    `json:"position"`
				Reason   string `json:"reason"`
			} `json:"ocopledger_missing"`
		}
		if err := json.Unmarshal([]byte(got[i]), &m); err != nil || m.M == nil || m.M.Position != pos || m.M.Reason == "" {
			t.Fatalf("salvaged line %d = %s, want an ocopledger_missing line naming position %d", pos, got[i], pos)
		}
	}
}

func TestDamagedStoresAreNamedAndSalvaged(t *testing.T) {
	demo, want := demoExport(t)
	n := len(want)
	if n < 1000 {
		t.Fatalf("the demo's log holds %d entries; the cases need more", n)
	}
	work := t.TempDir()

	t.Run("bytes flipped in one message", func(t *testing.T) {
		dir := copyData(t, demo)
		const pos = 700
		storetest.FlipInMessage(t, filepath.Join(dir, "jetstream"), eventstore.DefaultStreamName, entryMarker(t, want[pos-1]))
		before := storeFiles(t, dir)
		named := "700"
		code, _, errs := runCLI(t, "log", "--data", dir, "--lang", "en")
		if code != 6 || !strings.Contains(errs, "positions "+named+":") {
			t.Errorf("log: exit %d, %q; want 6 naming position %s", code, errs, named)
		}
		// The read models applied entry 700 before it was damaged: status reads the log again
		// against their Merkle tree and names it.
		code, _, errs = runCLI(t, "status", "--data", dir, "--lang", "en")
		if code != 6 || !strings.Contains(errs, fmt.Sprintf("reading the log again, 1 of its %d entries are missing, at positions 700:", n)) {
			t.Errorf("status: exit %d, %q; want 6 naming position 700", code, errs)
		}
		file := filepath.Join(work, "flip.jsonl")
		code, _, errs = runCLI(t, "export", "--data", dir, "--out", file)
		if code != 6 || !strings.Contains(errs, "ở các vị trí "+named+":") || !strings.Contains(errs, "export --salvage") {
			t.Errorf("export: exit %d, %q; want 6 naming position %s and the salvage", code, errs, named)
		}
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			t.Errorf("export left %s behind (%v): a failed backup must not look like one", file, err)
		}
		if m, _ := filepath.Glob(file + "*"); len(m) > 0 {
			t.Errorf("export left %v behind", m)
		}
		code, _, errs = runCLI(t, "export", "--data", dir, "--out", file, "--salvage", "--lang", "en")
		if code != 6 || !strings.Contains(errs, "is incomplete") || !strings.Contains(errs, "at positions "+named+";") ||
			!strings.Contains(errs, fmt.Sprintf("the other %d entries are saved", n-1)) {
			t.Errorf("export --salvage: exit %d, %q; want 6 saying the backup is incomplete, naming %s", code, errs, named)
		}
		checkSalvage(t, file, want, map[int]bool{pos: true})
		if after := storeFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("reading the damaged store changed its files:\nbefore %v\nafter  %v", before, after)
		}

		// The incomplete backup is refused by restore, unless told; then a marker keeps the position.
		restored := filepath.Join(work, "restored-flip")
		code, _, errs = runCLI(t, "restore", file, "--data", restored, "--lang", "en")
		if code != 2 || !strings.Contains(errs, "line 700: position 700 is missing from this backup") || !strings.Contains(errs, "--allow-missing") {
			t.Errorf("restore of the salvage: exit %d, %q; want 2 naming line 700 and --allow-missing", code, errs)
		}
		if code, _, errs := runCLI(t, "restore", file, "--data", restored, "--allow-missing"); code != 0 {
			t.Fatalf("restore --allow-missing: exit %d\n%s", code, errs)
		}
		again := filepath.Join(work, "restored-flip.jsonl")
		if code, _, errs := runCLI(t, "export", "--data", restored, "--out", again); code != 0 {
			t.Fatalf("export of the restored salvage: exit %d\n%s", code, errs)
		}
		got := exportLines(t, again)
		if len(got) != n {
			t.Fatalf("the restored salvage exports %d lines, want %d", len(got), n)
		}
		for i := range want {
			if i+1 != pos && got[i] != want[i] {
				t.Fatalf("restored line %d differs:\n%s\nwant\n%s", i+1, got[i], want[i])
			}
		}
		var marker struct {
			U *ledger.UnreadableEntry `json:"ocopledger_unreadable"`
		}
		salvaged := exportLines(t, file)
		if err := json.Unmarshal([]byte(got[pos-1]), &marker); err != nil || marker.U == nil || marker.U.Position != pos ||
			marker.U.Subject != "ocop.events.ocopledger.missing" || string(marker.U.Body) != salvaged[pos-1] {
			t.Errorf("restored line 700 = %s, want the marker (the salvage's line 700) kept as an entry that is not an event", got[pos-1])
		}
	})

	t.Run("bytes flipped and the block index removed", func(t *testing.T) {
		dir := copyData(t, demo)
		const pos = 700
		jsDir := filepath.Join(dir, "jetstream")
		storetest.FlipInMessage(t, jsDir, eventstore.DefaultStreamName, entryMarker(t, want[pos-1]))
		storetest.RemoveIndex(t, jsDir, eventstore.DefaultStreamName)
		before := storeFiles(t, dir)
		// nats-server rebuilds the stream from its blocks when it opens them, and cuts the block at
		// the damage. The salvage opens a copy, and reads the entries after the damage from the
		// original's block files: only the damaged entry is missing.
		file := filepath.Join(work, "noindex.jsonl")
		code, _, errs := runCLI(t, "export", "--data", dir, "--out", file, "--salvage", "--lang", "en")
		if code != 6 || !strings.Contains(errs, "is incomplete") || !strings.Contains(errs, "at positions 700;") ||
			!strings.Contains(errs, fmt.Sprintf("the store cannot give back %d entries, at positions 701–%d; they were read straight from its block files", n-pos, n)) {
			t.Fatalf("export --salvage: exit %d, %q; want 6 naming 700 missing and 701–%d read from the blocks", code, errs, n)
		}
		checkSalvage(t, file, want, map[int]bool{pos: true})
		if after := storeFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the salvage changed the store's files:\nbefore %v\nafter  %v", before, after)
		}
		// Opened in place, nats-server cuts the stream at the damage: export names every position
		// the data directory knew and the log lacks now, and the ledger refuses to answer.
		code, _, errs = runCLI(t, "export", "--data", dir, "--lang", "en")
		if code != 6 || !strings.Contains(errs, fmt.Sprintf("lacks %d entries, at positions 700–%d", n-pos+1, n)) {
			t.Errorf("export: exit %d, %q; want 6 naming positions 700–%d", code, errs, n)
		}
		code, _, errs = runCLI(t, "log", "--data", dir, "--lang", "en")
		if code != 6 || !strings.Contains(errs, fmt.Sprintf("at positions 700–%d", n)) {
			t.Errorf("log: exit %d, %q; want 6 naming positions 700–%d", code, errs, n)
		}
		code, _, errs = runCLI(t, "figures", "--data", dir)
		if code != 6 {
			t.Errorf("figures on the cut log: exit %d, %q; want 6", code, errs)
		}
	})

	t.Run("last block cut short", func(t *testing.T) {
		dir := copyData(t, demo)
		storetest.TruncateLastBlock(t, filepath.Join(dir, "jetstream"), eventstore.DefaultStreamName, 40)
		last := strconv.Itoa(n)
		code, _, errs := runCLI(t, "export", "--data", dir, "--lang", "en")
		if code != 6 || !strings.Contains(errs, "at positions "+last+":") {
			t.Errorf("export: exit %d, %q; want 6 naming position %s", code, errs, last)
		}
		file := filepath.Join(work, "cut.jsonl")
		code, _, errs = runCLI(t, "export", "--data", dir, "--out", file, "--salvage", "--lang", "en")
		if code != 6 || !strings.Contains(errs, "at positions "+last+";") {
			t.Errorf("export --salvage: exit %d, %q; want 6 naming position %s", code, errs, last)
		}
		checkSalvage(t, file, want, map[int]bool{n: true})
	})
}

// The salvage copies the store under its lock: beside a process that holds it, it is refused as
// every command is (exit 4), and nothing is copied.
func TestSalvageBesideAnOwnerIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := eventstore.Open(t.Context(), eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code, _, errs := runCLI(t, "export", "--data", dir, "--salvage", "--lang", "en")
	if code != 4 || !strings.Contains(errs, "is in use by another ocopledger process") {
		t.Errorf("export --salvage beside the owner: exit %d, %q; want 4 saying the ledger is in use", code, errs)
	}
}
