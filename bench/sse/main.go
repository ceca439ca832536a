// Command sse measures the fan-out of `ocopledger serve`'s event stream: it starts the real binary
// (the embedded default, with tokens) on a new data directory, opens N subscribers to
// /v1/stream/events with a reader token from this process, appends events through the HTTP API
// at a steady rate with a recorder token, and prints append→delivery latency (from the start of
// each append to the message arriving at each subscriber), deliveries against those expected,
// and the server's peak RSS and CPU. A subscriber the server disconnects reconnects with
// Last-Event-ID, as a browser does; a gap, a repeat or a missing event is counted as loss.
//
// Several binaries are measured in one run, interleaved, each subscriber count in turn:
//
//	cd bench && go run ./sse --subscribers 1000,10000 --compare before=/tmp/fanout-main --compare after=/tmp/fanout-after
//
// The client and the server are processes of their own (each may hold at most as many open
// files as its hard limit allows, here 20,000), sharing the machine's cores.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type variant struct{ name, bin string }

type variants []variant

func (v *variants) String() string { return fmt.Sprint(*v) }
func (v *variants) Set(s string) error {
	name, bin, ok := strings.Cut(s, "=")
	if !ok || name == "" || bin == "" {
		return fmt.Errorf("%q: write NAME=BINARY", s)
	}
	*v = append(*v, variant{name, bin})
	return nil
}

var (
	subsFlag = flag.String("subscribers", "1000,10000", "subscriber counts to measure, comma-separated")
	rate     = flag.Float64("rate", 20, "appends per second")
	nEvents  = flag.Int("events", 300, "events appended per measurement")
	rounds   = flag.Int("rounds", 1, "rounds of every binary at every count (interleaved)")
	figures  = flag.Int("figures", 0, "also open this many /v1/stream/figures subscribers and report the server's figure computations")
	keep     = flag.Bool("keep", false, "keep the data directories and the servers' logs")
	compare  variants
)

func init() {
	flag.Var(&compare, "compare", "`NAME=BINARY`: an ocopledger binary to measure (repeatable; the order is kept and turned each round)")
}

const (
	viewerToken   = "sse-bench-viewer"
	recorderToken = "sse-bench-recorder"
)

func main() {
	flag.Parse()
	if len(compare) == 0 {
		fmt.Fprintln(os.Stderr, "sse: give at least one --compare NAME=BINARY")
		os.Exit(2)
	}
	var counts []int
	for _, s := range strings.Split(*subsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "sse: --subscribers %q: give positive counts\n", *subsFlag)
			os.Exit(2)
		}
		counts = append(counts, n)
	}
	soft, hard := raiseFileLimit()
	fmt.Fprintf(os.Stderr, "open files: soft limit %d, hard %d\n", soft, hard)
	if need := uint64(slices.Max(counts) + *figures + 100); soft < need {
		fmt.Fprintf(os.Stderr, "sse: %d subscribers need %d open files; this process may hold %d\n", slices.Max(counts), need, soft)
		os.Exit(1)
	}
	var results []result
	for r := 0; r < *rounds; r++ {
		for _, n := range counts {
			for i := range compare {
				v := compare[(i+r)%len(compare)]
				res, err := measure(v, n)
				if err != nil {
					fmt.Fprintf(os.Stderr, "sse: %s with %d subscribers: %v\n", v.name, n, err)
					os.Exit(1)
				}
				fmt.Fprintln(os.Stderr, res.line())
				results = append(results, res)
			}
		}
	}
	fmt.Printf("\n%d events at %g/s per measurement; append → delivery at each subscriber\n\n", *nEvents, *rate)
	fmt.Println("| binary | subscribers | p50 | p99 | max | delivered / expected | lost | reconnects | server peak RSS | server CPU | server CPU per delivery | client CPU | load | append p99 | figure computations |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
	for _, r := range results {
		fmt.Println(r.row())
	}
}

// raiseFileLimit raises this process's soft limit of open files to the hard limit.
func raiseFileLimit() (soft, hard uint64) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, 0
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	return l.Cur, l.Max
}

