package datadir

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// ServeInfo is written by `ocopledger serve` in its data folder while it runs: how to reach it.
// Another command refused the folder (it is locked: one process per store) names these ways.
type ServeInfo struct {
	PID  int    `json:"pid"`
	HTTP string `json:"http"`           // base URL of the API and dashboard
	NATS string `json:"nats,omitempty"` // NATS URL when serve listens (--listen-nats)
	// NATSCredentials is the file with the user and password NATS clients read the log with.
	NATSCredentials string `json:"nats_credentials,omitempty"`
}

// WriteServeInfo writes info into the data directory; the returned function removes it again.
func (d Dir) WriteServeInfo(info ServeInfo) (remove func(), err error) {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(d.Path, ServeInfoFile)
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return func() { os.Remove(path) }, nil
}

// ReadServeInfo reads what a running serve wrote, if it is the process pid holding the lock.
func (d Dir) ReadServeInfo(pid int) (ServeInfo, bool) {
	var info ServeInfo
	b, err := os.ReadFile(filepath.Join(d.Path, ServeInfoFile))
	if err != nil || json.Unmarshal(b, &info) != nil || pid == 0 || info.PID != pid || info.HTTP == "" {
		return ServeInfo{}, false
	}
	return info, true
}

// LockedError says, when err is the store's eventstore.LockedError, that another process owns
// the data folder, and how to reach the ledger instead: a conflict (exit code 4, HTTP 409),
// nothing was opened or written. Other errors are returned as they are.
func (d Dir) LockedError(err error) error {
	var le *eventstore.LockedError
	if !errors.As(err, &le) {
		return err
	}
	dataDir := d.Path
	var e *domain.Error
	info, serving := d.ReadServeInfo(le.PID)
	switch {
	case serving && info.NATS != "" && info.NATSCredentials != "":
		e = domain.Conflict("the ledger %s is in use by a running `ocopledger serve` (pid %d): read it with --nats %s --nats-creds %s, or use the API at %s",
			dataDir, le.PID, info.NATS, info.NATSCredentials, info.HTTP)
	case serving:
		e = domain.Conflict("the ledger %s is in use by a running `ocopledger serve` (pid %d): use the API at %s, or stop the server first",
			dataDir, le.PID, info.HTTP)
	case le.PID > 0:
		e = domain.Conflict("the ledger %s is in use by another ocopledger process (pid %d): wait for it to end or stop it, then try again", dataDir, le.PID)
	default:
		e = domain.Conflict("the ledger %s is in use by another ocopledger process: wait for it to end or stop it, then try again", dataDir)
	}
	e.Err = err
	return e
}
