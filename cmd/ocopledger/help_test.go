package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// properNames are the Vietnamese names that English help writes as they are: a document, a
// place, the label of the demo's synthetic data.
var properNames = strings.NewReplacer("Công văn", "", "Quảng Ngãi", "", "QĐ", "", "(dữ liệu giả lập)", "")

// englishOnly reports the first letter of s, outside proper names, that English does not write.
func englishOnly(s string) (rune, bool) {
	for _, r := range properNames.Replace(s) {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return r, false
		}
	}
	return 0, true
}

// commandsIn builds the command line in lang and returns its commands by name (help and the
// hidden ones left out).
func commandsIn(lang string) map[string]*cobra.Command {
	m := NewMain(strings.NewReader(""), io.Discard, io.Discard)
	m.Lang = lang
	out := map[string]*cobra.Command{}
	for _, c := range newRootCmd(m).Commands() {
		if c.IsAvailableCommand() {
			out[c.Name()] = c
		}
	}
	return out
}

// flagsOf returns the flags command c parses: the common flags and its own.
func flagsOf(c *cobra.Command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	fs.AddFlagSet(c.LocalNonPersistentFlags())
	fs.AddFlagSet(c.InheritedFlags())
	return fs
}

// The command line's help is in Vietnamese unless --lang en, anywhere on the line, or
// $OCOPLEDGER_LANG=en asks for English: the list of commands, `help <command>` and `<command> -h`,
// naming every flag the command takes.
func TestHelpIsInTheClerksLanguage(t *testing.T) {
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &out, &errb)
		code := m.Run(context.Background(), args)
		m.Close()
		if code != 0 || errb.Len() > 0 || out.Len() == 0 {
			t.Fatalf("%v: exit %d, stderr %q, %d bytes of help; want exit 0 and help on stdout", args, code, errb.String(), out.Len())
		}
		return out.String()
	}
	check := func(lang string, help string, args []string, c *cobra.Command) {
		t.Helper()
		if lang == "en" {
			if r, ok := englishOnly(help); !ok {
				t.Errorf("%v: the English help has the Vietnamese letter %q:\n%s", args, r, help)
			}
		} else if !vietnameseLetter.MatchString(help) {
			t.Errorf("%v: the help is not in Vietnamese:\n%s", args, help)
		}
		if c == nil {
			for name, c := range commandsIn(lang) {
				if !strings.Contains(help, "\n  "+name+" ") || !strings.Contains(help, c.Short) {
					t.Errorf("%v: the list does not give the command %s with its summary in %s:\n%s", args, name, lang, help)
				}
			}
			return
		}
		c = commandsIn(lang)[c.Name()]
		if !strings.Contains(help, "ocopledger "+c.Name()) || !strings.Contains(help, c.Short) {
			t.Errorf("%v: the help does not name %s with its summary in %s:\n%s", args, c.Name(), lang, help)
		}
		if !strings.Contains(help, "\n"+map[string]string{"vi": "Ví dụ:", "en": "Examples:"}[lang]+"\n"+c.Example+"\n") || !strings.Contains(c.Example, "ocopledger "+c.Name()) {
			t.Errorf("%v: the help has no example:\n%s", args, help)
		}
		flagsOf(c).VisitAll(func(f *pflag.Flag) {
			name := "--" + f.Name
			if len(f.Name) == 1 {
				name = "-" + f.Name
			}
			desc := f.Usage
			if !strings.Contains(help, "\n  "+name+"\n") && !strings.Contains(help, "\n  "+name+" <") {
				t.Errorf("%v: the help does not name the flag %s:\n%s", args, name, help)
			} else if first := clihelp.Wrap(desc, 80)[0]; !strings.Contains(help, first) {
				t.Errorf("%v: the help does not describe %s in %s (%q):\n%s", args, name, lang, first, help)
			}
		})
	}

	t.Setenv("OCOPLEDGER_LANG", "")
	figures := commandsIn("vi")["figures"]
	for _, c := range []struct {
		lang string
		args []string
		cmd  *cobra.Command
	}{
		{"vi", nil, nil},
		{"vi", []string{"help"}, nil},
		{"vi", []string{"help", "help"}, nil},
		{"en", []string{"help", "help", "--lang", "en"}, nil},
		{"vi", []string{"--help"}, nil},
		{"vi", []string{"help", "figures"}, figures},
		{"vi", []string{"figures", "-h"}, figures},
		{"vi", []string{"figures", "--as-of", "2025-08-07", "--help"}, figures},
		{"vi", []string{"figures", "-h", "--lang", "vi"}, figures},
		{"en", []string{"help", "--lang", "en"}, nil},
		{"en", []string{"--lang", "en"}, nil},
		{"en", []string{"--lang=en", "help"}, nil},
		{"en", []string{"help", "figures", "--lang", "en"}, figures},
		{"en", []string{"help", "--lang", "en", "figures"}, figures},
		{"en", []string{"--lang", "en", "help", "figures"}, figures},
		{"en", []string{"figures", "-h", "--lang", "en"}, figures},
		{"en", []string{"figures", "--lang=en", "--help"}, figures},
		{"en", []string{"--lang", "en", "figures", "-h"}, figures},
	} {
		check(c.lang, run(c.args...), c.args, c.cmd)
	}
	for name, c := range commandsIn("vi") {
		check("vi", run("help", name), []string{"help", name}, c)
		check("vi", run(name, "-h"), []string{name, "-h"}, c)
		check("en", run("help", name, "--lang", "en"), []string{"help", name, "--lang", "en"}, c)
		check("en", run(name, "-h", "--lang", "en"), []string{name, "-h", "--lang", "en"}, c)
	}

	t.Setenv("OCOPLEDGER_LANG", "en")
	check("en", run("help"), []string{"help"}, nil)
	check("en", run("figures", "-h"), []string{"figures", "-h"}, figures)
	check("vi", run("figures", "-h", "--lang", "vi"), []string{"figures", "-h", "--lang", "vi"}, figures)
}