type result struct {
	name                 string
	subscribers          int
	p50, p99, max        time.Duration
	delivered, expected  int64
	lost, bad            int64
	reconnects           int64
	rss                  int64 // bytes, the server's VmHWM
	cpu                  time.Duration
	appendP99            time.Duration
	figComputations      int64
	figDelivered, figExp int64
	clientCPU            time.Duration // this process's CPU over the same span
	load                 [2]string     // the machine's load average (1 min) at the start and end
}

// perDelivery is the server's CPU per message delivered to a subscriber.
func (r result) perDelivery() string {
	if n := r.delivered + r.figDelivered; n > 0 {
		return fmt.Sprintf("%.1f µs", float64(r.cpu.Nanoseconds())/float64(n)/1000)
	}
	return "—"
}

// selfCPU is this process's CPU (user and system) so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the machine's load average over the last minute.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

func (r result) line() string {
	return fmt.Sprintf("%-8s %6d subscribers: p50 %v p99 %v max %v; %d/%d delivered, %d lost, %d out of order, %d reconnects; server peak RSS %d MB, CPU %v (%s per delivery); client CPU %v; load %s→%s; append p99 %v; figure computations %d (%d/%d figure messages)",
		r.name, r.subscribers, ms(r.p50), ms(r.p99), ms(r.max), r.delivered, r.expected, r.lost, r.bad, r.reconnects, r.rss>>20, r.cpu.Round(10*time.Millisecond), r.perDelivery(),
		r.clientCPU.Round(10*time.Millisecond), r.load[0], r.load[1], ms(r.appendP99), r.figComputations, r.figDelivered, r.figExp)
}

func (r result) row() string {
	fig := "—"
	switch {
	case *figures > 0 && r.figComputations < 0:
		fig = fmt.Sprintf("not counted (%d streams)", *figures)
	case *figures > 0:
		fig = fmt.Sprintf("%d for %d streams", r.figComputations, *figures)
	}
	return fmt.Sprintf("| %s | %d | %v | %v | %v | %d / %d | %d | %d | %d MB | %v | %s | %v | %s→%s | %v | %s |",
		r.name, r.subscribers, ms(r.p50), ms(r.p99), ms(r.max), r.delivered, r.expected, r.lost+r.bad, r.reconnects, r.rss>>20, r.cpu.Round(10*time.Millisecond),
		r.perDelivery(), r.clientCPU.Round(10*time.Millisecond), r.load[0], r.load[1], ms(r.appendP99), fig)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// server is a running `ocopledger serve`.
type server struct {
	cmd  *exec.Cmd
	url  string
	dir  string
	done chan error
}

func startServer(bin string) (*server, error) {
	dir, err := os.MkdirTemp("", "sse-bench-")
	if err != nil {
		return nil, err
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte(viewerToken+" viewer bench-reader\n"+recorderToken+" recorder bench-recorder\n"), 0o600); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--data", filepath.Join(dir, "data"), "--addr", addr, "--tokens", tokens)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr, dir: dir, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
			return nil, fmt.Errorf("%s serve ended before it was ready (%v): %s", bin, err, log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s serve not ready within 2 minutes", bin)
		}
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	if !*keep {
		os.RemoveAll(s.dir)
	} else {
		fmt.Fprintf(os.Stderr, "kept %s\n", s.dir)
	}
}

// usage reads the server's peak RSS (VmHWM) and CPU time (user + system) from /proc.
func (s *server) usage() (rss int64, cpu time.Duration) {
	pid := s.cmd.Process.Pid
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				rss = kb << 10
			}
		}
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// after the command name in parentheses: fields 14 and 15 are utime and stime in ticks
		if i := bytes.LastIndexByte(b, ')'); i > 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 13 {
				u, _ := strconv.ParseInt(f[11], 10, 64)
				st, _ := strconv.ParseInt(f[12], 10, 64)
				cpu = time.Duration(u+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
			}
		}
	}
	return rss, cpu
}

// metric reads one unlabelled value of the server's /metrics (-1 if absent).
func (s *server) metric(name string) int64 {
	res, err := http.Get(s.url + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f)
		}
	}
	return -1
}

