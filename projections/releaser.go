package projections

import (
	"sync"
	"time"
)

// releaseEvery is how often a catch-up's releaser looks at the resident memory unasked: the
// applier may ask late when the processors are busy, and a rebuild maps pages at up to 10 MB in
// that time.
const releaseEvery = 10 * time.Millisecond

// releaser drops the read-model file's pages from the memory map (releaseMapped) on a goroutine
// of its own, when the process's resident memory is above releaseAbove and releaseGain more of
// the file is mapped than when it started: it looks when a catch-up
// asks — after each transaction and half-way through it — and every releaseEvery. (Dropping the
// read models has one that releases every 2 ms whatever the memory: see dropBuckets.) On the
// applying goroutine, which bounds a rebuild's speed, the madvise calls and the faults of pages
// released while still in use cost 1.5 s of a 1M-event rebuild (`ocopledger rebuild --nats`:
// 10.0 s releasing there after each transaction and half-way, 8.6 s never releasing but peaking
// at 627 MB); with the releaser, 8.8–9.7 s at a peak of 267–281 MB. Asking never blocks: a
// request made while a release runs joins the next one.
type releaser struct {
	ask chan struct{}
	wg  sync.WaitGroup
}

// startReleaser starts a releaser that looks every so often, and releases when the resident
// memory is above the given bytes (0: always); nil (nothing released) unless the projection may
// tune the process (Options.TuneProcess).
func (p *Projection) startReleaser(every time.Duration, above int64) *releaser {
	if !p.opts.TuneProcess {
		return nil
	}
	r := &releaser{ask: make(chan struct{}, 1)}
	_, fileBase, _ := resident()
	r.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case _, ok := <-r.ask:
				if !ok {
					return
				}
			case <-t.C:
			}
			if above <= 0 {
				p.releaseMapped()
				continue
			}
			if total, file, ok := resident(); !ok || worthReleasing(total, file-fileBase, above, releaseGain) {
				p.releaseMapped()
			}
		}
	})
	return r
}

// worthReleasing tells whether to drop the mapped pages of the file when the process holds
// total bytes of resident memory, of them grown more of files mapped than when the catch-up
// began: only above the mark, and only once enough more is mapped to be worth the faults.
func worthReleasing(total, grown, above, gain int64) bool {
	return total > above && grown >= gain
}

// poke asks for a release; a nil releaser does nothing.
func (r *releaser) poke() {
	if r == nil {
		return
	}
	select {
	case r.ask <- struct{}{}:
	default:
	}
}

// stop waits for the release under way, if any; a nil releaser does nothing.
func (r *releaser) stop() {
	if r == nil {
		return
	}
	close(r.ask)
	r.wg.Wait()
}
