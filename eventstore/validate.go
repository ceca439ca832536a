package eventstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ValidStreamName checks an aggregate stream name: "<kind>.<id>", two
// non-empty tokens of letters A-Z a-z, digits, '_' and '-', at most
// MaxStreamNameLen characters in all. It returns an *InvalidError naming the
// problem, or nil.
func ValidStreamName(stream string) error {
	switch {
	case stream == "":
		return invalid(0, "stream", "", "is empty")
	case len(stream) > MaxStreamNameLen:
		return invalid(0, "stream", stream, "is %d characters long, at most %d allowed", len(stream), MaxStreamNameLen)
	}
	kind, id, ok := strings.Cut(stream, ".")
	if !ok {
		return invalid(0, "stream", stream, `must be "<kind>.<id>", e.g. "product.p1"`)
	}
	if kind == "" {
		return invalid(0, "stream", stream, "has an empty kind before the dot")
	}
	if id == "" {
		return invalid(0, "stream", stream, "has an empty id after the dot")
	}
	for _, tok := range []string{kind, id} {
		for _, r := range tok {
			if r == '.' {
				return invalid(0, "stream", stream, "must have exactly one dot")
			}
			if !isNameRune(r) {
				return invalid(0, "stream", stream, "contains %q; only letters A-Z, digits, '_' and '-' are allowed", r)
			}
		}
	}
	return nil
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

// isHeaderSafe reports whether s can travel in a NATS header: printable ASCII.
func isHeaderSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// validate checks one proposed event (n is its 1-based position) and returns
// its data compacted.
func validate(n int, e Proposed, now time.Time) (json.RawMessage, error) {
	switch {
	case e.ID == "":
		return nil, invalid(n, "id", "", "is empty")
	case len(e.ID) > 256:
		return nil, invalid(n, "id", "", "is longer than 256 characters")
	case !isHeaderSafe(e.ID):
		return nil, invalid(n, "id", e.ID, "may only contain printable ASCII without spaces")
	case e.Type == "":
		return nil, invalid(n, "type", "", "is empty")
	case !isHeaderSafe(e.Type):
		return nil, invalid(n, "type", e.Type, "may only contain printable ASCII without spaces")
	case e.Schema < 1:
		return nil, invalid(n, "schema", fmt.Sprint(e.Schema), "must be 1 or more")
	case !utf8.ValidString(e.Actor):
		return nil, invalid(n, "actor", "", "is not valid UTF-8")
	case !utf8.ValidString(e.Source):
		return nil, invalid(n, "source", "", "is not valid UTF-8")
	case !utf8.ValidString(e.CorrelationID):
		return nil, invalid(n, "correlation_id", "", "is not valid UTF-8")
	}
	if err := checkNotFuture(n, e, now); err != nil {
		return nil, err
	}
	data := bytes.TrimSpace(e.Data)
	if len(data) == 0 {
		return nil, invalid(n, "data", "", "is empty; it must be a JSON object")
	}
	if data[0] != '{' || !json.Valid(data) {
		return nil, invalid(n, "data", "", "must be a JSON object")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil, invalid(n, "data", "", "must be a JSON object")
	}
	return buf.Bytes(), nil
}

// MaxClockSkew is how far a recording time may lie ahead of the ledger's clock: the clocks of
// the machines recording (and of the instances of a cluster) may differ by that much. A time
// later than that cannot be a time the ledger learned of an event; accepted, it would pin every
// later recording time and "as known now" to the future.
const MaxClockSkew = 5 * time.Minute

// checkNotFuture refuses an event (n is its 1-based position) whose given recording time is
// later than now plus MaxClockSkew.
func checkNotFuture(n int, e Proposed, now time.Time) error {
	if e.RecordedAt.IsZero() || !e.RecordedAt.After(now.Add(MaxClockSkew)) {
		return nil
	}
	return invalid(n, "recorded_at", e.RecordedAt.UTC().Format(time.RFC3339Nano),
		"of entry %s is in the future: the ledger's clock says %s, and recording times may be at most %s ahead of it",
		e.ID, now.UTC().Format(time.RFC3339), MaxClockSkew)
}
