package cluster_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

const serveToken = "cluster-test-token"

// composeLedgerCommand reads the command of the ledger instances from
// docker-compose.yml (the list under "command:" in x-ledger).
func composeLedgerCommand(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docker-compose.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	var args []string
	in, inLedger := false, false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "x-ledger:"):
			inLedger = true
		case inLedger && strings.TrimSpace(line) == "command:":
			in = true
		case in && strings.HasPrefix(strings.TrimSpace(line), "- "):
			args = append(args, strings.Trim(strings.TrimPrefix(strings.TrimSpace(line), "- "), `"`))
		case in:
			return args
		}
	}
	tb.Fatal("docker-compose.yml: no command list in x-ledger")
	return nil
}

// serveProc is an `ocopledger serve` process under a supervisor that starts
// it again when it exits, as docker-compose.yml's "restart: unless-stopped".
type serveProc struct {
	name, bin, addr string
	args            []string
	env             []string
	logPath         string

	mu       sync.Mutex
	cmd      *exec.Cmd
	stopped  bool
	restarts int
	wg       sync.WaitGroup
}

func (p *serveProc) url(path string) string { return "http://" + p.addr + path }

// supervise starts the process and keeps it running until stop.
func (p *serveProc) supervise(tb testing.TB) {
	p.wg.Go(func() {
		for {
			p.mu.Lock()
			if p.stopped {
				p.mu.Unlock()
				return
			}
			logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
			if err != nil {
				p.mu.Unlock()
				tb.Error(err)
				return
			}
			cmd := exec.Command(p.bin, p.args...)
			cmd.Env = append(os.Environ(), p.env...)
			cmd.Stdout, cmd.Stderr = logf, logf
			dieWithParent(cmd)
			err = cmd.Start()
			p.cmd = cmd
			p.mu.Unlock()
			if err == nil {
				_ = cmd.Wait() // a crash or a kill: the supervisor starts it again below
			}
			logf.Close()
			p.mu.Lock()
			stopped := p.stopped
			if !stopped {
				p.restarts++
			}
			p.mu.Unlock()
			if stopped {
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
	})
}

// crash kills the process with SIGKILL; the supervisor starts it again.
func (p *serveProc) crash() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Kill()
	}
}

// stop ends the process for good.
func (p *serveProc) stop() {
	p.mu.Lock()
	p.stopped = true
	if p.cmd != nil && p.cmd.Process != nil {
		p.cmd.Process.Kill()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// exits returns the fatal errors the process printed before exiting.
func (p *serveProc) exits() []string {
	b, _ := os.ReadFile(p.logPath)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "ocopledger: ") {
			out = append(out, l)
		}
	}
	return out
}

func (p *serveProc) restartCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.restarts
}

