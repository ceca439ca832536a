package ledger

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
)

// Entry is an entry of the log as the transports show it: its JSON form is a line of
// `ocopledger export`, an event of the API's log and event stream, and the body of a webhook
// delivery — one shape everywhere. It is the ledger's own type: the store's may change without
// changing what clients read (EntryOf copies one into the other).
type Entry struct {
	Sequence      uint64          `json:"sequence"`                 // position in the log
	ID            string          `json:"id"`                       // the entry's ID
	Type          string          `json:"type"`                     // e.g. "ocop.certified"
	Schema        int             `json:"schema"`                   // schema version of Data
	Stream        string          `json:"stream"`                   // the record, e.g. "product.qn-toi-ly-son"
	Version       uint64          `json:"version"`                  // 1, 2, 3… within Stream
	RecordedAt    time.Time       `json:"recorded_at"`              // when the ledger learned it (UTC)
	Backfilled    bool            `json:"backfilled,omitempty"`     // RecordedAt was given by the writer, not the ledger clock
	AppendedAt    time.Time       `json:"appended_at"`              // when the log stored it (UTC)
	Actor         string          `json:"actor,omitempty"`          // who recorded it
	Source        string          `json:"source,omitempty"`         // the source document
	CorrelationID string          `json:"correlation_id,omitempty"` // links related entries
	Data          json.RawMessage `json:"data"`                     // the event's payload
	// Unreadable, when set, says why the stored message is not an entry of the ledger; only
	// Sequence, Stream and AppendedAt are known then (see eventstore.Envelope.Unreadable).
	Unreadable string `json:"unreadable,omitempty"`
}

// EntryOf is the Entry of a stored envelope.
func EntryOf(e eventstore.Envelope) Entry {
	return Entry{Sequence: e.Sequence, ID: e.ID, Type: e.Type, Schema: e.Schema, Stream: e.Stream, Version: e.Version,
		RecordedAt: e.RecordedAt, Backfilled: e.Backfilled, AppendedAt: e.AppendedAt, Actor: e.Actor, Source: e.Source,
		CorrelationID: e.CorrelationID, Data: e.Data, Unreadable: e.Unreadable}
}

// ReadEntries calls fn for each entry from position from to the end of the log when called, in
// order: Read's semantics (a position the store cannot give back stops it with an
// *eventstore.GapError, see ReadError; an unreadable message is delivered with Unreadable set),
// without decoding the payloads.
func (l *Ledger) ReadEntries(ctx context.Context, from uint64, fn func(Entry) error) error {
	return eventstore.ReadAs(ctx, l.store, from, EntryOf, fn)
}

// FollowEntries is ReadEntries that keeps following the live tail until ctx is done (it then
// returns nil).
func (l *Ledger) FollowEntries(ctx context.Context, from uint64, fn func(Entry) error) error {
	return eventstore.FollowAs(ctx, l.store, from, EntryOf, fn)
}
