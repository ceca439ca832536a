package main

import (
	"context"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/eventstore"
)

// No silent loss: every command that opens the log checks that it still extends the history the
// data directory knows (datadir.Node), and what the read models hold, before it answers or
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

func (m *Main) adoptRestored(ctx context.Context, s *eventstore.Store) error {
	return m.node().AdoptRestored(ctx, s)
}
func (m *Main) noLedgerYet(err error) bool { return m.node().NoLedgerYet(err) }
