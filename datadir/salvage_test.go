package datadir_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// A salvage reads a copy of the store, which the original never shares, and the original's
// block files; Remove deletes the copy. A data directory without a ledger has nothing to salvage.
func TestSalvageCopiesTheStore(t *testing.T) {
	d := datadir.Dir{Path: filepath.Join(t.TempDir(), "data")}
	if _, err := d.Salvage(); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("no ledger: %v; want not found", err)
	}
	s := openStore(t, d)
	appendN(t, s, 5)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sv, err := d.Salvage()
	if err != nil {
		t.Fatal(err)
	}
	if sv.BlocksErr != nil || sv.Blocks == nil || sv.Blocks.Last() != 5 {
		t.Fatalf("blocks %v, %v; want the original's 5 entries", sv.Blocks, sv.BlocksErr)
	}
	if sv.StoreDir == d.StorePath() || !isDir(filepath.Join(sv.StoreDir, "jetstream")) {
		t.Fatalf("the copy %s is not a store apart from %s", sv.StoreDir, d.StorePath())
	}
	c, err := eventstore.Open(t.Context(), eventstore.Config{DataDir: sv.StoreDir, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.LastSequence(t.Context()); err != nil || n != 5 {
		t.Errorf("the copy holds %d entries (%v); want 5", n, err)
	}
	c.Close()
	if err := sv.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sv.StoreDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the copy is left after Remove: %v", err)
	}
	if !isDir(filepath.Join(d.StorePath(), "jetstream")) {
		t.Error("Remove touched the original")
	}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
