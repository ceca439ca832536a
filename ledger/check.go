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
	if err := checkMeta(e, m); err != nil {
		return false, err
	}
	hist, _, err := l.History(ctx, e.Stream())
	if err != nil {
		return false, StoreError(err)
	}
	if len(pending) > 0 {
		hist = append(append([]domain.Recorded(nil), hist...), pending...)
	}
	_, present, err = decideOn(hist, e, m)
	return present, err
}

// checkMeta checks what RecordEvent checks before it reads the record: the event's dates
// against the day it is recorded, the source, the actor and the entry's ID.
func checkMeta(e domain.Event, m Meta) error {
	at := m.RecordedAt
	if at.IsZero() {
		at = time.Now()
	}
	if err := domain.ValidateAt(e, at); err != nil {
		return err
	}
	if err := domain.CheckLine("source", m.Source, 500); err != nil {
		return err
	}
	if err := domain.CheckLine("actor", m.Actor, 200); err != nil {
		return err
	}
	if m.ID != "" {
		return CheckEntryID("id", m.ID)
	}
	return nil
}

// decideOn decides e against the history of its record (entries not stored yet included) and
// returns e as it is stored. present: an entry with m.ID and the same content is in hist.
func decideOn(hist []domain.Recorded, e domain.Event, m Meta) (data []byte, present bool, err error) {
	data, err = json.Marshal(e)
	if err != nil {
		return nil, false, fmt.Errorf("ledger: encode %s: %w", e.EventType(), err)
	}
	data = norm.NFC.Bytes(data)
	if m.ID != "" {
		if dup, ok := findDuplicate(hist, m.ID); ok {
			if !sameContent(dup, e.EventType(), data) {
				return nil, false, keyConflict(&eventstore.DuplicateIDError{ID: dup.ID, Sequence: dup.Sequence, Stream: dup.Stream,
					Version: dup.Version, Type: dup.Type, SameStream: true})
			}
			return data, true, nil
		}
	}
	_, err = domain.Decide(hist, e)
	return data, false, err
}

// Pending is e as Check's pending argument takes it once it has passed its checks.
func Pending(e domain.Event, id string) domain.Recorded {
	return domain.Recorded{ID: id, Type: e.EventType(), Stream: e.Stream(), Event: e}
}
