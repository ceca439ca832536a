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
	cmd := exec.Command(os.Args[0], "--json", "--events", "2000", "--queries", "50", "--runs", "1", "--dir", t.TempDir())
	cmd.Env = append(os.Environ(), "OCOPBENCH_AS_MAIN=1")
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, errs.String())
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
	for name, want := range map[string]struct {
		unit     string
		min, max float64
	}{
		"log.entries":                                 {unit: "entries"},
		"restore.rate":                                {unit: "events/s"},
		"raw_read.embedded.rate":                      {unit: "events/s"},
		"rebuild.embedded.catch_up.rate":              {unit: "events/s"},
		"rebuild.embedded.catch_up.of_raw_read":       {unit: "%", min: 70},
		"rebuild.embedded.peak_rss":                   {unit: "bytes", max: 300e6},
		"rebuild.nats.catch_up.of_raw_read":           {unit: "%", min: 70},
		"rebuild.nats.peak_rss":                       {unit: "bytes", max: 300e6},
		"figures.known_now.p99":                       {unit: "s", max: 0.001},
		"figures.known_past.p99":                      {unit: "s", max: 0.005},
		"breakdown.former_province.known_now.p99":     {unit: "s", max: 0.020},
		"breakdown.former_province.known_past.p99":    {unit: "s", max: 0.020},
		"breakdown.former_province.identical_to_rows": {unit: "of 5", min: 5},
		"explain.ocop_valid.first_page.p99":           {unit: "s", max: 0.020},
		"explain.ocop_valid.stream.rate":              {unit: "items/s", min: 200000},
		"explain.ocop_valid.p50":                      {unit: "s"},
		"expiring.30_days.max_of_5":                   {unit: "s", max: 0.010},
		"sqlite.figures.known_past.p99":               {unit: "s"},
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
	if got["log.entries"].Value < 2000 {
		t.Errorf("log.entries %v, want the 2,000 entries generated or more", got["log.entries"].Value)
	}
}
