//go:build unix

package projections_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// plainSource reads the log as the ledger did before it kept the Merkle tree: no leaf hashes,
// so the read models keep no tree. It is the baseline of TestTreeCost.
type plainSource struct{ s *eventstore.Store }

func (p plainSource) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return eventstore.ReadAs(ctx, p.s, from, ledger.ToRecorded, fn)
}
func (p plainSource) Follow(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return eventstore.FollowAs(ctx, p.s, from, ledger.ToRecorded, fn)
}
func (p plainSource) LastSequence(ctx context.Context) (uint64, error) { return p.s.LastSequence(ctx) }

// TestTreeCost measures what keeping the log's Merkle tree costs: a rebuild from zero of the read
// models of a synthetic ledger (the leaf hashes made in the reader's decode workers, the tree
// appended in each batch's transaction) against the same rebuild without leaf hashes or tree, in
// interleaved rounds; and the live path, one transaction per event. It runs only when asked:
//
//	OCOPLEDGER_TREE_COST=200000 go test -count=1 -run TestTreeCost -v ./projections/
func TestTreeCost(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("OCOPLEDGER_TREE_COST"))
	if n == 0 {
		t.Skip("set OCOPLEDGER_TREE_COST to the number of events, e.g. 200000")
	}
	s := storetest.MustOpenStore(t)
	importSynth(t, s, n)
	end, _ := s.LastSequence(t.Context())
	rounds := 3
	if v, _ := strconv.Atoi(os.Getenv("OCOPLEDGER_TREE_COST_ROUNDS")); v > 0 {
		rounds = v
	}
	// CPU time of the whole process (the embedded nats-server included), which other processes
	// on the machine disturb less than the elapsed time.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	// Three ways, in interleaved rounds: no tree (the baseline), the tree appended as before
	// (tlog.StoredHashesForRecordHash over a HashReader), and as now (provenance.Appender).
	type way struct {
		name     string
		label    string // of its CPU samples, for a profile: go tool pprof -tagfocus way=after
		src      projections.Source
		use      func() (restore func())
		wall, ms []time.Duration
	}
	nothing := func() func() { return func() {} }
	ways := []*way{
		{name: "without the tree", label: "none", src: plainSource{s}, use: nothing},
		{name: "tree as before (tlog's HashReader)", label: "before", src: ledger.New(s, nil), use: projections.UseTlogAppender},
		{name: "tree as now (provenance.Appender)", label: "after", src: ledger.New(s, nil), use: nothing},
	}
	roots := map[string]string{}
	rebuild := func(w *way, batch int, upTo uint64) {
		defer w.use()()
		phase := "rebuild"
		if batch == 1 {
			phase = "live"
		}
		path := filepath.Join(t.TempDir(), "rm.db")
		p, err := projections.Open(path, projections.Options{BatchSize: batch})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		src := w.src
		if upTo > 0 {
			src = limited{src, upTo}
		}
		start, c0 := time.Now(), cpu()
		var err2 error
		pprof.Do(t.Context(), pprof.Labels("way", w.label, "phase", phase), func(ctx context.Context) {
			err2 = p.CatchUp(ctx, src, nil)
		})
		if err2 != nil {
			t.Fatal(err2)
		}
		w.wall, w.ms = append(w.wall, time.Since(start)), append(w.ms, cpu()-c0)
		size, _ := p.TreeSize()
		if (size == p.Checkpoint()) != !isPlain(src) {
			t.Fatalf("tree size %d, checkpoint %d", size, p.Checkpoint())
		}
		if size > 0 {
			root, err := p.Root(size)
			if err != nil {
				t.Fatal(err)
			}
			key := strconv.FormatUint(size, 10)
			if r, ok := roots[key]; ok && r != root.String() {
				t.Fatalf("%s: root of %d entries %s, another way made %s", w.name, size, root, r)
			}
			roots[key] = root.String()
		}
	}
	median := func(d []time.Duration) time.Duration { d = slices.Clone(d); slices.Sort(d); return d[len(d)/2] }
	report := func(what string, per int) {
		bw, bc := median(ways[0].wall), median(ways[0].ms)
		for _, w := range ways {
			mw, mc := median(w.wall), median(w.ms)
			t.Logf("  %s: %s: wall %v (%+.1f%%; %v), CPU %v (%+.1f%%; %v)", what, w.name,
				mw/time.Duration(per), 100*(mw.Seconds()/bw.Seconds()-1), w.wall,
				mc/time.Duration(per), 100*(mc.Seconds()/bc.Seconds()-1), w.ms)
		}
		for _, w := range ways {
			w.wall, w.ms = nil, nil
		}
	}
	for range rounds {
		for _, w := range ways {
			rebuild(w, 0, 0)
		}
	}
	t.Logf("rebuild from zero of %d events, %d interleaved rounds, medians (CPU time of the whole process):", end, rounds)
	report("rebuild", 1)

	// The live path: one transaction per event, as serve commits what arrives one at a time.
	live := min(end, 5000)
	for range rounds {
		for _, w := range ways {
			rebuild(w, 1, live)
		}
	}
	t.Logf("%d events applied one per transaction, %d rounds, medians per event:", live, rounds)
	report("live", int(live))
}

func isPlain(src projections.Source) bool {
	if l, ok := src.(limited); ok {
		src = l.Source
	}
	_, ok := src.(plainSource)
	return ok
}

// limited is a source that ends at position end.
type limited struct {
	projections.Source
	end uint64
}

func (l limited) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	errEnd := context.Canceled
	err := l.Source.Read(ctx, from, func(r domain.Recorded) error {
		if r.Sequence > l.end {
			return errEnd
		}
		return fn(r)
	})
	if err == errEnd {
		return nil
	}
	return err
}
func (l limited) LastSequence(context.Context) (uint64, error) { return l.end, nil }
