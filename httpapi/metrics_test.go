package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics over HTTP (no token: it is public, as /healthz) and parses it.
func (e *testEnv) scrape() map[string]*dto.MetricFamily {
	e.t.Helper()
	r := e.get("/metrics", "")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		e.t.Fatalf("/metrics: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(r.Body))
	if err != nil {
		e.t.Fatalf("/metrics is not the exposition format: %v\n%s", err, r.Body)
	}
	return fams
}

// value is the value of the series of family name with these label values (name=value pairs),
// and whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// /metrics, scraped over HTTP: the Go and process collectors and the build, every other name
// under ocopledger_, and the ledger's metrics move when things happen: an append counts, garbage
// on the log's subjects shows as a quarantined entry, the lag closes once the read models catch up.
func TestMetrics(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	fams := e.scrape()
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "ocopledger_build_info",
		"ocopledger_projection_lag_events", "ocopledger_projection_lag_seconds", "ocopledger_storage_full", "ocopledger_history_mismatch"} {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for name := range fams {
		if !strings.HasPrefix(name, "ocopledger_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			t.Errorf("/metrics has %s, want every name under ocopledger_ (or go_, process_)", name)
		}
	}
	if v, ok := value(fams, "ocopledger_appends_total", "type", "ocop.certified", "status", "201"); v != 0 {
		t.Fatalf("before any append: ocopledger_appends_total{status=201} = %v %v", v, ok)
	}
	if v, ok := value(fams, "ocopledger_sse_subscribers", "stream", "events"); !ok || v != 0 {
		t.Errorf(`ocopledger_sse_subscribers{stream="events"} = %v %v, want 0`, v, ok)
	}
	if v, ok := value(fams, "ocopledger_panics_total", "part", "http"); !ok || v != 0 {
		t.Errorf(`ocopledger_panics_total{part="http"} = %v %v, want 0`, v, ok)
	}

	e.record("ocop.certified", cert("toi-m", 4, "2024-01-01"))
	e.do("POST", "/v1/events/ocop.certified", recorderToken, cert("toi-m2", 2, "2024-01-01"))
	// Garbage on the log's subjects: the read models leave it out and say so.
	if _, err := e.Store.Conn().Request("ocop.events.product.evil", []byte("garbage"), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	e.waitApplied()
	fams = e.scrape()
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"ocopledger_appends_total", []string{"type", "ocop.certified", "status", "201"}, 1},
		{"ocopledger_appends_total", []string{"type", "ocop.certified", "status", "400"}, 1},
		{"ocopledger_append_duration_seconds", nil, 1},
		{"ocopledger_http_requests_total", []string{"route", "POST /v1/events/{type}", "status", "201"}, 1},
		{"ocopledger_http_request_duration_seconds", []string{"route", "POST /v1/events/{type}"}, 2},
		{"ocopledger_quarantined_entries", nil, 1},
		{"ocopledger_quarantined_unacknowledged", nil, 1},
		{"ocopledger_projection_checkpoint", nil, float64(e.lastSeq())},
		{"ocopledger_projection_lag_events", nil, 0},
	} {
		if v, ok := value(fams, c.name, c.labels...); !ok || v != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, v, ok, c.want)
		}
	}
}

// The projection lag is read at each scrape: the entries of the log the read models have not
// applied yet, then none once they have.
func TestMetricsProjectionLag(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens, noProj: true, beforeStart: func(e *testEnv) {
		for _, id := range []string{"toi-l1", "toi-l2", "toi-l3"} {
			if _, err := e.Ledger.Record(e.ctx, "ocop.certified", cert(id, 4, "2024-01-01"), ledgerMeta()); err != nil {
				e.t.Fatal(err)
			}
		}
	}})
	lag := func() float64 {
		v, _ := value(e.scrape(), "ocopledger_projection_lag_events")
		return v
	}
	deadline := time.Now().Add(5 * time.Second)
	for lag() != 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if v := lag(); v != 3 {
		t.Fatalf("3 entries not applied: ocopledger_projection_lag_events = %v, want 3", v)
	}
	e.StartProjection()
	e.waitApplied()
	if v := lag(); v != 0 {
		t.Errorf("read models caught up: ocopledger_projection_lag_events = %v, want 0", v)
	}
}
