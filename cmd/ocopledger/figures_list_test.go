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
