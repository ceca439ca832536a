package main

import (
	"context"
	"io"

	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/cobra"
)

// status: how far the read models have come, and the entries of the log they leave out.

func newStatusCmd(m *Main) *cobra.Command {
	return m.command("status", func(c *cobra.Command, args []string) error { return runStatus(c.Context(), m, args) })
}

func runStatus(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		return usagef("status takes no arguments")
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	// Every entry the read models applied is read again and compared with the log's Merkle tree:
	// an entry damaged or changed in the store since is named (exit 6).
	var scrub ledger.ScrubReport
	if m.node().Opened() != nil {
		bar := progress.New(m.Err, progress.Options{Label: m.t("đọc lại sổ cái", "reading the log again")})
		scrub, err = m.node().Scrub(ctx, p, bar.Update)
		bar.Done()
		if err != nil {
			return err
		}
	}
	if err := m.reply(tables.Status(p.Status(), p.Quarantined(), scrub, m.Lang)); err != nil {
		return err
	}
	return scrub.Err()
}

// printWarnings says which quarantined entries the figures above leave out.
func (m *Main) printWarnings(w io.Writer, qs []projections.Quarantined) {
	tables.WriteQuarantineWarning(w, qs, m.Lang)
}
