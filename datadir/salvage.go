package datadir

import (
	"os"
	"path/filepath"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// Salvage is what a salvage of the embedded store reads (export --salvage): a copy of the
// store's folder, opened instead of it, so that nats-server's repair of damaged blocks as it
// opens them (it cuts a block at its first damaged message when the index is gone) never
// touches the original; and the original's block files, read directly for the entries the
// server cannot give back.
type Salvage struct {
	StoreDir string // the copy: Options.StoreDir
	// Blocks are the original's block files; nil when they cannot be read (BlocksErr), and the
	// salvage then saves what the server gives back.
	Blocks    *eventstore.Blocks
	BlocksErr error
}

// Salvage copies the embedded store of d for a salvage; Remove deletes the copy.
func (d Dir) Salvage() (Salvage, error) {
	orig := d.StorePath()
	if _, err := os.Stat(filepath.Join(orig, "jetstream")); err != nil {
		return Salvage{}, domain.NotFound("there is no ledger in %s to read", d.Path)
	}
	dir, err := eventstore.CopyDataDir(orig, "")
	if err != nil {
		return Salvage{}, d.LockedError(err)
	}
	s := Salvage{StoreDir: dir}
	s.Blocks, s.BlocksErr = eventstore.OpenBlocks(orig, eventstore.DefaultStreamName)
	return s, nil
}

// Remove deletes the copy of the store.
func (s Salvage) Remove() error { return os.RemoveAll(s.StoreDir) }
