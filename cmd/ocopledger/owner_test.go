package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/eventstore"
)

// salespointPayload is a salespoint.opened entry numbered i.
func salespointPayload(i int) string {
	return fmt.Sprintf(`{"salespoint_id":"own-%03d","name":"Điểm thử %03d (giả lập)","site_type":"commercial_centre","funding":"private","operator":"Thương nhân giả lập","address":{"commune":"xã Tịnh Phong","district":"huyện Sơn Tịnh","province":"Quảng Ngãi"},"opened_on":"2024-03-%02d","synthetic":true}`,
		i, i, 1+i%28)
}

// startServeProcess runs the built binary's serve on dir with the extra arguments, waits for its
// HTTP address and stops it with SIGTERM when the test ends. stderr collects its log.
func startServeProcess(t *testing.T, bin, dir string, stdout, stderr *syncBuffer, args ...string) (cmd *exec.Cmd, base string) {
	t.Helper()
	cmd = exec.Command(bin, append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Stdout = stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		pw.Close()
	})
	urlRe := regexp.MustCompile(`url=(http://[0-9.:]+)/`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			stderr.Write([]byte(sc.Text() + "\n"))
			if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case base = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not say where it listens:\n%s", stderr.String())
	}
	return cmd, base
}

// postSalespoint records salespoint i through the API and returns its position.
func postSalespoint(t *testing.T, base string, i int) uint64 {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/v1/events/salespoint.opened", strings.NewReader(salespointPayload(i)))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var pos struct {
		Sequence uint64 `json:"sequence"`
	}
	json.NewDecoder(res.Body).Decode(&pos)
	if res.StatusCode != 201 {
		t.Fatalf("POST salespoint %d: %d", i, res.StatusCode)
	}
	return pos.Sequence
}