// subscriber is one connection to a stream and what it received: recv[i] is when the event at
// position first+i arrived (unix nanoseconds, 0 not yet).
type subscriber struct {
	path       string
	recv       []int64
	last       uint64 // the last position received
	bad        int64  // gaps and repeats
	reconnects int64
	got        int64
}

// connect opens the stream with Last-Event-ID last (0: from now) and returns the body, after
// the server's first comment, which says the position it starts after.
func connect(ctx context.Context, addr, path string, last uint64) (net.Conn, *bufio.Reader, uint64, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, 0, err
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: Bearer " + viewerToken + "\r\nAccept: text/event-stream\r\n"
	if last > 0 {
		req += "Last-Event-ID: " + strconv.FormatUint(last, 10) + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		conn.Close()
		return nil, nil, 0, err
	}
	br := bufio.NewReaderSize(conn, 4096)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, nil, 0, err
	}
	if res.StatusCode != 200 {
		conn.Close()
		return nil, nil, 0, fmt.Errorf("%s: %s", path, res.Status)
	}
	body := bufio.NewReaderSize(res.Body, 4096)
	for {
		line, err := body.ReadSlice('\n')
		if err != nil {
			conn.Close()
			return nil, nil, 0, err
		}
		// ": ocopledger events after N" or ": ocopledger figure changes of D after N"
		if rest, ok := bytes.CutPrefix(line, []byte(": ocopledger ")); ok {
			f := bytes.Fields(rest)
			n, _ := strconv.ParseUint(string(f[len(f)-1]), 10, 64)
			return conn, body, n, nil
		}
	}
}

// follow reads events until the one at position end has arrived or ctx is done, reconnecting with Last-Event-ID when the server closes the stream.
func (s *subscriber) follow(ctx context.Context, addr string, first, end uint64, conn net.Conn, body *bufio.Reader, finished func()) {
	defer finished()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer func() { stop(); conn.Close() }()
	figures := strings.HasPrefix(s.path, "/v1/stream/figures")
	for {
		line, err := body.ReadSlice('\n')
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			// The server closed the stream (a slow consumer, a restart): resume as a browser does.
			s.reconnects++
			stop()
			conn.Close()
			for {
				var err error
				conn, body, _, err = connect(ctx, addr, s.path, s.last)
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
			stop = context.AfterFunc(ctx, func() { conn.Close() })
			continue
		}
		id, ok := bytes.CutPrefix(line, []byte("id: "))
		if !ok {
			continue
		}
		now := time.Now().UnixNano()
		seq, _ := strconv.ParseUint(string(bytes.TrimSpace(id)), 10, 64)
		s.got++
		if !figures {
			if seq != s.last+1 {
				s.bad++ // a gap or a repeat
			}
			if i := seq - first; seq >= first && i < uint64(len(s.recv)) && s.recv[i] == 0 {
				s.recv[i] = now
			}
		} else if seq <= s.last {
			s.bad++
		}
		s.last = seq
		if seq >= end {
			return
		}
	}
}

