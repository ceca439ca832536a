// Package profile writes the CPU and heap profiles of a command, when the environment asks for
// them, for measuring the rebuild and the server (bench/, docs/performance.md).
package profile

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// Options say which profiles to write.
type Options struct {
	CPU string // the CPU profile's file, written while the command runs
	// Mem is the heap profile's file: the allocations of the whole command, written when it ends,
	// or, when MemAfter > 0, the heap in use MemAfter after the start, to see what a long command
	// holds in the middle of its work.
	Mem      string
	MemAfter time.Duration
}

// FromEnv reads the options from $OCOPLEDGER_CPUPROFILE, $OCOPLEDGER_MEMPROFILE and
// $OCOPLEDGER_MEMPROFILE_AFTER (a duration such as 8s).
func FromEnv() Options {
	after, _ := time.ParseDuration(os.Getenv("OCOPLEDGER_MEMPROFILE_AFTER"))
	return Options{CPU: os.Getenv("OCOPLEDGER_CPUPROFILE"), Mem: os.Getenv("OCOPLEDGER_MEMPROFILE"), MemAfter: after}
}

// Start starts the profiles o asks for and returns the function that stops them and writes what
// is left to write. A profile that cannot be written is left out: profiling never stops a command.
func Start(o Options) (stop func()) {
	stopCPU := startCPU(o.CPU)
	switch {
	case o.Mem == "":
		return stopCPU
	case o.MemAfter > 0:
		time.AfterFunc(o.MemAfter, func() {
			runtime.GC()
			write(o.Mem, "heap")
		})
		return stopCPU
	}
	return func() {
		stopCPU()
		write(o.Mem, "allocs")
	}
}

func startCPU(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// write writes the named runtime profile to path.
func write(path, name string) {
	if f, err := os.Create(path); err == nil {
		_ = pprof.Lookup(name).WriteTo(f, 0)
		f.Close()
	}
}
