package eventstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// diskGuard keeps the embedded server's appends off a full disk, and brings appends back when
// space returns, without a restart of the process.
//
// What nats-server v2.15 does when its file store meets a full disk (ENOSPC): the publish that
// could not be written gets no answer at all (stream.go processJetStreamMsg: "We don't want to
// respond back to the user"), and the error is kept by the stream and its file store (setWriteErr)
// so that every later publish fails the same way, unanswered, even once space is free again. Only
// reopening the stream clears it; here that means restarting JetStream in the running server
// (ShutdownJetStream, then EnableJetStream on the same directory), which recovers the stream from
// its files. So the guard
//   - refuses an append before publishing when it would leave less than MinFreeBytes free;
//   - watches a publish that is not answered quickly, and fails it with a *StorageFullError as
//     soon as the server reports a write error for lack of space;
//   - once there is room again, restarts JetStream before the next append (or /readyz check).
type diskGuard struct {
	dir     string
	minFree int64
	srv     *server.Server
	log     *slog.Logger

	// failed: the server failed a write for lack of space (or refused one for lack of
	// resources); JetStream must restart once there is room.
	failed      atomic.Bool
	failedCause atomic.Value // string: what the server said
	// short: the last check found less free space than the reserve (logged when it changes).
	short atomic.Bool

	restartMu   sync.Mutex
	lastRestart time.Time // guarded by restartMu
}

const (
	// watchAfter is how long a publish goes unanswered before the guard asks the server whether
	// its store failed; watchEvery is how often it asks again.
	watchAfter = 500 * time.Millisecond
	watchEvery = 250 * time.Millisecond
	// restartEvery bounds how often JetStream is restarted to recover from a full disk.
	restartEvery = 2 * time.Second
)

func newDiskGuard(srv *server.Server, cfg Config) *diskGuard {
	g := &diskGuard{dir: cfg.DataDir, minFree: cfg.MinFreeBytes, srv: srv, log: cfg.Logger}
	if g.minFree == 0 {
		g.minFree = DefaultMinFreeBytes
	}
	return g
}

// full returns a *StorageFullError if writing need more bytes would leave less than the
// reserve free, and nil otherwise (also where free space cannot be told).
func (g *diskGuard) full(need int64) error {
	if g.minFree < 0 {
		return nil
	}
	free, ok := diskFree(g.dir)
	if ok && free < g.minFree+need {
		if !g.short.Swap(true) {
			g.log.Warn("the disk of the event store is full; appends are refused until space is freed",
				"dir", g.dir, "free_bytes", free, "reserve_bytes", g.minFree)
		}
		return &StorageFullError{Dir: g.dir, Free: free, MinFree: g.minFree}
	}
	if ok && g.short.Swap(false) {
		g.log.Info("the disk of the event store has room again; appends accepted", "dir", g.dir, "free_bytes", free)
	}
	return nil
}

// ready checks that an append of need bytes can be written: there is room, and the server's
// store works (restarting JetStream if it failed for lack of space and there is room now).
func (g *diskGuard) ready(need int64) error {
	if err := g.full(need); err != nil {
		return err
	}
	if !g.failed.Load() {
		return nil
	}
	return g.restart()
}

// markFailed records that the server could not write for lack of space.
func (g *diskGuard) markFailed(cause string) {
	g.failedCause.Store(cause)
	if !g.failed.Swap(true) {
		g.log.Warn("the event store ran out of disk space; appends are refused until space is freed",
			"dir", g.dir, "cause", cause)
	}
}

// restart restarts JetStream to clear a failed store once there is room again.
func (g *diskGuard) restart() error {
	g.restartMu.Lock()
	defer g.restartMu.Unlock()
	if !g.failed.Load() {
		return nil // restarted meanwhile
	}
	cause, _ := g.failedCause.Load().(string)
	if time.Since(g.lastRestart) < restartEvery {
		return &StorageFullError{Dir: g.dir, Free: -1, MinFree: g.minFree, Cause: cause}
	}
	g.lastRestart = time.Now()
	start := time.Now()
	if err := g.srv.ShutdownJetStream(); err != nil {
		return fmt.Errorf("eventstore: restart JetStream after a full disk: %w", err)
	}
	// As the server started it (server.go Start): the store directory, limits taken from the
	// disk as it is now, the sync setting (SyncAlways) from the server's options.
	if err := g.srv.EnableJetStream(&server.JetStreamConfig{StoreDir: g.dir}); err != nil {
		return fmt.Errorf("eventstore: restart JetStream after a full disk: %w", err)
	}
	if reason := g.storeFailure(); reason != "" {
		return &StorageFullError{Dir: g.dir, Free: -1, MinFree: g.minFree, Cause: reason}
	}
	g.failed.Store(false)
	g.log.Info("the event store has disk space again; JetStream restarted and appends accepted",
		"dir", g.dir, "took", time.Since(start))
	return nil
}

// storeFailure returns the server's write error for lack of space on one of its streams, or "".
func (g *diskGuard) storeFailure() string {
	if !g.srv.JetStreamEnabled() {
		return ""
	}
	h := g.srv.Healthz(&server.HealthzOptions{Details: true})
	for _, e := range h.Errors {
		if e.Type == server.HealthzErrorStream && isNoSpace(e.Error) {
			return e.Error
		}
	}
	return ""
}

// watch returns a context derived from ctx that is cancelled with a *StorageFullError when,
// while the publish it bounds goes unanswered, the server reports that its store failed for
// lack of space. stop ends the watch.
func (g *diskGuard) watch(ctx context.Context) (wctx context.Context, stop func()) {
	wctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTimer(watchAfter)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-wctx.Done():
				return
			case <-t.C:
			}
			if reason := g.storeFailure(); reason != "" {
				g.markFailed(reason)
				free, ok := diskFree(g.dir)
				if !ok {
					free = -1
				}
				cancel(&StorageFullError{Dir: g.dir, Free: free, MinFree: g.minFree, Cause: reason})
				return
			}
			t.Reset(watchEvery)
		}
	}()
	return wctx, func() { close(done); cancel(nil) }
}

// isNoSpace tells a server error caused by a full disk.
func isNoSpace(msg string) bool { return strings.Contains(msg, "no space left") }

// CheckStorage reports whether appends can be written now: nil, or a *StorageFullError when the
// disk that holds the embedded server's log is full (then /readyz says not ready). When the disk
// has room again after being full, it brings appends back first. Connected to NatsURL, the
// cluster's disks are its servers' concern: nil.
func (s *Store) CheckStorage() error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if s.disk == nil {
		return nil
	}
	err := s.disk.ready(0)
	if err == nil && !s.disk.failed.Load() {
		if reason := s.disk.storeFailure(); reason != "" {
			s.disk.markFailed(reason)
			err = s.disk.ready(0)
		}
	}
	var full *StorageFullError
	if err != nil && !errors.As(err, &full) {
		s.log.Warn("the event store could not recover from a full disk", "err", err)
	}
	return err
}
