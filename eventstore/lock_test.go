package eventstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// Two stores on one data directory would both hand out the same positions: the second Open is
// refused at once with a typed error naming the holder, and the directory is free again once the
// first store is closed.
func TestSecondOpenOfDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	first := storetest.MustOpenStore(t, func(c *eventstore.Config) { c.DataDir = dir })
	if _, err := first.Append(ctxOf(t), "product.p1", 0, storetest.Event("kept")); err != nil {
		t.Fatal(err)
	}
	second, err := eventstore.Open(ctxOf(t), eventstore.Config{DataDir: dir})
	if err == nil {
		second.Close()
		t.Fatal("a second Open of the same data directory succeeded")
	}
	var locked *eventstore.LockedError
	if !errors.As(err, &locked) || !errors.Is(err, eventstore.ErrLocked) {
		t.Fatalf("second Open: err = %v (%T), want a *LockedError", err, err)
	}
	if locked.PID != os.Getpid() || locked.DataDir != dir {
		t.Errorf("LockedError = %+v, want pid %d and dir %s", locked, os.Getpid(), dir)
	}
	b, _ := os.ReadFile(filepath.Join(dir, eventstore.LockFile))
	if string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Errorf("lock file holds %q", b)
	}
	// The refused Open touched nothing: the first store still appends after its entry.
	res, err := first.Append(ctxOf(t), "product.p1", 1, storetest.Event("after"))
	if err != nil || res.LastSequence != 2 {
		t.Fatalf("append after the refused open: %+v, %v", res, err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := eventstore.Open(ctxOf(t), eventstore.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	defer again.Close()
	if n, err := again.LastSequence(ctxOf(t)); err != nil || n != 2 {
		t.Errorf("reopened ledger holds %d entries (%v), want 2", n, err)
	}
}
