package reactive

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/metrics"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// PartsConfig is what the reacting side of `ocopledger serve` needs.
type PartsConfig struct {
	Ledger     *ledger.Ledger
	Projection *projections.Projection
	// Mux is serve's router: the webhook API is mounted on it beside the API.
	Mux interface {
		Handle(pattern string, h http.Handler)
	}
	// Require wraps a handler so that it needs a bearer token with the given role (the API's).
	Require func(role string, h http.Handler) http.Handler
	// WriteError answers an error of the webhook API as the API does.
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	Logger     *slog.Logger
	// Instance names this ledger instance (several may share one cluster).
	Instance string
	// Metrics is the registry served at /metrics; nil registers nothing.
	Metrics *prometheus.Registry
}

// NewParts builds the reacting side of `ocopledger serve`: webhooks (API and delivery), figure
// changes on NATS (ocop.figures.<figure-id>) and the daily expiry notifier, their metrics
// registered on o.Metrics. It mounts the webhook API on o.Mux and returns the parts to run.
func NewParts(ctx context.Context, o PartsConfig) ([]func(context.Context) error, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	store := o.Ledger.Store()
	wcfg := WebhooksConfig{Store: store, Logger: logger.With("part", "webhooks"), Instance: o.Instance}
	ncfg := NotifierConfig{Ledger: o.Ledger, Projection: o.Projection, Logger: logger.With("part", "expiry-notifier")}
	fcfg := FigureFeedConfig{Store: store, Projection: o.Projection, Logger: logger.With("part", "figure-feed")}
	if reg := o.Metrics; reg != nil {
		f := promauto.With(reg)
		attempts := f.NewCounterVec(prometheus.CounterOpts{Name: "ocopledger_webhook_attempts_total",
			Help: "Webhook delivery attempts by outcome (ok or failed)."}, []string{"outcome"})
		latency := f.NewHistogram(prometheus.HistogramOpts{Name: "ocopledger_webhook_latency_seconds",
			Help: "Time a webhook endpoint took to answer.", Buckets: metrics.DefaultBuckets})
		poisoned := f.NewCounter(prometheus.CounterOpts{Name: "ocopledger_webhook_poisoned_total",
			Help: "Webhook deliveries that kept failing and went to the poison queue."})
		wcfg.OnAttempt = func(a Attempt) {
			outcome := "failed"
			if a.OK {
				outcome = "ok"
			}
			attempts.WithLabelValues(outcome).Inc()
			latency.Observe(a.LatencyMS / 1000)
		}
		wcfg.OnPoisoned = func(string) { poisoned.Inc() }
		// The same family as the API's panics (httpapi), by part.
		panics := metrics.Panics(reg)
		onPanic := func(part string) { panics.WithLabelValues(part).Inc() }
		wcfg.OnPanic, ncfg.OnPanic, fcfg.OnPanic = onPanic, onPanic, onPanic
		dropped := f.NewCounter(prometheus.CounterOpts{Name: "ocopledger_figure_changes_dropped_total",
			Help: "Figure changes given up after NATS did not take them through every retry."})
		fcfg.OnDropped = func(FigureChange, error) { dropped.Inc() }
		recorded := f.NewCounterVec(prometheus.CounterOpts{Name: "ocopledger_expiry_notifier_entries_total",
			Help: "Entries recorded by the expiry notifier, by type."}, []string{"type"})
		sweepErrors := f.NewCounter(prometheus.CounterOpts{Name: "ocopledger_expiry_notifier_errors_total",
			Help: "Sweeps of the expiry notifier that failed."})
		ncfg.OnSweep = func(r SweepResult, err error) {
			if err != nil {
				sweepErrors.Inc()
			}
			recorded.WithLabelValues("ocop.expiry_noticed").Add(float64(r.Noticed))
			recorded.WithLabelValues("ocop.expired").Add(float64(r.Expired))
			recorded.WithLabelValues("cnnttb.expired").Add(float64(r.CNNTTB))
		}
	}
	hooks, err := NewWebhooks(ctx, wcfg)
	if err != nil {
		return nil, err
	}
	hooks.Mount(o.Mux, o.Require, o.WriteError)
	feed, err := NewFigureFeed(ctx, fcfg)
	if err != nil {
		return nil, err
	}
	notifier := NewNotifier(ncfg)
	return []func(context.Context) error{hooks.Run, feed.Run, notifier.Run}, nil
}
