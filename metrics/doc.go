// Package metrics is a small registry of counters, gauges and histograms, with labels, written
// out in the Prometheus text exposition format (version 0.0.4). It has no dependency beyond the
// standard library; it covers what ocopledger exports and nothing more.
//
//	reg := metrics.NewRegistry()
//	appends := reg.Counter("ocopledger_appends_total", "Events appended.", "type", "status")
//	appends.With("ocop.certified", "201").Inc()
//	http.Handle("GET /metrics", reg)
package metrics
