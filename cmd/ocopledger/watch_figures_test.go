package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// watch figures without a server reads the figures from the read models: one line per position
// at which a figure of the day changed, with the old and the new value, in the text and in JSON.
func TestWatchFiguresWithoutServer(t *testing.T) {
	dir := t.TempDir()
	rm := NewMain(strings.NewReader(servePayload), io.Discard, io.Discard)
	if c := rm.Run(context.Background(), []string{"record", "ocop.certified", "--data", dir}); c != 0 {
		t.Fatalf("record: exit %d", c)
	}
	rm.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "en"}, "#1  figures of 2025-08-07  OCOP products with a valid certificate (ocop.valid): 0 → 1; of which 4-star (ocop.valid.stars4): 0 → 1\n"},
		{[]string{"--json"}, `{"position":1,"as_of":"2025-08-07","changes":[{"figure":"ocop.valid","old":0,"new":1},{"figure":"ocop.valid.stars4","old":0,"new":1}]}` + "\n"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errw syncBuffer
		wm := NewMain(strings.NewReader(""), &out, &errw)
		done := make(chan int, 1)
		go func() {
			c := wm.Run(ctx, append([]string{"watch", "figures", "--data", dir, "--server", "http://127.0.0.1:1", "--since", "0", "--as-of", "07/08/2025"}, tc.args...))
			wm.Close()
			done <- c
		}()
		waitFor(t, "the figure changes", func() bool { return strings.Contains(out.String(), "\n") })
		cancel()
		if c := <-done; c != 0 {
			t.Errorf("watch %v: exit %d: %s", tc.args, c, errw.String())
		}
		if got := out.String(); got != tc.want {
			t.Errorf("watch figures %v printed\n%s\nwant\n%s", tc.args, got, tc.want)
		}
	}
}
