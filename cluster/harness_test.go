package cluster_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/eventstore"
)

// Passwords of the users of deploy/nats/accounts.conf, given to the servers
// through the environment exactly as docker-compose.yml does.
const (
	ledgerPassword     = "ledger-test-secret"
	subscriberPassword = "subscriber-test-secret"
	sysPassword        = "sys-test-secret"
)

// deployDir holds the configuration files shared with docker-compose.yml.
var deployDir = filepath.Join("..", "deploy", "nats")

// buildBinary builds a main package of the module (or of a module in
// go.mod, such as github.com/nats-io/nats-server/v2) into a temporary
// directory and returns the path of the executable.
func buildBinary(tb testing.TB, pkg, name string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), name)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	ports := make([]int, n)
	var ls []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("free port: %v", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// node is one nats-server process of the cluster.
type node struct {
	name                   string
	client, route, monitor int
	conf, logPath          string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// natsCluster is three nats-server processes configured by deploy/nats.
type natsCluster struct {
	tb    testing.TB
	bin   string
	nodes []*node
}

// startCluster builds nats-server from the module in go.mod, writes the
// configuration of n1, n2 and n3 from deploy/nats with loopback addresses,
// random ports and store directories in tb.TempDir(), starts the three
// processes and waits for a JetStream meta leader.
func startCluster(tb testing.TB) *natsCluster {
	tb.Helper()
	c := &natsCluster{tb: tb, bin: buildBinary(tb, "github.com/nats-io/nats-server/v2", "nats-server")}
	ports := freePorts(tb, 9)
	dir := tb.TempDir()
	accounts, err := os.ReadFile(filepath.Join(deployDir, "accounts.conf"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "accounts.conf"), accounts, 0o600); err != nil {
		tb.Fatal(err)
	}
	for i := range 3 {
		n := &node{name: fmt.Sprintf("n%d", i+1), client: ports[3*i], route: ports[3*i+1], monitor: ports[3*i+2]}
		c.nodes = append(c.nodes, n)
	}
	for _, n := range c.nodes {
		src, err := os.ReadFile(filepath.Join(deployDir, n.name+".conf"))
		if err != nil {
			tb.Fatal(err)
		}
		conf := string(src)
		rewrite := func(old, new string) {
			tb.Helper()
			if strings.Count(conf, old) != 1 {
				tb.Fatalf("deploy/nats/%s.conf: want exactly one %q to rewrite, found %d", n.name, old, strings.Count(conf, old))
			}
			conf = strings.Replace(conf, old, new, 1)
		}
		rewrite("listen: 0.0.0.0:4222", fmt.Sprintf("listen: 127.0.0.1:%d", n.client))
		rewrite("http: 0.0.0.0:8222", fmt.Sprintf("http: 127.0.0.1:%d", n.monitor))
		rewrite("listen: 0.0.0.0:6222", fmt.Sprintf("listen: 127.0.0.1:%d", n.route))
		for _, m := range c.nodes {
			rewrite("nats-route://"+m.name+":6222", fmt.Sprintf("nats-route://127.0.0.1:%d", m.route))
		}
		store := filepath.Join(dir, n.name, "jetstream")
		rewrite(`store_dir: "/data/jetstream"`, fmt.Sprintf("store_dir: %q", store))
		n.conf = filepath.Join(dir, n.name+".conf")
		n.logPath = filepath.Join(dir, n.name+".log")
		if err := os.WriteFile(n.conf, []byte(conf), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() {
		for _, n := range c.nodes {
			n.kill()
		}
		if tb.Failed() {
			for _, n := range c.nodes {
				c.dumpLog(n)
			}
		}
	})
	for _, n := range c.nodes {
		c.start(n)
	}
	c.waitMetaLeader(60 * time.Second)
	c.waitJetStreamAPI(30 * time.Second)
	return c
}

// waitJetStreamAPI waits until a JetStream API request of the LEDGER
// account is answered through every running node. A meta leader is not
// enough: right after the cluster forms, requests can go unanswered for a
// while (routes are still being settled).
func (c *natsCluster) waitJetStreamAPI(wait time.Duration) {
	c.tb.Helper()
	deadline := time.Now().Add(wait)
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		for {
			err := func() error {
				nc, err := nats.Connect(n.URL(), nats.UserInfo("ledger", ledgerPassword), nats.NoReconnect())
				if err != nil {
					return err
				}
				defer nc.Close()
				js, err := jetstream.New(nc)
				if err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				_, err = js.AccountInfo(ctx)
				return err
			}()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				c.tb.Fatalf("the JetStream API does not answer through %s after %s: %v", n.name, wait, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// URL is the client URL of all three nodes, as the ledger's --nats flag takes it.
func (c *natsCluster) URL() string {
	var urls []string
	for _, n := range c.nodes {
		urls = append(urls, n.URL())
	}
	return strings.Join(urls, ",")
}

func (n *node) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.client) }

// start starts a node's process (again, after kill or term) on its ports and store.
func (c *natsCluster) start(n *node) {
	c.tb.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	logf, err := os.OpenFile(n.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		c.tb.Fatal(err)
	}
	fmt.Fprintf(logf, "==== %s start\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(c.bin, "-c", n.conf)
	cmd.Env = append(os.Environ(),
		"LEDGER_NATS_PASSWORD="+ledgerPassword,
		"SUBSCRIBER_NATS_PASSWORD="+subscriberPassword,
		"SYS_NATS_PASSWORD="+sysPassword)
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		c.tb.Fatalf("start %s: %v", n.name, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(done)
	}()
	n.cmd, n.done = cmd, done
	c.waitHealthy(n, 30*time.Second)
}

// kill sends SIGKILL and waits for the process to be gone.
func (n *node) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Kill()
	<-n.done
	n.cmd = nil
}

// term sends SIGTERM (a clean shutdown) and waits up to 30 s before killing.
func (n *node) term() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
	}
	n.cmd = nil
}

func (n *node) running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd != nil
}

func (c *natsCluster) dumpLog(n *node) {
	b, _ := os.ReadFile(n.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	c.tb.Logf("last lines of %s's log:\n%s", n.name, strings.Join(lines, "\n"))
}

func (c *natsCluster) node(name string) *node {
	for _, n := range c.nodes {
		if n.name == name {
			return n
		}
	}
	return nil
}

var httpClient = &http.Client{Timeout: 2 * time.Second}

// monitor GETs a path of a node's monitoring port and decodes the JSON answer.
func (n *node) monitorGet(path string, v any) (int, error) {
	resp, err := httpClient.Get(fmt.Sprintf("http://127.0.0.1:%d%s", n.monitor, path))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			return resp.StatusCode, fmt.Errorf("%s: %w: %s", path, err, b)
		}
	}
	return resp.StatusCode, nil
}

