package i18n

import (
	"strings"
	"testing"
)

// Every help text comes back from the catalogue as the table wrote it, in both languages, the
// shell's "${…}" included; a command's own flag description wins over the shared one.
func TestHelpTextsAreInTheCatalogue(t *testing.T) {
	if buildErr != nil {
		t.Fatalf("building the catalogue: %v", buildErr)
	}
	entries := helpEntries()
	if len(entries) < 200 {
		t.Fatalf("%d help texts; the table is not read", len(entries))
	}
	for key, want := range entries {
		if vi, ok := format("vi", key); !ok || vi != want.vi {
			t.Errorf("Vietnamese of %s: %q, %v; want %q", key, vi, ok, want.vi)
		}
		if en, ok := format("en", key); !ok || en != want.en {
			t.Errorf("English of %s: %q, %v; want %q", key, en, ok, want.en)
		}
	}
	if ex := Command("en", "completion").Example; !strings.Contains(ex, `"${fpath[1]}/_ocopledger"`) {
		t.Errorf("completion's example lost the shell's ${…}: %q", ex)
	}
	if got, want := Flag("en", "timeline", "from"), commands["timeline"].flags["from"].en; got != want || got == sharedFlags["from"].en {
		t.Errorf("timeline --from: %q; want its own %q", got, want)
	}
	if got := Flag("vi", "figures", "from"); got != sharedFlags["from"].vi {
		t.Errorf("figures --from: %q; want the shared %q", got, sharedFlags["from"].vi)
	}
	if got := Command("vi", "figures", "stars, level").Long; !strings.HasSuffix(got, "--by: stars, level") {
		t.Errorf("figures' description does not end with the dimensions given: %q", got)
	}
	if h := Command("vi", "no-such-command"); h.Use != "no-such-command" || h.Short != "" || Flag("en", "figures", "no-such-flag") != "" {
		t.Errorf("an unknown command or flag has help: %+v", h)
	}
}