func measure(v variant, n int) (result, error) {
	res := result{name: v.name, subscribers: n}
	srv, err := startServer(v.bin)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	addr := strings.TrimPrefix(srv.url, "http://")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Connect every subscriber, 200 at a time.
	subs := make([]*subscriber, n+*figures)
	type opened struct {
		conn  net.Conn
		body  *bufio.Reader
		after uint64
	}
	conns := make([]opened, len(subs))
	sem := make(chan struct{}, 200)
	var wg sync.WaitGroup
	var failed atomic.Value
	t0 := time.Now()
	for i := range subs {
		path := "/v1/stream/events"
		if i >= n {
			path = "/v1/stream/figures?as_of=2025-08-07"
		}
		subs[i] = &subscriber{path: path, recv: make([]int64, *nEvents)}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			conn, body, after, err := connect(ctx, addr, path, 0)
			if err != nil {
				failed.Store(err)
				return
			}
			conns[i] = opened{conn, body, after}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return res, fmt.Errorf("connecting: %w", err)
	}
	first := conns[0].after + 1
	for i, c := range conns {
		if c.after+1 != first {
			return res, fmt.Errorf("subscriber %d starts after %d, the first after %d", i, c.after, first-1)
		}
		subs[i].last = c.after
	}
	fmt.Fprintf(os.Stderr, "%s: %d subscribers connected in %v\n", v.name, len(subs), time.Since(t0).Round(time.Millisecond))
	figStart := srv.metric("ocopledger_figure_computations_total")
	_, cpu0 := srv.usage()
	self0 := selfCPU()
	res.load[0] = loadAverage()

	end := first + uint64(*nEvents) - 1
	var all sync.WaitGroup
	for i, s := range subs {
		all.Add(1)
		go s.follow(ctx, addr, first, end, conns[i].conn, conns[i].body, all.Done)
	}

	// Append at a steady rate, one at a time, as a recorder.
	sent := make([]int64, *nEvents)
	var appendLat []time.Duration
	client := &http.Client{Timeout: 30 * time.Second}
	tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
	for i := 0; i < *nEvents; i++ {
		<-tick.C
		start := time.Now()
		seq, err := appendOne(client, srv.url, i)
		if err != nil {
			tick.Stop()
			return res, err
		}
		appendLat = append(appendLat, time.Since(start))
		if seq != first+uint64(i) {
			tick.Stop()
			return res, fmt.Errorf("append %d went to position %d, want %d: someone else appends to this log", i, seq, first+uint64(i))
		}
		sent[i] = start.UnixNano()
	}
	tick.Stop()
	waited := make(chan struct{})
	go func() { all.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
		fmt.Fprintf(os.Stderr, "%s: not every subscriber got every event within 60 s of the last append\n", v.name)
		cancel()
		<-waited
	}
	res.rss, res.cpu = srv.usage()
	res.cpu -= cpu0
	res.clientCPU = selfCPU() - self0
	res.load[1] = loadAverage()
	res.figComputations = -1 // a server that does not count them
	if figStart >= 0 {
		res.figComputations = srv.metric("ocopledger_figure_computations_total") - figStart
	}
	cancel()

	var lat []time.Duration
	for _, s := range subs[:n] {
		for i, r := range s.recv {
			if r != 0 {
				lat = append(lat, time.Duration(r-sent[i]))
			}
		}
		res.bad += s.bad
		res.reconnects += s.reconnects
	}
	for _, s := range subs[n:] {
		res.figDelivered += s.got
		res.bad += s.bad
		res.reconnects += s.reconnects
	}
	res.figExp = int64(*figures) * int64(*nEvents)
	res.expected = int64(n) * int64(*nEvents)
	res.delivered = int64(len(lat))
	res.lost = res.expected - res.delivered
	slices.Sort(lat)
	res.p50, res.p99, res.max = pct(lat, 0.50), pct(lat, 0.99), pct(lat, 1)
	slices.Sort(appendLat)
	res.appendP99 = pct(appendLat, 0.99)
	return res, nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

// appendOne records one OCOP certification (each a new product, valid from 2024) and returns its
// log position.
func appendOne(c *http.Client, base string, i int) (uint64, error) {
	id := fmt.Sprintf("sse-%d", i)
	body, _ := json.Marshal(map[string]any{
		"product_id": id, "product_name": "Sản phẩm thử " + id, "producer_id": "p-" + id,
		"producer_name": "Chủ thể thử", "producer_kind": "enterprise", "product_set": "I.4b", "stars": 4,
		"decision":  map[string]any{"number": "1/QĐ-" + id, "date": "2024-01-01", "authority": "province"},
		"address":   map[string]any{"district": "huyện Lý Sơn", "province": "Quảng Ngãi"},
		"synthetic": true,
	})
	req, _ := http.NewRequest("POST", base+"/v1/events/ocop.certified", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+recorderToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 {
		return 0, fmt.Errorf("append: %s %s", res.Status, b)
	}
	var pos struct {
		Sequence uint64 `json:"sequence"`
	}
	if err := json.Unmarshal(b, &pos); err != nil || pos.Sequence == 0 {
		return 0, errors.Join(fmt.Errorf("append: no sequence in %s", b), err)
	}
	return pos.Sequence, nil
}
