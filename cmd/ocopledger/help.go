package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The command line's own help, in the clerk's language: Vietnamese by default, English with
// --lang en (or $OCOPLEDGER_LANG=en), wherever --lang stands on the line.
//
// A command's summary, usage and help are texts in both languages (type text). A flag keeps both
// of its descriptions in its usage string, Vietnamese first, joined by flagTextSep: write it with
// flagText(vi, en) where the flag is defined, so that a flag cannot be added in one language only
// (TestEveryCommandAndFlagIsDescribedInBothLanguages). The help is printed by printFlags, not by the
// flag package's PrintDefaults, which would print both languages and in its own English words.

// text is a piece of the command line's help in Vietnamese and in English.
type text struct{ vi, en string }

// in returns the text in lang ("en" or else Vietnamese).
func (t text) in(lang string) string {
	if lang == "en" {
		return t.en
	}
	return t.vi
}

// flagTextSep joins the Vietnamese and the English description of a flag in its usage string. A
// new line, so that PrintDefaults, if anything ever calls it, still shows both, one per line.
const flagTextSep = "\n"

// flagText is the usage string of a flag: its Vietnamese and its English description.
func flagText(vi, en string) string { return vi + flagTextSep + en }

// flagDescription returns a flag's description in lang, and whether its usage string has both.
func flagDescription(f *flag.Flag, lang string) (string, bool) {
	vi, en, ok := strings.Cut(f.Usage, flagTextSep)
	if !ok {
		return f.Usage, false
	}
	return text{vi, en}.in(lang), true
}

// secretFlags are flags whose default, taken from the environment, must not be shown.
var secretFlags = map[string]bool{"nats-password": true, "token": true}

// userInfo is the user and password written in a URL (nats://user:secret@host).
var userInfo = regexp.MustCompile(`://[^/@,\s]*@`)

// printFlags writes the flags of fs whose names pass keep, sorted, each with its description in
// lang and its default value.
func printFlags(w io.Writer, fs *flag.FlagSet, lang string, keep func(name string) bool) {
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		dashes := "--"
		if len(f.Name) == 1 {
			dashes = "-"
		}
		line := "  " + dashes + f.Name
		if !isBoolFlag(f) {
			line += " " + valueName(f, lang)
		}
		fmt.Fprintln(w, line)
		desc, _ := flagDescription(f, lang)
		if def := shownDefault(f); def != "" {
			desc += text{" (mặc định: " + def + ")", " (default: " + def + ")"}.in(lang)
		}
		for _, l := range wrap(desc, 80) {
			fmt.Fprintln(w, "        "+l)
		}
	})
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// valueName names what a flag takes after its name.
func valueName(f *flag.Flag, lang string) string {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case int, int64, uint, uint64:
			return text{"<số>", "<number>"}.in(lang)
		}
	}
	return text{"<giá-trị>", "<value>"}.in(lang)
}

// shownDefault is the default of a flag as help shows it: none for an empty or zero value, for a
// negative number (which means "not given": the description says what then) or for a secret; a
// URL without its password.
func shownDefault(f *flag.Flag) string {
	d := f.DefValue
	if secretFlags[f.Name] || d == "" || d == "0" || d == "false" || strings.HasPrefix(d, "-") {
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

// commonFlagNames are the flags every command takes (Main.commonFlags).
func commonFlagNames() map[string]bool {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	new(Main).commonFlags(fs)
	names := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { names[f.Name] = true })
	return names
}

// commandHelp writes the help of command c, whose flags fs holds: `ocopledger help c` and `c -h`.
func (m *Main) commandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	line := "ocopledger " + c.name
	if u := c.usage.in(m.Lang); u != "" {
		line += " " + u
	}
	fmt.Fprintf(w, "%s %s\n\n%s\n", m.t("Cách dùng:", "Usage:"), line, c.summary.in(m.Lang))
	if h := strings.TrimSpace(c.help.in(m.Lang)); h != "" {
		fmt.Fprintf(w, "\n%s\n", h)
	}
	common := commonFlagNames()
	own := false
	fs.VisitAll(func(f *flag.Flag) { own = own || !common[f.Name] })
	if own {
		fmt.Fprintf(w, "\n%s\n", m.t("Tùy chọn của lệnh "+c.name+":", "Options of the "+c.name+" command:"))
		printFlags(w, fs, m.Lang, func(name string) bool { return !common[name] })
	}
	fmt.Fprintf(w, "\n%s\n", m.t("Tùy chọn chung của mọi lệnh:", "Options of every command:"))
	printFlags(w, fs, m.Lang, func(name string) bool { return common[name] })
}

// usage writes the list of commands: `ocopledger`, `ocopledger help`.
func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, m.t("ocopledger — sổ cái sự kiện của Chương trình OCOP", "ocopledger — the event ledger of the OCOP programme"))
	fmt.Fprintf(w, "\n%s\n\n%s\n", m.t("Cách dùng: ocopledger <lệnh> [tham số] [tùy chọn]", "Usage: ocopledger <command> [arguments] [options]"),
		m.t("Các lệnh:", "Commands:"))
	for _, n := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary.in(m.Lang))
	}
	fmt.Fprintf(w, "\n%s\n", m.t(
		`Mọi lệnh đều nhận --data THƯ-MỤC (mặc định ./ocopledger-data) để chạy trên NATS JetStream nhúng,
hoặc --nats URL để dùng một cụm máy chủ NATS; --lang vi|en để chọn ngôn ngữ (tiếng Việt hoặc
tiếng Anh); --json để in kết quả dạng JSON. Xem hướng dẫn từng lệnh: "ocopledger help <lệnh>".`,
		`Every command takes --data DIR (default ./ocopledger-data) to run on the embedded NATS JetStream,
or --nats URL to use a NATS cluster; --lang vi|en; --json. "ocopledger help <command>" for more.`))
}

// helpRequest reads a command line for help: with no command, "help", -h or --help it returns
// ok and the command asked about ("" for the list of commands). Otherwise it returns the line
// with the command first: the options every command takes (--data, --nats, --lang, --json, …) may
// stand before the command, as in "ocopledger --data ./elsewhere figures", and then move after it.
func helpRequest(args []string) (topic string, ok bool, line []string) {
	var lead, rest []string // common options before the command (with their values); the others
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(rest) > 0 || a == "--" || !strings.HasPrefix(a, "-") {
			rest = append(rest, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		common, takesValue := commonOption(name)
		switch {
		case !common:
			rest = append(rest, a)
		case takesValue && !hasValue && i+1 < len(args):
			lead = append(lead, a, args[i+1])
			i++
		default:
			lead = append(lead, a)
		}
	}
	if len(rest) == 0 {
		return "", true, nil
	}
	switch rest[0] {
	case "-h", "-help", "--help":
		return "", true, nil
	case "help":
		for i := 1; i < len(rest); i++ {
			a := rest[i]
			if a == "--lang" || a == "-lang" {
				i++ // its value
			} else if a == "help" {
				return "", true, nil // help about help: the list of commands says how to ask
			} else if !strings.HasPrefix(a, "-") {
				return a, true, nil
			}
		}
		return "", true, nil
	}
	return "", false, append(append([]string{rest[0]}, lead...), rest[1:]...)
}

// commonOption reports whether name is an option every command takes (see Main.commonFlags), and
// whether it takes a value (all but the switches --json and -v do).
func commonOption(name string) (common, takesValue bool) {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	new(Main).commonFlags(fs)
	f := fs.Lookup(name)
	if f == nil {
		return false, false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return true, !ok || !b.IsBoolFlag()
}
