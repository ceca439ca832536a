package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

// BenchmarkSSE1000 connects 1,000 subscribers to /v1/stream/events on loopback, appends events
// one after another and measures append-to-delivery latency (from the start of the append to
// the message arriving at each subscriber), the subscribers' client code running on the same
// machine. Every subscriber must get every event exactly once,
// in order. Run: go test -run x -bench SSE -benchtime 1x ./httpapi/
func BenchmarkSSE1000(b *testing.B) {
	subscribers, events := benchSubscribers(), 200
	for range b.N {
		e := newEnv(b, envOpt{})
		tr := &http.Transport{MaxIdleConnsPerHost: subscribers, MaxConnsPerHost: 0}
		client := &http.Client{Transport: tr}
		ctx, cancel := context.WithCancel(context.Background())
		var (
			sent    = make([]atomic.Int64, events+1) // seq → unix nanos of the append start
			mu      sync.Mutex
			lat     []time.Duration
			bad     atomic.Int64
			ready   sync.WaitGroup
			done    sync.WaitGroup
			firstSq = e.lastSeq() + 1
		)
		ready.Add(subscribers)
		done.Add(subscribers)
		for i := 0; i < subscribers; i++ {
			go func() {
				defer done.Done()
				req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/v1/stream/events", nil)
				res, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					ready.Done()
					return
				}
				defer res.Body.Close()
				signalled := false
				want := firstSq
				local := make([]time.Duration, 0, events)
				readSSE(res.Body, func(m sseMsg) {
					now := time.Now().UnixNano()
					seq, _ := strconv.ParseUint(m.ID, 10, 64)
					if seq != want {
						bad.Add(1) // a gap or a duplicate
					}
					want = seq + 1
					if seq-firstSq < uint64(events) {
						local = append(local, time.Duration(now-sent[seq-firstSq+1].Load()))
					}
					if seq-firstSq+1 == uint64(events) {
						mu.Lock()
						lat = append(lat, local...)
						mu.Unlock()
						cancel2 := res.Body.Close
						cancel2()
					}
				}, func(string) {
					if !signalled {
						signalled = true
						ready.Done()
					}
				})
			}()
		}
		ready.Wait()
		b.ResetTimer()
		var appendLat []time.Duration
		start := time.Now()
		for i := 1; i <= events; i++ {
			sent[i].Store(time.Now().UnixNano())
			body := cert(fmt.Sprintf("bench-%d", i), 4, "2024-01-01")
			t0 := time.Now()
			if _, err := e.Ledger.Record(ctx, domain.TypeOCOPCertified, body, ledger.Meta{Actor: "bench"}); err != nil {
				b.Fatal(err)
			}
			appendLat = append(appendLat, time.Since(t0))
			time.Sleep(benchInterval())
		}
		waitDone := make(chan struct{})
		go func() { done.Wait(); close(waitDone) }()
		select {
		case <-waitDone:
		case <-time.After(30 * time.Second):
			b.Errorf("not every subscriber got every event within 30 s")
		}
		elapsed := time.Since(start)
		b.StopTimer()
		cancel()
		if n := bad.Load(); n != 0 {
			b.Errorf("%d gaps, duplicates or failed connections", n)
		}
		if len(lat) != subscribers*events {
			b.Errorf("%d deliveries, want %d", len(lat), subscribers*events)
		}
		b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(percentile(lat, 1).Microseconds())/1000, "max-ms")
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "deliveries/s")
		b.ReportMetric(float64(percentile(appendLat, 0.99).Microseconds())/1000, "append-p99-ms")
		tr.CloseIdleConnections()
	}
}

// BenchmarkFiguresHTTP asks GET /v1/figures from 32 concurrent clients on loopback (bounded:
// 20,000 requests) and reports requests/s and latency percentiles; BenchmarkFiguresInProcess is
// the same question as a Go call.
func BenchmarkFiguresHTTP(b *testing.B) {
	e := benchFiguresEnv(b)
	const clients, total = 32, 20000
	for range b.N {
		var next atomic.Int64
		lats := make([][]time.Duration, clients)
		var wg sync.WaitGroup
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= total {
					t0 := time.Now()
					res, err := http.Get(e.URL + "/v1/figures?as_of=2025-08-07")
					if err != nil {
						b.Error(err)
						return
					}
					var buf [4096]byte
					for {
						if _, err := res.Body.Read(buf[:]); err != nil {
							break
						}
					}
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Errorf("status %d", res.StatusCode)
						return
					}
					lats[c] = append(lats[c], time.Since(t0))
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		var all []time.Duration
		for _, l := range lats {
			all = append(all, l...)
		}
		b.ReportMetric(float64(len(all))/el.Seconds(), "req/s")
		b.ReportMetric(float64(percentile(all, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(all, 0.99).Microseconds())/1000, "p99-ms")
	}
}

func BenchmarkFiguresInProcess(b *testing.B) {
	e := benchFiguresEnv(b)
	q := domain.Query{AsOf: domain.MustDate(2025, 8, 7)}
	b.ResetTimer()
	for range b.N {
		_ = e.Proj.Figures(q)
	}
}

func benchFiguresEnv(b *testing.B) *testEnv {
	e := newEnv(b, envOpt{})
	for i := 0; i < 300; i++ {
		if _, err := e.Ledger.Record(e.ctx, domain.TypeOCOPCertified, cert(fmt.Sprintf("fig-%d", i), 3+i%2, "2024-01-01"), ledger.Meta{Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	e.waitApplied()
	return e
}

// benchSubscribers is 1,000, or $SSE_SUBSCRIBERS.
func benchSubscribers() int {
	if n, err := strconv.Atoi(os.Getenv("SSE_SUBSCRIBERS")); err == nil && n > 0 {
		return n
	}
	return 1000
}

// benchInterval is the pause between appends: 10 ms (about 100 events/s, 100,000 deliveries/s
// to 1,000 subscribers), or $SSE_INTERVAL.
func benchInterval() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("SSE_INTERVAL")); err == nil {
		return d
	}
	return 10 * time.Millisecond
}
