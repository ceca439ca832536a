package eventstore_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// benchData is a payload of about the size of a real ledger event.
var benchData = json.RawMessage(fmt.Sprintf(`{"product":"qn-toi-ly-son","stars":4,"note":%q}`, strings.Repeat("x", 180)))

func benchEvent(id string) eventstore.Proposed {
	return eventstore.Proposed{ID: id, Type: "bench.appended", Schema: 1, Data: benchData,
		Actor: "bench", Source: "Công văn 470/SCT-QLTM", CorrelationID: "bench"}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) }
	b.ReportMetric(p(0.50), "p50-µs")
	b.ReportMetric(p(0.99), "p99-µs")
}

// BenchmarkAppendSingle: one event per Append, each with the expected-version
// check (direct get + publish with expected subject sequence), fsync always.
func BenchmarkAppendSingle(b *testing.B) {
	s := storetest.MustOpenStore(b)
	ctx := b.Context()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		t0 := time.Now()
		if _, err := s.Append(ctx, "bench.single", int64(i), benchEvent(fmt.Sprintf("s-%d", i))); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "events/s")
	reportLatency(b, lat)
}

// BenchmarkAppendBatch: 100 events per atomic Append (b.N appends).
func BenchmarkAppendBatch(b *testing.B) {
	const per = 100
	s := storetest.MustOpenStore(b)
	ctx := b.Context()
	evs := make([]eventstore.Proposed, per)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		for j := range evs {
			evs[j] = benchEvent(fmt.Sprintf("b-%d-%d", i, j))
		}
		t0 := time.Now()
		if _, err := s.Append(ctx, "bench.batch", int64(i*per), evs...); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	el := time.Since(start)
	b.ReportMetric(float64(b.N*per)/el.Seconds(), "events/s")
	reportLatency(b, lat)
}

// BenchmarkRead: b.N events are stored first (untimed, in batches of 1000
// over 100 aggregate streams), then one Read delivers them all.
func BenchmarkRead(b *testing.B) {
	s := storetest.MustOpenStore(b)
	ctx := b.Context()
	versions := make([]int64, 100)
	for done := 0; done < b.N; {
		n := min(eventstore.MaxEventsPerAppend, b.N-done)
		evs := make([]eventstore.Proposed, n)
		for j := range evs {
			evs[j] = benchEvent(fmt.Sprintf("r-%d", done+j))
		}
		k := (done / eventstore.MaxEventsPerAppend) % len(versions)
		if _, err := s.Append(ctx, fmt.Sprintf("bench.r%d", k), versions[k], evs...); err != nil {
			b.Fatal(err)
		}
		versions[k] += int64(n)
		done += n
	}
	b.ResetTimer()
	start := time.Now()
	n := 0
	if err := s.Read(ctx, 0, func(eventstore.Envelope) error { n++; return nil }); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	if n != b.N {
		b.Fatalf("read %d events, want %d", n, b.N)
	}
	b.ReportMetric(float64(n)/el.Seconds(), "events/s")
}

// BenchmarkAppendConcurrent: 64 writers, each appending single events to records of its own
// (b.N appends in all), each with the expected-version check: the appends are pipelined and
// grouped (group.go).
func BenchmarkAppendConcurrent(b *testing.B) {
	const writers = 64
	s := storetest.MustOpenStore(b)
	ctx := b.Context()
	var next atomic.Int64
	lat := make([][]time.Duration, writers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if _, err := s.Append(ctx, fmt.Sprintf("bench.c%d", i), 0, benchEvent(fmt.Sprintf("c-%d", i))); err != nil {
					b.Error(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "events/s")
	reportLatency(b, slices.Concat(lat...))
}

// BenchmarkImport: b.N events over 100 records imported into an empty store (restore), in
// atomic batches of 500 with several in flight.
func BenchmarkImport(b *testing.B) {
	s := storetest.MustOpenStore(b)
	t0 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	versions := make([]uint64, 100)
	log := make([]eventstore.Imported, b.N)
	for i := range log {
		k := i % len(versions)
		versions[k]++
		e := benchEvent(fmt.Sprintf("i-%d", i))
		e.RecordedAt = t0.Add(time.Duration(i) * time.Second)
		log[i] = eventstore.Imported{Stream: fmt.Sprintf("bench.i%d", k), Version: versions[k], Proposed: e}
	}
	b.ResetTimer()
	start := time.Now()
	i := 0
	n, err := s.Import(b.Context(), func() (eventstore.Imported, bool, error) {
		if i == len(log) {
			return eventstore.Imported{}, false, nil
		}
		i++
		return log[i-1], true, nil
	})
	if err != nil || n != b.N {
		b.Fatalf("imported %d of %d: %v", n, b.N, err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
