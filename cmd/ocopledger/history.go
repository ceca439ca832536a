package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// No silent loss: the data directory keeps a record of the log it has read (history.json: which
// stream, created when, how many entries, the hash of the last), and every command that opens the
// log checks that the log still extends it, and what the read models hold, before it answers or
// appends anything. Only the commands that write create the ledger's stream, and only when
// nothing the data directory holds says that history existed, or when told to with --new-ledger.

// historyFile is the data directory's record of the log's history.
func (m *Main) historyFile() string { return filepath.Join(m.DataDir, "history.json") }

// creates are the commands that may create the ledger's stream (on an empty data directory, or
// with --new-ledger).
var creates = map[string]bool{"serve": true, "record": true, "restore": true, "demo": true, "import": true}

// readsAsIs are the commands that read the log as it is, to save or show what is there: they
// check nothing against the known history (and never create the stream).
var readsAsIs = map[string]bool{"export": true, "log": true}

func newLedgerFlag(m *Main, fs *pflag.FlagSet) {
	fs.BoolVar(&m.NewLedger, "new-ledger", false, m.t(
		"bắt đầu một sổ cái mới có chủ đích: tạo luồng sổ cái nếu chưa có, quên lịch sử mà thư mục dữ liệu đã ghi nhận và dựng lại số liệu tổng hợp từ sổ cái hiện có",
		"start a new ledger on purpose: create the ledger's stream if missing, forget the history the data directory recorded and rebuild the read models from the log as it is"))
}

// loadKnown returns what the data directory knows of the log: history.json, else (a data
// directory of an earlier version) the read models' checkpoint. inUse reports read models held
// by another process, whose knowledge could not be read.
func (m *Main) loadKnown() (known domain.KnownHistory, inUse bool, err error) {
	b, err := os.ReadFile(m.historyFile())
	if err == nil {
		if err := json.Unmarshal(b, &known); err != nil {
			e := domain.Internal("%s is damaged (%v): it records the history of the log; restore it from a backup, or remove it to trust the log as it is", m.historyFile(), err)
			e.Err = err
			return known, false, e
		}
		known.By = domain.KnownByDataDir
		return known, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return known, false, err
	}
	if _, err := os.Stat(m.ReadModelPath()); err != nil {
		return domain.KnownHistory{}, false, nil
	}
	known, err = projections.ReadKnown(m.ReadModelPath())
	if errors.Is(err, projections.ErrInUse) {
		return known, true, nil
	}
	return known, false, err
}

