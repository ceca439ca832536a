package eventstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
)

const (
	// DefaultStreamName is the JetStream stream that holds the whole ledger.
	DefaultStreamName = "OCOP_LEDGER"
	// SubjectPrefix prefixes every aggregate stream name to form its subject:
	// stream "product.p1" is stored on subject "ocop.events.product.p1".
	SubjectPrefix = "ocop.events."
	// Subjects is the subject filter of the ledger stream.
	Subjects = SubjectPrefix + ">"

	// MaxEventsPerAppend is the largest number of events one Append accepts.
	// It is the nats-server default for an atomic batch (1000); a server
	// configured with a lower jetstream limit max_batch_size rejects larger
	// batches itself.
	MaxEventsPerAppend = 1000
	// MaxEventSize is the largest encoded event body (the JSON message with
	// envelope and data) that Append accepts, in bytes.
	MaxEventSize = 256 << 10
	// MaxStreamNameLen is the longest aggregate stream name accepted.
	MaxStreamNameLen = 128
	// DuplicateWindow is how long the broker remembers event IDs (Nats-Msg-Id)
	// to drop retried publishes. Retries with an expected version are
	// idempotent forever (see Append); AnyVersion retries only within it.
	DuplicateWindow = 2 * time.Hour

	// HeaderType carries the event type (ASCII) on every message.
	HeaderType = "Ocop-Type"
	// HeaderVersion carries the event's version within its aggregate stream.
	HeaderVersion = "Ocop-Version"
)

// AnyVersion as the expected version skips the optimistic-concurrency check:
// the events are appended after whatever the stream holds.
const AnyVersion int64 = -1

// Proposed is an event to append.
type Proposed struct {
	ID            string          // unique event id; required; sent as Nats-Msg-Id (dedupe)
	Type          string          // e.g. "ocop.certified"; ASCII, it is also sent as a header
	Schema        int             // schema version of the payload, >= 1
	Data          json.RawMessage // the event payload: a JSON object
	Actor         string          // who recorded it
	Source        string          // source document, e.g. "Công văn 470/SCT-QLTM"
	CorrelationID string
	// RecordedAt is when the ledger learned of the event. Zero means now (the
	// Config.Clock); a non-zero time marks a backfill and must not be earlier
	// than the last recorded time in the ledger.
	RecordedAt time.Time
}

// Envelope is a stored event. Its JSON form is the line of an export (`ocopledger export`), of
// the API's log and streams and of webhook deliveries: one shape everywhere.
type Envelope struct {
	Sequence      uint64          `json:"sequence"`                 // global JetStream stream sequence
	ID            string          `json:"id"`                       // the event's ID (its Nats-Msg-Id)
	Type          string          `json:"type"`                     // e.g. "ocop.certified"
	Schema        int             `json:"schema"`                   // schema version of Data
	Stream        string          `json:"stream"`                   // aggregate stream name, e.g. "product.qn-toi-ly-son"
	Version       uint64          `json:"version"`                  // 1, 2, 3… within Stream
	RecordedAt    time.Time       `json:"recorded_at"`              // when the ledger learned it (UTC)
	Backfilled    bool            `json:"backfilled,omitempty"`     // RecordedAt was given by the writer, not the ledger clock
	AppendedAt    time.Time       `json:"appended_at"`              // the broker's timestamp of the message
	Actor         string          `json:"actor,omitempty"`          // who recorded it
	Source        string          `json:"source,omitempty"`         // the source document
	CorrelationID string          `json:"correlation_id,omitempty"` // links related entries
	Data          json.RawMessage `json:"data"`                     // the event payload
	// Body is the message exactly as JetStream stores it (Data is a part of it): the bytes an
	// export writes and the log's Merkle tree hashes. Never sent in the envelope's JSON form.
	Body []byte `json:"-"`
	// Unreadable, when set, says why the stored message is not an event of the ledger (not
	// JSON, a field missing, a body that names another stream than its subject…): such an
	// entry is delivered, never an error, with Sequence, AppendedAt, Stream (from the subject)
	// and Body only, so that readers name it and go on.
	Unreadable string `json:"unreadable,omitempty"`
}

// AppendResult tells where an append landed.
type AppendResult struct {
	FirstSequence uint64 // global sequence of the first event
	LastSequence  uint64 // global sequence of the last event
	Version       uint64 // version of the stream after the append
	// RecordedAt is the recorded time of the last event as stored (of the
	// original, for a duplicate).
	RecordedAt time.Time
	// Duplicate reports that these events were already stored by an earlier
	// attempt: nothing was written and the sequences are the original ones.
	Duplicate bool
}

