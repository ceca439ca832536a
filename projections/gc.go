package projections

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// The garbage collector during a rebuild from zero. Its heap grows for most of the rebuild (the
// indexes of bulk, the figure index) while it allocates 5–7 KB an event that dies young (the
// NATS client's copies of the messages, decoded events, folds; 5.5 GB at 1M events, in the
// OCOPLEDGER_MEMPROFILE profile of `ocopledger rebuild --nats`): with the default GOGC the
// collector runs often while the heap is small, and lets it grow to twice what is live at the
// end, when the read-model file's pages are mapped too and the process's memory peaks.
//
// So a rebuild runs with GOGC at 200 under a soft memory limit (the runtime collects more often
// only as the heap nears it), raised to 1.75 times the live heap whenever that passes it (what
// GOGC 75 allowed), so that a larger ledger, or a broker in the same process, never makes the
// collector run without end. Measured on 1M events (`ocopledger rebuild --nats`, three
// interleaved runs each, seconds / CPU seconds / peak RSS): GOGC 75, the setting before, 6.1–6.2
// / 8.9–9.2 / 243–250 MB; GOGC 100 5.9–6.3 / 8.7–9.2 / 260–275 MB; GOGC 150 310–331 MB; GOGC 200
// under 180 MiB 5.7–6.0 / 8.4–8.8 / 238–255 MB; GOGC off or 400 under 180 MiB the same. With
// the broker embedded (its heap in the same process), 8.8–8.9 s at 490–495 MB against GOGC 75's
// 8.3–8.6 s at 553–566 MB (under 1.5 times the live heap, 9.3 s at 410–420 MB). GOGC or
// GOMEMLIMIT set in the environment leave the collector as they say.
const (
	rebuildGCPercent = 200
	rebuildHeapLimit = 180 << 20
)

// rebuildGC tunes the collector while a rebuild runs; nil when the environment sets it.
type rebuildGC struct {
	limit, oldLimit int64
	oldPercent      int
	live            []metrics.Sample
}

// tuning is set while a rebuild tunes the collector, which is the process's: a second rebuild
// at the same time (two projections in one process) leaves it to the first, so that neither
// restores the other's settings.
var tuning atomic.Bool

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

// adjust raises the limit to 1.75 times the heap live after the last collection, if that is more.
func (g *rebuildGC) adjust() {
	if g == nil {
		return
	}
	metrics.Read(g.live)
	if g.live[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if want := int64(g.live[0].Value.Uint64()) * 7 / 4; want > g.limit {
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
