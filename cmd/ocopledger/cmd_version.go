package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/internal/buildinfo"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/tables"
)

// version: the version of the module and the commit it was built from.
func newVersionCmd(m *Main) *cobra.Command {
	return m.Command(clihelp.Spec{Path: "version", Run: func(context.Context, []string) error {
		return m.reply(tables.Version(buildinfo.Read(), m.Lang))
	}})
}
