package clihelp

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
)

// opening says how each command that is not only a reader opens the data directory's ledger
// (datadir.Options): the commands that write may create the ledger's stream (on an empty data
// directory, or with --new-ledger), restore adopts the log it restores, and export and log read
// the log as it is, to save or show what is there, checking nothing against the known history.
var opening = map[string]datadir.Options{
	"serve": {Create: true}, "record": {Create: true}, "demo": {Create: true}, "import": {Create: true},
	"restore": {Create: true, Restoring: true},
	"export":  {AsIs: true}, "log": {AsIs: true},
}

// Open returns the data directory's ledger as the command being run opens it; nothing is opened
// until asked for.
func (c *Common) Open() *datadir.Node { return datadir.Open(c.options()) }

// options are the common options with how the command being run opens the ledger.
func (c *Common) options() datadir.Options {
	o, how := c.Options, opening[c.Cmd]
	o.Create, o.Restoring, o.AsIs = how.Create, how.Restoring, how.AsIs
	return o
}

// Root returns the program's command: the common options (bound to c), the help pages and
// usage errors in c's language, and cmds below it. Running it without a command lists them.
func (c *Common) Root(in io.Reader, out, errw io.Writer, cmds ...*cobra.Command) *cobra.Command {
	root := Command(c.Lang, "")
	root.RunE = func(r *cobra.Command, _ []string) error { Commands(out, c.Lang, r); return nil }
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return NotACommand(args[0])
		}
		return nil
	}
	root.PersistentPreRunE = func(r *cobra.Command, _ []string) error { return c.Settle(r.Flags(), r.Name(), errw) }
	root.SilenceErrors, root.SilenceUsage = true, true
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errw)
	c.Bind(root.PersistentFlags())
	root.SetFlagErrorFunc(func(r *cobra.Command, err error) error {
		c.Cmd = ""
		if r.HasParent() {
			c.Cmd = r.Name()
		}
		return FlagError(err, c.Cmd)
	})
	root.SetHelpFunc(func(r *cobra.Command, _ []string) { Help(out, c.Lang, r) })
	root.SetUsageFunc(func(r *cobra.Command) error { Help(errw, c.Lang, r); return nil })
	root.SetHelpCommand(c.helpCommand(out))
	root.AddCommand(cmds...)
	root.AddCommand(c.completionCommand())
	for _, sub := range root.Commands() {
		if opening[sub.Name()].Create {
			sub.Flags().BoolVar(&c.NewLedger, "new-ledger", false, "")
		}
	}
	Describe(c.Lang, root)
	return root
}

// helpCommand is `ocopledger help [command]`, writing to out.
func (c *Common) helpCommand(out io.Writer) *cobra.Command {
	h := Command(c.Lang, "help")
	h.RunE = func(h *cobra.Command, args []string) error {
		root := h.Root()
		if len(args) == 0 || args[0] == "help" {
			Commands(out, c.Lang, root)
			return nil
		}
		target, _, err := root.Find(args[:1])
		if err != nil || target == root {
			return NotACommand(args[0])
		}
		Help(out, c.Lang, target)
		return nil
	}
	return h
}

// Execute runs root on the command line args and returns the exit code, having written any
// error to errw (Fail); a word that is not a command is followed by the list of the commands.
// --version, first on the line, is the version command.
func (c *Common) Execute(ctx context.Context, root *cobra.Command, args []string, errw io.Writer) int {
	if len(args) > 0 && args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	nc, ok := as[NotACommand](err)
	switch {
	case err == nil:
		return ExitOK
	case !ok:
		return c.Fail(errw, err)
	}
	code := c.Fail(errw, domain.Invalid("", "%q is not a command of ocopledger; the commands are listed below", string(nc)))
	fmt.Fprintln(errw)
	Commands(errw, c.Lang, root)
	return code
}
