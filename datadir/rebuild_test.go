package datadir_test

import (
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/projections"
)

// Rebuild reads the whole log again into read models that already held it, tells progress
// how far it got, and records in the data directory what they now hold.
func TestRebuildReadsTheWholeLogAgain(t *testing.T) {
	d := datadir.Dir{Path: filepath.Join(t.TempDir(), "data")}
	n := datadir.Open(datadir.Options{Dir: d, Create: true})
	defer n.Close()
	s, err := n.Store(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 4)
	p, err := n.Projection(projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := n.Ledger(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(t.Context(), l, nil); err != nil {
		t.Fatal(err)
	}
	var done, total uint64
	p, _, err = n.Rebuild(t.Context(), projections.Options{}, func(d, t uint64) { done, total = d, t })
	if err != nil {
		t.Fatal(err)
	}
	if p.Checkpoint() != 4 || done != 4 || total != 4 {
		t.Errorf("rebuilt to %d, progress %d of %d; want the 4 entries of the log", p.Checkpoint(), done, total)
	}
	if known, _, err := d.LoadKnown(); err != nil || known.Size != 4 {
		t.Errorf("%s after the rebuild: %+v %v; want 4 entries", datadir.HistoryFile, known, err)
	}
}
