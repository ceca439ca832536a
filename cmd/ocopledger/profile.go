package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfile writes a CPU profile to $OCOPLEDGER_CPUPROFILE while the command runs, and a heap
// profile to $OCOPLEDGER_MEMPROFILE when it ends (for measuring the rebuild and the server; see
// bench/), or $OCOPLEDGER_MEMPROFILE_AFTER (a duration such as 8s) after it starts, to see what a
// long command holds in the middle of its work. It returns the function that stops them.
func startProfile() func() {
	if after, err := time.ParseDuration(os.Getenv("OCOPLEDGER_MEMPROFILE_AFTER")); err == nil && os.Getenv("OCOPLEDGER_MEMPROFILE") != "" {
		path := os.Getenv("OCOPLEDGER_MEMPROFILE")
		time.AfterFunc(after, func() {
			runtime.GC()
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		})
		return startCPUProfile(os.Getenv("OCOPLEDGER_CPUPROFILE"))
	}
	if path := os.Getenv("OCOPLEDGER_MEMPROFILE"); path != "" {
		cpu := startCPUProfile(os.Getenv("OCOPLEDGER_CPUPROFILE"))
		return func() {
			cpu()
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}
	}
	return startCPUProfile(os.Getenv("OCOPLEDGER_CPUPROFILE"))
}

func startCPUProfile(path string) func() {
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
