package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The command line's own help, in the clerk's language: Vietnamese by default, English with
// --lang en (or $OCOPLEDGER_LANG=en), wherever --lang stands on the line. The commands are built
// in that language (Main.t), so a command's Short, Long, Example and its flags' descriptions are
// each written in both languages where the command is defined
// (TestEveryCommandAndFlagIsDescribedInBothLanguages builds them in both and compares).

// userInfo is the user and password written in a URL (nats://user:secret@host).
var userInfo = regexp.MustCompile(`://[^/@,\s]*@`)

// printFlags writes the flags of fs, sorted, each with its description and its default value.
func (m *Main) printFlags(w io.Writer, fs *pflag.FlagSet) {
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
			line += " " + valueName(f, m.Lang)
		}
		fmt.Fprintln(w, line)
		desc := f.Usage
		if def := shownDefault(f); def != "" {
			desc += m.t(" (mặc định: "+def+")", " (default: "+def+")")
		}
		for _, l := range wrap(desc, 80) {
			fmt.Fprintln(w, "        "+l)
		}
	})
}

// valueName names what a flag takes after its name.
func valueName(f *pflag.Flag, lang string) string {
	switch f.Value.Type() {
	case "int", "int64", "uint", "uint64":
		if lang == "en" {
			return "<number>"
		}
		return "<số>"
	}
	if lang == "en" {
		return "<value>"
	}
	return "<giá-trị>"
}

// shownDefault is the default of a flag as help shows it: none for an empty or zero value, for a
// negative number (which means "not given": the description says what then) or for a secret; a
// URL without its password.
func shownDefault(f *pflag.Flag) string {
	d := f.DefValue
	secret := f.Name == "nats-password" || f.Name == "token" // a default from the environment not to show
	if secret || d == "" || d == "0" || d == "false" || d == "[]" || strings.HasPrefix(d, "-") {
		return ""
	}
	return userInfo.ReplaceAllString(d, "://…@")
}

// wrap cuts s into lines of at most width characters, between words.
func wrap(s string, width int) []string {
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

// help writes the help of c: the list of commands for the root, else the command's own help
// (`ocopledger help c`, `c -h`).
func (m *Main) help(w io.Writer, c *cobra.Command) {
	if !c.HasParent() {
		m.usage(w, c)
		return
	}
	fmt.Fprintf(w, "%s ocopledger %s\n\n%s\n", m.t("Cách dùng:", "Usage:"), c.Use, c.Short)
	if h := strings.TrimSpace(c.Long); h != "" {
		fmt.Fprintf(w, "\n%s\n", h)
	}
	if c.Example != "" {
		fmt.Fprintf(w, "\n%s\n%s\n", m.t("Ví dụ:", "Examples:"), strings.TrimRight(c.Example, "\n"))
	}
	own := c.LocalNonPersistentFlags()
	if ownFlags(own) > 0 {
		fmt.Fprintf(w, "\n%s\n", m.t("Tùy chọn của lệnh "+c.Name()+":", "Options of the "+c.Name()+" command:"))
		m.printFlags(w, own)
	}
	fmt.Fprintf(w, "\n%s\n", m.t("Tùy chọn chung của mọi lệnh:", "Options of every command:"))
	m.printFlags(w, c.InheritedFlags())
}

// ownFlags counts the flags of fs that help shows (not -h, which every command takes).
func ownFlags(fs *pflag.FlagSet) int {
	n := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && !f.Hidden {
			n++
		}
	})
	return n
}

// usage writes the list of commands: `ocopledger`, `ocopledger help`.
func (m *Main) usage(w io.Writer, root *cobra.Command) {
	fmt.Fprintln(w, "ocopledger — "+root.Short)
	fmt.Fprintf(w, "\n%s\n\n%s\n", m.t("Cách dùng: ocopledger <lệnh> [tham số] [tùy chọn]", "Usage: ocopledger <command> [arguments] [options]"),
		m.t("Các lệnh:", "Commands:"))
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			fmt.Fprintf(w, "  %-10s %s\n", c.Name(), c.Short)
		}
	}
	fmt.Fprintf(w, "\n%s\n", m.t(
		`Mọi lệnh đều nhận --data THƯ-MỤC (mặc định ./ocopledger-data) để chạy trên NATS JetStream nhúng,
hoặc --nats URL để dùng một cụm máy chủ NATS; --lang vi|en để chọn ngôn ngữ (tiếng Việt hoặc
tiếng Anh); --json để in kết quả dạng JSON. Xem hướng dẫn từng lệnh: "ocopledger help <lệnh>".`,
		`Every command takes --data DIR (default ./ocopledger-data) to run on the embedded NATS JetStream,
or --nats URL to use a NATS cluster; --lang vi|en; --json. "ocopledger help <command>" for more.`))
}

// newHelpCmd is `ocopledger help [command]`.
func newHelpCmd(m *Main) *cobra.Command {
	return &cobra.Command{
		Use:     m.t("help [lệnh]", "help [command]"),
		Short:   m.t("in hướng dẫn của một lệnh, hoặc danh sách các lệnh", "print the help of a command, or the list of commands"),
		Example: "  ocopledger help figures\n  ocopledger help record --lang en",
		RunE: func(c *cobra.Command, args []string) error {
			root := c.Root()
			if len(args) == 0 || args[0] == "help" {
				m.usage(m.Out, root)
				return nil
			}
			target, _, err := root.Find(args[:1])
			if err != nil || target == root {
				return notACommand(args[0])
			}
			m.help(m.Out, target)
			return nil
		},
	}
}
