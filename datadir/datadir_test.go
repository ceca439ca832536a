package datadir_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// openStore opens the embedded store of d until the test ends.
func openStore(t *testing.T, d datadir.Dir) *eventstore.Store {
	t.Helper()
	return storetest.MustOpenStore(t, func(c *eventstore.Config) { c.DataDir = d.StorePath() })
}

func appendN(t *testing.T, s *eventstore.Store, n int) {
	t.Helper()
	for i := range n {
		if _, err := s.Append(t.Context(), "product.d", eventstore.AnyVersion, eventstore.Proposed{
			ID: fmt.Sprintf("d-%d-%p", i, s), Type: "test.noted", Schema: 1, Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
}

func wantCode(t *testing.T, err error, code domain.Code, text string) {
	t.Helper()
	if domain.ErrorCode(err) != code || !strings.Contains(fmt.Sprint(err), text) {
		t.Fatalf("got %v, want a %s error saying %q", err, code, text)
	}
}

// A data directory records the stream it opened first and how far its read models read; the
// same directory then refuses a log created again in its place, and a record of history is
// never shortened.
func TestHistoryRecordsTheLogAndRefusesAnotherInItsPlace(t *testing.T) {
	ctx := t.Context()
	d := datadir.Dir{Path: filepath.Join(t.TempDir(), "data")}
	h, err := d.LoadHistory(nil)
	if err != nil || !h.None() {
		t.Fatalf("a new data directory: %+v %v", h.Known(), err)
	}
	s := openStore(t, d)
	if err := h.Check(ctx, s, false, false); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 3)
	p, err := projections.Open(d.ReadModelPath(), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.CatchUp(ctx, ledger.New(s, nil), nil); err != nil {
		t.Fatal(err)
	}
	if err := h.Record(p); err != nil {
		t.Fatal(err)
	}
	known, _, err := d.LoadKnown()
	if err != nil || known.Size != 3 || known.Created.IsZero() || known.By != domain.KnownByDataDir {
		t.Fatalf("%s after three entries: %+v %v", datadir.HistoryFile, known, err)
	}
	// A shorter record is not written over a longer one, unless on purpose.
	if err := d.SaveKnown(domain.KnownHistory{Size: 1, Created: known.Created}, false); err != nil {
		t.Fatal(err)
	}
	if again, _, _ := d.LoadKnown(); again.Size != 3 {
		t.Fatalf("the record shrank to %d entries", again.Size)
	}
	h, err = d.LoadHistory(nil)
	if err != nil || h.None() {
		t.Fatalf("the data directory forgot its log: %+v %v", h.Known(), err)
	}
	if err := h.Check(ctx, s, false, false); err != nil {
		t.Fatalf("the same log: %v", err)
	}
	// Another log in its place: created at another time.
	other := storetest.MustOpenStore(t)
	appendN(t, other, 4)
	wantCode(t, h.Check(ctx, other, false, false), domain.CodeHistoryMismatch, "deleted and created again")
	wantCode(t, h.OpenError(fmt.Errorf("open: %w", errStreamNotFound(t)), "the data folder"), domain.CodeHistoryMismatch, "shows 3 entries of it")
	// A new ledger on purpose forgets the history and what the read models held.
	p.Close()
	if err := h.Check(ctx, other, true, false); err != nil {
		t.Fatal(err)
	}
	if known, _, _ := d.LoadKnown(); known.Size != 0 || known.Stream == "" {
		t.Fatalf("after a new ledger: %+v", known)
	}
}

// errStreamNotFound is what opening a store without its stream returns (the stream not created).
func errStreamNotFound(t *testing.T) error {
	t.Helper()
	_, err := eventstore.Open(t.Context(), eventstore.Config{DataDir: t.TempDir(), NoCreate: true})
	if err == nil {
		t.Fatal("a store without its stream opened")
	}
	return err
}

// A record of history that cannot be read is said to be damaged, naming the file.
func TestDamagedHistoryFileIsNamed(t *testing.T) {
	d := datadir.Dir{Path: t.TempDir()}
	if err := os.WriteFile(d.HistoryPath(), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := d.LoadHistory(nil)
	wantCode(t, err, domain.CodeInternal, d.HistoryPath()+" is damaged")
}

// A data directory held by a running serve: a second open is refused as a conflict that says how
// to reach the ledger instead, and once serve's note is gone, who holds it.
func TestLockedErrorSaysHowToReachTheLedger(t *testing.T) {
	d := datadir.Dir{Path: t.TempDir()}
	openStore(t, d)
	_, err := eventstore.Open(context.Background(), eventstore.Config{DataDir: d.StorePath()})
	remove, werr := d.WriteServeInfo(datadir.ServeInfo{PID: os.Getpid(), HTTP: "http://127.0.0.1:8080"})
	if werr != nil {
		t.Fatal(werr)
	}
	wantCode(t, d.LockedError(err), domain.CodeConflict, "use the API at http://127.0.0.1:8080")
	remove()
	wantCode(t, d.LockedError(err), domain.CodeConflict, fmt.Sprintf("in use by another ocopledger process (pid %d)", os.Getpid()))
}

// The NATS readers' credentials are made once, readable by their owner only, and read again; a
// file others may read is refused.
func TestListenUsersMakesTheReaderFileOnce(t *testing.T) {
	d := datadir.Dir{Path: filepath.Join(t.TempDir(), "data")}
	users, file, err := d.ListenUsers("")
	if err != nil || len(users) != 1 || file == "" {
		t.Fatalf("%v %s %v", users, file, err)
	}
	again, _, err := d.ListenUsers("")
	if err != nil || again[0] != users[0] {
		t.Fatalf("read again: %v %v, want %v", again, err, users)
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = d.ListenUsers("")
	wantCode(t, err, domain.CodeInvalid, "may be read by other users of this machine")
	_, _, err = d.ListenUsers("reader:short")
	wantCode(t, err, domain.CodeInvalid, "16 characters or more")
}

// Why a store cannot be opened is said for a clerk: nothing to read in a data directory opened
// read-only, or the folder owned by another process (a conflict).
func TestStoreErrorSaysWhy(t *testing.T) {
	d := datadir.Dir{Path: t.TempDir()}
	cfg := eventstore.Config{DataDir: d.StorePath(), ReadOnly: true}
	_, err := eventstore.Open(t.Context(), cfg)
	wantCode(t, d.StoreError(err, cfg), domain.CodeNotFound, "there is no ledger in "+d.Path+" to read")
	openStore(t, d)
	cfg.ReadOnly = false
	_, err = eventstore.Open(t.Context(), cfg)
	wantCode(t, d.StoreError(err, cfg), domain.CodeConflict, "is in use by another ocopledger process")
}
