package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/ocopledger/ocopledger/reactive"
)

// The reacting side of `ocopledger serve`: webhooks (API and delivery), figure changes on NATS
// (ocop.figures.<figure-id>) and the daily expiry notifier. See package reactive.
func init() {
	registerServeHook(serveHook{name: "reactive", init: initReactive})
}

func initReactive(ctx context.Context, env *serveEnv) (func(context.Context) error, error) {
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	hooks, err := reactive.NewWebhooks(ctx, reactive.WebhooksConfig{
		Store: env.Store, Logger: logger.With("part", "webhooks"), Instance: env.Instance,
	})
	if err != nil {
		return nil, err
	}
	hooks.Mount(env.Mux, env.Require)
	feed, err := reactive.NewFigureFeed(ctx, reactive.FigureFeedConfig{
		Store: env.Store, Projection: env.Projection, Logger: logger.With("part", "figure-feed"),
	})
	if err != nil {
		return nil, err
	}
	notifier := reactive.NewNotifier(reactive.NotifierConfig{
		Ledger: env.Ledger, Projection: env.Projection, Logger: logger.With("part", "expiry-notifier"),
	})
	return func(ctx context.Context) error {
		return runAll(ctx, hooks.Run, feed.Run, notifier.Run)
	}, nil
}

// runAll runs the parts until ctx is done or one of them fails; then it stops the others and
// returns the first failure.
func runAll(ctx context.Context, parts ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, run := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				once.Do(func() { first = err })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}
