package projections

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	// Logger gets an error for each failure of following the log (it is then retried); nil
	// logs nothing.
	Logger *slog.Logger
	// Pause is the wait before the first retry after a failure (default 1 s); it doubles after
	// each failure up to MaxPause (default 1 min).
	Pause, MaxPause time.Duration
}

func (o *RunnerOptions) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Pause <= 0 {
		o.Pause = time.Second
	}
	if o.MaxPause <= 0 {
		o.MaxPause = time.Minute
	}
	o.MaxPause = max(o.MaxPause, o.Pause)
}

// Runner keeps a Projection following its Source while a server runs: after a failure it
// retries with a growing pause, and it can drop the read models and rebuild them from the start
// of the log without stopping (POST /v1/admin/rebuild).
type Runner struct {
	p    *Projection
	src  Source
	opts RunnerOptions

	mu     sync.Mutex
	ctx    context.Context // Run's; nil before Run
	cancel context.CancelFunc
	done   chan struct{}
}

// NewRunner returns a Runner of p over src; Run starts it.
func NewRunner(p *Projection, src Source, opts RunnerOptions) *Runner {
	opts.setDefaults()
	return &Runner{p: p, src: src, opts: opts}
}

// Run follows the log until ctx is done; after a failure it retries with a growing pause. It
// returns nil once ctx is done and the following has stopped.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	r.startLocked()
	r.mu.Unlock()
	<-ctx.Done()
	r.mu.Lock()
	done := r.done
	r.mu.Unlock()
	<-done
	return nil
}

func (r *Runner) startLocked() {
	ctx, cancel := context.WithCancel(r.ctx)
	done := make(chan struct{})
	r.cancel, r.done = cancel, done
	go func() {
		defer close(done)
		pause := r.opts.Pause
		for {
			err := r.p.Run(ctx, r.src)
			if err == nil || ctx.Err() != nil {
				return
			}
			r.opts.Logger.Error("read models: following the log failed; retrying", "err", err, "in", pause)
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, r.opts.MaxPause)
		}
	}()
}

// Rebuild stops following, drops the read models and starts following again from the start of
// the log; it returns once the rebuild has started. Before Run it fails.
func (r *Runner) Rebuild(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil {
		return errors.New("the read models are not running")
	}
	r.cancel()
	<-r.done
	err := r.p.Reset()
	r.startLocked()
	return err
}
