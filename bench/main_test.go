package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets the test run this command as a process of its own: the test binary with
// OCOPBENCH_AS_MAIN=1 is the command.
func TestMain(m *testing.M) {
	if os.Getenv("OCOPBENCH_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// bench --json on a tiny ledger prints every measure as a JSON object on a line of its own, each
// named, with a finite value and a unit, the targets of issue 18 where it sets one; nothing else
// goes to standard output.
func TestJSONPrintsEveryMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ocopledger and rebuilds a ledger five times")
	}
	dir := t.TempDir()
	got := benchJSON(t, "--json", "--events", "2000", "--queries", "50", "--runs", "1", "--dir", dir)
	for name, want := range map[string]struct {
		unit     string
		min, max float64
	}{
		"log.entries":                                    {unit: "entries"},
		"restore.rate":                                   {unit: "events/s"},
		"raw_read.embedded.rate":                         {unit: "events/s"},
		"rebuild.embedded.catch_up.rate":                 {unit: "events/s"},
		"rebuild.embedded.catch_up.of_raw_read":          {unit: "%", min: 70},
		"rebuild.embedded.peak_rss":                      {unit: "bytes", max: 300e6},
		"rebuild.nats.catch_up.of_raw_read":              {unit: "%", min: 70},
		"rebuild.nats.peak_rss":                          {unit: "bytes", max: 300e6},
		"rebuild.embedded.peak_live_heap":                {unit: "bytes"},
		"rebuild.nats.peak_live_heap":                    {unit: "bytes"},
		"projection.live_heap":                           {unit: "bytes"},
		"figures.known_now.p99":                          {unit: "s", max: 0.001},
		"figures.known_past.p99":                         {unit: "s", max: 0.005},
		"breakdown.former_province.known_now.p99":        {unit: "s", max: 0.020},
		"breakdown.former_province.known_past.p99":       {unit: "s", max: 0.020},
		"breakdown.former_province.identical_to_rows":    {unit: "of 5", min: 5},
		"explain.ocop_valid.first_page.p99":              {unit: "s", max: 0.020},
		"explain.ocop_valid.first_page.cpu":              {unit: "s"},
		"explain.ocop_valid.stream.rate":                 {unit: "items/s", min: 200000},
		"explain.ocop_valid.stream.cpu_rate":             {unit: "items/s"},
		"explain.ocop_valid.p50":                         {unit: "s"},
		"explain.ocop_valid.first_page.known_past.p99":   {unit: "s", max: 0.020},
		"explain.ocop_valid.first_page.known_past.first": {unit: "s"},
		"breakdown.former_province.known_past.first":     {unit: "s"},
		"explain.ocop_valid.identical_to_rows":           {unit: "of 5", min: 5},
		"expiring.30_days.p50":                           {unit: "s", max: 0.010},
		"expiring.30_days.cpu":                           {unit: "s"},
		"expiring.30_days.identical_to_rows":             {unit: "of 5", min: 5},
		"sqlite.figures.known_past.p99":                  {unit: "s"},
	} {
		x, ok := got[name]
		switch {
		case !ok:
			t.Errorf("no measure %s", name)
		case x.Unit != want.unit:
			t.Errorf("%s in %s, want %s", name, x.Unit, want.unit)
		case want.min == 0 && want.max == 0 && x.Target != nil:
			t.Errorf("%s has a target %+v; issue 18 sets none", name, *x.Target)
		case (want.min != 0 || want.max != 0) && (x.Target == nil || *x.Target != bound{Min: want.min, Max: want.max}):
			t.Errorf("%s: target %+v, want min %v max %v", name, x.Target, want.min, want.max)
		}
	}
	if got["rebuild.nats.peak_live_heap"].Value <= 0 {
		t.Errorf("rebuild.nats.peak_live_heap %v: the collector's trace of the rebuild was not read", got["rebuild.nats.peak_live_heap"].Value)
	}
	if got["log.entries"].Value < 2000 {
		t.Errorf("log.entries %v, want the 2,000 entries generated or more", got["log.entries"].Value)
	}
	// --queries-only asks the queries again on the read models the run left, and nothing else.
	again := benchJSON(t, "--json", "--queries-only", "--queries", "50", "--no-sqlite", "--dir", dir)
	for name := range got {
		_, ok := again[name]
		if query := !strings.HasPrefix(name, "sqlite.") && (strings.HasPrefix(name, "figures.") || strings.HasPrefix(name, "explain.") ||
			strings.HasPrefix(name, "expiring.") || strings.HasPrefix(name, "breakdown.") || name == "projection.live_heap"); ok != query {
			t.Errorf("--queries-only: measure %s printed %v, want %v", name, ok, query)
		}
	}
}

