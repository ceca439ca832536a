package ledger

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// Restore stores an export (ReadExport) into the store open gives, each entry at its position,
// and returns how many it stored. The export is read twice: checked whole first
// (CheckRecordingTimes, at now), before the store is opened, then stored; one that cannot seek
// (standard input) is kept in a temporary file meanwhile. name names the export in errors;
// allowMissing restores an incomplete one (ReadExport).
func Restore(ctx context.Context, open func() (*eventstore.Store, error), r io.Reader, name string, allowMissing bool, now time.Time) (int, error) {
	in, ok := r.(io.ReadSeeker)
	if !ok {
		tmp, err := os.CreateTemp("", "ocopledger-restore-*.jsonl")
		if err != nil {
			return 0, err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, r); err != nil {
			return 0, err
		}
		in = tmp
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if err := CheckRecordingTimes(name, ReadExport(in, allowMissing), now); err != nil {
		return 0, err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	s, err := open()
	if err != nil {
		return 0, err
	}
	n, err := s.Import(ctx, ReadExport(in, allowMissing))
	var inv *eventstore.InvalidError
	if errors.As(err, &inv) && inv.Event > 0 {
		// The store counts the file's events from 1, as the file's lines are counted.
		e := domain.Invalid("file", "line %d of %s cannot be restored: %v", inv.Event, name, StoreError(err))
		e.Err = err
		return n, e
	}
	return n, err
}
