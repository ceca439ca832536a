package httpapi

import (
	"errors"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// serverMetrics are what the API counts as it goes; the state of the ledger (lag, quarantine,
// a full disk, a history mismatch) is read at each scrape by stateCollector. docs/metrics.md
// lists them all.
type serverMetrics struct {
	appends     *prometheus.CounterVec
	appendTime  prometheus.Histogram
	requests    *prometheus.CounterVec
	reqTime     *prometheus.HistogramVec
	subscribers *prometheus.GaugeVec
	// figureComputations counts the figures computed at a log position for /v1/stream/figures:
	// once per position and day streamed, whatever the number of subscribers.
	figureComputations prometheus.Counter
	disconnects        *prometheus.CounterVec
	panics             *prometheus.CounterVec
}

func (s *Server) registerMetrics(reg prometheus.Registerer) {
	f := promauto.With(reg)
	s.appends = f.NewCounterVec(prometheus.CounterOpts{Name: "ocopledger_appends_total",
		Help: "Events submitted over HTTP, by event type and HTTP status."}, []string{"type", "status"})
	s.appendTime = f.NewHistogram(prometheus.HistogramOpts{Name: "ocopledger_append_duration_seconds",
		Help: "Time to check and record an event submitted over HTTP.", Buckets: metrics.DefaultBuckets})
	s.requests = f.NewCounterVec(prometheus.CounterOpts{Name: "ocopledger_http_requests_total",
		Help: "HTTP requests by route and status."}, []string{"route", "status"})
	s.reqTime = f.NewHistogramVec(prometheus.HistogramOpts{Name: "ocopledger_http_request_duration_seconds",
		Help: "HTTP request time by route (streams excluded).", Buckets: metrics.DefaultBuckets}, []string{"route"})
	s.subscribers = f.NewGaugeVec(prometheus.GaugeOpts{Name: "ocopledger_sse_subscribers",
		Help: "Connected Server-Sent Event subscribers."}, []string{"stream"})
	s.subscribers.WithLabelValues("events")
	s.subscribers.WithLabelValues("figures")
	s.figureComputations = f.NewCounter(prometheus.CounterOpts{Name: "ocopledger_figure_computations_total",
		Help: "Figures computed at a log position for the figure streams: once per position and day streamed, however many subscribe."})
	s.disconnects = f.NewCounterVec(prometheus.CounterOpts{Name: "ocopledger_sse_disconnects_total",
		Help: "Stream subscribers the server disconnected, by stream and reason (slow_consumer: a write not taken within the limit; the subscriber resumes from Last-Event-ID)."}, []string{"stream", "reason"})
	s.disconnects.WithLabelValues("events", "slow_consumer")
	s.disconnects.WithLabelValues("figures", "slow_consumer")
	s.panics = metrics.Panics(reg)
	s.panics.WithLabelValues("http")
	reg.MustRegister(stateCollector{s})
}

var (
	storageFullDesc = prometheus.NewDesc("ocopledger_storage_full",
		"1 while appends are refused because the disk that holds the log is full (507 storage_full; /readyz says why).", nil, nil)
	lagEventsDesc = prometheus.NewDesc("ocopledger_projection_lag_events",
		"Entries in the log not yet applied to the read models (log head minus checkpoint).", nil, nil)
	lagSecondsDesc = prometheus.NewDesc("ocopledger_projection_lag_seconds",
		"Age of the oldest entry not yet applied to the read models.", nil, nil)
	checkpointDesc = prometheus.NewDesc("ocopledger_projection_checkpoint",
		"Last log position applied to the read models.", nil, nil)
	mismatchDesc = prometheus.NewDesc("ocopledger_history_mismatch",
		"1 when the log does not extend the history this ledger knows (missing, recreated, shorter, with a gap or hashing differently): nothing is answered from it.", nil, nil)
	quarantinedDesc = prometheus.NewDesc("ocopledger_quarantined_entries",
		"Entries of the log the read models leave out (not events, unknown types, refused by a rule); see ocopledger status.", nil, nil)
	unacknowledgedDesc = prometheus.NewDesc("ocopledger_quarantined_unacknowledged",
		"Quarantined entries no admin has acknowledged yet (the ledger reports itself degraded).", nil, nil)
)

// stateCollector reads the ledger's state at each scrape, the checkpoint once, so that the lag
// and the checkpoint served together agree.
type stateCollector struct{ s *Server }

func (c stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{storageFullDesc, lagEventsDesc, lagSecondsDesc, checkpointDesc, mismatchDesc, quarantinedDesc, unacknowledgedDesc} {
		ch <- d
	}
}

func (c stateCollector) Collect(ch chan<- prometheus.Metric) {
	s, cfg := c.s, c.s.cfg
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	flag := func(d *prometheus.Desc, on bool) {
		if on {
			gauge(d, 1)
		} else {
			gauge(d, 0)
		}
	}
	flag(storageFullDesc, cfg.Store != nil && errors.Is(cfg.Store.CheckStorage(), eventstore.ErrStorageFull))
	flag(mismatchDesc, s.HistoryError() != nil)
	ck, head := cfg.Projection.Checkpoint(), s.hub.head()
	gauge(checkpointDesc, float64(ck))
	gauge(lagEventsDesc, float64(head-min(ck, head)))
	gauge(lagSecondsDesc, s.hub.ageOf(ck+1, cfg.Now()).Seconds())
	gauge(quarantinedDesc, float64(len(cfg.Projection.Quarantined())))
	gauge(unacknowledgedDesc, float64(cfg.Projection.Unacknowledged()))
}