// benchJSON runs the benchmark with args and returns the measures it prints, checking each is a
// measure (named, with a finite value and a unit) printed once.
func benchJSON(t *testing.T, args ...string) map[string]measure {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "OCOPBENCH_AS_MAIN=1")
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench %s: %v\n%s", strings.Join(args, " "), err, errs.String())
	}
	got := map[string]measure{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var x measure
		if err := dec.Decode(&x); err != nil {
			t.Fatalf("line %q is not a measure: %v", sc.Text(), err)
		}
		if x.Name == "" || x.Unit == "" || math.IsNaN(x.Value) || math.IsInf(x.Value, 0) || x.Value < 0 {
			t.Errorf("measure %+v: want a name, a unit and a finite value ≥ 0", x)
		}
		if _, twice := got[x.Name]; twice {
			t.Errorf("measure %s printed twice", x.Name)
		}
		got[x.Name] = x
	}
	return got
}

// gcTrace keeps the largest live heap of the collector's lines, in bytes, and passes every
// other line on unchanged, also when the lines come in pieces.
func TestGCTraceKeepsThePeakLiveHeap(t *testing.T) {
	var rest bytes.Buffer
	g := &gcTrace{w: &rest}
	in := "progress 10%\n" +
		"gc 5 @0.028s 1%: 0.32+0.49+0.002 ms clock, 0.64+0.008/0.16/0.064+0.004 ms cpu, 63->64->64 MB, 64 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 6 @0.029s 1%: 0.061+0.16+0.001 ms clock, 0.12+0/0.11/0.020+0.002 ms cpu, 200->210->100 MB, 128 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n" +
		"gc 7 @0.031s 1%: 0.061+0.16+0.001 ms clock, 0.12+0/0.11/0.020+0.002 ms cpu, 150->150->90 MB, 180 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"done\n"
	for i := 0; i < len(in); i += 7 {
		if _, err := g.Write([]byte(in[i:min(i+7, len(in))])); err != nil {
			t.Fatal(err)
		}
	}
	if g.peak != 100<<20 {
		t.Errorf("peak live heap %d, want %d", g.peak, 100<<20)
	}
	if rest.String() != "progress 10%\ndone\n" {
		t.Errorf("passed on %q", rest.String())
	}
}

// --side-by-side reads the measures out of two outputs of --json (with other lines in them) and
// prints one row a measure, a column a run, the ratio of the last to the first and the targets.
func TestSideBySide(t *testing.T) {
	dir := t.TempDir()
	a, b := dir+"/1m.json", dir+"/10m.json"
	os.WriteFile(a, []byte(`building…
{"name":"log.entries","value":1000000,"unit":"entries"}
{"name":"rebuild.nats.peak_live_heap","value":100000000,"unit":"bytes"}
{"name":"figures.known_past.p99","value":0.002,"unit":"s","target":{"max":0.005}}
`), 0o644)
	os.WriteFile(b, []byte(`{"name":"log.entries","value":10000000,"unit":"entries"}
{"name":"rebuild.nats.peak_live_heap","value":150000000,"unit":"bytes"}
{"name":"figures.known_past.p99","value":0.008,"unit":"s","target":{"max":0.01}}
`), 0o644)
	var out bytes.Buffer
	if err := sideBySide(&out, []string{a, b}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| log.entries | entries | 1,000,000 | 10,000,000 | 10.00× |  |",
		"| rebuild.nats.peak_live_heap | bytes | 100 MB | 150 MB | 1.50× |  |",
		"| figures.known_past.p99 | s | 2 ms | 8 ms | 4.00× | ≤ 5 ms / ≤ 10 ms |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no row %q in\n%s", want, out.String())
		}
	}
}
