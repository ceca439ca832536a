package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// figures --list says in the clerk's language how each figure reads time.
func TestFigureListIsInTheClerksLanguage(t *testing.T) {
	for lang, kinds := range map[string][]string{"vi": {"thời điểm", "lũy kế", "trong kỳ"}, "en": {"stock", "cumulative", "flow"}} {
		var out, errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &out, &errb)
		code := m.Run(context.Background(), []string{"figures", "--list", "--lang", lang, "--data", t.TempDir()})
		m.Close()
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, errb.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(domain.Figures()) {
			t.Fatalf("%s: %d lines for %d figures:\n%s", lang, len(lines), len(domain.Figures()), out.String())
		}
		for i, f := range domain.Figures() {
			if !strings.HasPrefix(lines[i], f.ID+" ") || !strings.HasSuffix(lines[i], f.Label(lang)) {
				t.Errorf("%s: line %q does not give %s and its label %q", lang, lines[i], f.ID, f.Label(lang))
			}
		}
		for _, k := range kinds {
			if !strings.Contains(out.String(), "  "+k+"  ") {
				t.Errorf("%s: no figure of the kind %q:\n%s", lang, k, out.String())
			}
		}
	}
}

// A day before the default start of the period (01/01/2021) is a question, not a mistake: its
// flows are empty. Only a --from given after --as-of is refused.
func TestFiguresBeforeThePeriodStart(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "figures", "--data", dir, "--as-of", "30/06/2019", "--json")
	if code != 0 || !strings.Contains(out, `"ocop.valid"`) {
		t.Fatalf("figures on 30/06/2019: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := runCLI(t, "figures", "--data", dir, "--as-of", "30/06/2019", "--from", "2019-07-01"); code != 2 {
		t.Errorf("figures with --from after --as-of: exit %d, want 2", code)
	}
}
