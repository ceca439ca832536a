package eventstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofrs/flock"
)

// LockFile is the file in DataDir whose exclusive lock (flock) the process that runs the
// embedded server holds for the store's lifetime; it holds that process's pid. Two servers on
// one JetStream directory would both hand out the same positions and lose acknowledged entries.
const LockFile = "ocopledger.lock"

// ErrLocked is matched by every *LockedError.
var ErrLocked = errors.New("eventstore: the data directory is in use by another process")

// LockedError refuses to open a data directory whose lock another process (or another Store of
// this process) holds.
type LockedError struct {
	DataDir string
	PID     int // the holder's pid as it wrote it in the lock file; 0 if unknown
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%v: %s is held by pid %d", ErrLocked, e.DataDir, e.PID)
	}
	return fmt.Sprintf("%v: %s", ErrLocked, e.DataDir)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// lockDataDir takes the exclusive lock of dir at once, or returns a *LockedError naming the
// holder. The lock is released by Unlock, or by the kernel when the process ends (also kill -9).
func lockDataDir(dir string) (*flock.Flock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("eventstore: data directory: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	l := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR), flock.SetPermissions(0o644))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("eventstore: lock %s: %w", path, err)
	}
	if !ok {
		pid := 0
		if b, err := os.ReadFile(path); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		return nil, &LockedError{DataDir: dir, PID: pid}
	}
	// The pid is for the message of the next process refused; the lock is on the file itself.
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		l.Unlock()
		return nil, fmt.Errorf("eventstore: lock %s: %w", path, err)
	}
	return l, nil
}
