// Package ledger is the application service of ocopledger: it turns a request to record a fact
// into a checked event on the event store, and turns stored envelopes back into domain events.
// Transports (the command line, the HTTP API, imports, the demo) all record through it, so every
// write gets the same validation, normalisation and concurrency handling.
package ledger

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"golang.org/x/text/unicode/norm"
)

// Ledger records and reads the programme's events.
type Ledger struct {
	store *eventstore.Store
	log   *slog.Logger
}

// New returns a ledger over an open event store.
func New(store *eventstore.Store, logger *slog.Logger) *Ledger {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Ledger{store: store, log: logger}
}

// Store returns the underlying event store.
func (l *Ledger) Store() *eventstore.Store { return l.store }

// Meta is what the recorder says about an entry besides the fact itself.
type Meta struct {
	// ID identifies the entry; retrying with the same ID never records it twice. Empty: a new ID.
	ID string
	// Actor is who records it. Transports set it from the authenticated identity only.
	Actor string
	// Source is the document the entry comes from, e.g. "QĐ 1425/QĐ-UBND".
	Source        string
	CorrelationID string
	// RecordedAt, when set, backfills the entry at that time (a migration of old registers).
	RecordedAt time.Time
	// ExpectedVersion, when set, is the version the caller read the stream at: if the stream has
	// moved on, the entry is refused with a conflict instead of being re-checked and retried.
	ExpectedVersion *int64
}

// Position is where an entry landed.
type Position struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Stream     string    `json:"stream"`
	Version    uint64    `json:"version"`
	Sequence   uint64    `json:"sequence"`
	RecordedAt time.Time `json:"recorded_at,omitempty"`
	Duplicate  bool      `json:"duplicate,omitempty"` // an earlier try had already recorded it
}

// MaxPayload is the largest event payload accepted, in bytes.
const MaxPayload = 64 << 10

// Record decodes, checks and records an event of the given type from its JSON payload.
func (l *Ledger) Record(ctx context.Context, typ string, payload []byte, m Meta) (Position, error) {
	if len(payload) > MaxPayload {
		return Position{}, domain.Invalid("", "the payload is %d bytes; an entry may be at most %d KiB", len(payload), MaxPayload>>10)
	}
	e, err := domain.DecodeValid(typ, 1, norm.NFC.Bytes(payload))
	if err != nil {
		return Position{}, err
	}
	return l.RecordEvent(ctx, e, m)
}

// RecordEvent checks an event against the history of its stream and records it. When another
// writer gets in first, it re-reads and decides again (unless m.ExpectedVersion pins the version).
func (l *Ledger) RecordEvent(ctx context.Context, e domain.Event, m Meta) (Position, error) {
	// The event's dates are checked against the day the entry is recorded: the backfill's time
	// when one is given, now otherwise.
	at := m.RecordedAt
	if at.IsZero() {
		at = time.Now()
	}
	if err := domain.ValidateAt(e, at); err != nil {
		return Position{}, err
	}
	if err := domain.CheckLine("source", m.Source, 500); err != nil {
		return Position{}, err
	}
	if err := domain.CheckLine("actor", m.Actor, 200); err != nil {
		return Position{}, err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return Position{}, fmt.Errorf("ledger: encode %s: %w", e.EventType(), err)
	}
	data = norm.NFC.Bytes(data)
	if m.ID == "" {
		m.ID = NewID()
	}
	if err := CheckEntryID("id", m.ID); err != nil {
		return Position{}, err
	}
	stream := e.Stream()
	for attempt := 0; ; attempt++ {
		// The first attempt reads the history from the nearest server of the stream, which on a
		// cluster may lack the latest appends: what is found there is stored, and an append after
		// its head is refused if the record has moved on; but a refusal, a conflict or a retry
		// is only ever decided on the history the leader gives.
		nearest := attempt == 0
		read := l.readRecord
		if nearest {
			read = l.readRecordNearest
		}
		r, err := read(ctx, stream)
		if errors.Is(err, eventstore.ErrUnavailable) {
			return Position{}, StoreError(err)
		}
		if err != nil {
			return Position{}, err
		}
		hist, version := r.all, r.head.Version
		if dup, ok := findDuplicate(hist, m.ID); ok {
			// The key names an entry of this record already: a retry if it is the same entry,
			// else a mistake to refuse rather than drop the new content silently.
			if !sameContent(dup, e.EventType(), data) {
				return Position{}, keyConflict(&eventstore.DuplicateIDError{ID: dup.ID, Sequence: dup.Sequence, Stream: dup.Stream,
					Version: dup.Version, Type: dup.Type, SameStream: true})
			}
			return recordedPosition(dup), nil
		}
		expected := int64(version)
		if m.ExpectedVersion != nil {
			expected = *m.ExpectedVersion
		}
		if expected == int64(version) {
			if _, err = domain.Decide(hist, e); err != nil {
				if nearest {
					continue
				}
				return Position{}, err
			}
		} else if nearest {
			continue
		} else {
			// The record is not at the version the caller read it at (the history holds no
			// entry with this ID: not a retry either): nothing to decide or append.
			err = fmt.Errorf("%w: stream %s is at version %d, expected %d", eventstore.ErrConcurrency, stream, version, expected)
		}
		var res eventstore.AppendResult
		if err == nil {
			// After the head read with the history: the broker refuses the append if the record
			// has moved since, and it is not read again.
			res, err = l.store.AppendAfter(ctx, stream, r.head, eventstore.Proposed{
				ID: m.ID, Type: e.EventType(), Schema: e.SchemaVersion(), Data: data,
				Actor: norm.NFC.String(m.Actor), Source: norm.NFC.String(m.Source), CorrelationID: m.CorrelationID, RecordedAt: m.RecordedAt,
			})
		}
		if err == nil {
			return Position{ID: m.ID, Type: e.EventType(), Stream: stream, Version: res.Version, Sequence: res.LastSequence, RecordedAt: res.RecordedAt, Duplicate: res.Duplicate}, nil
		}
		if errors.Is(err, eventstore.ErrConcurrency) {
			if m.ExpectedVersion != nil && !nearest {
				c := domain.Conflict("the record %s has changed since you read it (you expected version %d): reload it and try again", stream, expected)
				c.Field, c.Value, c.Err = "expected_version", expected, err
				return Position{}, c
			}
			if attempt < 8 {
				continue
			}
			c := domain.Conflict("the record %s is being changed by others too often; try again", stream)
			c.Err = err
			return Position{}, c
		}
		return Position{}, StoreError(err)
	}
}