// waitReady polls /readyz, the compose health check, until it answers 200.
func (p *serveProc) waitReady(tb testing.TB, wait time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for {
		resp, err := httpClient.Get(p.url("/readyz"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(p.logPath)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			tb.Fatalf("%s not ready after %s (%v)\n%s", p.name, wait, err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// post records an entry through the HTTP API as a careful client does:
// Idempotency-Key is the entry's ID, and anything but a refusal of the
// entry (a lost connection, a 5xx, a conflict it should settle by retrying)
// is tried again.
func (p *serveProc) post(ctx context.Context, id string, e domain.Event) (duplicate bool, err error) {
	body, err := json.Marshal(e)
	if err != nil {
		return false, err
	}
	for attempt := 1; ; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, "POST", p.url("/v1/events/"+url.PathEscape(e.EventType())), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+serveToken)
		req.Header.Set("Idempotency-Key", id)
		resp, err := httpClient.Do(req)
		status := 0
		var msg []byte
		if err == nil {
			status = resp.StatusCode
			msg = make([]byte, 512)
			n, _ := resp.Body.Read(msg)
			msg = msg[:n]
			resp.Body.Close()
		}
		switch {
		case status == http.StatusCreated:
			return false, nil
		case status == http.StatusOK:
			return true, nil
		case status >= 400 && status < 500 && status != http.StatusConflict && status != http.StatusRequestTimeout:
			return false, fmt.Errorf("%s refused %s: %d %s", p.name, id, status, msg)
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("%s: %s not recorded after %d attempts: %w (last: %d %s %v)", p.name, id, attempt, ctx.Err(), status, msg, err)
		case <-time.After(time.Duration(min(attempt, 10)) * 50 * time.Millisecond):
		}
	}
}

func (p *serveProc) figures(q domain.Query) (projections.Result, error) {
	y, m, d := q.AsOf.YMD()
	u := p.url(fmt.Sprintf("/v1/figures?as_of=%04d-%02d-%02d", y, m, d))
	if q.From != 0 {
		y, m, d := q.From.YMD()
		u += fmt.Sprintf("&from=%04d-%02d-%02d", y, m, d)
	}
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+serveToken)
	resp, err := httpClient.Do(req)
	if err != nil {
		return projections.Result{}, err
	}
	defer resp.Body.Close()
	var r projections.Result
	if resp.StatusCode != http.StatusOK {
		return r, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return r, json.NewDecoder(resp.Body).Decode(&r)
}

// composeServe prepares an `ocopledger serve` process named name with the command line of
// docker-compose.yml (compose) on the cluster, a free port and its own data directory; it is
// stopped when the test ends. Start it with supervise.
func composeServe(t *testing.T, bin string, c *natsCluster, compose []string, name string) *serveProc {
	t.Helper()
	p := &serveProc{name: name, bin: bin, addr: fmt.Sprintf("127.0.0.1:%d", freePorts(t, 1)[0]),
		logPath: filepath.Join(t.TempDir(), "serve.log"),
		env: []string{"OCOPLEDGER_NATS_USER=ledger", "OCOPLEDGER_NATS_PASSWORD=" + ledgerPassword,
			"OCOPLEDGER_TOKENS=" + serveToken + ":admin:cluster-test", "OCOPLEDGER_INSTANCE=" + name}}
	data := t.TempDir()
	for _, a := range compose {
		switch a {
		case "nats://n1:4222,nats://n2:4222,nats://n3:4222":
			a = c.URL()
		case "0.0.0.0:8080":
			a = p.addr
		case "/data":
			a = data
		}
		p.args = append(p.args, a)
	}
	t.Cleanup(p.stop)
	return p
}

// TestServeInstancesOnCluster runs two `ocopledger serve` processes with
// the command line of docker-compose.yml against the cluster, records
// through both while the stream leader and then one instance are killed
// with SIGKILL, and checks that both serve the figures of the whole log.
func TestServeInstancesOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster and two servers")
	}
	const shared, perInstance = 2, 40
	bin := buildBinary(t, "github.com/ocopledger/ocopledger/cmd/ocopledger", "ocopledger")
	c := startCluster(t)
	ctx := t.Context()
	compose := composeLedgerCommand(t)
	var procs []*serveProc
	for i := range 2 {
		procs = append(procs, composeServe(t, bin, c, compose, fmt.Sprintf("ledger%d", i+1)))
	}
	t.Logf("compose command, rewritten: ocopledger %s", strings.Join(procs[0].args, " "))
	// Both start at once, as `docker compose up` starts them.
	for _, p := range procs {
		p.supervise(t)
	}
	for _, p := range procs {
		p.waitReady(t, 60*time.Second)
	}

	tl := newTally()
	for i := range shared {
		e := sharedFair(i)
		if _, err := procs[0].post(ctx, "seed-"+e.TradeEventID, e); err != nil {
			t.Fatal(err)
		}
		tl.add("seed-"+e.TradeEventID, ledgerPosition(false), 1)
	}
	errc := make(chan error, len(procs))
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() {
			for n := range perInstance {
				id, e := workItem(p.name, n, shared)
				pctx, cancel := context.WithTimeout(ctx, 90*time.Second)
				dup, err := p.post(pctx, id, e)
				cancel()
				if err != nil {
					errc <- err
					return
				}
				tl.add(id, ledgerPosition(dup), 1)
			}
		})
	}

	obs, err := c.connect("ledger", ledgerPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	js, _ := jetstream.New(obs)
	waitProgress(t, tl, 0, 20, 60*time.Second)
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	leader, err := c.streamLeader(lctx, js, eventstore.DefaultStreamName)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kill -9 %s, the stream leader, after %d entries", leader.name, tl.n.Load())
	leader.kill()
	time.Sleep(time.Second)
	c.start(leader)
	waitProgress(t, tl, tl.n.Load(), 15, 60*time.Second)
	t.Logf("kill -9 %s after %d entries", procs[1].name, tl.n.Load())
	restarts := procs[1].restartCount()
	procs[1].crash()
	wg.Wait()
	if procs[1].restartCount() == restarts {
		t.Errorf("%s was not killed", procs[1].name)
	}
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}

	s := openStore(t, c, "checker")
	envs := readLog(ctx, t, s)
	checkLog(t, envs, tl.acked)
	log := toRecorded(envs)
	last := uint64(len(envs))
	for _, p := range procs {
		p.waitReady(t, 60*time.Second)
		for _, q := range figureQueries() {
			want := domain.Evaluate(log, q)
			var got projections.Result
			deadline := time.Now().Add(30 * time.Second)
			for {
				got, err = p.figures(q)
				if err == nil && got.Position == last {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: figures at position %d (%v), want %d", p.name, got.Position, err, last)
				}
				time.Sleep(100 * time.Millisecond)
			}
			for _, f := range domain.Figures() {
				if got.Figures[f.ID] != want.Count(f.ID) {
					t.Errorf("%s: GET /v1/figures %s on %s = %d, domain.Evaluate on the log says %d",
						p.name, f.ID, q.AsOf, got.Figures[f.ID], want.Count(f.ID))
				}
			}
		}
	}
	t.Logf("%d entries through two servers, %d of them acknowledged as already stored; both serve figures at %d; "+
		"processes started again by the supervisor: %s %d, %s %d (one is the kill -9)",
		len(tl.acked), tl.dups, last, procs[0].name, procs[0].restartCount(), procs[1].name, procs[1].restartCount())
	for _, p := range procs {
		for _, e := range p.exits() {
			t.Logf("%s exited: %s", p.name, e)
		}
	}
}

func ledgerPosition(duplicate bool) ledger.Position { return ledger.Position{Duplicate: duplicate} }