// Issue 14, item 2: with `serve --data D` running, `record --data D` opened the same JetStream
// store and an acknowledged entry was lost. Now the second process is refused at once (exit 4,
// a conflict) naming the running server and how to reach it, and the server's log is intact.
func TestRecordBesideRunningServeIsRefused(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	var out, errb syncBuffer
	cmd, base := startServeProcess(t, bin, dir, &out, &errb)
	if p := postSalespoint(t, base, 1); p != 1 {
		t.Fatalf("first entry at position %d", p)
	}
	file := filepath.Join(t.TempDir(), "sp.json")
	os.WriteFile(file, []byte(salespointPayload(2)), 0o644)
	for _, lang := range []string{"en", "vi"} {
		c := exec.Command(bin, "record", "salespoint.opened", "--data", dir, "--file", file, "--lang", lang)
		got, _ := c.CombinedOutput()
		if code := c.ProcessState.ExitCode(); code != 4 {
			t.Fatalf("record beside serve (%s): exit %d, want 4 (conflict)\n%s", lang, code, got)
		}
		want := map[string]string{
			"en": fmt.Sprintf("the ledger %s is in use by a running `ocopledger serve` (pid %d): use the API at %s, or stop the server first", dir, cmd.Process.Pid, base),
			"vi": fmt.Sprintf("sổ cái %s đang được một tiến trình `ocopledger serve` (pid %d) sử dụng", dir, cmd.Process.Pid),
		}[lang]
		if !strings.Contains(string(got), want) {
			t.Errorf("record beside serve (%s) says:\n%s\nwant it to contain %q", lang, got, want)
		}
	}
	// The server goes on at position 2: nothing else wrote into its store.
	if p := postSalespoint(t, base, 3); p != 2 {
		t.Fatalf("the server's next entry is at position %d, want 2", p)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if log := errb.String(); strings.Contains(log, "Recovering stream state") || strings.Contains(log, "errored") || strings.Contains(log, "component=nats-server") {
		t.Errorf("the server's log shows trouble:\n%s", errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, datadir.ServeInfoFile)); !os.IsNotExist(err) {
		t.Errorf("%s is still there after serve stopped: %v", datadir.ServeInfoFile, err)
	}
	// After the server stopped, the store opens and holds exactly the two acknowledged entries.
	s, err := eventstore.Open(context.Background(), eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	if err := s.Read(context.Background(), 1, func(e eventstore.Envelope) error { ids = append(ids, string(e.Data[:40])); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || !strings.Contains(ids[0], "own-001") || !strings.Contains(ids[1], "own-003") {
		t.Errorf("the log holds %q, want own-001 then own-003", ids)
	}
}

// Issue 14, item 5 on the command line: --id reused with other content, or on another record, is
// a conflict (exit 4) naming the key and its entry; the same content again is an idempotent retry.
func TestRecordIDReuse(t *testing.T) {
	dir := t.TempDir()
	files := make([]string, 3)
	for i := range files {
		files[i] = filepath.Join(t.TempDir(), "sp.json")
		os.WriteFile(files[i], []byte(salespointPayload(i)), 0o644)
	}
	other := filepath.Join(t.TempDir(), "sp.json") // salespoint 0 with another opening date
	os.WriteFile(other, []byte(strings.Replace(salespointPayload(0), "2024-03-01", "2024-04-01", 1)), 0o644)
	rec := func(file string) (int, string, string) {
		return runCLI(t, "record", "salespoint.opened", "--data", dir, "--file", file, "--id", "sp-key-1", "--lang", "en")
	}
	if code, _, errs := rec(files[0]); code != 0 {
		t.Fatalf("first: exit %d %s", code, errs)
	}
	if code, out, errs := rec(files[0]); code != 0 || !strings.Contains(out, "already recorded earlier") {
		t.Errorf("same content again: exit %d %q %s, want 0 and a duplicate", code, out, errs)
	}
	for name, file := range map[string]string{"other content": other, "other record": files[1]} {
		code, _, errs := rec(file)
		if code != 4 || !strings.Contains(errs, `the entry key "sp-key-1" already names the entry at position 1 (salespoint.opened, record salespoint.own-000`) {
			t.Errorf("%s: exit %d %s, want 4 naming the key and entry 1", name, code, errs)
		}
	}
	if n := lastSequence(t, dir); n != 1 {
		t.Errorf("the log holds %d entries, want 1", n)
	}
}

// Issue 14, item 3 end to end: `serve --listen-nats` makes a reader credential in the data folder
// (0600) and prints where it is; garbage published without credentials is refused and nothing
// is stored; `log --nats … --nats-creds FILE` reads the log; a command refused the data folder
// names the NATS URL and the credential file.
func TestServeListenNATSNeedsCredentials(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	var out, errb syncBuffer
	_, base := startServeProcess(t, bin, dir, &out, &errb, "--listen-nats", "127.0.0.1:0", "--lang", "en")
	postSalespoint(t, base, 1)
	re := regexp.MustCompile(`NATS \(read only\): (nats://127\.0\.0\.1:\d+), user and password in (\S+)`)
	waitFor(t, "the NATS line of the banner", func() bool { return re.MatchString(out.String()) })
	sub := re.FindStringSubmatch(out.String())
	url, creds := sub[1], sub[2]
	if want, _ := filepath.Abs(filepath.Join(dir, datadir.NATSReaderFile)); creds != want {
		t.Errorf("credentials in %s, want %s", creds, want)
	}
	if st, err := os.Stat(creds); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, mode %v; want 0600", err, st.Mode())
	}
	// Without credentials: refused, nothing stored.
	if nc, err := nats.Connect(url, nats.MaxReconnects(0)); err == nil {
		nc.Publish("ocop.events.product.evil2", []byte("garbage"))
		nc.Flush()
		nc.Close()
		t.Error("a NATS client without credentials connected")
	}
	// With the reader's credentials: the log reads, and shows only the API's entry.
	c := exec.Command(bin, "log", "--nats", url, "--nats-creds", creds, "--json")
	got, err := c.Output()
	if err != nil {
		t.Fatalf("log --nats --nats-creds: %v\n%s", err, got)
	}
	if n := strings.Count(string(got), `"salespoint.opened"`); n != 1 || strings.Contains(string(got), "garbage") {
		t.Errorf("log read over NATS:\n%s\nwant the one entry recorded", got)
	}
	// The figures too, from a folder that has no data directory yet (the read models and the
	// record of the log's history are made in ./ocopledger-data, as without --nats).
	c = exec.Command(bin, "figures", "--nats", url, "--nats-creds", creds, "--json")
	c.Dir = t.TempDir()
	got, err = c.CombinedOutput()
	if err != nil || !strings.Contains(string(got), `"salespoints.open": 1`) {
		t.Errorf("figures --nats --nats-creds from an empty folder: %v\n%s", err, got)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "ocopledger-data", "history.json")); err != nil {
		t.Errorf("figures --nats kept no record of the log's history: %v", err)
	}
	// Recording with the reader's credentials is refused at once as not permitted (exit 5),
	// saying where to record instead, and stores nothing.
	c = exec.Command(bin, "record", "salespoint.opened", "--nats", url, "--nats-creds", creds, "--lang", "en")
	c.Dir, c.Stdin = t.TempDir(), strings.NewReader(salespointPayload(2))
	start := time.Now()
	got, _ = c.CombinedOutput()
	if code := c.ProcessState.ExitCode(); code != 5 || !strings.Contains(string(got), "may only read the ledger: record through the API") || strings.Contains(string(got), "try again") {
		t.Errorf("record with the reader's credentials: exit %d after %s\n%s", code, time.Since(start).Round(time.Millisecond), got)
	}
	// The signed checkpoints read too: one made through the API, read over NATS by the reader.
	req, _ := http.NewRequest("POST", base+"/v1/checkpoints", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode/100 != 2 {
		t.Fatalf("POST /v1/checkpoints: %d", res.StatusCode)
	}
	res.Body.Close()
	c2, err := readCredentials(creds)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(url, nats.UserInfo(c2.User, c2.Password))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, eventstore.CheckpointStream)
	if err != nil {
		t.Fatalf("the reader's stream info of %s: %v", eventstore.CheckpointStream, err)
	}
	m, err := st.GetLastMsgForSubject(ctx, eventstore.CheckpointSubject)
	if err != nil {
		t.Fatalf("the reader's last checkpoint: %v", err)
	}
	if !strings.Contains(string(m.Data), "\n1\n") {
		t.Errorf("the last checkpoint does not commit to the log of 1 entry:\n%s", m.Data)
	}
	// The witnesses' cosignatures read too, and cannot be written.
	if _, err := js.Stream(ctx, eventstore.CosignatureStream); err != nil {
		t.Errorf("the reader's stream info of %s: %v", eventstore.CosignatureStream, err)
	}
	pctx, pcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer pcancel()
	if _, err := js.Publish(pctx, "ocop.cosignatures.1.00000000", []byte("— forged AAAA\n")); err == nil {
		t.Error("the reader published a cosignature")
	}
	// A command on the data folder is refused and told how to reach the running server.
	c = exec.Command(bin, "log", "--data", dir, "--lang", "en")
	got, _ = c.CombinedOutput()
	if code := c.ProcessState.ExitCode(); code != 4 || !strings.Contains(string(got), "read it with --nats "+url+" --nats-creds "+creds+", or use the API at "+base) {
		t.Errorf("log --data beside serve: exit %d\n%s", code, got)
	}
}

// Issue 14, item 4 for restore: a file with an entry recorded in the future is refused before
// anything is written (also past the first batch of the import), naming the line, the entry and
// its time; the same file without it restores.
func TestRestoreRefusesFutureRecordingTimes(t *testing.T) {
	var lines []string
	t0 := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= 600; i++ {
		rec := t0.Add(time.Duration(i) * time.Minute)
		if i == 550 {
			rec = time.Date(2028, 3, 1, 9, 0, 0, 0, time.UTC)
		}
		b, _ := json.Marshal(eventstore.Envelope{Sequence: uint64(i), ID: fmt.Sprintf("old-%04d", i), Type: "salespoint.opened", Schema: 1,
			Stream: fmt.Sprintf("salespoint.s%d", i), Version: 1, RecordedAt: rec, Backfilled: true, Actor: "migration",
			Data: json.RawMessage(salespointPayload(i))})
		lines = append(lines, string(b))
	}
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "future.jsonl")
	os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	code, _, errs := runCLI(t, "restore", file, "--data", dir, "--lang", "en")
	if want := fmt.Sprintf("line 550 of %s (entry old-0550) was recorded at 2028-03-01T09:00:00Z, later than now", file); code != 2 || !strings.Contains(errs, want) {
		t.Fatalf("restore of a future entry: exit %d\n%s\nwant 2 and %q", code, errs, want)
	}
	if n := lastSequence(t, dir); n != 0 {
		t.Fatalf("the refused restore wrote %d entries", n)
	}
	// From stdin too.
	code, _, errs = runWithInput(t, strings.Join(lines, "\n")+"\n", "restore", "-", "--data", dir, "--lang", "en")
	if code != 2 || !strings.Contains(errs, "line 550 of - (entry old-0550)") {
		t.Fatalf("restore from stdin: exit %d\n%s", code, errs)
	}
	lines = append(lines[:549], lines[550:]...)
	os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	if code, _, errs := runCLI(t, "restore", file, "--data", dir); code != 0 {
		t.Fatalf("restore without the future entry: exit %d %s", code, errs)
	}
	if n := lastSequence(t, dir); n != 599 {
		t.Errorf("restored %d entries, want 599", n)
	}
}

func readCredentials(path string) (datadir.NATSCredentials, error) {
	return datadir.ReadNATSCredentials("test", path)
}