// findDuplicate returns the entry of hist with the given ID.
func findDuplicate(hist []domain.Recorded, id string) (domain.Recorded, bool) {
	for _, r := range hist {
		if r.ID == id {
			return r, true
		}
	}
	return domain.Recorded{}, false
}

func recordedPosition(r domain.Recorded) Position {
	return Position{ID: r.ID, Type: r.Type, Stream: r.Stream, Version: r.Version, Sequence: r.Sequence, RecordedAt: r.RecordedAt, Duplicate: true}
}

// keyConflict refuses an entry key (Idempotency-Key, --id) that already names another entry,
// naming that entry: a conflict (HTTP 409, exit code 4).
func keyConflict(d *eventstore.DuplicateIDError) error {
	var e *domain.Error
	if d.SameStream {
		e = domain.Conflict("the entry key %q already names the entry at position %d (%s, record %s, version %d), which holds other content: give a new key for a new entry",
			d.ID, d.Sequence, d.Type, d.Stream, d.Version)
	} else {
		e = domain.Conflict("the entry key %q already names the entry at position %d (%s, record %s): an entry key names one entry only; give a new key for this one",
			d.ID, d.Sequence, d.Type, d.Stream)
	}
	e.Value, e.Err = d.ID, d
	return e
}

// sameContent reports whether the stored entry r is an event of type typ with the payload data
// (encoded as RecordEvent does): as stored, or as this build encodes what it stored.
func sameContent(r domain.Recorded, typ string, data []byte) bool {
	if r.Type != typ {
		return false
	}
	if bytes.Equal(r.Raw, data) {
		return true
	}
	if r.Event == nil {
		return false
	}
	b, err := json.Marshal(r.Event)
	return err == nil && bytes.Equal(norm.NFC.Bytes(b), data)
}

// CheckEntryID checks an entry ID a caller chose (it becomes the event's Nats-Msg-Id): at most 128
// printable ASCII characters without spaces. field names where it came from in errors ("id",
// "Idempotency-Key").
func CheckEntryID(field, id string) error {
	if len(id) > 128 {
		return domain.Invalid(field, "is longer than 128 characters")
	}
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return domain.Invalid(field, "%q may only hold printable ASCII without spaces", id)
		}
	}
	return nil
}

