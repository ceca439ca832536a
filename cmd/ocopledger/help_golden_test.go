package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// helpEnv pins what the help shows of the environment: the defaults some flags take from it
// (--actor from $USER, --instance from the host's name, the NATS options…), so that the help's
// golden files are the same bytes on every machine.
var helpEnv = map[string]string{
	"USER": "clerk", "OCOPLEDGER_INSTANCE": "ocop-1", "OCOPLEDGER_LANG": "", "OCOPLEDGER_DATA": "",
	"OCOPLEDGER_NATS": "", "NATS_URL": "", "OCOPLEDGER_NATS_USER": "", "NATS_USER": "",
	"OCOPLEDGER_NATS_PASSWORD": "", "NATS_PASSWORD": "", "OCOPLEDGER_NATS_CREDS": "", "NATS_CREDS": "",
	"OCOPLEDGER_NATS_CA": "", "NATS_CA": "", "OCOPLEDGER_NATS_CERT": "", "NATS_CERT": "",
	"OCOPLEDGER_NATS_KEY": "", "NATS_KEY": "", "OCOPLEDGER_ADDR": "", "OCOPLEDGER_TOKENS_FILE": "",
	"OCOPLEDGER_SERVER": "", "OCOPLEDGER_TOKEN": "",
}

// TestGoldenHelp compares `ocopledger --help` and `ocopledger <command> --help`, in Vietnamese and
// with --lang en, for every command, with testdata/golden/help/<command>_<lang>.golden (root for
// the list of commands). A command added without its golden files fails here; -update writes them.
func TestGoldenHelp(t *testing.T) {
	for k, v := range helpEnv {
		t.Setenv(k, v)
	}
	names := []string{"root", "help"}
	m := NewMain(strings.NewReader(""), io.Discard, io.Discard)
	for _, c := range newRootCmd(m).Commands() {
		if c.IsAvailableCommand() && c.Name() != "help" {
			names = append(names, c.Name())
		}
	}
	want := map[string]bool{}
	for _, name := range names {
		for _, lang := range []string{"vi", "en"} {
			args := []string{name, "--help"}
			if name == "root" {
				args = args[1:]
			}
			if lang == "en" {
				args = append(args, "--lang", "en")
			}
			code, out, errs := runCLI(t, args...)
			file := name + "_" + lang
			want[file] = true
			checkGolden(t, filepath.Join("help", file),
				fmt.Sprintf("$ ocopledger %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), code, out, errs))
		}
	}
	// A golden file no command writes checks nothing: -update removes it.
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "help", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if want[strings.TrimSuffix(filepath.Base(f), ".golden")] {
			continue
		}
		if *updateGolden {
			if err := os.Remove(f); err != nil {
				t.Error(err)
			}
			continue
		}
		t.Errorf("%s is the help of no command (remove it with -update)", f)
	}
	if len(want) < 2*18 {
		t.Errorf("%d help files; want every command's, in both languages", len(want))
	}
}
