package projections_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/projections"
)

// A catch-up drops the read-model file's pages from the process's memory only when the projection
// is told it may (Options.TuneProcess, which the rebuild and serve commands set), and never
// touches the collector: a library left to itself changes no setting of the process.
func TestCatchUpTunesTheProcessOnlyWhenAsked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the pages of the file are released on Linux only")
	}
	defer projections.SetBulkMin(1)()
	defer projections.SetReleaseAbove(0)() // release at every chance
	g := newHistoryGen(7)
	for len(g.log) < 400 {
		g.step()
	}
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)
	for _, tune := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "p.db")
		p, err := projections.Open(path, projections.Options{BatchSize: 50, TuneProcess: tune})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.CatchUp(context.Background(), projections.SliceSource(g.log), nil); err != nil {
			t.Fatal(err)
		}
		mapped := mappedRSS(t, path)
		p.Close()
		if released := mapped == 0; released != tune {
			t.Errorf("TuneProcess %v: %d bytes of the read-model file still mapped after the catch-up", tune, mapped)
		}
		if got := debug.SetGCPercent(percent); got != percent {
			t.Errorf("TuneProcess %v: GOGC %d after the catch-up, want %d", tune, got, percent)
		}
		if got := debug.SetMemoryLimit(-1); got != limit {
			t.Errorf("TuneProcess %v: memory limit %d after the catch-up, want %d", tune, got, limit)
		}
	}
}

// mappedRSS is how much of the file at path is resident in this process's memory map.
func mappedRSS(t *testing.T, path string) int64 {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && strings.Contains(fields[0], "-"): // the header of a mapping
			in = strings.HasSuffix(line, path)
		case in && len(fields) >= 2 && fields[0] == "Rss:":
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			total += kb << 10
		}
	}
	return total
}
