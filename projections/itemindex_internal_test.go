package projections

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/synth"
	bolt "go.etcd.io/bbolt"
)

// synthRecorded is the synthetic national ledger of about n entries, as the ledger's reader
// hands it over.
func synthRecorded(n int) SliceSource {
	entries := synth.Generate(synth.Config{Events: n, Seed: 1})
	log := make(SliceSource, len(entries))
	versions := map[string]uint64{}
	for i, e := range entries {
		s := e.Event.Stream()
		versions[s]++
		raw, _ := json.Marshal(e.Event)
		log[i] = domain.Recorded{ID: e.ID, Type: e.Event.EventType(), Stream: s, Version: versions[s], Sequence: uint64(i + 1),
			RecordedAt: e.RecordedAt, Event: e.Event, Raw: raw}
	}
	return log
}

// bucketBytes is every key and value of a bucket, in order.
func bucketBytes(t testing.TB, p *Projection, name []byte) (out [][2][]byte) {
	t.Helper()
	err := p.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(name).ForEach(func(k, v []byte) error {
			out = append(out, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rebuildItemIndex writes the index of items of p again, as a rebuild from zero writes it at its
// end, from the rows and their ends in the file.
func rebuildItemIndex(tb testing.TB, p *Projection) {
	tb.Helper()
	err := p.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bByItem, bByExpiry} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	p.db.NoSync = true // as during a rebuild, which syncs once at its end
	defer func() { p.db.NoSync = false }()
	w := sortedWriter{p: p}
	if err := p.writeItemIndex(&w); err != nil {
		tb.Fatal(err)
	}
	if err := w.finish(nil); err != nil {
		tb.Fatal(err)
	}
}

// The index of items a rebuild from zero writes at its end is the one live batches keep up to
// date entry by entry, byte for byte; and writing it again from the file gives it again.
func TestItemIndexOfARebuildIsTheLiveOne(t *testing.T) {
	log := synthRecorded(6000)
	ctx := context.Background()
	dir := t.TempDir()
	open := func(name string) *Projection {
		p, err := Open(filepath.Join(dir, name), Options{BatchSize: 250})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	bulk := open("bulk.db") // a rebuild from zero (the log is longer than bulkMin)
	if err := bulk.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	defer set(&bulkMin, 1<<62)()
	live := open("live.db")
	if err := live.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{bByItem, bByExpiry} {
		want := bucketBytes(t, live, b)
		if len(want) < 100 {
			t.Fatalf("bucket %s holds %d keys: the log does not test it", b, len(want))
		}
		compareBuckets(t, "rebuild from zero against live: "+string(b), bucketBytes(t, bulk, b), want)
	}
	rebuildItemIndex(t, bulk)
	for _, b := range [][]byte{bByItem, bByExpiry} {
		compareBuckets(t, "written again: "+string(b), bucketBytes(t, bulk, b), bucketBytes(t, live, b))
	}
}

func compareBuckets(t *testing.T, what string, got, want [][2][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d keys, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !bytes.Equal(got[i][0], want[i][0]) || !bytes.Equal(got[i][1], want[i][1]) {
			t.Errorf("%s: key %d is %q = %x, want %q = %x", what, i, got[i][0], got[i][1], want[i][0], want[i][1])
			return
		}
	}
}

// BenchmarkWriteItemIndex writes the index of items of a rebuilt synthetic ledger
// (OCOPLEDGER_BENCH_EVENTS entries, 50,000 unless set) again, as a rebuild from zero does at
// its end; or of the read models in the file OCOPLEDGER_BENCH_READMODELS names (e.g. those
// bench/ left of the national ledger), which it changes.
func BenchmarkWriteItemIndex(b *testing.B) {
	n := 50000
	if v, err := strconv.Atoi(os.Getenv("OCOPLEDGER_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	path := os.Getenv("OCOPLEDGER_BENCH_READMODELS")
	if path == "" {
		path = filepath.Join(b.TempDir(), "p.db")
	}
	p, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if p.Checkpoint() == 0 {
		if err := p.CatchUp(context.Background(), synthRecorded(n), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		rebuildItemIndex(b, p)
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time (user and system) of this process so far, in nanoseconds: on a machine
// others load, the work done.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
