package main

import (
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrapeMetrics reads serve's /metrics over HTTP (public, no token) and parses it; it checks
// what every serve exports: the Go and process collectors, the build, the metrics of the
// reacting parts, and no name outside ocopledger_, go_ and process_.
func scrapeMetrics(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("/metrics is not the exposition format: %v", err)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "ocopledger_build_info",
		"ocopledger_webhook_poisoned_total", "ocopledger_figure_changes_dropped_total", "ocopledger_expiry_notifier_errors_total"} {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for name := range fams {
		if !strings.HasPrefix(name, "ocopledger_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") {
			t.Errorf("/metrics has %s, want every name under ocopledger_ (or go_, process_)", name)
		}
	}
	return fams
}

// gaugeOrCounter is the value of the one series of family name whose labels include these
// name=value pairs; ok is false when there is none.
func gaugeOrCounter(fams map[string]*dto.MetricFamily, name string, labels ...string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.Label {
				found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
			}
			if !found {
				continue next
			}
		}
		return m.GetGauge().GetValue() + m.GetCounter().GetValue(), true
	}
	return 0, false
}
