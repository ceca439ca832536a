package metrics

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"runtime"

	"github.com/ocopledger/ocopledger/internal/buildinfo"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// NewRegistry returns a registry of its own holding the Go runtime and process collectors and
// ocopledger_build_info.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
	)
	return reg
}

// Handler serves what g gathers in the format the scraper asks for (the text format by
// default). A collector that fails leaves its metrics out, and the error is logged on log (nil:
// not logged); the others are still served.
func Handler(g prometheus.Gatherer, log *slog.Logger) http.Handler {
	opts := promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}
	if log != nil {
		opts.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	return promhttp.HandlerFor(g, opts)
}

// DefaultBuckets are latency buckets in seconds, from 0.5 ms to 10 s.
var DefaultBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Panics is the family of panics recovered without stopping the process, by part ("http",
// "webhooks"…): the API and the reacting parts count in the same one.
func Panics(reg prometheus.Registerer) *prometheus.CounterVec {
	return Shared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ocopledger_panics_total",
		Help: "Panics recovered without stopping the process, by part.",
	}, []string{"part"}))
}

// Shared registers c on reg and returns it, or returns the collector already registered there
// with the same name, help and labels, so that two parts may count in one family. Any other
// refusal (same name, different labels or type) is a programming mistake and panics.
func Shared[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var dup prometheus.AlreadyRegisteredError
	if errors.As(err, &dup) {
		if existing, ok := dup.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(err)
}

// buildInfo is ocopledger_build_info{version,revision,goversion} 1, from the build information
// the Go toolchain writes into the binary (the version set at build time, if one was).
func buildInfo() prometheus.Collector {
	bi := buildinfo.Read()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "ocopledger_build_info",
		Help:        "Always 1; its labels say which build of ocopledger is running (module version, VCS revision, Go version).",
		ConstLabels: prometheus.Labels{"version": bi.Version, "revision": cmp.Or(bi.Commit, "unknown"), "goversion": runtime.Version()},
	})
	g.Set(1)
	return g
}
