package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
)

// rebuildEnv is a server over a log of n events whose projection runs as serve runs it: Rebuild
// stops it, drops the read models and starts it again.
type rebuildEnv struct {
	*testEnv
	mu      sync.Mutex
	stop    context.CancelFunc
	stopped chan struct{}
}

func newRebuildEnv(t *testing.T, n int) *rebuildEnv {
	re := &rebuildEnv{}
	re.testEnv = newEnv(t, envOpt{tokens: testTokens, noProj: true, beforeStart: func(e *testEnv) {
		i := 0
		if _, err := e.Store.Import(e.ctx, func() (eventstore.Imported, bool, error) {
			if i == n {
				return eventstore.Imported{}, false, nil
			}
			i++
			id := fmt.Sprintf("bulk-%d", i)
			return eventstore.Imported{Stream: "product." + id, Version: 1, Proposed: eventstore.Proposed{ID: id, Type: "ocop.certified",
				Schema: 1, Data: cert(id, 4, "2024-01-01"), Actor: "t", RecordedAt: time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)}}, true, nil
		}); err != nil {
			t.Fatal(err)
		}
	}, rebuild: func(context.Context) error { return re.rebuild() }})
	re.start()
	t.Cleanup(func() { re.mu.Lock(); re.stop(); <-re.stopped; re.mu.Unlock() })
	waitReady(t, re.testEnv)
	return re
}

func (re *rebuildEnv) start() {
	ctx, cancel := context.WithCancel(re.ctx)
	re.stop, re.stopped = cancel, make(chan struct{})
	go func() { defer close(re.stopped); re.Proj.Run(ctx, re.Ledger) }()
}

func (re *rebuildEnv) rebuild() error {
	re.mu.Lock()
	defer re.mu.Unlock()
	re.stop()
	<-re.stopped
	defer re.start()
	return re.Proj.Reset()
}

type readyz struct {
	Ready      bool   `json:"ready"`
	Rebuilding bool   `json:"rebuilding"`
	Checkpoint uint64 `json:"checkpoint"`
	Head       uint64 `json:"head"`
}

// watchRebuild polls /readyz and explain until both answer 200, and checks that /readyz never
// says ready while explain cannot answer, and says "rebuilding" with its progress meanwhile.
func (re *rebuildEnv) watchRebuild(t *testing.T) (sawRebuilding bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r := re.get("/readyz", "")
		var rz readyz
		if err := json.Unmarshal(r.Body, &rz); err != nil {
			t.Fatalf("/readyz: %v %s", err, r.Body)
		}
		ex := re.get("/v1/figures/ocop.valid/explain?as_of=2025-08-07", viewerToken)
		switch {
		case r.Status == 200 && !rz.Ready, r.Status != 200 && rz.Ready:
			t.Fatalf("/readyz answers %d with %s", r.Status, r.Body)
		case r.Status == 200 && ex.Status == 503:
			// explain was asked after /readyz: a later rebuild could explain it, but none started
			t.Fatalf("/readyz said ready (%s) while explain answers 503 %s", r.Body, ex.Body)
		case r.Status == 200 && ex.Status == 200:
			return sawRebuilding
		case r.Status == 503:
			if end := re.lastSeq(); !rz.Rebuilding || rz.Checkpoint > end || rz.Head > end {
				t.Fatalf("/readyz during a rebuild: %s, want rebuilding with the position reached and the end", r.Body)
			}
			sawRebuilding = true
		}
	}
	t.Fatal("the rebuild did not end within 30 s")
	return false
}

// During POST /v1/admin/rebuild, /readyz says not ready, rebuilding, with how far it has come, for
// as long as explain cannot answer; then ready.
func TestReadyzDuringRebuild(t *testing.T) {
	re := newRebuildEnv(t, 3000)
	if r := re.do("POST", "/v1/admin/rebuild", adminToken, nil); r.Status != 202 {
		t.Fatalf("rebuild: %d %s", r.Status, r.Body)
	}
	if !re.watchRebuild(t) {
		t.Error("/readyz never said rebuilding")
	}
}

// A rebuild the server did not start (the read models found broken, or a new projector version)
// also makes /readyz say not ready.
func TestReadyzDuringARebuildNotAskedFor(t *testing.T) {
	re := newRebuildEnv(t, 3000)
	if err := re.rebuild(); err != nil {
		t.Fatal(err)
	}
	if !re.watchRebuild(t) {
		t.Error("/readyz never said rebuilding")
	}
}
