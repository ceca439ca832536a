// Package clihelp gives a cobra command line its help in the reader's language, from the i18n
// catalogue: it builds a command with its usage line, summary, description and examples
// (Command), describes every flag of a command tree (Describe), and writes the list of commands
// (Commands) and a command's help page with its options, sorted, wrapped at 80 columns, each with
// its default (Help). The help is in the clerk's language: Vietnamese by default, English with
// --lang en (or $OCOPLEDGER_LANG=en), wherever --lang stands on the line; every command's usage
// line, summary, description, examples and every flag's description are in i18n/help_commands.go,
// and each command is declared by a Spec (Common.Command).
package clihelp

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/i18n"
)

// Command returns the command at path ("figures") with its help in lang; args fill the verbs of
// its description (i18n.Command).
func Command(lang, path string, args ...any) *cobra.Command {
	h := i18n.Command(lang, path, args...)
	return &cobra.Command{Use: h.Use, Short: h.Short, Long: h.Long, Example: h.Example}
}

// Describe gives every flag of root and of its commands that has no description yet the one
// the catalogue holds for it under that command (i18n.Flag); a flag the catalogue does not know
// stays without one.
func Describe(lang string, root *cobra.Command) {
	describe := func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Usage == "" {
				f.Usage = i18n.Flag(lang, path(c), f.Name)
			}
		})
	}
	describe(root)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			describe(sub)
			walk(sub)
		}
	}
	walk(root)
}

// path is c's path below the program's name ("figures"; "" for the program).
func path(c *cobra.Command) string {
	if !c.HasParent() {
		return ""
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// Help writes the help of c: the list of commands for the root, else the command's own help
// (`ocopledger help c`, `c -h`).
func Help(w io.Writer, lang string, c *cobra.Command) {
	if !c.HasParent() {
		Commands(w, lang, c)
		return
	}
	fmt.Fprintf(w, "%s %s %s\n\n%s\n", i18n.HelpText(lang, "usage"), c.Root().Name(), c.Use, c.Short)
	if h := strings.TrimSpace(c.Long); h != "" {
		fmt.Fprintf(w, "\n%s\n", h)
	}
	if c.Example != "" {
		fmt.Fprintf(w, "\n%s\n%s\n", i18n.HelpText(lang, "examples"), strings.TrimRight(c.Example, "\n"))
	}
	own := c.LocalNonPersistentFlags()
	if shown(own) > 0 {
		fmt.Fprintf(w, "\n%s\n", i18n.HelpText(lang, "own-options", c.Name()))
		printFlags(w, lang, own)
	}
	fmt.Fprintf(w, "\n%s\n", i18n.HelpText(lang, "common-options"))
	printFlags(w, lang, c.InheritedFlags())
}

// Commands writes the list of the commands of root.
func Commands(w io.Writer, lang string, root *cobra.Command) {
	fmt.Fprintln(w, root.Name()+" — "+root.Short)
	fmt.Fprintf(w, "\n%s\n\n%s\n", i18n.HelpText(lang, "usage-line"), i18n.HelpText(lang, "commands"))
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			fmt.Fprintf(w, "  %-10s %s\n", c.Name(), c.Short)
		}
	}
	fmt.Fprintf(w, "\n%s\n", i18n.HelpText(lang, "every-command"))
}

// userInfo is the user and password written in a URL (nats://user:secret@host).
var userInfo = regexp.MustCompile(`://[^/@,\s]*@`)

// printFlags writes the flags of fs, sorted, each with its description and its default value.
func printFlags(w io.Writer, lang string, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" || f.Hidden {
			return
		}
		dashes := "--"
		if len(f.Name) == 1 {
			dashes = "-"
		}
		line := "  " + dashes + f.Name
		if f.Value.Type() != "bool" {
			line += " " + valueName(f, lang)
		}
		fmt.Fprintln(w, line)
		desc := f.Usage
		if def := shownDefault(f); def != "" {
			desc += " (" + i18n.HelpText(lang, "default", def) + ")"
		}
		for _, l := range Wrap(desc, 80) {
			fmt.Fprintln(w, "        "+l)
		}
	})
}

// valueName names what a flag takes after its name.
func valueName(f *pflag.Flag, lang string) string {
	switch f.Value.Type() {
	case "int", "int64", "uint", "uint64":
		return i18n.HelpText(lang, "number")
	}
	return i18n.HelpText(lang, "value")
}

// secret is the annotation of a flag whose default help does not show.
const secret = "clihelp-secret"

// Secret marks the flags names of fs as secrets (a password, a token): help does not show their
// default, which may come from the environment.
func Secret(fs *pflag.FlagSet, names ...string) {
	for _, name := range names {
		fs.SetAnnotation(name, secret, []string{"true"})
	}
}

// shownDefault is the default of a flag as help shows it: none for an empty or zero value, for a
// negative number (which means "not given": the description says what then) or for a secret; a
// URL without its password.
func shownDefault(f *pflag.Flag) string {
	d := f.DefValue
	if f.Annotations[secret] != nil || d == "" || d == "0" || d == "false" || d == "[]" || strings.HasPrefix(d, "-") {
		return ""
	}
	return userInfo.ReplaceAllString(d, "://…@")
}

// Wrap cuts s into lines of at most width characters, between words.
func Wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// shown counts the flags of fs that help shows (not -h, which every command takes).
func shown(fs *pflag.FlagSet) int {
	n := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && !f.Hidden {
			n++
		}
	})
	return n
}
