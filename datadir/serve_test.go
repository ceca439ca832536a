package datadir_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/internal/syncbuf"
)

// The first part that fails stops the others; serve returns its error, named by its part, and
// logs which part it was. A part that ends with its context is no failure.
func TestRunPartsFirstFailureStopsTheRest(t *testing.T) {
	var logs syncbuf.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	stopped := make(chan string, 3)
	waits := func(name string) func(context.Context) error {
		return func(ctx context.Context) error { <-ctx.Done(); stopped <- name; return ctx.Err() }
	}
	boom := errors.New("boom")
	done := make(chan error, 1)
	go func() {
		done <- datadir.RunParts(t.Context(), log, []datadir.Part{
			{"api", waits("api")},
			{"reactive", func(context.Context) error { return boom }},
			{"http", waits("http")},
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) || err.Error() != "reactive: boom" {
			t.Errorf("runParts = %v, want reactive: boom", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("runParts did not return after a part failed")
	}
	if len(stopped) != 2 {
		t.Errorf("%d parts stopped, want the 2 others", len(stopped))
	}
	if l := logs.String(); !strings.Contains(l, `msg="serve: a part failed; stopping" part=reactive err=boom`) {
		t.Errorf("the log does not name the part that failed:\n%s", l)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := datadir.RunParts(ctx, log, []datadir.Part{{"api", waits("api")}}); err != nil {
		t.Errorf("runParts after its context ended = %v, want nil", err)
	}
}
