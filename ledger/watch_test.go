package ledger_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/internal/syncbuf"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// gate is the part that stops answering while the log does not extend its history (the API in
// serve).
type gate struct {
	mu  sync.Mutex
	err error
}

func (g *gate) HistoryError() error     { g.mu.Lock(); defer g.mu.Unlock(); return g.err }
func (g *gate) SetHistoryError(e error) { g.mu.Lock(); defer g.mu.Unlock(); g.err = e }

// caughtUp opens read models in a fresh folder and brings them to the end of l.
func caughtUp(t *testing.T, l *ledger.Ledger) *projections.Projection {
	t.Helper()
	p, err := projections.Open(filepath.Join(t.TempDir(), "readmodels.db"), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.CatchUp(t.Context(), l, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// runWatch runs w until the test ends.
func runWatch(t *testing.T, w *ledger.HistoryWatch) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watch: %v", err)
		}
	})
}

func newLogger(w *syncbuf.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %s", what)
		}
	}
}

// While the log holds fewer entries than the data directory knows, the watch closes the gate,
// naming what is gone, and records nothing; once the log holds them again, it opens the gate and
// records how far the read models have read.
func TestHistoryWatchClosesTheGateWhileTheLogIsShort(t *testing.T) {
	s := storetest.MustOpenStore(t)
	appendN(t, s, 0, 3)
	l := ledger.New(s, nil)
	p := caughtUp(t, l)
	var g gate
	var recorded atomic.Int32
	var logs syncbuf.Buffer
	runWatch(t, ledger.NewHistoryWatch(ledger.WatchConfig{Ledger: l, Tree: p, Gate: &g, Logger: newLogger(&logs),
		Known:  func() domain.KnownHistory { return domain.KnownHistory{Size: 5, By: domain.KnownByDataDir} },
		Record: func() error { recorded.Add(1); return nil },
		Every:  50 * time.Millisecond}))
	eventually(t, "the gate closes", func() bool { return g.HistoryError() != nil })
	if err := g.HistoryError(); domain.ErrorCode(err) != domain.CodeHistoryMismatch || !strings.Contains(err.Error(), "entries 4 to 5 are gone") {
		t.Fatalf("gate closed by %v, want a history mismatch naming entries 4 to 5", err)
	}
	if recorded.Load() != 0 {
		t.Fatal("recorded the history of a log shorter than known")
	}
	appendN(t, s, 3, 2)
	eventually(t, "the gate opens again and the history is recorded", func() bool { return g.HistoryError() == nil && recorded.Load() > 0 })
	if !strings.Contains(logs.String(), "the log extends the known history again") {
		t.Errorf("the log does not say the gate opened:\n%s", logs.String())
	}
}

// An entry the read models applied, damaged in the store since: the watch reads the whole log
// again against the read models' tree, and closes the gate naming its position.
func TestHistoryWatchScrubFindsADamagedEntry(t *testing.T) {
	dir := t.TempDir()
	s, err := eventstore.Open(t.Context(), eventstore.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 0, 3)
	p := caughtUp(t, ledger.New(s, nil))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	storetest.FlipInMessage(t, dir, eventstore.DefaultStreamName, `"n":1`)
	s = storetest.MustOpenStore(t, func(c *eventstore.Config) { c.DataDir = dir })
	var g gate
	var logs syncbuf.Buffer
	runWatch(t, ledger.NewHistoryWatch(ledger.WatchConfig{Ledger: ledger.New(s, nil), Tree: p, Gate: &g, Logger: newLogger(&logs),
		Every: 50 * time.Millisecond, ScrubAfter: 100 * time.Millisecond}))
	eventually(t, "the gate closes", func() bool { return g.HistoryError() != nil })
	if want := "reading the log again, 1 of its 3 entries are missing, at positions 2:"; !strings.Contains(g.HistoryError().Error(), want) {
		t.Errorf("gate closed by %q, want %q", g.HistoryError(), want)
	}
	if !strings.Contains(logs.String(), "entries are not as recorded") {
		t.Errorf("the log does not say it:\n%s", logs.String())
	}
}
