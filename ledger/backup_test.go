package ledger_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// export runs ledger.Export of s with o, returning its lines and report.
func export(t *testing.T, s *eventstore.Store, o ledger.ExportOptions) ([]string, ledger.ExportReport, error) {
	t.Helper()
	var out bytes.Buffer
	o.Out = &out
	r, err := ledger.Export(t.Context(), s, o)
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), r, err
}

// Export writes each position's stored bytes, wraps what is not an entry of ours (its exact bytes
// kept), and ReadExport restores the file into an empty store position for position: the
// restored log exports the same lines and hashes.
func TestExportAndReadExportKeepEveryByte(t *testing.T) {
	ctx := t.Context()
	s := storetest.MustOpenStore(t)
	appendN(t, s, 0, 3)
	poison := "garbage\n\xff"
	if _, err := s.JetStream().Publish(ctx, eventstore.SubjectPrefix+"product.evil", []byte(poison)); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 3, 1)
	var hashes bytes.Buffer
	lines, r, err := export(t, s, ledger.ExportOptions{Hashes: &hashes})
	if err != nil || r.Entries != 5 || !slices.Equal(r.Unreadable, []uint64{4}) || r.Err("x") != nil {
		t.Fatalf("export: %+v %v", r, err)
	}
	var w struct {
		U *ledger.UnreadableEntry `json:"ocopledger_unreadable"`
	}
	if err := json.Unmarshal([]byte(lines[3]), &w); err != nil || w.U == nil || w.U.Position != 4 || string(w.U.Body) != poison {
		t.Fatalf("line 4 = %s, want the foreign message's bytes wrapped", lines[3])
	}
	if len(strings.Split(strings.TrimSpace(hashes.String()), "\n")) != 5 {
		t.Fatalf("hashes:\n%s", hashes.String())
	}
	file := strings.Join(lines, "\n") + "\n"
	if err := ledger.CheckRecordingTimes("backup.jsonl", ledger.ReadExport(strings.NewReader(file), false), time.Now()); err != nil {
		t.Fatal(err)
	}
	restored := storetest.MustOpenStore(t)
	if n, err := restored.Import(ctx, ledger.ReadExport(strings.NewReader(file), false)); err != nil || n != 5 {
		t.Fatalf("restore: %d %v", n, err)
	}
	var again bytes.Buffer
	again2, _, err := export(t, restored, ledger.ExportOptions{Hashes: &again})
	if err != nil || !slices.Equal(again2, lines) || again.String() != hashes.String() {
		t.Fatalf("the restored log exports otherwise (%v):\n%s\nwant\n%s", err, strings.Join(again2, "\n"), file)
	}
	// A backup recorded in the future is refused before anything is written.
	if err := ledger.CheckRecordingTimes("backup.jsonl", ledger.ReadExport(strings.NewReader(file), false), time.Now().Add(-time.Hour)); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a backup recorded an hour from now: %v", err)
	}
}

// A log that ends before the position the data directory knows it reached: Export stops naming
// what is missing; under Salvage it writes an ocopledger_missing line in each place, and the
// report says the backup is incomplete; ReadExport refuses such a backup unless told to allow it.
func TestExportSalvageNamesMissingPositions(t *testing.T) {
	s := storetest.MustOpenStore(t)
	appendN(t, s, 0, 3)
	_, _, err := export(t, s, ledger.ExportOptions{End: 5})
	var gap *eventstore.GapError
	if !errors.As(err, &gap) || gap.From != 4 || gap.To != 5 {
		t.Fatalf("export of a log shorter than known: %v, want positions 4 to 5 named", err)
	}
	lines, r, err := export(t, s, ledger.ExportOptions{End: 5, Salvage: true})
	if err != nil || r.Entries != 3 || !slices.Equal(r.Missing, []eventstore.GapError{{From: 4, To: 5}}) || len(lines) != 5 {
		t.Fatalf("salvage: %d lines, %+v, %v", len(lines), r, err)
	}
	if want := `{"ocopledger_missing":{"position":4,"reason":"the log ends at position 3, but the data directory knows it held 5 entries"}}`; lines[3] != want {
		t.Fatalf("line 4 = %s, want %s", lines[3], want)
	}
	if err := r.Err("rescue.jsonl"); domain.ErrorCode(err) != domain.CodeHistoryMismatch || !strings.Contains(err.Error(), "the backup in rescue.jsonl is incomplete: the store cannot give back 2 entries, at positions 4–5") {
		t.Fatalf("report: %v", err)
	}
	file := strings.Join(lines, "\n") + "\n"
	if _, err := storetest.MustOpenStore(t).Import(t.Context(), ledger.ReadExport(strings.NewReader(file), false)); domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(err.Error(), "position 4 is missing from this backup") {
		t.Fatalf("restore of an incomplete backup: %v", err)
	}
	if n, err := storetest.MustOpenStore(t).Import(t.Context(), ledger.ReadExport(strings.NewReader(file), true)); err != nil || n != 5 {
		t.Fatalf("restore with missing allowed: %d %v", n, err)
	}
}