// Config configures Open.
type Config struct {
	// DataDir is where the embedded nats-server keeps its JetStream file
	// store. Required unless NatsURL is set.
	DataDir string
	// NatsURL, if set, connects to an existing server or cluster instead of
	// embedding one.
	NatsURL string
	// ListenAddr (embedded mode only), e.g. "127.0.0.1:4222" or
	// "127.0.0.1:0" for a random port, also accepts external NATS clients.
	// Empty means in-process only.
	ListenAddr string
	// ListenUsers are the accounts of the external clients on ListenAddr, required with it: the
	// listener never runs open. Users that are not Admin may only read (ReaderPermissions).
	ListenUsers []ListenUser
	// Replicas of the ledger stream; default 1 (use 3 on a cluster).
	Replicas int
	// StreamName of the ledger stream; default DefaultStreamName.
	StreamName string
	// ReadOnly opens an existing stream to read it and never appends: the
	// ledger's own stream, or a mirror of it kept as a backup (which must
	// refuse deletion and purges like the ledger). Appends are refused with
	// ErrReadOnly; the stream is never created.
	ReadOnly bool
	// NoCreate opens the ledger stream only if it exists: Open fails with an error wrapping
	// jetstream.ErrStreamNotFound instead of creating an empty one. Commands that only read, and
	// any process whose data directory knows history, set it: an empty stream in place of a lost
	// one would silently start the ledger again.
	NoCreate bool
	// Clock gives the recorded time of live appends; default time.Now.
	Clock func() time.Time
	// Logger receives the store's and the embedded server's messages; nil
	// discards them.
	Logger *slog.Logger
	// NatsOptions are passed to nats.Connect, e.g. nats.UserInfo.
	NatsOptions []nats.Option
	// RequestTimeout bounds each request of an append or a record's read to the broker when
	// connected to NatsURL: one not answered by then fails with ErrUnavailable (a stream leader
	// election takes 4–9 s; a caller is told to retry rather than kept waiting). Default
	// DefaultRequestTimeout; the embedded server waits as long as the caller's context allows.
	RequestTimeout time.Duration
	// MinFreeBytes (embedded mode) is the disk space an append must leave free in DataDir:
	// with less, appends fail with ErrStorageFull before anything is written. Default
	// DefaultMinFreeBytes; negative turns the check off.
	MinFreeBytes int64
}

const (
	// DefaultRequestTimeout is Config.RequestTimeout's default.
	DefaultRequestTimeout = 1500 * time.Millisecond
	// DefaultMinFreeBytes is Config.MinFreeBytes's default: room for the read models and the
	// broker's index files beside the log.
	DefaultMinFreeBytes = 8 << 20
)

// Errors of the store. Test for them with errors.Is.
var (
	// ErrConcurrency means the aggregate stream was not at the expected
	// version: another writer won the race. Reload and decide again.
	ErrConcurrency = errors.New("eventstore: concurrency conflict")
	// ErrBackfillOrder means a backfilled event's RecordedAt is earlier than
	// the last recorded time in the ledger, which would break "as known at".
	ErrBackfillOrder = errors.New("eventstore: backfill out of order")
	// ErrDuplicateID means an event ID is already stored for a different
	// event (another stream or another append).
	ErrDuplicateID = errors.New("eventstore: event id already used")
	// ErrInvalid is matched by every *InvalidError.
	ErrInvalid = errors.New("eventstore: invalid input")
	// ErrUnsafeStream is matched by every *StreamConfigError.
	ErrUnsafeStream = errors.New("eventstore: unsafe ledger stream")
	// ErrReadOnly is returned by appends to a store opened ReadOnly.
	ErrReadOnly = errors.New("eventstore: the store is open read-only (a backup or mirror is read, never appended to)")
	// ErrClosed is returned by calls on a closed Store.
	ErrClosed = errors.New("eventstore: store is closed")
	// ErrUnavailable means the broker did not answer in time or said it cannot now: a stream
	// leader election, a node restarting, a lost connection. An append that fails with it may
	// still have been stored (its answer lost): retrying the same events (same IDs) is safe.
	ErrUnavailable = errors.New("eventstore: the broker is unavailable for now (a leader election or a lost connection); try again shortly")
	// ErrNotPermitted means the broker refused the request to the NATS user the store connected
	// as (e.g. an append with the read-only credentials of serve --listen-nats).
	ErrNotPermitted = errors.New("eventstore: the NATS user may not do this")
	// ErrStorageFull is matched by every *StorageFullError.
	ErrStorageFull = errors.New("eventstore: storage full")
)

// StorageFullError refuses an append because the disk that holds the log is full (or too
// close to full to write safely). Nothing of the append was stored; everything stored
// before is kept. Appends work again once space is freed, without restarting.
type StorageFullError struct {
	Dir     string // the data directory (embedded mode); empty when the broker reported it
	Free    int64  // bytes free on Dir's file system, -1 if unknown
	MinFree int64  // bytes an append must leave free
	Cause   string // what the broker said, if it reported it
}

