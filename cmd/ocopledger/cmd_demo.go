package main

import (
	"cmp"
	"context"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/tables"
)

// demo: load the demo history and set the ledger's figures of 07/08/2025 against Công văn 470.
func newDemoCmd(m *Main) *cobra.Command {
	return m.Command(clihelp.Spec{Path: "demo", Run: func(ctx context.Context, _ []string) error {
		l, err := m.node().Ledger(ctx)
		if err != nil {
			return err
		}
		bar := progress.New(m.Err, progress.Options{Label: m.T("nạp dữ liệu demo", "loading the demo")})
		st, err := demo.Load(ctx, l, func(done, total int) { bar.Update(uint64(done), uint64(total)) })
		bar.Done()
		if err != nil {
			return err
		}
		p, err := m.Figures(ctx)
		if err != nil {
			return err
		}
		seq, err := l.LastSequence(ctx)
		if err != nil {
			return err
		}
		c, err := demo.Compare(ctx, p, seq, st, m.Lang)
		if c.Figures != nil {
			err = cmp.Or(m.reply(tables.Demo(c, m.Lang)), err)
		}
		return err
	}})
}
