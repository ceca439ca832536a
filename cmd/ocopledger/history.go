package main

import (
	"context"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/projections"
)

// No silent loss: every command that opens the log checks that it still extends the history the
// data directory knows (datadir.History), and what the read models hold, before it answers or
// appends anything. Only the commands that write create the ledger's stream, and only when
// nothing the data directory holds says that history existed, or when told to with --new-ledger.

// creates reports whether the command may create the ledger's stream (on an empty data
// directory, or with --new-ledger).
func creates(cmd string) bool {
	switch cmd {
	case "serve", "record", "restore", "demo", "import":
		return true
	}
	return false
}

// readsAsIs reports whether the command reads the log as it is, to save or show what is there:
// it checks nothing against the known history (and never creates the stream).
func readsAsIs(cmd string) bool { return cmd == "export" || cmd == "log" }

// dir is the data directory.
func (m *Main) dir() datadir.Dir { return datadir.Dir{Path: m.DataDir} }

// beforeOpen reads what the data directory knows of the log and decides whether opening the
// store may create the ledger's stream.
func (m *Main) beforeOpen(cfg *eventstore.Config) error {
	if m.StreamName != "" {
		return nil // another stream (a backup mirror) is read as it is
	}
	h, err := m.dir().LoadHistory(m.Logger)
	if err != nil {
		return err
	}
	m.history = h
	// restore may always bring a lost stream back: what it restored is checked against the
	// known history once it is done (adoptRestored).
	cfg.NoCreate = !(m.NewLedger || m.cmd == "restore" || creates(m.cmd) && h.None())
	return nil
}

// openError says why the ledger's stream could not be opened, when it does not exist.
func (m *Main) openError(err error) error {
	if m.StreamName != "" || m.history == nil {
		return nil
	}
	where := m.DataDir
	if m.NatsURL != "" {
		where = m.NatsURL
	}
	return m.history.OpenError(err, where)
}

// afterOpen checks that the log extends the history the data directory knows, and records the
// stream when the data directory knew none.
func (m *Main) afterOpen(ctx context.Context, s *eventstore.Store) error {
	if m.StreamName != "" || m.ReadOnly || readsAsIs(m.cmd) {
		return nil
	}
	return m.history.Check(ctx, s, m.NewLedger, m.cmd == "restore")
}

// adoptRestored checks, after a restore, that the restored log holds the history the data
// directory knew, and records it as the ledger's stream from now on.
func (m *Main) adoptRestored(ctx context.Context, s *eventstore.Store) error {
	return m.history.AdoptRestored(ctx, s)
}

// recordKnown records in the data directory what the read models now hold of the log.
func (m *Main) recordKnown(p *projections.Projection) error {
	if m.StreamName != "" || m.ReadOnly || m.history == nil {
		return nil
	}
	return m.history.Record(p)
}

// noLedgerYet reports whether err says that the data directory has no ledger yet (and knows of
// none): commands that only read answer as of an empty log.
func (m *Main) noLedgerYet(err error) bool {
	return m.StreamName == "" && m.history.NoLedgerYet(err)
}