// --lang before the command is the same as after it, for the command's work as for its help.
func TestLangBeforeTheCommand(t *testing.T) {
	var out, errb bytes.Buffer
	m := NewMain(strings.NewReader(""), &out, &errb)
	code := m.Run(context.Background(), []string{"--lang", "en", "figures", "--as-of", "2025-02-30", "--data", t.TempDir()})
	m.Close()
	if want := "ocopledger: error: as-of: "; code != 2 || !strings.HasPrefix(errb.String(), want) {
		t.Errorf("exit %d, %q; want 2 and an error starting %q", code, errb.String(), want)
	}
}

// The options every command takes may stand before it too ("ocopledger --data DIR figures"), with
// or without their values after "=", switches included; so may a command's own option with its
// value; an option nobody takes is named.
func TestCommonOptionsBeforeTheCommand(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &out, &errb)
		code := m.Run(context.Background(), args)
		m.Close()
		return code, out.String(), errb.String()
	}
	code, out, errs := run("--data", dir, "--json", "-v", "--lang=en", "figures", "--as-of", "2025-08-07")
	var res struct {
		AsOf    string         `json:"as_of"`
		Figures map[string]int `json:"figures"`
	}
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || res.AsOf != "2025-08-07" || len(res.Figures) == 0 {
		t.Fatalf("exit %d, %v: %q (stderr %q); want 0 and the figures of 2025-08-07 as JSON", code, err, out, errs)
	}
	if !strings.Contains(errs, "level=INFO") {
		t.Errorf("-v before the command did not log: stderr %q", errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "jetstream")); err != nil {
		t.Errorf("--data before the command was not used: %v", err)
	}
	// A command's own option before it, with its value, is the command's.
	code, out, errs = run("--data="+dir, "--as-of", "2025-08-07", "figures", "--json")
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || res.AsOf != "2025-08-07" {
		t.Errorf("a command's option before it: exit %d, %v, %q (stderr %q); want 0 and the figures of 2025-08-07", code, err, out, errs)
	}
	code, _, errs = run("--data="+dir, "--lang", "en", "--as-at", "figures")
	if want := "ocopledger: error: as-at: is not an option of every command: write it after the command's name"; code != 2 || !strings.HasPrefix(errs, want) {
		t.Errorf("an unknown option before the command: exit %d, %q; want 2 and %q", code, errs, want)
	}
}

