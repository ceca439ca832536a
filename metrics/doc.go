// Package metrics sets up what every ocopledger server exports on /metrics, on
// github.com/prometheus/client_golang: a registry of its own per server (never the global
// default one, so that tests and several servers in one process do not collide) holding the
// standard Go runtime (go_…) and process (process_…) collectors and ocopledger_build_info; the
// handler that serves it; and the families that several parts share. The parts declare their own
// metrics with the prometheus package, all named ocopledger_…; docs/metrics.md lists them.
//
//	reg := metrics.NewRegistry()
//	appends := promauto.With(reg).NewCounterVec(prometheus.CounterOpts{
//		Name: "ocopledger_appends_total", Help: "Events appended."}, []string{"type", "status"})
//	appends.WithLabelValues("ocop.certified", "201").Inc()
//	mux.Handle("GET /metrics", metrics.Handler(reg, logger))
package metrics