// StoreError gives the store's refusals the codes and words of the domain (translated like
// every message: the catalogue has the store's formats too); other errors are returned wrapped.
func StoreError(err error) error {
	var inv *eventstore.InvalidError
	if errors.As(err, &inv) {
		e := &domain.Error{Code: domain.CodeInvalid, Field: inv.Field, Message: inv.Reason, Format: inv.Format, Args: inv.Args, Err: err}
		if inv.Value != "" {
			e.Value = inv.Value
		}
		return e
	}
	var dup *eventstore.DuplicateIDError
	if errors.As(err, &dup) {
		return keyConflict(dup)
	}
	var full *eventstore.StorageFullError
	if errors.As(err, &full) {
		e := domain.StorageFull("the ledger's storage is full: this entry was not recorded, and every entry recorded before is kept; free disk space where the ledger keeps its data, then record this entry again")
		e.Err = err
		return e
	}
	if errors.Is(err, eventstore.ErrNotPermitted) {
		e := domain.Forbidden("the NATS credentials this command connected with may only read the ledger: record through the API of the running server (POST /v1/events/…), or connect with credentials that may record")
		e.Err = err
		return e
	}
	if errors.Is(err, eventstore.ErrUnavailable) {
		e := domain.Unavailable("the ledger's storage cannot take entries right now (a server of the cluster is being replaced or the connection is being restored); record this entry again in a few seconds")
		e.Err = err
		return e
	}
	var bf *eventstore.BackfillError
	if errors.As(err, &bf) {
		e := domain.Invalid("recorded_at", "%s is earlier than a time the ledger already holds (%s): backfilled entries are recorded in the order the ledger learned of them",
			vnTime(bf.RecordedAt), vnTime(bf.Last))
		e.Err = err
		return e
	}
	return fmt.Errorf("ledger: %w", err)
}

// vnTime writes an instant as a clerk reads it: dd/mm/yyyy hh:mm:ss, Vietnam time.
func vnTime(t time.Time) string {
	return t.In(domain.Vietnam).Format("02/01/2006 15:04:05") + " (UTC+7)"
}

// NewID returns a new random entry ID.
func NewID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// History reads the recorded events of a stream and its version.
func (l *Ledger) History(ctx context.Context, stream string) ([]domain.Recorded, uint64, error) {
	r, err := l.readRecord(ctx, stream)
	if err != nil {
		return nil, 0, err
	}
	return r.all, r.head.Version, nil
}

// ToRecorded turns a stored envelope into a domain event. An entry this build cannot fold —
// a stored message that is not an event, a type or schema version it does not know, a payload
// that does not decode or that the gate refuses (domain.ValidateAt at its recorded time, so the
// verdict depends on the entry alone) — keeps Event nil and says why in Unreadable; readers name
// it (the read models quarantine it), never guess at it.
func ToRecorded(e eventstore.Envelope) domain.Recorded {
	if e.Unreadable != "" {
		return domain.Recorded{Stream: e.Stream, Sequence: e.Sequence, Raw: e.Body, Unreadable: notAnEntry(e)}
	}
	r := domain.Recorded{ID: e.ID, Type: e.Type, Stream: e.Stream, Version: e.Version, Sequence: e.Sequence,
		RecordedAt: e.RecordedAt, Actor: e.Actor, Source: e.Source, Raw: e.Data}
	ev, err := domain.DecodeWith(parseFast, e.Type, e.Schema, e.Data)
	if err == nil {
		err = domain.ValidateAt(ev, e.RecordedAt)
	}
	if err != nil {
		r.Unreadable = err
	} else {
		r.Event = ev
	}
	return r
}

// notAnEntry is the reason a stored message that is not an event is unreadable, as a clerk
// reads it.
func notAnEntry(e eventstore.Envelope) error {
	return domain.Invalid("", "the message stored at position %d is not an entry of the ledger: %s", e.Sequence, e.Unreadable)
}

// Read calls fn for each event from position from to the current end of the log. The payloads
// are decoded ahead of fn on other goroutines (eventstore.ReadAs); fn is called in log order.
// Each event carries the leaf hash of its stored body (hashed there too, in parallel).
func (l *Ledger) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return eventstore.ReadAs(ctx, l.store, from, toRecordedLeaf, fn)
}

// Follow is Read that keeps following the live tail until ctx is done.
func (l *Ledger) Follow(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return eventstore.FollowAs(ctx, l.store, from, toRecordedLeaf, fn)
}

// toRecordedLeaf is ToRecorded with the entry's leaf hash in the log's Merkle tree.
func toRecordedLeaf(e eventstore.Envelope) domain.Recorded {
	r := ToRecorded(e)
	r.Leaf = LeafHash(e.Body)
	return r
}

// LastSequence returns the position of the last event of the log.
func (l *Ledger) LastSequence(ctx context.Context) (uint64, error) { return l.store.LastSequence(ctx) }
