// Package progress draws a progress bar on a terminal for the long commands (rebuilding the read
// models); written anywhere else (a file, a pipe, a test's buffer) it stays silent.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Bar is a progress bar on one line, redrawn at most every 100 ms and only once the work has
// taken 300 ms, so that quick work shows nothing.
type Bar struct {
	w       io.Writer
	label   string
	tty     bool
	start   time.Time
	last    time.Time
	started bool
}

// Options say what a bar shows.
type Options struct {
	// Label is written before the bar, in the reader's language.
	Label string
	// Always draws the bar even when w is not a terminal (rebuild -v).
	Always bool
}

// New returns a bar that writes to w if w is a terminal (or o.Always).
func New(w io.Writer, o Options) *Bar {
	tty := o.Always
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &Bar{w: w, label: o.Label, tty: tty, start: time.Now()}
}

// Update shows done of total, with the rate since the bar was made.
func (b *Bar) Update(done, total uint64) {
	if !b.tty || total == 0 || time.Since(b.last) < 100*time.Millisecond && done < total {
		return
	}
	if !b.started && time.Since(b.start) < 300*time.Millisecond && done < total {
		return
	}
	b.started = true
	b.last = time.Now()
	const width = 30
	n := int(float64(width) * float64(done) / float64(total))
	rate := float64(done) / time.Since(b.start).Seconds()
	fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d (%.0f/s) ", b.label, strings.Repeat("█", n), strings.Repeat("·", width-n), done, total, rate)
}

// Done ends the bar's line, if it drew one.
func (b *Bar) Done() {
	if b.started {
		fmt.Fprintln(b.w)
	}
}
