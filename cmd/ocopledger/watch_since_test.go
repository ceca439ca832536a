package main

import (
	"strings"
	"testing"
)

// watch --since a position the log does not have is refused (exit 2, naming --since and the
// end), as the server refuses it, instead of waiting in silence.
func TestWatchSinceBeyondTheEnd(t *testing.T) {
	dir := t.TempDir()
	if c, _, errs := run(t, dir, servePayload, "record", "ocop.certified"); c != 0 {
		t.Fatalf("record: exit %d %s", c, errs)
	}
	code, _, errs := run(t, dir, "", "watch", "--server", "http://127.0.0.1:1", "--since", "5", "--lang", "en")
	if code != 2 || !strings.Contains(errs, "since: 5 is beyond the end of the log (position 1)") {
		t.Errorf("watch --since 5 over a log of 1: exit %d %q, want 2 naming since and the end", code, errs)
	}
}