// Every command, the program and help included, and every flag it takes is described in
// Vietnamese and in English, each text in its own words: a command or a flag the catalogue
// (i18n/help_commands.go) lacks, in one language or both, fails here.
func TestEveryCommandAndFlagIsDescribedInBothLanguages(t *testing.T) {
	tree := func(lang string) map[string]*cobra.Command {
		m := NewMain(strings.NewReader(""), io.Discard, io.Discard)
		m.Lang = lang
		root := newRootCmd(m)
		root.InitDefaultHelpCmd() // as running the line does
		out := map[string]*cobra.Command{"": root}
		for _, c := range root.Commands() {
			out[c.Name()] = c
		}
		return out
	}
	vi, en := tree("vi"), tree("en")
	names := slices.Sorted(maps.Keys(vi))
	if len(names) < 18 || len(en) != len(vi) {
		t.Fatalf("%d commands in Vietnamese, %d in English: %v", len(vi), len(en), names)
	}
	bilingual := func(what, v, e string) {
		t.Helper()
		switch {
		case v == "" || e == "":
			t.Errorf("%s: Vietnamese %q, English %q; want both", what, v, e)
		case v == e:
			t.Errorf("%s: %q in both languages; want each in its own", what, v)
		case !vietnameseLetter.MatchString(v):
			t.Errorf("%s: %q is not Vietnamese", what, v)
		}
		if r, ok := englishOnly(e); !ok {
			t.Errorf("%s: the English %q has the Vietnamese letter %q", what, e, r)
		}
	}
	for _, name := range names {
		v, e := vi[name], en[name]
		if e == nil || v.Name() != e.Name() || v.Name() != cmp.Or(name, "ocopledger") {
			t.Errorf("%q: the usage lines %q and %v do not start with the command's name", name, v.Use, e)
			continue
		}
		bilingual(name+": summary", v.Short, e.Short)
		if h := i18n.Command("en", name); h.Short != e.Short || h.Example != e.Example {
			t.Errorf("%s: the help is not the catalogue's (i18n/help_commands.go)", name)
		}
		if (v.Example == "" || e.Example == "") && v.HasParent() {
			t.Errorf("%s: examples %q, %q; want both", name, v.Example, e.Example)
		}
		if r, ok := englishOnly(e.Example); !ok {
			t.Errorf("%s: the English example %q has the Vietnamese letter %q", name, e.Example, r)
		}
		if v.Long != "" || e.Long != "" {
			bilingual(name+": help", v.Long, e.Long)
		}
		fe := pflag.NewFlagSet(name, pflag.ContinueOnError)
		fe.AddFlagSet(e.LocalFlags())
		fe.AddFlagSet(e.InheritedFlags())
		fv := pflag.NewFlagSet(name, pflag.ContinueOnError)
		fv.AddFlagSet(v.LocalFlags())
		fv.AddFlagSet(v.InheritedFlags())
		if !fv.HasFlags() {
			t.Errorf("%s: no flags", name)
		}
		fv.VisitAll(func(f *pflag.Flag) {
			g := fe.Lookup(f.Name)
			if g == nil {
				t.Errorf("%s --%s: no such flag in English", name, f.Name)
				return
			}
			bilingual(name+" --"+f.Name, f.Usage, g.Usage)
			if i18n.Flag("vi", name, f.Name) == "" && v.LocalFlags().Lookup(f.Name) != nil {
				t.Errorf("%s --%s: not in the catalogue (i18n/help_commands.go)", name, f.Name)
			}
		})
	}
}

// A secret taken from the environment is not shown as a flag's default, nor a password in a URL.
func TestHelpHidesSecrets(t *testing.T) {
	t.Setenv("OCOPLEDGER_NATS_PASSWORD", "s3cret-nats")
	t.Setenv("OCOPLEDGER_NATS", "nats://ana:s3cret-url@n1:4222")
	t.Setenv("OCOPLEDGER_TOKEN", "s3cret-token-0123456789")
	for _, args := range [][]string{{"help", "watch"}, {"watch", "-h", "--lang", "en"}} {
		var out bytes.Buffer
		m := NewMain(strings.NewReader(""), &out, &bytes.Buffer{})
		m.Run(context.Background(), args)
		if strings.Contains(out.String(), "s3cret") || !strings.Contains(out.String(), "nats://…@n1:4222") {
			t.Errorf("%v: the help shows a secret, or not the server without it:\n%s", args, out.String())
		}
	}
}
