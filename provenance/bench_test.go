package provenance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/provenance"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/tlog"
)

// benchEntries is the size of the benchmarks' log: $OCOPLEDGER_BENCH_ENTRIES, default 100,000
// (the numbers in docs/auditors.md are at 1,000,000).
func benchEntries(b *testing.B) int {
	if s := os.Getenv("OCOPLEDGER_BENCH_ENTRIES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("OCOPLEDGER_BENCH_ENTRIES=%q is not a number of entries", s)
		}
		return n
	}
	return 100_000
}

var benchExport struct {
	sync.Once
	lines  [][]byte
	export []byte
	cp     []provenance.Checkpoint
}

func benchData(b *testing.B) ([][]byte, []byte, []provenance.Checkpoint) {
	benchExport.Do(func() {
		n := benchEntries(b)
		lines := exportLines(b, n)
		export := join(lines)
		// The lines as parts of the export, so that the data is held once.
		for i, off := 0, 0; i < len(lines); i++ {
			l := len(lines[i])
			lines[i] = export[off : off+l : off+l]
			off += l + 1
		}
		benchExport.lines, benchExport.export = lines, export
		benchExport.cp = checkpointsOf(b, lines, n)
	})
	return benchExport.lines, benchExport.export, benchExport.cp
}

// BenchmarkVerifyExport verifies an export held in memory against a checkpoint of all of it, with
// two baselines from the same data: hashing the lines alone on one core (tlog.RecordHash, the
// least any verifier does) and encoding/json.Valid plus the hash on one core.
func BenchmarkVerifyExport(b *testing.B) {
	lines, export, cps := benchData(b)
	b.Run("verify", func(b *testing.B) {
		b.SetBytes(int64(len(export)))
		measure(b, len(lines), func() {
			if _, err := provenance.VerifyExport(context.Background(), bytes.NewReader(export), cps, provenance.VerifyOptions{}); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
	})
	b.Run("baseline-hash-1core", func(b *testing.B) {
		b.SetBytes(int64(len(export)))
		measure(b, len(lines), func() {
			for _, l := range lines {
				tlog.RecordHash(l)
			}
		})
	})
	b.Run("baseline-jsonvalid+hash-1core", func(b *testing.B) {
		b.SetBytes(int64(len(export)))
		measure(b, len(lines), func() {
			for _, l := range lines {
				json.Valid(l)
				tlog.RecordHash(l)
			}
		})
	})
}

// benchTree is a bbolt file holding the tree of the benchmark's export.
func benchTree(b *testing.B) (*bolt.DB, int64) {
	lines, _, _ := benchData(b)
	db, err := bolt.Open(filepath.Join(b.TempDir(), "tree.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	const batch = 10_000
	for from := 0; from < len(lines); from += batch {
		if err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte(provenance.TreeBucket))
			if err != nil {
				return err
			}
			a, err := provenance.NewAppender(bk)
			if err != nil {
				return err
			}
			for _, l := range lines[from:min(from+batch, len(lines))] {
				a.Append(provenance.LeafHash(l))
			}
			return a.Flush()
		}); err != nil {
			b.Fatal(err)
		}
	}
	return db, int64(len(lines))
}

// cpuTime is the processor time this process has used so far (user and system, all threads). The
// benchmarks report entries per second of it next to wall-clock rates: the machine they run on is
// shared, and its wall clock says more about the neighbours than about the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f b.N times and reports entries per wall-clock second and per processor second.
func measure(b *testing.B, entries int, f func()) {
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		f()
	}
	used := cpuTime() - cpu
	b.ReportMetric(float64(entries)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	b.ReportMetric(float64(entries)*float64(b.N)/used.Seconds(), "entries/cpu-s")
}

func reportLatencies(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkProofs builds inclusion and consistency proofs from the tree in a bbolt file, each in
// its own read transaction (as an HTTP request would), with the JSON the API sends.
func BenchmarkProofs(b *testing.B) {
	db, size := benchTree(b)
	signer, _ := mustKey(b, "ocopledger.example/test")
	var cp, old provenance.SignedCheckpoint
	db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(provenance.TreeBucket))
		root, _ := provenance.Root(bk, size)
		cp, _ = provenance.Sign(provenance.Checkpoint{Origin: "ocopledger.example/test", Size: size, Root: root}, signer)
		root, _ = provenance.Root(bk, size/3)
		old, _ = provenance.Sign(provenance.Checkpoint{Origin: "ocopledger.example/test", Size: size / 3, Root: root}, signer)
		return nil
	})
	b.Run("inclusion", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for i := range b.N {
			start := time.Now()
			if err := db.View(func(tx *bolt.Tx) error {
				p, err := provenance.ProveInclusion(tx.Bucket([]byte(provenance.TreeBucket)), 1+int64(i*7919)%size, cp)
				if err != nil {
					return err
				}
				_, err = json.Marshal(p)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
		reportLatencies(b, d)
	})
	b.Run("consistency", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		for range b.N {
			start := time.Now()
			if err := db.View(func(tx *bolt.Tx) error {
				p, err := provenance.ProveConsistency(tx.Bucket([]byte(provenance.TreeBucket)), old, cp)
				if err != nil {
					return err
				}
				_, err = json.Marshal(p)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
		reportLatencies(b, d)
	})
}

// BenchmarkAppend is the cost per leaf of adding batches of 1,000 leaves to the tree in a bbolt
// write transaction, the way a catch-up appends: hashing the body included (tree), or not
// (tree-prehashed); the baseline is the same transactions writing each entry's body as a value.
func BenchmarkAppend(b *testing.B) {
	lines, _, _ := benchData(b)
	const batch = 1000
	leaves := make([]tlog.Hash, len(lines))
	for i, l := range lines {
		leaves[i] = provenance.LeafHash(l)
	}
	hashed := false // the leaves come hashed (as when a catch-up hashes bodies on other cores)
	run := func(b *testing.B, tree bool) {
		db, err := bolt.Open(filepath.Join(b.TempDir(), "a.db"), 0o600, &bolt.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ResetTimer()
		cpu := cpuTime()
		for i := 0; i < b.N; i += batch {
			if err := db.Update(func(tx *bolt.Tx) error {
				bk, _ := tx.CreateBucketIfNotExists([]byte(provenance.TreeBucket))
				other, _ := tx.CreateBucketIfNotExists([]byte("entries"))
				var a *provenance.Appender
				if tree {
					if a, err = provenance.NewAppender(bk); err != nil {
						return err
					}
				}
				for j := i; j < min(i+batch, b.N); j++ {
					l := lines[j%len(lines)]
					if tree {
						leaf := leaves[j%len(lines)]
						if !hashed {
							leaf = provenance.LeafHash(l)
						}
						if err := a.Append(leaf); err != nil {
							return err
						}
					} else {
						other.Put(strconv.AppendInt(nil, int64(1e12+j), 10), l)
					}
				}
				if tree {
					return a.Flush()
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/leaf")
	}
	b.Run("tree", func(b *testing.B) { run(b, true) })
	b.Run("tree-prehashed", func(b *testing.B) {
		hashed = true
		defer func() { hashed = false }()
		run(b, true)
	})
	b.Run("baseline-put-entry", func(b *testing.B) { run(b, false) })
}
