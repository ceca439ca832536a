package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/ocopledger/ocopledger/internal/buildinfo"
)

// `ocopledger completion SHELL` prints a script that asks the program itself what to complete:
// the commands, a command's options, the shells. Bash loads the script and completes ocopledger
// with it.
func TestCompletion(t *testing.T) {
	t.Setenv("OCOPLEDGER_LANG", "")
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errs := runCLI(t, "completion", shell)
		if code != 0 || errs != "" || !strings.Contains(out, "ocopledger") || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes; want a script calling ocopledger __complete", shell, code, errs, len(out))
		}
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", ""}, []string{"figures\tsố liệu của báo cáo", "completion\t", "witness\t", "version\t"}},
		{[]string{"__complete", "--lang", "en", "fig"}, []string{"figures\tthe report's figures"}},
		{[]string{"__complete", "figures", "--a"}, []string{"--as-of\tngày lấy số liệu"}},
		{[]string{"__complete", "record", "--n"}, []string{"--new-ledger\t", "--nats\t"}},
		{[]string{"__complete", "completion", ""}, []string{"bash", "zsh", "fish", "powershell"}},
	} {
		code, out, errs := runCLI(t, c.args...)
		for _, w := range c.want {
			if code != 0 || !strings.Contains(out, "\n"+w) && !strings.HasPrefix(out, w) {
				t.Errorf("%v: exit %d, %q (stderr %q); want a line starting %q", c.args, code, out, errs, w)
			}
		}
	}
	if code, _, errs := runCLI(t, "completion", "tcsh"); code != 2 || !strings.Contains(errs, "bash, zsh, fish hoặc powershell") {
		t.Errorf("completion tcsh: exit %d, %q; want 2 naming the shells", code, errs)
	}

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to load the script into")
	}
	_, script, _ := runCLI(t, "completion", "bash")
	file := filepath.Join(t.TempDir(), "ocopledger.bash")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bash, "-c", "source "+file+" && complete -p ocopledger").CombinedOutput()
	if want := "complete -o default -F __start_ocopledger ocopledger"; err != nil || strings.TrimSpace(string(out)) != want {
		t.Errorf("bash: %v, %q; want %q", err, out, want)
	}
	// Tab after "ocopledger fig" and "ocopledger figures --as", with the program on the PATH
	// (_get_comp_words_by_ref stands in for the bash-completion package the script expects).
	bin := buildBinary(t)
	cmd := exec.Command(bash, "-c", `
_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
source `+file+`
tab() { COMP_WORDS=("$@"); COMP_CWORD=$(($#-1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); __start_ocopledger 2>/dev/null; echo "${COMPREPLY[*]}"; }
tab ocopledger fig
tab ocopledger figures --as
tab ocopledger completion f`)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err = cmd.Output()
	if want := "figures\n--as-of\nfish\n"; err != nil || string(out) != want {
		t.Errorf("bash completing: %v, %q; want %q", err, out, want)
	}
}

// `ocopledger version` reads the build information Go writes into the binary: the module's
// version and the commit it was built from, as `go version -m` reports them.
func TestVersionFromBuildInfo(t *testing.T) {
	if code, out, _ := runCLI(t, "--version"); code != 0 || !strings.HasPrefix(out, "ocopledger ") || strings.Contains(out, "dev\n") {
		t.Errorf("--version: exit %d, %q; want the version", code, out)
	}
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "ocopledger")
	if out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	m, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := buildinfo.Info{Go: strings.Fields(string(m))[1]}
	for _, line := range strings.Split(string(m), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod":
			want.Version = f[2]
		case len(f) == 2 && f[0] == "build":
			k, v, _ := strings.Cut(f[1], "=")
			switch k {
			case "vcs.revision":
				want.Commit = v
			case "vcs.time":
				want.Time, _ = time.Parse(time.RFC3339, v)
			case "vcs.modified":
				want.Modified = v == "true"
			}
		}
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	var got buildinfo.Info
	if err != nil || json.Unmarshal(out, &got) != nil || got != want {
		t.Errorf("version --json: %v, %s; want %+v (go version -m)", err, out, want)
	}
	out, _ = exec.Command(bin, "version", "--lang", "en").Output()
	if !strings.HasPrefix(string(out), "ocopledger "+want.Version+"\n") || want.Commit != "" && !strings.Contains(string(out), "\ncommit "+want.Commit) {
		t.Errorf("version:\n%s\nwant version %s and commit %q", out, want.Version, want.Commit)
	}
	if want.Commit == "" {
		t.Logf("built without VCS information (no git, a git worktree or -buildvcs=false): %s", out)
	}
}

