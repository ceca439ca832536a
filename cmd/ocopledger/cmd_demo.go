package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/tables"
)

// demo: load the demo history and set the ledger's figures of 07/08/2025 against Công văn 470.

func newDemoCmd(m *Main) *cobra.Command {
	return m.command("demo", func(c *cobra.Command, args []string) error { return runDemo(c.Context(), m, args) })
}

func runDemo(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "demo")
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	bar := progress.New(m.Err, progress.Options{Label: m.t("nạp dữ liệu demo", "loading the demo")})
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
		if err := m.reply(tables.Demo(c, m.Lang)); err != nil {
			return err
		}
	}
	return err
}