// waitHealthy polls the health check docker-compose.yml uses.
func (c *natsCluster) waitHealthy(n *node, wait time.Duration) {
	c.tb.Helper()
	deadline := time.Now().Add(wait)
	for {
		code, err := n.monitorGet("/healthz?js-enabled-only=true", nil)
		if err == nil && code == http.StatusOK {
			return
		}
		select {
		case <-n.done:
			c.dumpLog(n)
			c.tb.Fatalf("%s exited before it was healthy", n.name)
		default:
		}
		if time.Now().After(deadline) {
			c.dumpLog(n)
			c.tb.Fatalf("%s not healthy after %s: status %d, %v", n.name, wait, code, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jsz is the part of /jsz the tests read.
type jsz struct {
	Meta *struct {
		Leader string `json:"leader"`
		Size   int    `json:"cluster_size"`
	} `json:"meta_cluster"`
	AccountDetails []struct {
		Name    string `json:"name"`
		Streams []struct {
			Name    string `json:"name"`
			Cluster *struct {
				Leader string `json:"leader"`
			} `json:"cluster"`
			State struct {
				Msgs    uint64 `json:"messages"`
				LastSeq uint64 `json:"last_seq"`
			} `json:"state"`
		} `json:"stream_detail"`
	} `json:"account_details"`
}

// waitMetaLeader waits until every running node reports the same JetStream
// meta leader.
func (c *natsCluster) waitMetaLeader(wait time.Duration) string {
	c.tb.Helper()
	deadline := time.Now().Add(wait)
	for {
		leader, agreed := "", true
		for _, n := range c.nodes {
			if !n.running() {
				continue
			}
			var j jsz
			if _, err := n.monitorGet("/jsz", &j); err != nil || j.Meta == nil || j.Meta.Leader == "" {
				agreed = false
				break
			}
			if leader != "" && j.Meta.Leader != leader {
				agreed = false
				break
			}
			leader = j.Meta.Leader
		}
		if agreed && leader != "" {
			return leader
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("no JetStream meta leader after %s", wait)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// streamStateOn returns the ledger stream's last sequence as stored on one
// node (its own replica, from its monitoring port, not the leader's answer).
func (n *node) streamStateOn(stream string) (lastSeq, msgs uint64, err error) {
	var j jsz
	if _, err := n.monitorGet("/jsz?acc=LEDGER&accounts=true&streams=true", &j); err != nil {
		return 0, 0, err
	}
	for _, a := range j.AccountDetails {
		for _, s := range a.Streams {
			if s.Name == stream {
				return s.State.LastSeq, s.State.Msgs, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("%s holds no replica of %s", n.name, stream)
}

// connect opens a NATS connection as one of the accounts' users.
func (c *natsCluster) connect(user, password string, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.UserInfo(user, password), nats.MaxReconnects(-1),
		nats.ReconnectWait(100 * time.Millisecond)}, opts...)
	return nats.Connect(c.URL(), opts...)
}

// streamLeader returns the node leading the ledger stream's Raft group, as
// the stream info reports it, waiting through an election.
func (c *natsCluster) streamLeader(ctx context.Context, js jetstream.JetStream, stream string) (*node, error) {
	for {
		ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
		st, err := js.Stream(ictx, stream)
		cancel()
		if err == nil && st.CachedInfo().Cluster != nil && st.CachedInfo().Cluster.Leader != "" {
			if n := c.node(st.CachedInfo().Cluster.Leader); n != nil {
				return n, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("stream %s has no leader: %w (last error: %v)", stream, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// openStore opens the event store of a ledger instance on the cluster
// (replicas 3, user ledger), retrying while the cluster elects leaders.
func openStore(tb testing.TB, c *natsCluster, name string) *eventstore.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 60*time.Second)
	defer cancel()
	cfg := eventstore.Config{NatsURL: c.URL(), Replicas: 3, NatsOptions: []nats.Option{
		nats.Name(name), nats.UserInfo("ledger", ledgerPassword), nats.ReconnectWait(100 * time.Millisecond),
	}}
	for {
		s, err := eventstore.Open(ctx, cfg)
		if err == nil {
			tb.Cleanup(func() { s.Close() })
			return s
		}
		if errors.Is(err, eventstore.ErrUnsafeStream) || ctx.Err() != nil {
			tb.Fatalf("%s: open event store: %v", name, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
