package projections

import (
	"os"
	"runtime/debug"
	"testing"
)

// Two rebuilds at once in one process: the second leaves the collector to the first, and the
// first restores what was there before either.
func TestRebuildGCNested(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("the environment sets the collector")
	}
	percent := debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)
	first := startRebuildGC()
	if first == nil {
		t.Fatal("the first rebuild did not tune the collector")
	}
	if second := startRebuildGC(); second != nil {
		t.Error("a second rebuild at the same time tuned it too")
	}
	if got := debug.SetMemoryLimit(-1); got < rebuildHeapLimit {
		t.Errorf("memory limit during the rebuild: %d", got)
	}
	first.stop()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit after: %d, want %d", got, limit)
	}
	if got := debug.SetGCPercent(percent); got != percent {
		t.Errorf("GOGC after: %d, want %d", got, percent)
	}
	if again := startRebuildGC(); again == nil {
		t.Error("a rebuild after the first ended did not tune the collector")
	} else {
		again.stop()
	}
}

// A projection the command has not let tune the process leaves the collector alone.
func TestRebuildGCOnlyWhenAsked(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("the environment sets the collector")
	}
	if g := (&Projection{}).startRebuildGC(); g != nil {
		g.stop()
		t.Fatal("a projection without TuneProcess tuned the collector")
	}
	g := (&Projection{opts: Options{TuneProcess: true}}).startRebuildGC()
	if g == nil {
		t.Fatal("a projection with TuneProcess did not tune the collector")
	}
	defer g.stop()
	percent := debug.SetGCPercent(rebuildGCPercent)
	if percent != rebuildGCPercent {
		t.Errorf("GOGC during the rebuild: %d, want %d", percent, rebuildGCPercent)
	}
}
