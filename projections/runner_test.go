package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/internal/syncbuf"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// brokenOnce is the ledger whose first read fails half way, as when the broker goes away.
type brokenOnce struct {
	*ledger.Ledger
	after  uint64
	broken atomic.Bool
}

func (s *brokenOnce) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	if s.broken.Swap(true) {
		return s.Ledger.Read(ctx, from, fn)
	}
	return s.Ledger.Read(ctx, from, func(r domain.Recorded) error {
		if r.Sequence > s.after {
			return errors.New("the broker went away")
		}
		return fn(r)
	})
}

// syncBuffer is a log a test reads while other goroutines write it.
type syncBuffer = syncbuf.Buffer

// The runner keeps the read models on a real store following the log through a failure (logged,
// retried), follows new entries, and rebuilds from the start of the log on demand, with the
// figures of the naive recomputation each time.
func TestRunnerRetriesFollowsAndRebuilds(t *testing.T) {
	s := storetest.MustOpenStore(t)
	importSynth(t, s, 400)
	l := ledger.New(s, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	end, err := l.LastSequence(ctx)
	if err != nil || end < 100 {
		t.Fatalf("LastSequence = %d, %v; want the synthetic ledger", end, err)
	}

	var mu sync.Mutex
	var firsts []uint64 // the first position of each commit
	var last atomic.Uint64
	onCommit := func(from, to uint64) {
		mu.Lock()
		firsts = append(firsts, from)
		mu.Unlock()
		last.Store(to)
	}
	p, err := projections.Open(filepath.Join(t.TempDir(), "rm.db"), projections.Options{BatchSize: 50, OnCommit: onCommit})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	var logs syncBuffer
	r := projections.NewRunner(p, &brokenOnce{Ledger: l, after: end / 2}, projections.RunnerOptions{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Pause: 10 * time.Millisecond})
	if err := r.Rebuild(ctx); err == nil {
		t.Error("Rebuild before Run succeeded; want an error")
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(runCtx) }()

	check := func(what string, upTo uint64) {
		t.Helper()
		if err := p.WaitFor(ctx, upTo); err != nil {
			t.Fatalf("%s: WaitFor(%d): %v (checkpoint %d)", what, upTo, err, p.Checkpoint())
		}
		var log []domain.Recorded
		if err := l.Read(ctx, 1, func(r domain.Recorded) error { log = append(log, r); return nil }); err != nil {
			t.Fatal(err)
		}
		q := domain.Query{AsOf: domain.MustDate(2025, 6, 30)}
		want, got := domain.Evaluate(log, q), p.Figures(q)
		for _, f := range domain.Figures() {
			if got.Figures[f.ID] != want.Count(f.ID) {
				t.Errorf("%s: %s = %d, want %d", what, f.ID, got.Figures[f.ID], want.Count(f.ID))
			}
		}
		// OnCommit is called just after WaitFor may return: poll for it.
		for deadline := time.Now().Add(10 * time.Second); last.Load() != upTo && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		if got := last.Load(); got != upTo {
			t.Errorf("%s: the last commit ends at %d, want %d", what, got, upTo)
		}
	}
	check("after a failure", end)
	if !strings.Contains(logs.String(), "following the log failed; retrying") || !strings.Contains(logs.String(), "the broker went away") {
		t.Errorf("the failure was not logged; log:\n%s", logs.String())
	}

	pos, err := l.Record(ctx, "ocop.certified", certified("runner-1"), ledger.Meta{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	check("following", pos.Sequence)

	mu.Lock()
	firsts = nil
	mu.Unlock()
	if err := r.Rebuild(ctx); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	check("after a rebuild", pos.Sequence)
	mu.Lock()
	if len(firsts) == 0 || firsts[0] != 1 {
		t.Errorf("after Rebuild the first commit starts at %v, want 1 (from the start of the log)", firsts)
	}
	mu.Unlock()

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after its context ends", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// certified is the payload of an ocop.certified event of a synthetic product.
func certified(product string) []byte {
	b, _ := json.Marshal(map[string]any{
		"product_id": product, "product_name": "Sản phẩm thử " + product, "producer_id": "p-" + product,
		"producer_name": "Chủ thể thử", "producer_kind": "enterprise", "product_set": "I.4b", "stars": 4,
		"decision":  map[string]any{"number": "1/QĐ-" + product, "date": "2025-03-01", "authority": "province"},
		"address":   map[string]any{"district": "huyện Lý Sơn", "province": "Quảng Ngãi"},
		"synthetic": true,
	})
	return b
}