// --context NAME reads a context of the nats command line tool ($XDG_CONFIG_HOME/nats/context/
// NAME.json): its server and credentials, as the nats tool does; the options and $NATS_URL come
// first.
func TestNATSContext(t *testing.T) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: t.TempDir(), Username: "ana", Password: "mat-khau-cua-ana-0123", NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(srv.Shutdown)
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	for _, k := range []string{"NATS_URL", "NATS_USER", "NATS_PASSWORD", "NATS_CREDS", "OCOPLEDGER_NATS", "OCOPLEDGER_NATS_USER", "OCOPLEDGER_NATS_PASSWORD", "OCOPLEDGER_NATS_CREDS"} {
		t.Setenv(k, "")
	}
	writeContext := func(name string, c map[string]string) {
		t.Helper()
		dir := filepath.Join(cfg, "nats", "context")
		os.MkdirAll(dir, 0o700)
		b, _ := json.Marshal(c)
		if err := os.WriteFile(filepath.Join(dir, name+".json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeContext("ocop", map[string]string{"description": "sổ cái OCOP", "url": srv.ClientURL(), "user": "ana", "password": "mat-khau-cua-ana-0123", "nkey": "", "token": ""})
	writeContext("wrong", map[string]string{"url": srv.ClientURL(), "user": "ana", "password": "not-her-password-0123"})
	writeContext("nkey", map[string]string{"url": srv.ClientURL(), "nkey": "/home/ana/ana.nk"})

	data := t.TempDir()
	code, out, errs := runWithInput(t, salespointPayload(1), "record", "salespoint.opened", "--context", "ocop", "--data", data, "--json")
	if code != 0 {
		t.Fatalf("record --context ocop: exit %d, %s %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(data, "jetstream")); err == nil {
		t.Error("record --context wrote to the embedded store, not to the context's server")
	}
	code, out, errs = runCLI(t, "log", "--context", "ocop", "--data", data, "--json")
	if code != 0 || strings.Count(out, `"salespoint.opened"`) != 1 {
		t.Errorf("log --context ocop: exit %d, %q %s; want the entry recorded", code, out, errs)
	}
	// $NATS_URL is the server when neither --nats nor $OCOPLEDGER_NATS says; --nats-user and
	// --nats-password as given.
	t.Setenv("NATS_URL", srv.ClientURL())
	code, out, errs = runCLI(t, "log", "--nats-user", "ana", "--nats-password", "mat-khau-cua-ana-0123", "--data", data, "--json")
	if code != 0 || strings.Count(out, `"salespoint.opened"`) != 1 {
		t.Errorf("log with $NATS_URL: exit %d, %q %s; want the entry recorded", code, out, errs)
	}
	t.Setenv("NATS_URL", "")
	// The context's password is used, and a wrong one refused; one that signs in otherwise, and
	// one that does not exist, are named.
	for _, c := range []struct {
		name string
		code int
		says string
	}{
		{"wrong", 1, "nats://"},
		{"nkey", 2, "ocopledger: error: context: the nats context nkey signs in with an NKey or a token"},
		{"khong-co", 2, "ocopledger: error: context: there is no file " + filepath.Join(cfg, "nats", "context", "khong-co.json")},
		{"../ocop", 2, `ocopledger: error: context: "../ocop" is not the name of a nats context`},
	} {
		code, _, errs := runCLI(t, "log", "--context", c.name, "--data", data, "--lang", "en")
		if code != c.code || !strings.Contains(errs, c.says) {
			t.Errorf("log --context %s: exit %d, %q; want %d and %q", c.name, code, errs, c.code, c.says)
		}
	}
}
