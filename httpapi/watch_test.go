package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/syncbuf"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// runWatcher runs w until its output holds lines lines, and returns the output and the notices.
func runWatcher(t *testing.T, w httpapi.Watcher, lines int) (string, string) {
	t.Helper()
	var out, notices syncbuf.Buffer
	w.Out, w.Notices = &out, &notices
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	for deadline := time.Now().Add(10 * time.Second); strings.Count(out.String(), "\n") < lines; {
		if time.Now().After(deadline) {
			t.Fatalf("watch printed %q (notices %q) within 10 s; want %d lines", out.String(), notices.String(), lines)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after its context ended, want nil", err)
	}
	return out.String(), notices.String()
}

// The watch prints a line per event of the server's stream, its text or its JSON; where no server
// can be reached it says so and follows the ledger itself, with the same lines.
func TestWatcherServerOrLedger(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	a := e.record("ocop.certified", cert("w-1", 4, "2024-01-01"))
	e.record("ocop.certified", cert("w-2", 4, "2024-01-01"))
	e.waitApplied()
	noLedger := func() (*ledger.Ledger, error) {
		t.Error("the ledger opened while the server answers")
		return nil, fmt.Errorf("no")
	}
	w := httpapi.Watcher{Watch: httpapi.Watch{Stream: "product.w-1", Since: 0}, Client: httpapi.Client{Server: e.URL, Token: viewerToken, Lang: "en"}, Ledger: noLedger}
	text, notices := runWatcher(t, w, 1)
	if want := fmt.Sprintf("#%d  ", a.Sequence); !strings.HasPrefix(text, want) || !strings.Contains(text, "ocop.certified") ||
		!strings.Contains(text, "product.w-1  by ruby") || strings.Contains(text, "w-2") || notices != "" {
		t.Errorf("from the server: %q, notices %q; want the line of w-1's event at %d", text, notices, a.Sequence)
	}
	w.JSON = true
	if js, _ := runWatcher(t, w, 1); !strings.Contains(js, `"stream":"product.w-1"`) || strings.Contains(js, "w-2") {
		t.Errorf("JSON from the server: %q", js)
	}

	w.Client.Server, w.JSON = "http://127.0.0.1:1", false
	w.Ledger = func() (*ledger.Ledger, error) { return e.Ledger, nil }
	direct, notices := runWatcher(t, w, 1)
	if direct != text || notices != "(no server at http://127.0.0.1:1; following the log directly)\n" {
		t.Errorf("from the ledger: %q, notices %q; want %q and the notice", direct, notices, text)
	}
	w.Watch = httpapi.Watch{Figures: true, AsOf: "2024-06-01", Since: 0}
	w.Client.Lang = "vi"
	w.Figures = func() (*projections.Projection, error) { return e.Proj, nil }
	figures, notices := runWatcher(t, w, 2)
	if !strings.HasPrefix(figures, "#1  số liệu ngày 01/06/2024  ") || !strings.Contains(figures, ": 0 → 1") ||
		!strings.Contains(figures, "\n#2  ") || !strings.Contains(figures, ": 1 → 2") || !strings.Contains(notices, "theo dõi trực tiếp sổ cái") {
		t.Errorf("figures from the ledger: %q, notices %q", figures, notices)
	}
}