func (e *StorageFullError) Error() string {
	switch {
	case e.Cause != "" && e.Dir != "":
		return fmt.Sprintf("%v: the broker could not write to %s (%s)", ErrStorageFull, e.Dir, e.Cause)
	case e.Cause != "":
		return fmt.Sprintf("%v: the broker has no room for the append (%s)", ErrStorageFull, e.Cause)
	}
	return fmt.Sprintf("%v: the disk holding %s has %d bytes free, appends keep at least %d free", ErrStorageFull, e.Dir, e.Free, e.MinFree)
}

// Is makes errors.Is(err, ErrStorageFull) true.
func (e *StorageFullError) Is(target error) bool { return target == ErrStorageFull }

// BackfillError refuses a backfilled event recorded before what the ledger
// already holds (it matches ErrBackfillOrder): "as known at" needs recorded
// times that never go back along the log.
type BackfillError struct {
	Event      int       // 1-based position of the event in the append
	RecordedAt time.Time // the recorded time it was given
	Last       time.Time // the latest recorded time before it
	LastFrom   string    // where Last comes from: the ledger's last event, or an earlier event of the append
}

func (e *BackfillError) Error() string {
	return fmt.Sprintf("%v: event %d is backfilled as recorded at %s, earlier than %s (%s); backfill in the order the ledger learned of events",
		ErrBackfillOrder, e.Event, e.RecordedAt.Format(time.RFC3339Nano), e.LastFrom, e.Last.Format(time.RFC3339Nano))
}

func (e *BackfillError) Unwrap() error { return ErrBackfillOrder }

// DuplicateIDError refuses an event whose ID is already stored for another event: on another
// stream, or on this one with other content (it matches ErrDuplicateID). Nothing was written.
type DuplicateIDError struct {
	ID       string // the event ID (an idempotency key)
	Sequence uint64 // global sequence of the stored event with that ID
	Stream   string // its aggregate stream
	Version  uint64 // its version in Stream
	Type     string // its type
	// SameStream: the stored event is on the stream appended to, but its content differs.
	SameStream bool
}

func (e *DuplicateIDError) Error() string {
	if e.SameStream {
		return fmt.Sprintf("%v: event id %q is the %s event at %d (stream %s version %d), with other content", ErrDuplicateID, e.ID, e.Type, e.Sequence, e.Stream, e.Version)
	}
	return fmt.Sprintf("%v: event id %q is already stored in stream %s (the %s event at %d)", ErrDuplicateID, e.ID, e.Stream, e.Type, e.Sequence)
}

// Is makes errors.Is(err, ErrDuplicateID) true.
func (e *DuplicateIDError) Is(target error) bool { return target == ErrDuplicateID }

// InvalidError reports input refused before anything was written.
type InvalidError struct {
	Event  int    // 1-based position of the event in the append; 0 if not about one event
	Field  string // e.g. "id", "schema", "stream"
	Value  string // the offending value, if showing it helps
	Reason string // e.g. "is empty", "must be 1 or more"
	// Format and Args are what Reason was built from (fmt.Sprintf), so that a caller can word it
	// in another language (domain's message catalogue has every format of this package).
	Format string
	Args   []any
}

// invalid returns an InvalidError whose reason is fmt.Sprintf(format, args...).
func invalid(event int, field, value, format string, args ...any) *InvalidError {
	return &InvalidError{Event: event, Field: field, Value: value, Reason: fmt.Sprintf(format, args...), Format: format, Args: args}
}

func (e *InvalidError) Error() string {
	msg := e.Field
	if e.Value != "" {
		msg += fmt.Sprintf(" %q:", e.Value)
	}
	msg += " " + e.Reason
	if e.Event > 0 {
		msg = fmt.Sprintf("event %d: %s", e.Event, msg)
	}
	return msg
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// StreamConfigError reports an existing ledger stream whose configuration
// could lose history or break the store's guarantees.
type StreamConfigError struct {
	Stream  string // JetStream stream name
	Setting string // the offending setting as JetStream names it, e.g. "deny_delete"
	Value   string // its value, e.g. "false"
	Problem string // e.g. "allows deletion"
}

func (e *StreamConfigError) Error() string {
	return fmt.Sprintf("stream %s %s (%s=%s): refusing to use a ledger that can lose history or break its guarantees",
		e.Stream, e.Problem, e.Setting, e.Value)
}

// Is makes errors.Is(err, ErrUnsafeStream) true.
func (e *StreamConfigError) Is(target error) bool { return target == ErrUnsafeStream }
