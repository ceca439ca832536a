package projections_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/ocopledger/ocopledger/projections"
)

// A rebuild from zero tunes the process's garbage collector only when the projection is told it
// may (Options.TuneProcess, which the rebuild and serve commands set): a library left to itself
// never changes a setting of the whole process.
func TestRebuildTunesTheProcessOnlyWhenAsked(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("the environment sets the collector")
	}
	defer projections.SetBulkMin(1)()
	g := newHistoryGen(7)
	for len(g.log) < 300 {
		g.step()
	}
	before := debug.SetGCPercent(-1)
	debug.SetGCPercent(before)
	for _, tune := range []bool{false, true} {
		seen := map[int]bool{}
		var p *projections.Projection
		p, err := projections.Open(filepath.Join(t.TempDir(), "p.db"), projections.Options{BatchSize: 50, TuneProcess: tune,
			OnCommit: func(uint64, uint64) {
				percent := debug.SetGCPercent(-1)
				debug.SetGCPercent(percent)
				seen[percent] = true
			}})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.CatchUp(context.Background(), projections.SliceSource(g.log), nil); err != nil {
			t.Fatal(err)
		}
		p.Close()
		tuned := !(len(seen) == 1 && seen[before])
		if tuned != tune {
			t.Errorf("TuneProcess %v: GOGC during the rebuild %v (before: %d)", tune, seen, before)
		}
		if got := debug.SetGCPercent(before); got != before {
			t.Errorf("TuneProcess %v: GOGC after the rebuild %d, want %d", tune, got, before)
		}
	}
}
