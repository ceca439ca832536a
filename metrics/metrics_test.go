package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ocopledger/ocopledger/metrics"
)

func TestExposition(t *testing.T) {
	reg := metrics.NewRegistry()
	c := reg.Counter("app_appends_total", "Events appended.", "type", "status")
	c.With("ocop.certified", "201").Inc()
	c.With("ocop.certified", "201").Add(2)
	c.With(`we"ird\`, "400").Inc()
	g := reg.Gauge("app_subscribers", "SSE subscribers.")
	g.With().Inc()
	g.With().Inc()
	g.With().Dec()
	reg.GaugeFunc("app_lag_events", "Lag.", func() float64 { return 7 })
	h := reg.Histogram("app_latency_seconds", "Latency.", []float64{0.01, 0.1}, "op")
	h.With("append").Observe(0.005)
	h.With("append").Observe(0.05)
	h.With("append").Observe(3)

	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
	body, _ := io.ReadAll(rec.Body)
	want := `# HELP app_appends_total Events appended.
# TYPE app_appends_total counter
app_appends_total{type="ocop.certified",status="201"} 3
app_appends_total{type="we\"ird\\",status="400"} 1
# HELP app_lag_events Lag.
# TYPE app_lag_events gauge
app_lag_events 7
# HELP app_latency_seconds Latency.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{op="append",le="0.01"} 1
app_latency_seconds_bucket{op="append",le="0.1"} 2
app_latency_seconds_bucket{op="append",le="+Inf"} 3
app_latency_seconds_sum{op="append"} 3.055
app_latency_seconds_count{op="append"} 3
# HELP app_subscribers SSE subscribers.
# TYPE app_subscribers gauge
app_subscribers 1
`
	if string(body) != want {
		t.Errorf("got\n%s\nwant\n%s", body, want)
	}
}

func TestSameFamilyTwice(t *testing.T) {
	reg := metrics.NewRegistry()
	a := reg.Counter("x_total", "X.", "k")
	b := reg.Counter("x_total", "X.", "k")
	a.With("1").Inc()
	b.With("1").Inc()
	if v := a.With("1").Value(); v != 2 {
		t.Errorf("shared family: got %v, want 2", v)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering x_total as a gauge did not panic")
		}
	}()
	reg.Gauge("x_total", "X.", "k")
}

func TestConcurrent(t *testing.T) {
	reg := metrics.NewRegistry()
	c := reg.Counter("n_total", "N.", "w")
	h := reg.Histogram("d_seconds", "D.", nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				c.With("a").Inc()
				h.With().Observe(0.001)
				_ = reg.String()
			}
		}()
	}
	wg.Wait()
	if v := c.With("a").Value(); v != 8000 {
		t.Errorf("counter: got %v, want 8000", v)
	}
	if n := h.With().Count(); n != 8000 {
		t.Errorf("histogram count: got %d, want 8000", n)
	}
}
