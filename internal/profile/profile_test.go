package profile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStartWritesTheProfilesAsked(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("OCOPLEDGER_CPUPROFILE", filepath.Join(dir, "cpu.pprof"))
	t.Setenv("OCOPLEDGER_MEMPROFILE", filepath.Join(dir, "allocs.pprof"))
	t.Setenv("OCOPLEDGER_MEMPROFILE_AFTER", "")
	o := FromEnv()
	stop := Start(o)
	if _, err := os.Stat(o.Mem); err == nil {
		t.Fatal("the allocations' profile is written before the command ends")
	}
	stop()
	for _, p := range []string{o.CPU, o.Mem} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (want a profile)", p, err)
		}
	}
}

func TestStartWritesTheHeapInTheMiddle(t *testing.T) {
	t.Setenv("OCOPLEDGER_CPUPROFILE", "")
	t.Setenv("OCOPLEDGER_MEMPROFILE", filepath.Join(t.TempDir(), "heap.pprof"))
	t.Setenv("OCOPLEDGER_MEMPROFILE_AFTER", "20ms")
	o := FromEnv()
	if o.MemAfter != 20*time.Millisecond {
		t.Fatalf("MemAfter = %v", o.MemAfter)
	}
	defer Start(o)()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if fi, err := os.Stat(o.Mem); err == nil && fi.Size() > 0 {
			return
		}
	}
	t.Errorf("no heap profile in %s while the command runs", o.Mem)
}
