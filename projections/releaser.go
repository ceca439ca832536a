package projections

import "sync"

// releaser drops the read-model file's pages from the memory map (releaseMapped) on a goroutine
// of its own, when a catch-up asks it to — after each transaction and half-way through it — and
// the process's resident memory is above releaseAbove. On the applying goroutine, which bounds a
// rebuild's speed, the madvise calls and the faults of pages released while still in use cost
// 1.5 s of a 1M-event rebuild (`ocopledger rebuild --nats`: 10.0 s releasing there each time,
// 8.6 s never releasing but peaking at 627 MB); here, with the budget, 8.8–9.5 s at a peak of
// 275–285 MB. Asking never blocks: a request made while a release runs joins the next one.
type releaser struct {
	p   *Projection
	ask chan struct{}
	wg  sync.WaitGroup
}

func (p *Projection) startReleaser() *releaser {
	r := &releaser{p: p, ask: make(chan struct{}, 1)}
	r.wg.Go(func() {
		for range r.ask {
			if residentAbove(releaseAbove) {
				p.releaseMapped()
			}
		}
	})
	return r
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

// stop waits for the release under way, if any.
func (r *releaser) stop() {
	close(r.ask)
	r.wg.Wait()
}
