//go:build !linux

package projections

// releaseMapped is a no-op where madvise's semantics for shared file mappings are not those of
// Linux (see mapped_linux.go).
func (p *Projection) releaseMapped() {}

var releaseAbove int64

func residentAbove(int64) bool { return false }
