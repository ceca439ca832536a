package main

import (
	"github.com/ocopledger/ocopledger/internal/buildinfo"
	"github.com/ocopledger/ocopledger/tables"

	"github.com/spf13/cobra"
)

func newVersionCmd(m *Main) *cobra.Command {
	return m.command("version", func(_ *cobra.Command, args []string) error { return runVersion(m, args) })
}

// runVersion prints the version of the module and the commit it was built from.
func runVersion(m *Main, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "version")
	}
	return m.reply(tables.Version(buildinfo.Read(), m.Lang))
}

// newCompletionCmd is `ocopledger completion SHELL`: the shell's completion script, made by cobra.
func newCompletionCmd(m *Main) *cobra.Command {
	c := m.command("completion", func(c *cobra.Command, args []string) error { return runCompletion(m, c.Root(), args) })
	c.ValidArgs = []string{"bash", "zsh", "fish", "powershell"}
	return c
}

// runCompletion writes the completion script of the shell args name.
func runCompletion(m *Main, root *cobra.Command, args []string) error {
	if len(args) == 1 {
		switch args[0] {
		case "bash":
			return root.GenBashCompletionV2(m.Out, true)
		case "zsh":
			return root.GenZshCompletion(m.Out)
		case "fish":
			return root.GenFishCompletion(m.Out, true)
		case "powershell":
			return root.GenPowerShellCompletionWithDesc(m.Out)
		}
	}
	return usagef("completion takes one shell: bash, zsh, fish or powershell")
}
