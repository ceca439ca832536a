package datadir_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

// A data directory whose store was lost takes its export back: Restore stores every entry and
// records the restored stream as the ledger's; an export of another log, which lacks the history
// the directory knew, is refused.
func TestRestoreAdoptsTheRestoredLog(t *testing.T) {
	ctx := t.Context()
	d := datadir.Dir{Path: filepath.Join(t.TempDir(), "data")}
	export := func(d datadir.Dir, entries int) *bytes.Buffer {
		t.Helper()
		n := datadir.Open(datadir.Options{Dir: d, Create: true})
		defer n.Close()
		s, err := n.Store(ctx)
		if err != nil {
			t.Fatal(err)
		}
		appendN(t, s, entries)
		if _, err := n.Figures(ctx, nil); err != nil { // the directory now knows the entries
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := ledger.Export(ctx, s, ledger.ExportOptions{Out: &out}); err != nil {
			t.Fatal(err)
		}
		return &out
	}
	backup := export(d, 4)
	before, _, err := d.LoadKnown()
	if err != nil || before.Size != 4 {
		t.Fatalf("before the loss: %+v %v", before, err)
	}
	other := export(datadir.Dir{Path: filepath.Join(t.TempDir(), "other")}, 4)
	if err := os.RemoveAll(d.StorePath()); err != nil {
		t.Fatal(err)
	}

	restore := func(r *bytes.Buffer) (int, error) {
		n := datadir.Open(datadir.Options{Dir: d, Create: true, Restoring: true})
		defer n.Close()
		return n.Restore(ctx, r, "backup.jsonl", false)
	}
	if _, err := restore(other); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Errorf("another log's export: %v; want it refused as not the history known", err)
	}
	if err := os.RemoveAll(d.StorePath()); err != nil {
		t.Fatal(err)
	}
	count, err := restore(backup)
	if err != nil || count != 4 {
		t.Fatalf("Restore: %d entries, %v; want 4", count, err)
	}
	after, _, err := d.LoadKnown()
	if err != nil || after.Size != 4 || after.Stream == "" || after.Created.Equal(before.Created) {
		t.Errorf("known after the restore: %+v %v; want the 4 entries, in the restored stream (before: %+v)", after, err, before)
	}
}
