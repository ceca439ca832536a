package clihelp

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Spec declares a command: its help in the catalogue, the flags it binds to its options and
// what it runs.
type Spec struct {
	Path     string // "figures": where the catalogue holds its help (i18n.Command)
	HelpArgs []any  // fill the parts of its description that change with the code
	Flags    func(fs *pflag.FlagSet)
	// Args says the command takes arguments; without it, an argument is a usage error.
	Args bool
	Run  func(ctx context.Context, args []string) error
}

// Command builds the command s declares, with its help in c's language.
func (c *Common) Command(s Spec) *cobra.Command {
	cmd := Command(c.Lang, s.Path, s.HelpArgs...)
	if s.Flags != nil {
		s.Flags(cmd.Flags())
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 && !s.Args {
			return Usagef("%s takes no arguments", s.Path)
		}
		return s.Run(cmd.Context(), args)
	}
	return cmd
}

// completionCommand is `ocopledger completion SHELL`: the shell's completion script, made by
// cobra, written to the standard output.
func (c *Common) completionCommand() *cobra.Command {
	cmd := Command(c.Lang, "completion")
	cmd.ValidArgs = []string{"bash", "zsh", "fish", "powershell"}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		root, out := cmd.Root(), cmd.OutOrStdout()
		if len(args) == 1 {
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
		}
		return Usagef("completion takes one shell: bash, zsh, fish or powershell")
	}
	return cmd
}
