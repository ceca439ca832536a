package clihelp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
)

func TestPreScanFindsTheLanguageBeforeParsing(t *testing.T) {
	t.Setenv("OCOPLEDGER_LANG", "")
	for _, c := range []struct {
		args []string
		lang string
		json bool
	}{
		{nil, "vi", false},
		{[]string{"figures", "--lang", "en"}, "en", false},
		{[]string{"--lang=en", "figures", "--json"}, "en", true},
		{[]string{"--lang", "en", "--lang", "de"}, "vi", false}, // the last one counts; not a language: vi
		{[]string{"--json=false", "--", "--lang", "en"}, "vi", false},
		{[]string{"lang", "en"}, "vi", false}, // not an option
	} {
		lang, asJSON := PreScan(c.args)
		if lang != c.lang || asJSON != c.json {
			t.Errorf("PreScan(%q) = %s, %v; want %s, %v", c.args, lang, asJSON, c.lang, c.json)
		}
	}
	t.Setenv("OCOPLEDGER_LANG", "en")
	if lang, _ := PreScan([]string{"figures"}); lang != "en" {
		t.Errorf("with $OCOPLEDGER_LANG=en: %s, want en", lang)
	}
}

func TestBindTakesTheEnvironmentThenTheLine(t *testing.T) {
	t.Setenv("OCOPLEDGER_DATA", "/srv/ocop")
	t.Setenv("NATS_URL", "nats://nats-tool:4222")
	t.Setenv("OCOPLEDGER_NATS_CREDS", "ours.creds")
	t.Setenv("NATS_CREDS", "theirs.creds")
	t.Setenv("OCOPLEDGER_NATS_READER", "reader:secret")
	c := &Common{Lang: "en", JSON: true}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	c.Bind(fs)
	if c.Lang != "en" || !c.JSON {
		t.Errorf("Bind dropped what PreScan read: lang %q json %v", c.Lang, c.JSON)
	}
	if err := fs.Parse([]string{"--nats-user", "clerk", "--replicas", "3"}); err != nil {
		t.Fatal(err)
	}
	o := c.Options
	if o.Dir.Path != "/srv/ocop" || o.NATS.URL != "nats://nats-tool:4222" || o.NATS.Creds != "ours.creds" ||
		o.NATS.User != "clerk" || o.Replicas != 3 || o.ReaderEnv != "reader:secret" {
		t.Errorf("options = %+v", o)
	}
	if fs.Lookup("nats-password").Annotations[secret] == nil {
		t.Error("--nats-password is not a secret: help would show its default")
	}
}

func TestSettleSaysAWrongLanguageInBoth(t *testing.T) {
	t.Setenv("OCOPLEDGER_LANG", "")
	for _, asJSON := range []bool{false, true} {
		c := &Common{}
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		c.Bind(fs)
		c.JSON = asJSON
		if err := fs.Parse([]string{"--lang", "fr"}); err != nil {
			t.Fatal(err)
		}
		err := c.Settle(fs, "figures", io.Discard)
		_, both := as[Bilingual](err)
		if domain.ErrorField(err) != "lang" || both == asJSON || c.Lang != "vi" || c.Cmd != "figures" {
			t.Errorf("json %v: Settle = %v (bilingual %v), lang %q, cmd %q", asJSON, err, both, c.Lang, c.Cmd)
		}
	}
	c := &Common{}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	c.Bind(fs)
	if err := fs.Parse([]string{"-v"}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	if err := c.Settle(fs, "status", &logs); err != nil || c.Lang != "vi" {
		t.Fatalf("Settle = %v, lang %q", err, c.Lang)
	}
	c.Logger.Info("opened")
	if !strings.Contains(logs.String(), "opened") {
		t.Errorf("-v: the info line is not logged: %q", logs.String())
	}
}

func TestFlagErrorNamesTheFlag(t *testing.T) {
	for _, c := range []struct {
		args       []string
		cmd, field string
		want       string
	}{
		{[]string{"--nope"}, "figures", "nope", "is not an option of ocopledger figures"},
		{[]string{"--nope"}, "", "nope", "is not an option of every command: write it after the command's name, as in ocopledger <command> --nope …"},
		{[]string{"-data", "x"}, "figures", "", `"-data" is not an option: write an option as --name value or --name=value`},
		{[]string{"--name"}, "x", "name", "has no value: write --name and its value"},
		{[]string{"--on=maybe"}, "x", "on", `"maybe" is not true or false: write --on, or --on=false`},
		{[]string{"--n", "seven"}, "x", "n", `"seven" is not a whole number`},
		{[]string{"--n", "99999999999999999999"}, "x", "n", `"99999999999999999999" is too large a number`},
		{[]string{"--every", "soon"}, "x", "every", `"soon" is not a value this option takes (must be a duration like "30s" or "5m")`},
	} {
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.String("name", "", "")
		fs.Bool("on", false, "")
		fs.Int("n", 0, "")
		fs.Duration("every", 0, "")
		err := FlagError(fs.Parse(c.args), c.cmd)
		if _, usage := as[UsageError](err); !usage || domain.ErrorField(err) != c.field || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%q: %v (field %q); want a usage error of field %q ending %q", c.args, err, domain.ErrorField(err), c.field, c.want)
		}
	}
}

func TestFailExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		cmd  string
		code int
		text string
	}{
		{Usagef("%s takes no arguments", "demo"), "demo", 2, "ocopledger: lỗi: lệnh demo không nhận tham số nào\n(xem hướng dẫn: ocopledger help demo)\n"},
		{domain.NotFound("no such product"), "explain", domain.ExitCode(domain.CodeNotFound), "ocopledger: lỗi: "},
		{fmt.Errorf("reading: %w", context.Canceled), "log", ExitInterrupted, "ocopledger: lệnh đã bị ngắt giữa chừng\n"},
		{Bilingual{domain.Invalid("lang", "%q is not a language: give vi or en", "fr")}, "", 2, "ocopledger: lỗi: "},
		{errors.New("disk on fire"), "", domain.ExitCode(domain.CodeInternal), "ocopledger: lỗi: disk on fire\n"},
	} {
		var w bytes.Buffer
		co := &Common{Lang: "vi", Cmd: c.cmd}
		if code := co.Fail(&w, c.err); code != c.code || !strings.HasPrefix(w.String(), c.text) {
			t.Errorf("Fail(%v) = %d, %q; want %d, %q…", c.err, code, w.String(), c.code, c.text)
		}
	}
	var w bytes.Buffer
	co := &Common{Lang: "en", JSON: true, Cmd: "witness"}
	code := co.Fail(&w, AsUsage(domain.Invalid("state", "is missing")))
	var got struct{ Error map[string]string }
	if err := json.Unmarshal(w.Bytes(), &got); err != nil || code != 2 || got.Error["field"] != "state" || got.Error["code"] != string(domain.CodeInvalid) {
		t.Errorf("--json: %d, %q (%v)", code, w.String(), err)
	}
}

func TestEachCommandOpensTheLedgerItsWay(t *testing.T) {
	c := &Common{}
	for cmd, want := range map[string][3]bool{
		"record": {true, false, false}, "restore": {true, true, false}, "export": {false, false, true}, "figures": {},
	} {
		c.Cmd = cmd
		o := c.options()
		if got := [3]bool{o.Create, o.Restoring, o.AsIs}; got != want {
			t.Errorf("%s opens with create, restoring, as-is = %v, want %v", cmd, got, want)
		}
	}
}
