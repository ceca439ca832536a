package datadir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// No silent loss: the data directory keeps a record of the log it has read (HistoryFile: which
// stream, created when, how many entries, the hash of the last), and every command that opens the
// log checks that the log still extends it, and what the read models hold, before it answers or
// appends anything.

// LoadKnown returns what the data directory knows of the log: HistoryFile, else (a data
// directory of an earlier version) the read models' checkpoint. inUse reports read models held
// by another process, whose knowledge could not be read.
func (d Dir) LoadKnown() (known domain.KnownHistory, inUse bool, err error) {
	b, err := os.ReadFile(d.HistoryPath())
	if err == nil {
		if err := json.Unmarshal(b, &known); err != nil {
			e := domain.Internal("%s is damaged (%v): it records the history of the log; restore it from a backup, or remove it to trust the log as it is", d.HistoryPath(), err)
			e.Err = err
			return known, false, e
		}
		known.By = domain.KnownByDataDir
		return known, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return known, false, err
	}
	if _, err := os.Stat(d.ReadModelPath()); err != nil {
		return domain.KnownHistory{}, false, nil
	}
	known, err = projections.ReadKnown(d.ReadModelPath())
	if errors.Is(err, projections.ErrInUse) {
		return known, true, nil
	}
	return known, false, err
}

// SaveKnown writes the data directory's record of the log's history, replacing it only with a
// longer one unless replace is set.
func (d Dir) SaveKnown(k domain.KnownHistory, replace bool) error {
	if !replace {
		if old, _, err := d.LoadKnown(); err == nil && old.By == domain.KnownByDataDir {
			if old.Size > k.Size || old.Size == k.Size && old.Created.Equal(k.Created) && string(old.Leaf) == string(k.Leaf) && (len(k.Root) == 0 || string(old.Root) == string(k.Root)) {
				return nil
			}
		}
	}
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	// With --nats the data directory holds only what this machine knows of the ledger (this
	// file and the read models): it may not exist yet.
	if err := d.Make(); err != nil {
		return err
	}
	// Synced before it replaces the old one (userfile.Write): a crash leaves the old or the new
	// history, never an empty file that would read as damaged.
	if err := userfile.Write("data", d.HistoryPath(), nil, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("record the log's history: %w", err)
	}
	return nil
}

// ForgetReadModels drops what the read models hold, for a new ledger started on purpose: the
// next catch-up rebuilds them from the log as it is.
func (d Dir) ForgetReadModels(log *slog.Logger) error {
	if _, err := os.Stat(d.ReadModelPath()); err != nil {
		return nil
	}
	p, err := projections.Open(d.ReadModelPath(), projections.Options{Logger: log})
	if err != nil {
		return err
	}
	if err := p.Reset(); err != nil {
		p.Close()
		return err
	}
	return p.Close()
}

// KnownEnd is how many entries known says the log s held, when it knows this stream; 0 when it
// knows nothing of it.
func KnownEnd(ctx context.Context, known domain.KnownHistory, s *eventstore.Store) (uint64, error) {
	if known.Size == 0 {
		return 0, nil
	}
	st, err := s.State(ctx)
	if err != nil {
		return 0, err
	}
	if !known.Created.IsZero() && !known.Created.Equal(st.Created) {
		return 0, nil // another stream than the one the data directory knows: read it as it is
	}
	return known.Size, nil
}

// History is what the data directory knows of the ledger's log, kept up to date as a command
// opens and reads the log.
type History struct {
	dir    Dir
	known  domain.KnownHistory
	inUse  bool
	logger *slog.Logger
}

// LoadHistory reads what the data directory knows of the log.
func (d Dir) LoadHistory(log *slog.Logger) (*History, error) {
	known, inUse, err := d.LoadKnown()
	if err != nil {
		return nil, err
	}
	return &History{dir: d, known: known, inUse: inUse, logger: log}, nil
}

// Known is what the data directory knows of the log now.
func (h *History) Known() domain.KnownHistory {
	if h == nil {
		return domain.KnownHistory{}
	}
	return h.known
}

// None reports whether nothing the data directory holds says that the log existed: a command
// that writes may then create the ledger's stream.
func (h *History) None() bool { return h.known.Size == 0 && !h.inUse }

// OpenError says why the ledger's stream could not be opened at where (the data directory or
// the NATS server), when it does not exist; nil for other errors.
func (h *History) OpenError(err error, where string) error {
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if h.known.Size > 0 {
		e := domain.HistoryMismatch("the log (stream %s) is missing from %s, but %s shows %d entries of it: ocopledger stops rather than start an empty ledger in its place; restore the stream from a backup (ocopledger restore), or start a new ledger on purpose with --new-ledger",
			eventstore.DefaultStreamName, where, h.known.By.Label(), h.known.Size)
		e.Err = err
		return e
	}
	e := domain.NotFound("there is no ledger in %s yet: ocopledger record or ocopledger serve starts one", where)
	e.Err = err
	return e
}

