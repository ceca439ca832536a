package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// envInt reads a positive integer from the environment.
func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}

// proposed turns a domain event into an event store proposal.
func proposed(id string, e domain.Event) eventstore.Proposed {
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return eventstore.Proposed{ID: id, Type: e.EventType(), Schema: e.SchemaVersion(), Data: b, Actor: "bench", Source: "numbers_test.go"}
}

type row struct {
	what   string
	n      int
	took   time.Duration
	p50    time.Duration
	p99    time.Duration
	remark string
}

func percentiles(lat []time.Duration) (p50, p99 time.Duration) {
	if len(lat) == 0 {
		return 0, 0
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[int(0.99*float64(len(lat)-1))]
}

// TestClusterNumbers measures, on a three-node cluster started from
// deploy/nats (R3, sync_interval always, loopback), append throughput of the
// event store and of the ledger beside `nats bench js pub` on the same
// cluster, and the time a new instance takes to build its read models from
// the log. It prints a table; it runs only with OCOPLEDGER_CLUSTER_BENCH=1:
//
//	OCOPLEDGER_CLUSTER_BENCH=1 go test -run TestClusterNumbers -v -timeout 30m ./cluster/
//
// Sizes: OCOPLEDGER_CLUSTER_BENCH_SINGLE (default 1000 single appends),
// OCOPLEDGER_CLUSTER_BENCH_BATCHES (default 200 appends of 100 events).
// The nats CLI (go install github.com/nats-io/natscli/nats@v0.5.0) is
// looked up in $PATH and $(go env GOPATH)/bin; without it those rows are
// left out.
func TestClusterNumbers(t *testing.T) {
	if os.Getenv("OCOPLEDGER_CLUSTER_BENCH") != "1" {
		t.Skip("set OCOPLEDGER_CLUSTER_BENCH=1 to measure")
	}
	single := envInt("OCOPLEDGER_CLUSTER_BENCH_SINGLE", 1000)
	batches := envInt("OCOPLEDGER_CLUSTER_BENCH_BATCHES", 200)
	const perBatch, writers = 100, 8
	c := startCluster(t)
	ctx := t.Context()
	var rows []row

	// nats bench first, on a stream of its own, deleted before the ledger
	// stream exists.
	if cli := natsCLI(); cli != "" {
		for _, mode := range []struct{ name, args string }{
			{"nats bench js pub sync", fmt.Sprintf("sync --msgs %d", single)},
			{"nats bench js pub sync --dedup", fmt.Sprintf("sync --msgs %d --dedup", single)},
			{"nats bench js pub async", fmt.Sprintf("async --msgs %d", batches*perBatch)},
			{"nats bench js pub atomic --batch 100", fmt.Sprintf("atomic --msgs %d --batch 100", batches*perBatch)},
		} {
			r := natsBench(t, cli, c, mode.args)
			r.what = mode.name
			rows = append(rows, r)
		}
	} else {
		t.Log("nats CLI not found: go install github.com/nats-io/natscli/nats@v0.5.0")
	}

	s := openStore(t, c, "bench")
	l := ledger.New(s, nil)

	// Store.Append, one event each, with the expected-version check (direct
	// get of the stream head, publish with the expected subject sequence).
	lat := make([]time.Duration, 0, single)
	start := time.Now()
	for i := range single {
		stream := fmt.Sprintf("tradeevent.single-%d", i%50)
		t0 := time.Now()
		if _, err := s.Append(ctx, stream, int64(i/50), proposed(fmt.Sprintf("single-%d", i), benchEvent(i))); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	rows = append(rows, timed("eventstore Append, 1 event, expected version", single, time.Since(start), lat, "1 writer"))

	// The same with 8 writers on their own aggregate streams.
	start = time.Now()
	lat = latencies(t, writers, single/writers, func(w, i int) error {
		_, err := s.Append(ctx, fmt.Sprintf("tradeevent.conc-%d", w), int64(i), proposed(fmt.Sprintf("conc-%d-%d", w, i), benchEvent(i)))
		return err
	})
	rows = append(rows, timed("eventstore Append, 1 event, expected version", len(lat), time.Since(start), lat, "8 writers"))

	// The ledger's whole path, as POST /v1/events does it: read the stream's
	// history, decide, append with the expected version.
	lat = lat[:0]
	start = time.Now()
	for i := range single {
		id := fmt.Sprintf("ledger-%d", i)
		t0 := time.Now()
		if _, err := l.RecordEvent(ctx, fair(id, i), ledger.Meta{ID: id, Actor: "bench"}); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	rows = append(rows, timed("ledger RecordEvent (history, decide, append)", single, time.Since(start), lat, "1 writer"))

	// The ledger's whole path, 64 writers each on records of its own (as 64 HTTP clients
	// appending to different records): appends are pipelined and grouped.
	const many = 64
	start = time.Now()
	lat = latencies(t, many, single/many, func(w, i int) error {
		n := w*(single/many) + i
		id := fmt.Sprintf("ledger64-%d", n)
		_, err := l.RecordEvent(ctx, fair(id, n), ledger.Meta{ID: id, Actor: "bench"})
		return err
	})
	rows = append(rows, timed("ledger RecordEvent, different records", len(lat), time.Since(start), lat, "64 writers"))

	// Atomic batches of 100 events.
	lat = lat[:0]
	start = time.Now()
	for b := range batches {
		evs := make([]eventstore.Proposed, perBatch)
		te := fmt.Sprintf("batch-%d", b)
		evs[0] = proposed(te, fair(te, b))
		for j := 1; j < perBatch; j++ {
			id := fmt.Sprintf("%s-%d", te, j)
			evs[j] = proposed(id, domain.TradeEventParticipation{TradeEventID: te, BusinessID: id, BusinessName: "Doanh nghiệp " + id, Synthetic: true})
		}
		t0 := time.Now()
		if _, err := s.Append(ctx, "tradeevent."+te, 0, evs...); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	rows = append(rows, timed("eventstore Append, atomic batch of 100", batches*perBatch, time.Since(start), lat, "latency per batch"))

	// A new instance builds its read models from the whole log.
	last, err := s.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := projections.Open(filepath.Join(t.TempDir(), "new-instance.db"), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start = time.Now()
	if err := p.CatchUp(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	rows = append(rows, row{what: "new instance: read models from the log", n: int(last), took: time.Since(start), remark: "projections.CatchUp over the cluster"})
	start = time.Now()
	n := 0
	if err := s.Read(ctx, 1, func(eventstore.Envelope) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	rows = append(rows, row{what: "read the whole log (ordered consumer)", n: n, took: time.Since(start)})

	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "what\tevents\tseconds\tevents/s\tp50 ms\tp99 ms\t\t")
	for _, r := range rows {
		p50, p99 := "", ""
		if r.p50 > 0 {
			p50, p99 = fmt.Sprintf("%.2f", ms(r.p50)), fmt.Sprintf("%.2f", ms(r.p99))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%s\t%s\t%s\t\n", r.what, r.n, r.took.Seconds(), float64(r.n)/r.took.Seconds(), p50, p99, r.remark)
	}
	tw.Flush()
	t.Logf("three nats-server processes, R3, file store, sync_interval always, 127.0.0.1:\n%s", sb.String())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func timed(what string, n int, took time.Duration, lat []time.Duration, remark string) row {
	p50, p99 := percentiles(lat)
	return row{what: what, n: n, took: took, p50: p50, p99: p99, remark: remark}
}

// benchEvent is a trade event of about the size of a real entry.
func benchEvent(i int) domain.Event {
	id := fmt.Sprintf("b%d", i)
	return domain.TradeEventParticipation{TradeEventID: "bench", BusinessID: id, BusinessName: "Hợp tác xã nông nghiệp " + id, Synthetic: true}
}

// natsCLI finds the nats command.
func natsCLI() string {
	if p, err := exec.LookPath("nats"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "bin", "nats")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

var statsLine = regexp.MustCompile(`stats: ([\d,]+) msgs/sec`)

// natsBench runs `nats bench js pub <args>` against the cluster on a stream
// NATSBENCH (R3, 300-byte messages) and deletes the stream afterwards. Its
// subjects, ocop.natsbench(.…), are ones the ledger user may publish on and
// outside the ledger stream's, so that it can run beside the ledger stream.
func natsBench(t *testing.T, cli string, c *natsCluster, args string) row {
	t.Helper()
	full := append([]string{"-s", c.URL(), "--user", "ledger", "--password", ledgerPassword,
		"bench", "js", "pub"}, strings.Fields(args)...)
	full = append(full, "ocop.natsbench", "--stream", "NATSBENCH", "--create", "--replicas", "3", "--size", "300", "--no-progress")
	start := time.Now()
	out, err := exec.Command(cli, full...).CombinedOutput()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("nats %s: %v\n%s", strings.Join(full, " "), err, out)
	}
	nc, err := c.connect("ledger", ledgerPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, "NATSBENCH"); err != nil {
		t.Fatalf("delete NATSBENCH: %v", err)
	}
	m := statsLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("nats bench printed no stats:\n%s", out)
	}
	rate, _ := strconv.Atoi(strings.ReplaceAll(string(m[1]), ",", ""))
	var n int
	for i, f := range full {
		if f == "--msgs" {
			n, _ = strconv.Atoi(full[i+1])
		}
	}
	// Report the CLI's own rate (it excludes connecting and creating the stream).
	return row{n: n, took: time.Duration(float64(n) / float64(rate) * float64(time.Second)),
		remark: fmt.Sprintf("CLI's rate; %.1fs with setup", took.Seconds())}
}

// latencies calls op from writers goroutines at once, each for its own i from 0 to each-1 in
// order, and returns how long every call that succeeded took; an error fails the test and ends
// that writer.
func latencies(t *testing.T, writers, each int, op func(w, i int) error) []time.Duration {
	t.Helper()
	var (
		mu  sync.Mutex
		lat = make([]time.Duration, 0, writers*each)
		wg  sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				t0 := time.Now()
				if err := op(w, i); err != nil {
					t.Error(err)
					return
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat
}

// TestClusterParallelAppends measures issue 18's goal for appends in parallel on R3: the ledger's
// whole path (RecordEvent: read the record, decide, append with its version check), 64 writers
// on different records, beside `nats bench js pub async` on the same cluster, in rounds that
// turn which goes first, with each round's ratios and their medians. Two baselines: the one the
// goal names (its defaults: 500 publishes in flight, one subject, no message IDs), and the same
// with what 64 writers on different records can have: 64 in flight (--batch 64), a message ID
// each (--dedup) and a subject each (--multisubject). It runs only with OCOPLEDGER_CLUSTER_BENCH=1:
//
//	OCOPLEDGER_CLUSTER_BENCH=1 OCOPLEDGER_CLUSTER_BENCH_ROUNDS=3 OCOPLEDGER_CLUSTER_BENCH_SINGLE=3000 \
//	  go test -run TestClusterParallelAppends -v -timeout 30m ./cluster/
func TestClusterParallelAppends(t *testing.T) {
	if os.Getenv("OCOPLEDGER_CLUSTER_BENCH") != "1" {
		t.Skip("set OCOPLEDGER_CLUSTER_BENCH=1 to measure")
	}
	cli := natsCLI()
	if cli == "" {
		t.Skip("nats CLI not found: go install github.com/nats-io/natscli/nats@v0.5.0")
	}
	const many = 64
	n := envInt("OCOPLEDGER_CLUSTER_BENCH_SINGLE", 3000) / many * many
	rounds := envInt("OCOPLEDGER_CLUSTER_BENCH_ROUNDS", 3)
	c := startCluster(t)
	l := ledger.New(openStore(t, c, "bench"), nil)
	parts := []struct {
		what string
		rate func(round int) float64
	}{
		{"ledger RecordEvent, 64 writers, different records", func(round int) float64 {
			start := time.Now()
			lat := latencies(t, many, n/many, func(w, i int) error {
				k := w*(n/many) + i
				id := fmt.Sprintf("r%d-ledger64-%d", round, k)
				_, err := l.RecordEvent(t.Context(), fair(id, k), ledger.Meta{ID: id, Actor: "bench"})
				return err
			})
			if len(lat) != n {
				t.Fatalf("round %d: %d of %d appends stored", round+1, len(lat), n)
			}
			return float64(n) / time.Since(start).Seconds()
		}},
		{"nats bench js pub async", func(int) float64 {
			r := natsBench(t, cli, c, fmt.Sprintf("async --msgs %d", n))
			return float64(r.n) / r.took.Seconds()
		}},
		{"nats bench js pub async --batch 64 --dedup --multisubject", func(int) float64 {
			r := natsBench(t, cli, c, fmt.Sprintf("async --msgs %d --batch %d --dedup --multisubject", n, many))
			return float64(r.n) / r.took.Seconds()
		}},
	}
	rates := make([][]float64, len(parts))
	for round := range rounds {
		for k := range parts {
			i := (k + round) % len(parts)
			rates[i] = append(rates[i], parts[i].rate(round))
		}
		t.Logf("round %d: %s %.0f events/s; %s %.0f msgs/s (%.2f×); %s %.0f msgs/s (%.2f×)", round+1,
			parts[0].what, rates[0][round], parts[1].what, rates[1][round], rates[0][round]/rates[1][round],
			parts[2].what, rates[2][round], rates[0][round]/rates[2][round])
	}
	median := func(xs []float64) float64 { xs = slices.Clone(xs); slices.Sort(xs); return xs[len(xs)/2] }
	for i := 1; i < len(parts); i++ {
		r := make([]float64, rounds)
		for k := range r {
			r[k] = rates[0][k] / rates[i][k]
		}
		t.Logf("median of %d rounds against %s: %.2f× (goal ≥ 0.5× against the first)", rounds, parts[i].what, median(r))
	}
}
