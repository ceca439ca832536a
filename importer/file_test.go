package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/importer"
	"github.com/ocopledger/ocopledger/ledger"
)

// copyExample copies one of docs/examples into a folder of its own.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A file imported with Partial stores its valid rows, records the file's name as the source,
// and writes the rows with an error beside it (-loi.xlsx), a table to import again.
func TestFileImportPartialWritesRejects(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	open := func() (*ledger.Ledger, error) { return l, nil }
	path := copyExample(t, "participations-errors.xlsx")
	out, rejects, err := importer.File{Path: path, Kind: "participations", Options: importer.Options{Actor: "test", Partial: true}}.Import(t.Context(), open, "vi")
	if err != nil || out.Stored == 0 || len(out.Errors) == 0 {
		t.Fatalf("%+v, %v; want some rows stored and some refused", out, err)
	}
	if want := filepath.Join(filepath.Dir(path), "participations-errors-loi.xlsx"); rejects != want {
		t.Errorf("rejects written to %q; want %q", rejects, want)
	}
	table, err := importer.ReadFile(rejects)
	if err != nil || len(table) != len(out.Rejected) {
		t.Errorf("the rejects file holds %d rows (%v); want %d", len(table), err, len(out.Rejected))
	}
	var source string
	if err := l.ReadEntries(t.Context(), 1, func(e ledger.Entry) error { source = e.Source; return nil }); err != nil || source != "participations-errors.xlsx" {
		t.Errorf("source %q (%v); want the file's name", source, err)
	}

	// Without Partial nothing is stored and no rejects file is written unless asked for.
	again := copyExample(t, "participations-errors.xlsx")
	out, rejects, err = importer.File{Path: again, Kind: "participations", Options: importer.Options{Actor: "test", DryRun: true}}.Import(t.Context(), open, "vi")
	if err != nil || rejects != "" || out.Stored != 0 || out.Rejected == nil {
		t.Errorf("dry run: %+v, %q, %v; want nothing stored or written", out, rejects, err)
	}
}

// A kind, a file or a rejects file that cannot be used is refused naming its option, before
// the ledger is opened where the file cannot be read.
func TestFileImportRefusals(t *testing.T) {
	never := func() (*ledger.Ledger, error) { t.Error("the ledger opened"); return nil, errors.New("no") }
	path := copyExample(t, "participations-errors.xlsx")
	if _, _, err := (importer.File{Path: path, Kind: "cars"}).Import(t.Context(), never, "en"); domain.ErrorField(err) != "kind" {
		t.Errorf("unknown kind: %v; want an error on field kind", err)
	}
	if _, _, err := (importer.File{Path: path + ".none", Kind: "salespoints"}).Import(t.Context(), never, "en"); domain.ErrorField(err) != "file" {
		t.Errorf("no file: %v; want an error on field file", err)
	}
	l := ledger.New(storetest.MustOpenStore(t), nil)
	f := importer.File{Path: path, Kind: "participations", Rejects: filepath.Join(t.TempDir(), "no", "such.xlsx"), Options: importer.Options{DryRun: true}}
	if _, _, err := f.Import(t.Context(), func() (*ledger.Ledger, error) { return l, nil }, "en"); domain.ErrorField(err) != "rejects" {
		t.Errorf("rejects in a missing folder: %v; want an error on field rejects", err)
	}
}
