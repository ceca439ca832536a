package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"golang.org/x/sync/errgroup"
)

// namedRun is a part of serve that runs until its context is done, named in the log.
type namedRun struct {
	name string
	run  func(context.Context) error
}

// runParts runs the parts until ctx is done or one fails; then it stops the others, waits for
// them and returns the first failure, named by its part.
func runParts(ctx context.Context, log *slog.Logger, parts []namedRun) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, p := range parts {
		g.Go(func() error {
			err := p.run(ctx)
			if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			log.Error("serve: a part failed; stopping", "part", p.name, "err", err)
			return fmt.Errorf("%s: %w", p.name, err)
		})
	}
	return g.Wait()
}
