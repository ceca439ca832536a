package main

import (
	"context"
	"log/slog"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

// loadDemo loads the demo history before serving (serve --demo). Package demo
// (demo.Load(ctx, *ledger.Ledger, progress) (demo.Stats, error)) is not in this build yet; when
// it is, this becomes:
//
//	stats, err := demo.Load(ctx, l, func(done, total int) { … })
//	log.Info("demo history loaded", "stats", stats)
func loadDemo(ctx context.Context, l *ledger.Ledger, log *slog.Logger) error {
	return &domain.Error{Code: domain.CodeInternal, Message: "serve --demo: the demo history is not in this build yet (package demo); record events, or run without --demo"}
}
