package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

// The command line's help lives in the catalogue beside the messages: each command's usage line,
// summary, description and examples, each flag's description, and the words of the help pages
// themselves, under keys of their own ("cmd.figures.short", "flag.as-of", "help.examples"), in
// Vietnamese and English. The tables are help_commands.go; the command line reads them through
// Command, Flag and HelpText.

// bi is a help text in Vietnamese and in English.
type bi struct{ vi, en string }

// same is a text both languages write alike (an example's command lines).
func same(s string) bi { return bi{s, s} }

// command is the help of one command: its usage line (its name first), summary, description
// (may be empty) and examples, and the descriptions of the flags that are its own or mean
// something else under it than in sharedFlags.
type command struct {
	use, short, long, example bi
	flags                     map[string]bi
}

// CommandHelp is the help of one command in one language, as cobra.Command takes it.
type CommandHelp struct{ Use, Short, Long, Example string }

// Command returns the help of the command at path ("figures"; "" is the program itself) in lang:
// Vietnamese unless lang is "en". args fill the description's verbs (%s), the parts of it that
// change with the code (the list of dimensions). A command the catalogue does not have gets its
// path as usage line and nothing else (a test then names it).
func Command(lang, path string, args ...any) CommandHelp {
	h := CommandHelp{Use: path}
	if use, ok := format(lang, "cmd."+path+".use"); ok {
		h.Use = use
	}
	h.Short, _ = format(lang, "cmd."+path+".short")
	h.Long = text(lang, "cmd."+path+".long", args)
	h.Example, _ = format(lang, "cmd."+path+".example")
	return h
}

// Flag returns the description of the flag name of the command at path in lang: the command's
// own if it has one, else the one the flag has wherever it is taken; "" if the catalogue has
// neither. args fill its verbs.
func Flag(lang, path, name string, args ...any) string {
	if _, ok := format(lang, "flag."+path+"."+name); ok {
		return text(lang, "flag."+path+"."+name, args)
	}
	return text(lang, "flag."+name, args)
}

// HelpText returns the help pages' own words under key ("help.examples", help_commands.go) in
// lang, with args filling its verbs.
func HelpText(lang, key string, args ...any) string { return text(lang, "help."+key, args) }

// text is the catalogue's text of key in lang, formatted with args if there are any.
func text(lang, key string, args []any) string {
	s, _ := format(lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// helpEntries are the help texts by catalogue key.
func helpEntries() map[string]bi {
	out := map[string]bi{}
	for key, t := range helpWords {
		out["help."+key] = t
	}
	for name, t := range sharedFlags {
		out["flag."+name] = t
	}
	for path, c := range commands {
		for field, t := range map[string]bi{"use": c.use, "short": c.short, "long": c.long, "example": c.example} {
			if t != (bi{}) {
				out["cmd."+path+"."+field] = t
			}
		}
		for name, t := range c.flags {
			out["flag."+path+"."+name] = t
		}
	}
	return out
}

// dollarBrace stands for "${" in a help text: the catalogue reads "${name}" as a substitution, and
// a shell's "${fpath[1]}" is not one; the macro dollar gives back the "$" (its argument is unused; the catalogue wants one).
const dollarBrace = "${dollar(1)}{"

// setHelp adds the help texts to the catalogue being built.
func setHelp(b *catalog.Builder) []error {
	var errs []error
	for _, tag := range []language.Tag{language.English, language.Vietnamese} {
		errs = append(errs, b.SetMacro(tag, "dollar", catalog.String("$")))
	}
	for key, t := range helpEntries() {
		errs = append(errs,
			b.SetString(language.English, key, strings.ReplaceAll(t.en, "${", dollarBrace)),
			b.SetString(language.Vietnamese, key, strings.ReplaceAll(t.vi, "${", dollarBrace)))
	}
	return errs
}
