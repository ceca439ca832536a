package witness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/renameio/v2"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ocopledger/ocopledger/domain"
)

// StateFile is the witness's state in its folder: the last checkpoint it cosigned.
const StateFile = "witness-state.json"

// State is the last checkpoint the witness cosigned, and whether the ledger took the cosignature.
type State struct {
	Origin     string    `json:"origin"`
	Size       int64     `json:"size"`
	Root       tlog.Hash `json:"root"`
	Cosigned   string    `json:"cosigned"` // the checkpoint's note with the witness's cosignature
	CosignedAt time.Time `json:"cosigned_at"`
	Posted     bool      `json:"posted"` // the ledger took the cosignature
}

// LoadState reads the state in the folder dir: nil if the witness has cosigned nothing yet.
func LoadState(dir string) (*State, error) {
	path := filepath.Join(dir, StateFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("witness: reading %s: %w", path, err)
	}
	var st State
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil || st.Size < 1 || st.Origin == "" {
		return nil, domain.Invalid("state", "the file %s is not a witness's state (the last checkpoint it cosigned): restore it from a backup", path)
	}
	return &st, nil
}

// save writes the state into the folder dir, whole or not at all.
func (st *State) save(dir string) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, StateFile), append(data, '\n'))
}

// writeFileAtomic writes a file of the state folder whole or not at all (a temporary file beside
// it, synced, renamed over it), then syncs the folder so that the rename itself is kept.
func writeFileAtomic(path string, data []byte) error {
	if err := renameio.WriteFile(path, data, 0o600, renameio.WithTempDir(filepath.Dir(path))); err != nil {
		return fmt.Errorf("witness: writing %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
