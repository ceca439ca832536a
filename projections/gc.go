package projections

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The garbage collector during a rebuild from zero, when the command that owns the process asks
// for it (Options.TuneProcess: `ocopledger rebuild` and `serve`; a library never tunes it on
// its own). The heap grows for most of the rebuild (the bulk indexes, the figure index) while
// it allocates 5–7 KB an event that dies young (the NATS client's copies of the messages,
// decoded events, folds): with the default GOGC the collector runs often while the heap is
// small, and lets it grow to twice what is live at the end, when the read-model file's pages
// are mapped too. Above the releaser's mark (releaseAbove) the doubled heap also makes the
// releaser drop the file's pages again and again, and bbolt faults them back.
//
// So a rebuild from zero runs with GOGC at 200 under a soft memory limit (the runtime collects
// more often only as the heap nears it), raised to 1.5 times the live heap whenever that
// passes it, so that a larger ledger, or a broker in the same process, never makes the
// collector run without end. GOGC or GOMEMLIMIT set in the environment leave the collector as
// they say. What it earns, measured on the national benchmark (1M entries, `ocopledger rebuild
// --nats`, interleaved rounds): docs/performance.md, "Speed tricks: what each earns".
const (
	rebuildGCPercent = 200
	rebuildHeapLimit = 180 << 20
)

// rebuildGC tunes the collector while a rebuild runs; nil when it does not.
type rebuildGC struct {
	limit, oldLimit int64
	oldPercent      int
	live            []metrics.Sample
}

// tuning is set while a rebuild tunes the collector, which is the process's: a second rebuild
// at the same time (two projections in one process) leaves it to the first, so that neither
// restores the other's settings.
var tuning atomic.Bool

// startRebuildGC tunes the collector for a rebuild from zero, if the projection may tune the
// process and the environment does not set the collector; nil otherwise.
func (p *Projection) startRebuildGC() *rebuildGC {
	if !p.opts.TuneProcess {
		return nil
	}
	return startRebuildGC()
}

func startRebuildGC() *rebuildGC {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" || !tuning.CompareAndSwap(false, true) {
		return nil
	}
	g := &rebuildGC{limit: rebuildHeapLimit, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	g.oldPercent = debug.SetGCPercent(rebuildGCPercent)
	g.oldLimit = debug.SetMemoryLimit(g.limit)
	g.adjust()
	return g
}

// adjust raises the limit to 1.5 times the heap live after the last collection, if that is more.
// (1.75 until 07/12/2026: with the broker in the process, 1.5 peaked at 404 MB against 493 MB,
// an embedded rebuild of 1M entries; docs/performance.md, "The embedded rebuild".)
func (g *rebuildGC) adjust() {
	if g == nil {
		return
	}
	metrics.Read(g.live)
	if g.live[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if want := int64(g.live[0].Value.Uint64()) * 3 / 2; want > g.limit {
		g.limit = want
		debug.SetMemoryLimit(want)
	}
}

// stop restores the collector's settings.
func (g *rebuildGC) stop() {
	if g == nil {
		return
	}
	debug.SetGCPercent(g.oldPercent)
	debug.SetMemoryLimit(g.oldLimit)
	tuning.Store(false)
}
