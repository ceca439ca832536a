//go:build !linux

package projections

// releaseMapped is a no-op where madvise's semantics for shared file mappings are not those of
// Linux (see mapped_linux.go).
func (p *Projection) releaseMapped() {}

var releaseAbove, releaseGain int64

func resident() (total, file int64, ok bool) { return 0, 0, false }
