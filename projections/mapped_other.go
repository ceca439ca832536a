//go:build !linux

package projections

import bolt "go.etcd.io/bbolt"

// releaseMapped is a no-op where madvise's semantics for shared file mappings are not those of
// Linux (see mapped_linux.go).
func (p *Projection) releaseMapped() {}

func whileReleasingMapped(_ *bolt.Tx, fn func() error) error { return fn() }

var releaseAbove int64

func residentAbove(int64) bool { return false }
