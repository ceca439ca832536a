package storetest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Damage to a closed store's files, as a failing disk or a careless hand does it: the tests of
// what readers do with a store that cannot give back every entry. storeDir is the
// eventstore.Config DataDir; nats-server keeps a stream's messages in numbered blocks
// (jetstream/<account>/streams/<stream>/msgs/N.blk) and the stream's state in index.db beside
// them (older servers kept an N.idx per block too).

// MsgDir returns the folder holding the message blocks of stream.
func MsgDir(tb testing.TB, storeDir, stream string) string {
	tb.Helper()
	dirs, err := filepath.Glob(filepath.Join(storeDir, "jetstream", "*", "streams", stream, "msgs"))
	if err != nil || len(dirs) != 1 {
		tb.Fatalf("the message folder of stream %s in %s: found %v (%v)", stream, storeDir, dirs, err)
	}
	return dirs[0]
}

// Blocks returns the message block files of stream in order.
func Blocks(tb testing.TB, storeDir, stream string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(MsgDir(tb, storeDir, stream), "*.blk"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no message blocks of stream %s in %s (%v)", stream, storeDir, err)
	}
	index := func(f string) int {
		n, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".blk"))
		return n
	}
	slices.SortFunc(files, func(a, b string) int { return index(a) - index(b) })
	return files
}

// FlipInMessage changes one byte inside the first stored message that holds marker (e.g.
// `"id":"evt-150"`), so that its checksum no longer matches: nats-server then cannot read it.
func FlipInMessage(tb testing.TB, storeDir, stream, marker string) {
	tb.Helper()
	for _, f := range Blocks(tb, storeDir, stream) {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		i := bytes.Index(b, []byte(marker))
		if i < 0 {
			continue
		}
		b[i+len(marker)/2] ^= 0x20
		if err := os.WriteFile(f, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	tb.Fatalf("no message block of stream %s holds %q", stream, marker)
}

// RemoveIndex deletes the stream's state file (index.db) and any per-block index (*.idx), so
// that nats-server rebuilds the stream's state from the blocks when it opens them.
func RemoveIndex(tb testing.TB, storeDir, stream string) {
	tb.Helper()
	dir := MsgDir(tb, storeDir, stream)
	idx, _ := filepath.Glob(filepath.Join(dir, "*.idx"))
	removed := 0
	for _, f := range append(idx, filepath.Join(dir, "index.db")) {
		if err := os.Remove(f); err == nil {
			removed++
		} else if !os.IsNotExist(err) {
			tb.Fatal(err)
		}
	}
	if removed == 0 {
		tb.Fatalf("no index of stream %s in %s", stream, dir)
	}
}

// TruncateLastBlock cuts n bytes off the end of the stream's last message block, as a crash
// during a write or a full disk leaves it.
func TruncateLastBlock(tb testing.TB, storeDir, stream string, n int64) {
	tb.Helper()
	blocks := Blocks(tb, storeDir, stream)
	last := blocks[len(blocks)-1]
	st, err := os.Stat(last)
	if err != nil {
		tb.Fatal(err)
	}
	if st.Size() < n {
		tb.Fatalf("%s holds %d bytes, fewer than the %d to cut", last, st.Size(), n)
	}
	if err := os.Truncate(last, st.Size()-n); err != nil {
		tb.Fatal(err)
	}
}
