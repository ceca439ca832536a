//go:build unix

package projections_test

import (
	"context"
	"os"
	"path/filepath"
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
	var cpuWith, cpuWithout []time.Duration
	rebuild := func(src projections.Source, batch int, upTo uint64) time.Duration {
		path := filepath.Join(t.TempDir(), "rm.db")
		p, err := projections.Open(path, projections.Options{BatchSize: batch})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if upTo > 0 {
			src = limited{src, upTo}
		}
		start, c0 := time.Now(), cpu()
		if err := p.CatchUp(t.Context(), src, nil); err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		if isPlain(src) {
			cpuWithout = append(cpuWithout, cpu()-c0)
		} else {
			cpuWith = append(cpuWith, cpu()-c0)
		}
		if size, _ := p.TreeSize(); (size == p.Checkpoint()) != !isPlain(src) {
			t.Fatalf("tree size %d, checkpoint %d", size, p.Checkpoint())
		}
		return el
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	var with, without []time.Duration
	for range rounds {
		without = append(without, rebuild(plainSource{s}, 0, 0))
		with = append(with, rebuild(ledger.New(s, nil), 0, 0))
	}
	mw, mo := median(with), median(without)
	t.Logf("rebuild from zero of %d events, %d interleaved rounds: with the tree %v (median of %v), without %v (median of %v): %+.1f%%",
		end, rounds, mw, with, mo, without, 100*(mw.Seconds()/mo.Seconds()-1))
	cw, co := median(cpuWith), median(cpuWithout)
	t.Logf("  CPU time of the process: with the tree %v (median of %v), without %v (median of %v): %+.1f%%",
		cw, cpuWith, co, cpuWithout, 100*(cw.Seconds()/co.Seconds()-1))
	cpuWith, cpuWithout = nil, nil

	// The live path: one transaction per event, as serve commits what arrives one at a time.
	live := min(end, 5000)
	with, without = nil, nil
	for range rounds {
		without = append(without, rebuild(plainSource{s}, 1, live))
		with = append(with, rebuild(ledger.New(s, nil), 1, live))
	}
	mw, mo = median(with), median(without)
	t.Logf("%d events applied one per transaction, %d rounds: with the tree %v/event, without %v/event: %+.1f%%",
		live, rounds, mw/time.Duration(live), mo/time.Duration(live), 100*(mw.Seconds()/mo.Seconds()-1))
	cw, co = median(cpuWith), median(cpuWithout)
	t.Logf("  CPU time of the process: with the tree %v/event, without %v/event: %+.1f%%",
		cw/time.Duration(live), co/time.Duration(live), 100*(cw.Seconds()/co.Seconds()-1))
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
