package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/domain"
)

// runDemoCommand runs `ocopledger demo` on dir and returns its decoded --json output.
func runDemoCommand(t *testing.T, dir string, extra ...string) (demo.Comparison, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	m := NewMain(strings.NewReader(""), &out, &errOut)
	start := time.Now()
	code := m.Run(ctx, append([]string{"demo", "--data", dir}, extra...))
	took := time.Since(start)
	if err := m.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if code != 0 {
		t.Fatalf("ocopledger demo exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	var res demo.Comparison
	if len(extra) > 0 && extra[0] == "--json" {
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("demo --json printed no JSON (%v):\n%s", err, out.String())
		}
	} else {
		res.Figures = nil
		t.Logf("text output:\n%s", out.String())
		res.Report = out.String()
	}
	return res, took
}

func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo into JetStream")
	}
	dir := t.TempDir()
	first, took := runDemoCommand(t, dir, "--json")
	t.Logf("first run: %d entries recorded in %v (%d appends); the command took %v", first.Loaded.Recorded, first.Loaded.Elapsed, first.Loaded.Appends, took)
	if first.Loaded.Recorded != first.Loaded.Entries || first.LastSequence != uint64(first.Loaded.Entries) {
		t.Fatalf("first run recorded %d of %d entries; the log ends at %d", first.Loaded.Recorded, first.Loaded.Entries, first.LastSequence)
	}

	want := demo.ReportFigures()
	if len(first.Figures) != len(domain.Figures()) {
		t.Fatalf("%d figures printed, want the %d of domain.Figures", len(first.Figures), len(domain.Figures()))
	}
	differ := map[string]bool{}
	for _, f := range first.Figures {
		if f.Report != want[f.ID] {
			t.Errorf("%s: the report column says %d, Công văn 470 states %d", f.ID, f.Report, want[f.ID])
		}
		if f.KnownThen != want[f.ID] || !f.Match {
			t.Errorf("%s on 07/08/2025 as known then = %d (match %v), the report states %d", f.ID, f.KnownThen, f.Match, want[f.ID])
		}
		if f.KnownNow != f.KnownThen {
			differ[f.ID] = true
		}
	}
	if len(differ) < 3 {
		t.Errorf("%d figures differ as known now (%v); want at least 3", len(differ), differ)
	}
	for _, c := range first.Changes {
		if !differ[c.Figure] || len(c.Entries) == 0 {
			t.Errorf("change of %s (%d → %d) names %d entries; want a figure that differs, with the entries that explain it", c.Figure, c.Before, c.After, len(c.Entries))
		}
		for _, e := range c.Entries {
			if !e.RecordedAt.After(demo.ReportKnownAt()) {
				t.Errorf("%s is explained by %s, recorded %s, before the report", c.Figure, e.ID, e.RecordedAt)
			}
		}
	}
	if len(first.Changes) != len(differ) {
		t.Errorf("%d changes explained, %d figures differ", len(first.Changes), len(differ))
	}

	// Again: nothing is stored twice.
	second, _ := runDemoCommand(t, dir, "--json")
	if second.Loaded.Recorded != 0 || second.Loaded.Skipped != second.Loaded.Entries {
		t.Errorf("second run recorded %d and skipped %d of %d entries; want nothing recorded", second.Loaded.Recorded, second.Loaded.Skipped, second.Loaded.Entries)
	}
	if second.LastSequence != first.LastSequence {
		t.Errorf("second run moved the log from %d to %d", first.LastSequence, second.LastSequence)
	}

	// The table says so too.
	text, _ := runDemoCommand(t, dir, "--lang", "en")
	for _, w := range []string{"nothing new was stored", "ocop.valid.stars4", "642", "≠", "✓", "ocop.certified", "correction.retracted"} {
		if !strings.Contains(text.Report, w) {
			t.Errorf("the table does not contain %q", w)
		}
	}
}
