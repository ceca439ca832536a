package datadir_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
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

// Who may use the API is settled before anything is opened: an API open to all (no tokens) on
// an address others reach is refused with the data folder left untouched; a wrong witness key is
// named once the ledger is open.
func TestServeChecksAccessFirst(t *testing.T) {
	dir := t.TempDir()
	n := datadir.Open(datadir.Options{Dir: datadir.Dir{Path: dir}, Create: true, Logger: slog.New(slog.DiscardHandler)})
	defer n.Close()
	err := n.Serve(t.Context(), datadir.ServeOptions{Access: httpapi.Access{Addr: "0.0.0.0:0"}})
	if domain.ErrorField(err) != "addr" || n.Opened() != nil {
		t.Fatalf("no tokens on 0.0.0.0: %v (store opened: %v), want an error naming addr before opening", err, n.Opened() != nil)
	}
	if _, err := os.Stat(filepath.Join(dir, datadir.StoreFolder)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the store's folder was made: %v", err)
	}
	err = n.Serve(t.Context(), datadir.ServeOptions{Access: httpapi.Access{Addr: "127.0.0.1:0"}, WitnessKeys: []string{"not a key"}})
	if domain.ErrorField(err) != "witness-key" || n.Opened() == nil {
		t.Errorf("a wrong witness key: %v (store opened: %v), want it named", err, n.Opened() != nil)
	}
}
