package main

import (
	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/internal/clihelp"
)

// The command line's help, in the clerk's language: Vietnamese by default, English with
// --lang en (or $OCOPLEDGER_LANG=en), wherever --lang stands on the line. Every command's usage
// line, summary, description, examples and every flag's description are in the i18n catalogue
// (i18n/help_commands.go); the commands are built from it in that language (Main.command, and
// clihelp.Describe for the flags), and internal/clihelp writes the help pages.

// command is the command at path ("figures") with its help from the catalogue, running run;
// args fill the parts of its description that change with the code.
func (m *Main) command(path string, run func(*cobra.Command, []string) error, args ...any) *cobra.Command {
	c := clihelp.Command(m.Lang, path, args...)
	c.RunE = run
	return c
}
