package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// smallDisk mounts a tmpfs of size bytes on a fresh directory and unmounts it when the test
// ends; the test is skipped where mounting is not permitted (it needs root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("a full disk is tested on a small tmpfs, and mounting one is not permitted here (it needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		// Something may still be closing files on it: try again, then detach it anyway so that
		// no mount outlives the test.
		var out []byte
		var err error
		for range 20 {
			if out, err = exec.Command("umount", dir).CombinedOutput(); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		exec.Command("umount", "-l", dir).Run()
		t.Errorf("umount %s: %v %s", dir, err, out)
	})
	return dir
}

// fillDisk writes a file in dir until the disk is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 64<<10)
	for {
		if _, err := f.Write(block); err != nil {
			break
		}
	}
	for _, n := range []int{4096, 512, 1} { // the last pages
		for {
			if _, err := f.Write(block[:n]); err != nil {
				break
			}
		}
	}
	return path
}

// appendTimed appends one event and says how long it took.
func appendTimed(s *eventstore.Store, stream, id string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.Append(ctx, stream, eventstore.AnyVersion, storetest.Event(id))
	return time.Since(start), err
}

// checkKept reads the whole log and checks that every acknowledged id is in it exactly once.
func checkKept(t *testing.T, s *eventstore.Store, acked []string) {
	t.Helper()
	seen := map[string]int{}
	if err := s.Read(ctxOf(t), 1, func(e eventstore.Envelope) error { seen[e.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, id := range acked {
		if seen[id] != 1 {
			t.Errorf("acknowledged entry %s is in the log %d times, want once", id, seen[id])
		}
	}
}

// On a full disk an append fails at once with ErrStorageFull, CheckStorage says so, and once
// space is freed appends work again without reopening the store; nothing acknowledged is lost.
func TestFullDiskRefusesAppendsAndRecovers(t *testing.T) {
	disk := smallDisk(t, "16m")
	s := storetest.MustOpenStore(t, func(c *eventstore.Config) { c.DataDir = filepath.Join(disk, "data") })
	var acked []string
	for i := range 20 {
		id := fmt.Sprintf("before-%d", i)
		if _, err := appendTimed(s, "product.p1", id); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, id)
	}
	if err := s.CheckStorage(); err != nil {
		t.Fatalf("CheckStorage with room on the disk: %v", err)
	}
	filler := fillDisk(t, disk)
	took, err := appendTimed(s, "product.p1", "on-full-disk")
	var full *eventstore.StorageFullError
	if !errors.As(err, &full) || !errors.Is(err, eventstore.ErrStorageFull) {
		t.Fatalf("append on a full disk: %v, want a *StorageFullError", err)
	}
	if took > 2*time.Second {
		t.Errorf("append on a full disk took %s to fail, want at most 2 s", took)
	}
	t.Logf("on a full disk: %v (after %s)", err, took.Round(time.Millisecond))
	if err := s.CheckStorage(); !errors.Is(err, eventstore.ErrStorageFull) {
		t.Errorf("CheckStorage on a full disk: %v, want ErrStorageFull", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckStorage(); err != nil {
		t.Errorf("CheckStorage once space is freed: %v", err)
	}
	for i := range 5 {
		id := fmt.Sprintf("after-%d", i)
		if _, err := appendTimed(s, "product.p1", id); err != nil {
			t.Fatalf("append once space is freed: %v", err)
		}
		acked = append(acked, id)
	}
	checkKept(t, s, acked)
}

// With the reserve switched off the broker itself meets the full disk: nats-server leaves the
// publish unanswered and keeps failing the stream. The append still fails within 2 s with
// ErrStorageFull, and once space is freed the store restarts JetStream and appends work again.
func TestBrokerWriteFailureOnFullDiskRecovers(t *testing.T) {
	disk := smallDisk(t, "16m")
	cfg := func(c *eventstore.Config) { c.DataDir, c.MinFreeBytes = filepath.Join(disk, "data"), -1 }
	s := storetest.MustOpenStore(t, cfg)
	var acked []string
	for i := range 20 {
		id := fmt.Sprintf("before-%d", i)
		if _, err := appendTimed(s, "product.p1", id); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, id)
	}
	filler := fillDisk(t, disk)
	// The first appends may still fit in pages the log's file already has.
	var failed error
	for i := 0; failed == nil && i < 200; i++ {
		id := fmt.Sprintf("filling-%d", i)
		took, err := appendTimed(s, "product.p1", id)
		switch {
		case err == nil:
			acked = append(acked, id)
		case errors.Is(err, eventstore.ErrStorageFull):
			failed = err
			if took > 2*time.Second {
				t.Errorf("append on a full disk took %s to fail, want at most 2 s", took)
			}
			t.Logf("after %d more appends: %v (after %s)", i, err, took.Round(time.Millisecond))
		default:
			t.Fatalf("append %s on a full disk: %v, want ErrStorageFull", id, err)
		}
	}
	if failed == nil {
		t.Fatal("200 appends on a full disk all succeeded")
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// The restart of JetStream is spaced out: retry as a client told 507 does.
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; i < 5; {
		id := fmt.Sprintf("after-%d", i)
		_, err := appendTimed(s, "product.p1", id)
		if err == nil {
			acked = append(acked, id)
			i++
			continue
		}
		if !errors.Is(err, eventstore.ErrStorageFull) && !errors.Is(err, eventstore.ErrUnavailable) || time.Now().After(deadline) {
			t.Fatalf("append once space is freed: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := s.CheckStorage(); err != nil {
		t.Errorf("CheckStorage once space is freed: %v", err)
	}
	checkKept(t, s, acked)
	// And after a restart of the process.
	c := s.Config()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := eventstore.Open(ctxOf(t), c)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkKept(t, s2, acked)
}
