package eventstore

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// decode turns a stored message into an Envelope; seq and appendedAt come
// from the message metadata. It gives what json.Unmarshal into a body gives
// (decodeJSON): the common shape of a message, as encode writes it, is
// decoded by a hand-written parser (decodeFast), anything else by
// encoding/json. The Envelope's Data may be a part of data.
func decode(data []byte, seq uint64, appendedAt time.Time) (Envelope, error) {
	var b body
	if !decodeFast(data, &b) {
		var err error
		if b, err = decodeJSON(data); err != nil {
			return Envelope{}, fmt.Errorf("eventstore: message %d is not an event: %w", seq, err)
		}
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
	}, nil
}

// decodeJSON decodes a message with encoding/json.
func decodeJSON(data []byte) (body, error) {
	var b body
	err := json.Unmarshal(data, &b)
	return b, err
}

// streamOf returns the aggregate stream name of a ledger subject.
func streamOf(subject string) string { return strings.TrimPrefix(subject, SubjectPrefix) }
