package cluster_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/ledger"
)

// TestSameRecordAppendsDoNotStall: a single writer appends entry after entry to one record (a
// trade event and the businesses taking part in it), so every append first reads a history
// that grows. Three instances do it in turn, each on its own connection (so on whichever node
// it lands), with their read models following. No append may wait on the read of the history:
// when it was read through an ordered consumer, appends stalled about 10 s at a time.
func TestSameRecordAppendsDoNotStall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster")
	}
	const instances, appends, limit = 3, 30, 2 * time.Second
	c := startCluster(t)
	ctx := t.Context()
	var slow []string
	for i := range instances {
		in := openInstance(t, c, fmt.Sprintf("ledger-%d", i+1))
		go in.follow(ctx, t)
		seedShared(ctx, t, in.l, 1)
		var slowest, total time.Duration
		for n := range appends {
			id, e := workItem(in.name, 2*n, 1) // even items: participations in the one shared trade event
			start := time.Now()
			pos, err := in.l.RecordEvent(ctx, e, ledger.Meta{ID: id, Actor: "cluster-test"})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("%s: append %d: %v (after %s)", in.name, n+1, err, took)
			}
			if want := uint64(1 + i*appends + n + 1); pos.Version != want {
				t.Fatalf("%s: append %d landed at version %d, want %d", in.name, n+1, pos.Version, want)
			}
			slowest, total = max(slowest, took), total+took
			if took > limit {
				slow = append(slow, fmt.Sprintf("%s append %d (version %d) took %s", in.name, n+1, pos.Version, took.Round(time.Millisecond)))
			}
		}
		t.Logf("%s: %d appends to a record of %d to %d entries: mean %s, slowest %s", in.name, appends,
			1+i*appends, (i+1)*appends, (total / appends).Round(time.Millisecond), slowest.Round(time.Millisecond))
	}
	if len(slow) > 0 {
		t.Errorf("%d of %d appends took longer than %s: %v", len(slow), instances*appends, limit, slow)
	}
}
