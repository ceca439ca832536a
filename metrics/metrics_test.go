package metrics_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape gets url over HTTP and parses the text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET %s: %d %s, want 200 in the text format", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("GET %s: not the exposition format: %v", url, err)
	}
	return fams
}

func TestRegistryHasGoProcessAndBuildInfo(t *testing.T) {
	srv := httptest.NewServer(metrics.Handler(metrics.NewRegistry(), nil))
	defer srv.Close()
	fams := scrape(t, srv.URL)
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		f := fams[name]
		if f == nil || f.GetType() != dto.MetricType_GAUGE || f.Metric[0].GetGauge().GetValue() <= 0 {
			t.Errorf("%s: %v, want a gauge above 0", name, f)
		}
	}
	bi := fams["ocopledger_build_info"]
	if bi == nil || len(bi.Metric) != 1 || bi.Metric[0].GetGauge().GetValue() != 1 {
		t.Fatalf("ocopledger_build_info: %v, want one gauge at 1", bi)
	}
	labels := map[string]string{}
	for _, l := range bi.Metric[0].Label {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["goversion"] != runtime.Version() || labels["version"] == "" || labels["revision"] == "" || len(labels) != 3 {
		t.Errorf("ocopledger_build_info labels %v, want version, revision and goversion %s", labels, runtime.Version())
	}
}

// Each server has a registry of its own: two in one process register the same names without a
// clash, count apart, and leave the global default registry alone.
func TestRegistriesAreApart(t *testing.T) {
	a, b := metrics.NewRegistry(), metrics.NewRegistry()
	metrics.Panics(a).WithLabelValues("http").Inc()
	metrics.Panics(b)
	if got := testutil.ToFloat64(metrics.Panics(b).WithLabelValues("http")); got != 0 {
		t.Errorf("a panic counted in one registry shows in the other: %v", got)
	}
	fams, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "ocopledger_") {
			t.Errorf("%s is in the global default registry", f.GetName())
		}
	}
}

// Two parts asking for the panics family get one family; a family of that name with other
// labels is a programming mistake and panics.
func TestSharedFamily(t *testing.T) {
	reg := metrics.NewRegistry()
	metrics.Panics(reg).WithLabelValues("http").Inc()
	metrics.Panics(reg).WithLabelValues("http").Inc()
	if got := testutil.ToFloat64(metrics.Panics(reg).WithLabelValues("http")); got != 2 {
		t.Errorf(`ocopledger_panics_total{part="http"} = %v, want 2`, got)
	}
	defer func() {
		if recover() == nil {
			t.Error("ocopledger_panics_total registered again as a gauge did not panic")
		}
	}()
	metrics.Shared(reg, prometheus.NewGauge(prometheus.GaugeOpts{Name: "ocopledger_panics_total", Help: "Panics recovered without stopping the process, by part."}))
}

func ExamplePanics() {
	reg := metrics.NewRegistry()
	metrics.Panics(reg).WithLabelValues("webhooks").Inc() // in one part
	metrics.Panics(reg).WithLabelValues("http").Inc()     // in another
	n, _ := testutil.GatherAndCount(reg, "ocopledger_panics_total")
	fmt.Println(n, "series")
	// Output: 2 series
}
