// Package datadir is the data directory of ocopledger (--data): its layout (the embedded store,
// the read models, the record of the log's history, the signing key, the credentials of the NATS
// readers and what a running serve writes), who owns it, and what it knows of the log, checked
// every time the log is opened so that no history is lost silently.
package datadir

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/provenance"
)

// The files of a data directory.
const (
	HistoryFile    = "history.json"     // what the data directory knows of the log (History)
	ReadModelsFile = "readmodels.db"    // the bbolt read models
	StoreFolder    = "jetstream"        // the embedded store's folder
	ServeInfoFile  = "serve.json"       // how to reach the serve that runs on it (ServeInfo)
	NATSReaderFile = "nats-reader.json" // the NATS readers' user and password (ListenUsers)
)

// Dir is a data directory.
type Dir struct{ Path string }

// ReadModelPath is where the bbolt read models live.
func (d Dir) ReadModelPath() string { return filepath.Join(d.Path, ReadModelsFile) }

// StorePath is the embedded store's folder.
func (d Dir) StorePath() string { return filepath.Join(d.Path, StoreFolder) }

// HistoryPath is the data directory's record of the log's history.
func (d Dir) HistoryPath() string { return filepath.Join(d.Path, HistoryFile) }

// Make creates the data directory if it does not exist, saying in a clerk's words why it cannot.
func (d Dir) Make() error {
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return MakeError(d.Path, err)
	}
	return nil
}

// MakeError says why the data folder (--data) dir, or a folder in it, cannot be made.
func MakeError(dir string, err error) error {
	var e *domain.Error
	switch {
	case errors.Is(err, os.ErrPermission):
		e = domain.Invalid("data", "the folder %s cannot be created: you have no permission to write there", dir)
	case errors.Is(err, syscall.ENOTDIR):
		e = domain.Invalid("data", "%s, or a folder above it, is a file, not a folder", dir)
	default:
		e = domain.Invalid("data", "the folder %s cannot be created: %v", dir, userfile.Cause(err))
	}
	e.Err = err
	return e
}

// SigningKey is the data directory's signing key of checkpoints (made on first use), or the
// deployment's (provenance.LoadOrCreateKey).
func (d Dir) SigningKey() (*provenance.Key, error) {
	return provenance.LoadOrCreateKey(d.Path, provenance.KeyOptions{})
}
