package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to $OCOPLEDGER_CPUPROFILE while the command runs (for
// measuring the rebuild and the server; see bench/). It returns the function that stops it.
func startProfile() func() {
	path := os.Getenv("OCOPLEDGER_CPUPROFILE")
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
