package main

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// gcTrace passes a child's standard error on to w, except the lines its collector writes with
// GODEBUG=gctrace=1, from which it keeps the largest heap marked live at the end of a cycle: the
// peak live heap of the process (to the MiB the runtime prints).
type gcTrace struct {
	w    io.Writer
	line []byte
	peak int64 // bytes
}

// liveMB reads "4->5->2 MB" of a gctrace line: heap at the start, at the end, and marked live.
var liveMB = regexp.MustCompile(`(\d+)->(\d+)->(\d+) MB`)

func (g *gcTrace) Write(p []byte) (int, error) {
	g.line = append(g.line, p...)
	for {
		i := bytes.IndexByte(g.line, '\n')
		if i < 0 {
			return len(p), nil
		}
		l := g.line[:i+1]
		if bytes.HasPrefix(l, []byte("gc ")) {
			if m := liveMB.FindSubmatch(l); m != nil {
				if mb, err := strconv.ParseInt(string(m[3]), 10, 64); err == nil {
					g.peak = max(g.peak, mb<<20)
				}
			}
		} else if _, err := g.w.Write(l); err != nil {
			return len(p), err
		}
		g.line = g.line[i+1:]
	}
}

// withGCTrace is env with the collector's trace turned on in the child, beside whatever
// GODEBUG this process's environment or env already set (the last of a key wins in os/exec).
func withGCTrace(env []string) []string {
	debug := ""
	for _, kv := range append(os.Environ(), env...) {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			debug = v
		}
	}
	if debug != "" {
		debug += ","
	}
	return append(env, "GODEBUG="+debug+"gctrace=1")
}
