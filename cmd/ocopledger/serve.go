package main

import (
	"context"
	"log/slog"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/ledger"
)

// loadDemo loads the demo history before serving (serve --demo). It is idempotent: a ledger that
// already holds it gets nothing new.
func loadDemo(ctx context.Context, l *ledger.Ledger, log *slog.Logger) error {
	stats, err := demo.Load(ctx, l, nil)
	if err != nil {
		return err
	}
	log.Info("demo history loaded (real product names, everything else synthetic)", "entries", stats.Entries, "recorded", stats.Recorded, "skipped", stats.Skipped)
	return nil
}
