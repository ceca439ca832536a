package userfile_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// A file is written under its .partial name and has its own name only once complete.
func TestWriteNamesTheFileOnceComplete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	err := userfile.Write("out", path, nil, func(w io.Writer) error {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists before it is complete (%v)", path, err)
		}
		if _, err := os.Stat(path + ".partial"); err != nil {
			t.Errorf("no %s.partial while writing: %v", path, err)
		}
		_, err := io.WriteString(w, "a,b\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a,b\n" {
		t.Errorf("%s = %q, %v; want %q", path, b, err, "a,b\n")
	}
	if _, err := os.Stat(path + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s.partial left behind: %v", path, err)
	}
}

// A write that fails leaves neither the file nor its partial copy, and an older file is kept.
func TestWriteThatFailsLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.ndjson")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := userfile.Write("out", path, nil, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v; want the writer's", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("%s = %q; want the older file kept", path, b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left: %v; want only the older file", entries)
	}
}

// A folder, or a folder that does not exist, is refused naming the option; "" is the standard
// output.
func TestWriteRefusalsAndStd(t *testing.T) {
	dir := t.TempDir()
	never := func(io.Writer) error { t.Error("write called"); return nil }
	if err := userfile.Write("out", dir, nil, never); domain.ErrorField(err) != "out" {
		t.Errorf("a folder: %v; want an error on field out", err)
	}
	if err := userfile.Write("hashes", filepath.Join(dir, "no", "such.txt"), nil, never); domain.ErrorField(err) != "hashes" {
		t.Errorf("a missing folder: %v; want an error on field hashes", err)
	}
	var std bytes.Buffer
	if err := userfile.Write("out", "", &std, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil || std.String() != "x" {
		t.Errorf("std: %q, %v", std.String(), err)
	}
}
