package projections

import (
	"runtime"
	"testing"
)

// Above the mark, the releaser drops the mapped file only once releaseGain more of it is mapped
// than when the catch-up began: a process whose heap alone is above the mark (the rebuild with
// the broker embedded) does not drop every page at every look.
func TestReleaseOnlyWhatGrew(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		total, grown int64
		want         bool
	}{
		{total: 200 * mb, grown: 100 * mb, want: false}, // below the mark
		{total: 900 * mb, grown: 0, want: false},        // the heap alone above it
		{total: 900 * mb, grown: 31 * mb, want: false},
		{total: 900 * mb, grown: 32 * mb, want: true},
		{total: 260 * mb, grown: 40 * mb, want: true},
	} {
		if got := worthReleasing(c.total, c.grown, 224*mb, 32*mb); got != c.want {
			t.Errorf("resident %d MiB, of the file %d MiB more: release %v, want %v", c.total/mb, c.grown/mb, got, c.want)
		}
	}
	if runtime.GOOS == "linux" {
		total, file, ok := resident()
		if !ok || total <= 0 || file <= 0 || file > total {
			t.Errorf("resident() = %d, %d, %v: want the process's resident memory and its file-backed part", total, file, ok)
		}
	}
}
