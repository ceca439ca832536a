package eventstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// body is the JSON message stored for each event. It describes itself so
// that NATS consumers outside this package need no headers to read it.
type body struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Schema        int             `json:"schema"`
	Stream        string          `json:"stream"`
	Version       uint64          `json:"version"`
	RecordedAt    time.Time       `json:"recorded_at"` // RFC 3339 with nanoseconds, UTC
	Backfilled    bool            `json:"backfilled"`
	Actor         string          `json:"actor"`
	Source        string          `json:"source"`
	CorrelationID string          `json:"correlation_id"`
	Data          json.RawMessage `json:"data"`
}

func encode(b body) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep data and UTF-8 text as given
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decode turns a stored message into an Envelope; seq, appendedAt, the subject and the
// Ocop-Version header come from the message's metadata. It gives what json.Unmarshal into a body
// gives (decodeJSON): the common shape of a message, as encode writes it, is decoded by a
// hand-written parser (decodeFast), anything else by encoding/json. A message that is not an
// event of the subject's stream comes back with Unreadable set, never as an error (see
// Envelope.Unreadable). The Envelope's Data may be a part of data.
func decode(data []byte, seq uint64, appendedAt time.Time, subject, version string) Envelope {
	var b body
	if !decodeFast(data, &b) {
		var err error
		if b, err = decodeJSON(data); err != nil {
			return unreadable(data, seq, appendedAt, subject, "its body does not decode: "+err.Error())
		}
	}
	if reason := checkBody(&b, subject, version); reason != "" {
		return unreadable(data, seq, appendedAt, subject, reason)
	}
	return Envelope{
		ID:            b.ID,
		Type:          b.Type,
		Schema:        b.Schema,
		Stream:        b.Stream,
		Version:       b.Version,
		Sequence:      seq,
		RecordedAt:    b.RecordedAt.UTC(),
		Backfilled:    b.Backfilled,
		AppendedAt:    appendedAt.UTC(),
		Actor:         b.Actor,
		Source:        b.Source,
		CorrelationID: b.CorrelationID,
		Data:          b.Data,
		Body:          data,
	}
}

// checkBody returns why a decoded body is not an event stored on subject with the given
// Ocop-Version header, or "" if it is one. It allocates nothing for an event.
func checkBody(b *body, subject, version string) string {
	switch {
	case b.ID == "":
		return "its id is missing"
	case b.Type == "":
		return "its type is missing"
	case b.Stream == "":
		return "its stream is missing"
	case b.Version == 0:
		return "its version is missing"
	case len(b.Data) == 0:
		return "its data is missing"
	case len(subject) != len(SubjectPrefix)+len(b.Stream) || subject[len(SubjectPrefix):] != b.Stream || subject[:len(SubjectPrefix)] != SubjectPrefix:
		return fmt.Sprintf("its body names stream %q but it is stored on subject %q", b.Stream, subject)
	}
	if v, err := strconv.ParseUint(version, 10, 64); err != nil || v != b.Version {
		return fmt.Sprintf("its %s header %q is not its version %d", HeaderVersion, version, b.Version)
	}
	return ""
}

// unreadable is the Envelope of a stored message that is not an event.
func unreadable(data []byte, seq uint64, appendedAt time.Time, subject, reason string) Envelope {
	return Envelope{Sequence: seq, Stream: streamOf(subject), AppendedAt: appendedAt.UTC(), Body: data, Unreadable: reason}
}

// decodeJSON decodes a message with encoding/json.
func decodeJSON(data []byte) (body, error) {
	var b body
	err := json.Unmarshal(data, &b)
	return b, err
}

// streamOf returns the aggregate stream name of a ledger subject.
func streamOf(subject string) string { return strings.TrimPrefix(subject, SubjectPrefix) }
