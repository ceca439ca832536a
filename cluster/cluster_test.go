package cluster_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// instance is a ledger instance as `ocopledger serve` runs it: its own
// connection to the cluster, the ledger service, and read models in its own
// bbolt file following the log.
type instance struct {
	name  string
	store *eventstore.Store
	l     *ledger.Ledger
	proj  *projections.Projection

	followErrs atomic.Int64
}

func openInstance(tb testing.TB, c *natsCluster, name string) *instance {
	tb.Helper()
	s := openStore(tb, c, name)
	return &instance{name: name, store: s, l: ledger.New(s, nil), proj: openProjection(tb, name)}
}

// follow keeps the read models following the log until ctx is done,
// starting again after an error as a server would.
func (in *instance) follow(ctx context.Context, tb testing.TB) {
	for ctx.Err() == nil {
		if err := in.proj.Run(ctx, in.l); err != nil {
			in.followErrs.Add(1)
			tb.Logf("%s: read models stopped following (starting again): %v", in.name, err)
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

// tally counts what the writers were told.
type tally struct {
	mu      sync.Mutex
	acked   map[string]bool
	dups    int // acknowledgements of entries an earlier attempt had stored
	retries int // attempts beyond the first
	n       atomic.Int64
}

func newTally() *tally { return &tally{acked: map[string]bool{}} }

func (t *tally) add(id string, pos ledger.Position, attempts int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.acked[id] {
		panic("acknowledged twice by the test itself: " + id)
	}
	t.acked[id] = true
	if pos.Duplicate {
		t.dups++
	}
	t.retries += attempts - 1
	t.n.Add(1)
}

// waitProgress waits until at least more entries are acknowledged after
// from: the cluster must keep accepting writes.
func waitProgress(tb testing.TB, t *tally, from int64, more int64, wait time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for t.n.Load() < from+more {
		if time.Now().After(deadline) {
			tb.Fatalf("no progress: %d entries acknowledged in %s, want %d", t.n.Load()-from, wait, more)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// record appends count entries of writer w (from entry first on) through l,
// retrying each with the same ID until it is acknowledged.
func record(ctx context.Context, tb testing.TB, l *ledger.Ledger, t *tally, w string, first, count, shared int) {
	tb.Helper()
	for n := first; n < first+count; n++ {
		id, e := workItem(w, n, shared)
		rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		pos, attempts, err := recordRetrying(rctx, l, id, e)
		cancel()
		if err != nil {
			tb.Fatalf("record %s: %v", id, err)
		}
		t.add(id, pos, attempts)
	}
}

// waitReplicas waits until every running node's own replica of the ledger
// stream ends at last and holds last messages.
func waitReplicas(tb testing.TB, c *natsCluster, last uint64, wait time.Duration) time.Duration {
	tb.Helper()
	start := time.Now()
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		for {
			seq, msgs, err := n.streamStateOn(eventstore.DefaultStreamName)
			if err == nil && seq == last && msgs == last {
				break
			}
			if time.Since(start) > wait {
				tb.Fatalf("%s's replica of the ledger stream is at %d (%d messages, %v), want %d", n.name, seq, msgs, err, last)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return time.Since(start)
}

// TestConcurrentWritersSurviveLeaderKills: two ledger instances append
// concurrently (own and shared aggregate streams) while the stream leader is
// killed with SIGKILL and restarted five times. Every acknowledged entry is
// stored exactly once, versions have no gaps, and both instances' read
// models equal the naive recomputation from the log and a rebuild from it.
func TestConcurrentWritersSurviveLeaderKills(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster with faults")
	}
	const (
		shared       = 3
		writersEach  = 3
		maxPerWriter = 400 // bounds the run if the chaos ends early
		kills        = 5
	)
	c := startCluster(t)
	ctx := t.Context()
	a, b := openInstance(t, c, "ledger-a"), openInstance(t, c, "ledger-b")
	tl := newTally()
	for i := range shared {
		e := sharedFair(i)
		pos, n, err := recordRetrying(ctx, a.l, "seed-"+e.TradeEventID, e)
		if err != nil {
			t.Fatal(err)
		}
		tl.add("seed-"+e.TradeEventID, pos, n)
	}

	runCtx, stopRun := context.WithCancel(ctx)
	var runWG sync.WaitGroup
	for _, in := range []*instance{a, b} {
		runWG.Go(func() { in.follow(runCtx, t) })
	}

	stop := make(chan struct{})
	errc := make(chan error, 2*writersEach)
	var wg sync.WaitGroup
	for _, in := range []*instance{a, b} {
		for w := range writersEach {
			name := fmt.Sprintf("%s-w%d", in.name, w)
			wg.Go(func() {
				for n := range maxPerWriter {
					select {
					case <-stop:
						return
					default:
					}
					id, e := workItem(name, n, shared)
					wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
					pos, attempts, err := recordRetrying(wctx, in.l, id, e)
					cancel()
					if err != nil {
						errc <- fmt.Errorf("%s: %w", id, err)
						return
					}
					tl.add(id, pos, attempts)
				}
			})
		}
	}

	obs, err := c.connect("ledger", ledgerPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	js, _ := jetstream.New(obs)
	for round := 1; round <= kills; round++ {
		waitProgress(t, tl, tl.n.Load(), 25, 60*time.Second)
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		leader, err := c.streamLeader(lctx, js, eventstore.DefaultStreamName)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: kill -9 %s, the stream leader, after %d acknowledged entries", round, leader.name, tl.n.Load())
		down := time.Now()
		leader.kill()
		time.Sleep(time.Second)
		c.start(leader)
		t.Logf("round %d: %s restarted after %s", round, leader.name, time.Since(down).Round(time.Millisecond))
	}
	waitProgress(t, tl, tl.n.Load(), 25, 60*time.Second)
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}

	last, err := a.store.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*instance{a, b} {
		wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		if err := in.proj.WaitFor(wctx, last); err != nil {
			t.Fatalf("%s: read models did not reach %d: %v (at %d)", in.name, last, err, in.proj.Checkpoint())
		}
		cancel()
	}
	stopRun()
	runWG.Wait()
	took := waitReplicas(t, c, last, 30*time.Second)

	envs := readLog(ctx, t, b.store)
	checkLog(t, envs, tl.acked)
	rebuilt := openProjection(t, "rebuilt")
	if err := rebuilt.CatchUp(ctx, b.l, nil); err != nil {
		t.Fatal(err)
	}
	projs := map[string]*projections.Projection{a.name: a.proj, b.name: b.proj, "a rebuild": rebuilt}
	checkFigures(t, toRecorded(envs), projs)
	for _, q := range figureQueries() {
		want := rebuilt.Figures(q)
		for _, in := range []*instance{a, b} {
			if got := in.proj.Figures(q); fmt.Sprint(got.Figures) != fmt.Sprint(want.Figures) {
				t.Errorf("%s: figures on %s differ from a rebuild from the log:\n got %v\nwant %v", in.name, q.AsOf, got.Figures, want.Figures)
			}
		}
	}
	t.Logf("%d stream leader kills: %d entries acknowledged (%d after retries, %d of them as already stored), log of %d events, "+
		"each acknowledged entry once; all replicas at %d within %s; read models restarted following %d+%d times, "+
		"their figures equal to a rebuild and to the naive recomputation",
		kills, len(tl.acked), tl.retries, tl.dups, len(envs), last, took.Round(time.Millisecond), a.followErrs.Load(), b.followErrs.Load())
}

// TestStoppedNodeCatchesUp: a node stopped with SIGTERM misses appends, and
// once back its own replica holds them all; the cluster then keeps the whole
// log with another node down.
func TestStoppedNodeCatchesUp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster")
	}
	c := startCluster(t)
	ctx := t.Context()
	in := openInstance(t, c, "ledger-a")
	tl := newTally()
	seedShared(ctx, t, in.l, 2)
	for i := range 2 {
		tl.acked["seed-"+sharedFair(i).TradeEventID] = true
	}
	record(ctx, t, in.l, tl, "before", 0, 30, 2)

	obs, err := c.connect("ledger", ledgerPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	js, _ := jetstream.New(obs)
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	stopped, err := c.streamLeader(lctx, js, eventstore.DefaultStreamName)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SIGTERM %s, the stream leader", stopped.name)
	stopped.term()
	down := time.Now()
	record(ctx, t, in.l, tl, "while-down", 0, 60, 2)
	last, err := in.store.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitReplicas(t, c, last, 30*time.Second)
	if _, _, err := stopped.streamStateOn(eventstore.DefaultStreamName); err == nil {
		t.Fatalf("%s answers while stopped", stopped.name)
	}

	restart := time.Now()
	c.start(stopped)
	caughtUp := waitReplicas(t, c, last, 30*time.Second)
	t.Logf("%s was down %s; back, its replica reached sequence %d %s after restart",
		stopped.name, restart.Sub(down).Round(time.Millisecond), last, (time.Since(restart)).Round(time.Millisecond))
	_ = caughtUp

	record(ctx, t, in.l, tl, "after", 0, 10, 2)
	if last, err = in.store.LastSequence(ctx); err != nil {
		t.Fatal(err)
	}
	waitReplicas(t, c, last, 30*time.Second)

	// The replica that caught up must carry the log: stop another node and
	// read everything through the two that remain.
	var other *node
	for _, n := range c.nodes {
		if n != stopped {
			other = n
			break
		}
	}
	t.Logf("SIGTERM %s; reading the log from %s and the third node", other.name, stopped.name)
	other.term()
	var envs []eventstore.Envelope
	deadline := time.Now().Add(30 * time.Second)
	for {
		envs = envs[:0]
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := in.store.Read(rctx, 1, func(e eventstore.Envelope) error { envs = append(envs, e); return nil })
		cancel()
		if err == nil && uint64(len(envs)) == last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reading the log with %s down: %d events, want %d (%v)", other.name, len(envs), last, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	checkLog(t, envs, tl.acked)
	p := openProjection(t, "rebuilt")
	if err := p.CatchUp(ctx, in.l, nil); err != nil {
		t.Fatal(err)
	}
	checkFigures(t, toRecorded(envs), map[string]*projections.Projection{"rebuilt": p})
}

// TestOwnAppendIsSeenByTheNextVersionCheck: a writer appending with the
// version it was just given is never refused as a conflict. On R3 a direct
// get may be answered by a follower that has not applied the writer's last
// append yet; the version check must read the leader's head. (Before the
// store read heads through the leader, this failed around the 2000th
// append, when the followers briefly fall behind.)
func TestOwnAppendIsSeenByTheNextVersionCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster")
	}
	const writers, each = 8, 300
	c := startCluster(t)
	s := openStore(t, c, "ledger-a")
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("tradeevent.own-%d", w)
			for i := range each {
				id := fmt.Sprintf("own-%d-%d", w, i)
				res, err := s.Append(ctx, stream, int64(i), proposed(id, benchEvent(i)))
				if err != nil {
					t.Errorf("%s: append at version %d, the version the previous append returned: %v", id, i, err)
					return
				}
				if res.Version != uint64(i+1) {
					t.Errorf("%s: version %d, want %d", id, res.Version, i+1)
					return
				}
			}
		})
	}
	wg.Wait()
}
