package main

import (
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// checkRecordingTimes reads a whole log to restore (next, as Store.Import takes it) and refuses
// it, before anything is written, at its first entry recorded later than now allows
// (eventstore.MaxClockSkew): restored, such a time would pin every later recording time and
// "as known now" to the future. name is the file, for the message.
func checkRecordingTimes(name string, next func() (eventstore.Imported, bool, error), now time.Time) error {
	limit := now.Add(eventstore.MaxClockSkew)
	for line := 1; ; line++ {
		e, ok, err := next()
		if err != nil || !ok {
			return err
		}
		if e.RecordedAt.After(limit) {
			return domain.Invalid("file", "line %d of %s (entry %s) was recorded at %s, later than now (%s) by more than %s: a ledger cannot have learned of it yet; nothing was restored",
				line, name, e.ID, e.RecordedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), eventstore.MaxClockSkew)
		}
	}
}