// saveKnown writes the data directory's record of the log's history, replacing it only with a
// longer one unless replace is set.
func (m *Main) saveKnown(k domain.KnownHistory, replace bool) error {
	if !replace {
		if old, _, err := m.loadKnown(); err == nil && old.By == domain.KnownByDataDir {
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
	if err := os.MkdirAll(m.DataDir, 0o755); err != nil {
		return dataDirError(m.DataDir, err)
	}
	tmp := m.historyFile() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("record the log's history: %w", err)
	}
	if err := os.Rename(tmp, m.historyFile()); err != nil {
		return fmt.Errorf("record the log's history: %w", err)
	}
	return nil
}

// beforeOpen decides whether opening the store may create the ledger's stream.
func (m *Main) beforeOpen(cfg *eventstore.Config) error {
	if m.StreamName != "" {
		return nil // another stream (a backup mirror) is read as it is
	}
	known, inUse, err := m.loadKnown()
	if err != nil {
		return err
	}
	m.known = known
	// restore may always bring a lost stream back: what it restored is checked against the
	// known history once it is done (adoptRestored).
	cfg.NoCreate = !(m.NewLedger || m.cmd == "restore" || creates[m.cmd] && known.Size == 0 && !inUse)
	return nil
}

// openError says why the ledger's stream could not be opened, when it does not exist.
func (m *Main) openError(err error) error {
	if m.StreamName != "" || !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	where := m.DataDir
	if m.NatsURL != "" {
		where = m.NatsURL
	}
	if m.known.Size > 0 {
		e := domain.HistoryMismatch("the log (stream %s) is missing from %s, but %s shows %d entries of it: ocopledger stops rather than start an empty ledger in its place; restore the stream from a backup (ocopledger restore), or start a new ledger on purpose with --new-ledger",
			eventstore.DefaultStreamName, where, m.known.By.Label(), m.known.Size)
		e.Err = err
		return e
	}
	e := domain.NotFound("there is no ledger in %s yet: ocopledger record or ocopledger serve starts one", where)
	e.Err = err
	return e
}

// afterOpen checks that the log extends the history the data directory knows, and records the
// stream when the data directory knew none.
func (m *Main) afterOpen(ctx context.Context, s *eventstore.Store) error {
	if m.StreamName != "" || m.ReadOnly || readsAsIs[m.cmd] {
		return nil
	}
	st, err := s.State(ctx)
	if err != nil {
		return err
	}
	if m.NewLedger || m.known.Size == 0 {
		if m.known.By == domain.KnownByDataDir && m.known.Created.Equal(st.Created) && !m.NewLedger {
			return nil
		}
		if m.NewLedger {
			if err := m.forgetReadModels(); err != nil {
				return err
			}
		}
		k := domain.KnownHistory{Stream: st.Stream, Created: st.Created, By: domain.KnownByDataDir}
		m.known = k
		return m.saveKnown(k, true)
	}
	if m.cmd == "restore" {
		return nil // checked once restored (adoptRestored)
	}
	known := m.known
	if err := ledger.CompareHistory(known, st, func(seq uint64) ([]byte, error) { return s.BodyAt(ctx, seq) }); err != nil {
		return err
	}
	if known.Created.IsZero() {
		// Known from the read models of an earlier version: from now on, of this stream.
		known.Stream, known.Created = st.Stream, st.Created
		m.known = known
		return m.saveKnown(known, true)
	}
	return nil
}

// adoptRestored checks, after a restore, that the restored log holds the history the data
// directory knew, and records it as the ledger's stream from now on.
func (m *Main) adoptRestored(ctx context.Context, s *eventstore.Store) error {
	if m.known.Size == 0 {
		return nil
	}
	st, err := s.State(ctx)
	if err != nil {
		return err
	}
	known := m.known
	known.Created = time.Time{} // a restored log is a new stream: what counts is what it holds
	if err := ledger.CompareHistory(known, st, func(seq uint64) ([]byte, error) { return s.BodyAt(ctx, seq) }); err != nil {
		return err
	}
	known.Stream, known.Created = st.Stream, st.Created
	m.known = known
	return m.saveKnown(known, true)
}

// recordKnown records in the data directory what the read models now hold of the log, tied to
// the stream the data directory knows.
func (m *Main) recordKnown(p *projections.Projection) error {
	if m.StreamName != "" || m.ReadOnly || m.known.Created.IsZero() {
		return nil
	}
	k := p.Known()
	if len(m.known.Root) > 0 && m.known.Size > 0 && len(k.Root) > 0 && m.known.Size <= k.Size {
		// The read models' tree of the log, rebuilt or grown, must hold the prefix known.
		if err := checkpoint.CheckRoot(p, m.known); err != nil {
			return err
		}
	}
	if k.Size < m.known.Size {
		return nil
	}
	k.Stream, k.Created, k.By = m.known.Stream, m.known.Created, domain.KnownByDataDir
	if err := m.saveKnown(k, false); err != nil {
		return err
	}
	m.known = k
	return nil
}

// forgetReadModels drops what the read models hold, for a new ledger started on purpose: the
// next catch-up rebuilds them from the log as it is.
func (m *Main) forgetReadModels() error {
	if _, err := os.Stat(m.ReadModelPath()); err != nil {
		return nil
	}
	p, err := projections.Open(m.ReadModelPath(), projections.Options{Logger: m.Logger})
	if err != nil {
		return err
	}
	if err := p.Reset(); err != nil {
		p.Close()
		return err
	}
	return p.Close()
}

// noLedgerYet reports whether err says that the data directory has no ledger yet (and knows of
// none): commands that only read answer as of an empty log.
func (m *Main) noLedgerYet(err error) bool {
	return err != nil && m.StreamName == "" && m.known.Size == 0 && domain.ErrorCode(err) == domain.CodeNotFound &&
		errors.Is(err, jetstream.ErrStreamNotFound)
}