// NoLedgerYet reports whether err says that there is no ledger yet, and the data directory
// knows of none: commands that only read answer as of an empty log.
func (h *History) NoLedgerYet(err error) bool {
	return err != nil && h.Known().Size == 0 && domain.ErrorCode(err) == domain.CodeNotFound && errors.Is(err, jetstream.ErrStreamNotFound)
}

// Check checks that the log of s extends the history the data directory knows, and records the
// stream when the data directory knew none. newLedger forgets what the data directory and the
// read models knew (a new ledger on purpose); restoring leaves the check to AdoptRestored.
func (h *History) Check(ctx context.Context, s *eventstore.Store, newLedger, restoring bool) error {
	st, err := s.State(ctx)
	if err != nil {
		return err
	}
	if newLedger || h.known.Size == 0 {
		if h.known.By == domain.KnownByDataDir && h.known.Created.Equal(st.Created) && !newLedger {
			return nil
		}
		if newLedger {
			if err := h.dir.ForgetReadModels(h.logger); err != nil {
				return err
			}
		}
		k := domain.KnownHistory{Stream: st.Stream, Created: st.Created, By: domain.KnownByDataDir}
		h.known = k
		return h.dir.SaveKnown(k, true)
	}
	if restoring {
		return nil // checked once restored (AdoptRestored)
	}
	known := h.known
	if err := ledger.CompareHistory(known, st, func(seq uint64) ([]byte, error) { return s.BodyAt(ctx, seq) }); err != nil {
		return err
	}
	if known.Created.IsZero() {
		// Known from the read models of an earlier version: from now on, of this stream.
		known.Stream, known.Created = st.Stream, st.Created
		h.known = known
		return h.dir.SaveKnown(known, true)
	}
	return nil
}

// AdoptRestored checks, after a restore, that the restored log holds the history the data
// directory knew, and records it as the ledger's stream from now on.
func (h *History) AdoptRestored(ctx context.Context, s *eventstore.Store) error {
	if h.known.Size == 0 {
		return nil
	}
	st, err := s.State(ctx)
	if err != nil {
		return err
	}
	known := h.known
	known.Created = time.Time{} // a restored log is a new stream: what counts is what it holds
	if err := ledger.CompareHistory(known, st, func(seq uint64) ([]byte, error) { return s.BodyAt(ctx, seq) }); err != nil {
		return err
	}
	known.Stream, known.Created = st.Stream, st.Created
	h.known = known
	return h.dir.SaveKnown(known, true)
}

// Record records in the data directory what the read models p now hold of the log, tied to the
// stream the data directory knows; their tree must hold the prefix known.
func (h *History) Record(p *projections.Projection) error {
	if h.known.Created.IsZero() {
		return nil
	}
	k := p.Known()
	if len(h.known.Root) > 0 && h.known.Size > 0 && len(k.Root) > 0 && h.known.Size <= k.Size {
		// The read models' tree of the log, rebuilt or grown, must hold the prefix known.
		if err := checkpoint.CheckRoot(p, h.known); err != nil {
			return err
		}
	}
	if k.Size < h.known.Size {
		return nil
	}
	k.Stream, k.Created, k.By = h.known.Stream, h.known.Created, domain.KnownByDataDir
	if err := h.dir.SaveKnown(k, false); err != nil {
		return err
	}
	h.known = k
	return nil
}

// StoreError says in a clerk's words why the store configured by cfg could not be opened on
// this data directory (embedded) or on cfg.NatsURL: another process owns the folder, the stream
// is set up so that it could lose history, there is nothing to read, or the store failed.
func (d Dir) StoreError(err error, cfg eventstore.Config) error {
	var e *domain.Error
	var unsafe *eventstore.StreamConfigError
	switch {
	case errors.Is(err, eventstore.ErrLocked):
		return d.LockedError(err)
	case errors.As(err, &unsafe):
		// The problem is one of the store's fixed phrases, worded through the catalogue.
		problem := &domain.Error{Code: domain.CodeInternal, Format: unsafe.Problem, Message: unsafe.Problem}
		e = domain.Internal("the stream %s %v (%s=%s): ocopledger refuses a ledger that could lose history or break its guarantees",
			unsafe.Stream, problem, unsafe.Setting, unsafe.Value)
	case cfg.ReadOnly && cfg.StreamName == "" && cfg.NatsURL == "" && errors.Is(err, jetstream.ErrStreamNotFound):
		e = domain.NotFound("there is no ledger in %s to read", d.Path)
	case cfg.ReadOnly && errors.Is(err, jetstream.ErrStreamNotFound):
		e = domain.NotFound("there is no stream %s to read on this NATS server", cfg.StreamName)
	case cfg.NatsURL != "":
		e = domain.Internal("the event store on the NATS server %s cannot be opened: %v", cfg.NatsURL, err)
	default:
		e = domain.Internal("the event store in %s cannot be opened: %v", d.Path, err)
	}
	e.Err = err
	return e
}
