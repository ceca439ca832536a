package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"golang.org/x/text/unicode/norm"
)

// Check runs every check RecordEvent runs on e, against the history of its stream followed by
// pending (entries of the same stream checked earlier in a batch but not stored yet), and stores
// nothing. present reports that an entry with m.ID and the same content is already recorded,
// so recording it would store nothing; an entry key that names other content is a conflict.
func (l *Ledger) Check(ctx context.Context, e domain.Event, m Meta, pending []domain.Recorded) (present bool, err error) {
	at := m.RecordedAt
	if at.IsZero() {
		at = time.Now()
	}
	if err := domain.ValidateAt(e, at); err != nil {
		return false, err
	}
	if err := domain.CheckLine("source", m.Source, 500); err != nil {
		return false, err
	}
	if err := domain.CheckLine("actor", m.Actor, 200); err != nil {
		return false, err
	}
	if m.ID != "" {
		if err := CheckEntryID("id", m.ID); err != nil {
			return false, err
		}
	}
	hist, _, err := l.History(ctx, e.Stream())
	if err != nil {
		return false, StoreError(err)
	}
	if m.ID != "" {
		if dup, ok := findDuplicate(hist, m.ID); ok {
			data, err := json.Marshal(e)
			if err != nil {
				return false, fmt.Errorf("ledger: encode %s: %w", e.EventType(), err)
			}
			if !sameContent(dup, e.EventType(), norm.NFC.Bytes(data)) {
				return false, keyConflict(&eventstore.DuplicateIDError{ID: dup.ID, Sequence: dup.Sequence, Stream: dup.Stream,
					Version: dup.Version, Type: dup.Type, SameStream: true})
			}
			return true, nil
		}
	}
	if len(pending) > 0 {
		hist = append(append([]domain.Recorded(nil), hist...), pending...)
	}
	_, err = domain.Decide(hist, e)
	return false, err
}

// Pending is e as Check's pending argument takes it once it has passed its checks.
func Pending(e domain.Event, id string) domain.Recorded {
	return domain.Recorded{ID: id, Type: e.EventType(), Stream: e.Stream(), Event: e}
}
