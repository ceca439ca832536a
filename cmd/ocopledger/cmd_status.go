package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/tables"
)

// status: how far the read models have come, and the entries of the log they leave out.
func newStatusCmd(m *Main) *cobra.Command {
	return m.Command(clihelp.Spec{Path: "status", Run: func(ctx context.Context, _ []string) error {
		p, err := m.Figures(ctx)
		if err != nil {
			return err
		}
		// Every entry the read models applied is read again and compared with the log's Merkle
		// tree: an entry damaged or changed in the store since is named (exit 6).
		var scrub ledger.ScrubReport
		if m.node().Opened() != nil {
			bar := progress.New(m.Err, progress.Options{Label: m.T("đọc lại sổ cái", "reading the log again")})
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
	}})
}
