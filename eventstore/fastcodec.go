package eventstore

import (
	"encoding/json"
	"math"
	"unicode/utf8"
)

// decodeFast decodes a stored message into b as json.Unmarshal(data, b)
// would, without encoding/json's reflection and its second pass over the
// input, for the messages it is sure to decode identically: a valid JSON
// object whose keys are the body's JSON names spelled exactly, each at most
// once, with values of the field's JSON kind and no null (other keys are
// skipped when no case folding could match them to a field). For anything
// else it reports false, leaving b partly filled: the caller then decodes
// with encoding/json, which also words the errors.
func decodeFast(data []byte, b *body) bool {
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i == len(data) {
		return false
	}
	if data[i] == '}' {
		return skipSpace(data, i+1) == len(data)
	}
	var seen uint16
	for {
		if data[i] != '"' {
			return false
		}
		end, flags, ok := scanString(data, i)
		if !ok || flags != 0 {
			return false // an escaped or non-ASCII key: encoding/json folds those
		}
		f := fieldOf(data[i+1 : end-1])
		if f == fieldFolded {
			return false
		}
		i = skipSpace(data, end)
		if i == len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		if i == len(data) {
			return false
		}
		if f != fieldUnknown {
			if seen&(1<<f) != 0 {
				return false // a repeated key
			}
			seen |= 1 << f
		}
		switch f {
		case fieldUnknown:
			if i, ok = skipValue(data, i, 0); !ok {
				return false
			}
		case fieldID, fieldType, fieldStream, fieldActor, fieldSource, fieldCorrelationID:
			var s string
			if i, s, ok = stringValue(data, i); !ok {
				return false
			}
			switch f {
			case fieldID:
				b.ID = s
			case fieldType:
				b.Type = s
			case fieldStream:
				b.Stream = s
			case fieldActor:
				b.Actor = s
			case fieldSource:
				b.Source = s
			default:
				b.CorrelationID = s
			}
		case fieldSchema:
			var n uint64
			neg := data[i] == '-'
			if neg {
				i++
			}
			if i, n, ok = uintValue(data, i, math.MaxInt); !ok {
				return false // an int out of range: leave the error to encoding/json
			}
			b.Schema = int(n)
			if neg {
				b.Schema = -b.Schema
			}
		case fieldVersion:
			if i, b.Version, ok = uintValue(data, i, math.MaxUint64); !ok {
				return false
			}
		case fieldRecordedAt:
			if data[i] != '"' {
				return false
			}
			end, _, ok := scanString(data, i)
			if !ok || b.RecordedAt.UnmarshalJSON(data[i:end]) != nil {
				return false
			}
			i = end
		case fieldBackfilled:
			switch {
			case hasLiteral(data, i, "true"):
				b.Backfilled, i = true, i+4
			case hasLiteral(data, i, "false"):
				b.Backfilled, i = false, i+5
			default:
				return false
			}
		case fieldData:
			if data[i] == 'n' {
				return false // null: RawMessage("null"), rare; leave it to encoding/json
			}
			end, ok := skipValue(data, i, 0)
			if !ok {
				return false
			}
			// Not a copy, as json.RawMessage.UnmarshalJSON makes, but a
			// part of the message (which the reader does not reuse).
			b.Data = data[i:end:end]
			i = end
		}
		i = skipSpace(data, i)
		if i == len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
			if i == len(data) {
				return false
			}
		case '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
}

// The fields of body, by their JSON names.
const (
	fieldID = iota
	fieldType
	fieldSchema
	fieldStream
	fieldVersion
	fieldRecordedAt
	fieldBackfilled
	fieldActor
	fieldSource
	fieldCorrelationID
	fieldData
	fieldUnknown // matches no field: skipped
	fieldFolded  // matches a field only ignoring case
)

var fieldNames = [...]string{"id", "type", "schema", "stream", "version", "recorded_at", "backfilled",
	"actor", "source", "correlation_id", "data"}

// fieldOf returns the field an ASCII key names.
func fieldOf(key []byte) int {
	switch string(key) {
	case "id":
		return fieldID
	case "type":
		return fieldType
	case "schema":
		return fieldSchema
	case "stream":
		return fieldStream
	case "version":
		return fieldVersion
	case "recorded_at":
		return fieldRecordedAt
	case "backfilled":
		return fieldBackfilled
	case "actor":
		return fieldActor
	case "source":
		return fieldSource
	case "correlation_id":
		return fieldCorrelationID
	case "data":
		return fieldData
	}
	for _, name := range fieldNames {
		if asciiEqualFold(key, name) {
			return fieldFolded
		}
	}
	return fieldUnknown
}

func asciiEqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

// Flags of scanString.
const (
	strEscaped  = 1 << iota // holds a backslash escape
	strNonASCII             // holds bytes >= 0x80
)

// strPlain marks the bytes a JSON string holds as they are: printable
// ASCII other than '"' and '\\'.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString checks the JSON string starting at data[i] ('"') as the
// encoding/json scanner does (no control characters, valid escapes; any
// other byte passes) and returns the index after its closing quote.
func scanString(data []byte, i int) (end, flags int, ok bool) {
	i++
	for {
		for i < len(data) && strPlain[data[i]] {
			i++
		}
		if i == len(data) {
			return 0, 0, false
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, flags, true
		case c == '\\':
			flags |= strEscaped
			if i+1 == len(data) {
				return 0, 0, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(data)-i < 6 || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return 0, 0, false
				}
				i += 6
			default:
				return 0, 0, false
			}
		case c < 0x20:
			return 0, 0, false
		default: // >= 0x80
			flags |= strNonASCII
			i++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// stringValue decodes the JSON string at data[i] as encoding/json decodes
// it into a string: as it is, unless it has escapes or invalid UTF-8 (then
// encoding/json itself unquotes it).
func stringValue(data []byte, i int) (end int, s string, ok bool) {
	if data[i] != '"' {
		return 0, "", false
	}
	end, flags, ok := scanString(data, i)
	if !ok {
		return 0, "", false
	}
	if raw := data[i+1 : end-1]; flags == 0 || flags == strNonASCII && utf8.Valid(raw) {
		return end, string(raw), true
	}
	s, ok = unquote(data[i:end])
	return end, s, ok
}

// unquote is encoding/json's decoding of a JSON string, kept out of
// stringValue so that the string escapes to the heap only here.
func unquote(quoted []byte) (string, bool) {
	var s string
	err := json.Unmarshal(quoted, &s)
	return s, err == nil
}

// uintValue decodes the JSON number at data[i] if it is an integer without
// sign, fraction or exponent that is at most max.
func uintValue(data []byte, i int, max uint64) (end int, n uint64, ok bool) {
	end, isInt, ok := scanNumber(data, i)
	if !ok || !isInt || data[i] == '-' {
		return 0, 0, false
	}
	for _, c := range data[i:end] {
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, 0, false
		}
		n = n*10 + d
	}
	return end, n, true
}

// scanNumber checks the JSON number at data[i] and returns the index after
// it; isInt reports that it has neither fraction nor exponent.
func scanNumber(data []byte, i int) (end int, isInt, ok bool) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i == len(data):
		return 0, false, false
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		i = skipDigits(data, i+1)
	default:
		return 0, false, false
	}
	isInt = true
	if i < len(data) && data[i] == '.' {
		isInt = false
		j := skipDigits(data, i+1)
		if j == i+1 {
			return 0, false, false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		isInt = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return 0, false, false
		}
		i = j
	}
	return i, isInt, true
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// maxSkipDepth bounds the nesting skipValue follows (encoding/json allows
// 10000 levels: deeper values go to it).
const maxSkipDepth = 512

// skipValue checks the JSON value at data[i] as the encoding/json scanner
// does and returns the index after it.
func skipValue(data []byte, i, depth int) (end int, ok bool) {
	if i == len(data) {
		return 0, false
	}
	switch c := data[i]; c {
	case '"':
		end, _, ok = scanString(data, i)
		return end, ok
	case '{', '[':
		if depth == maxSkipDepth {
			return 0, false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == closer {
			return i + 1, true
		}
		for {
			if c == '{' {
				if i == len(data) || data[i] != '"' {
					return 0, false
				}
				if i, _, ok = scanString(data, i); !ok {
					return 0, false
				}
				i = skipSpace(data, i)
				if i == len(data) || data[i] != ':' {
					return 0, false
				}
				i = skipSpace(data, i+1)
			}
			if i, ok = skipValue(data, i, depth+1); !ok {
				return 0, false
			}
			i = skipSpace(data, i)
			if i == len(data) {
				return 0, false
			}
			switch data[i] {
			case ',':
				i = skipSpace(data, i+1)
			case closer:
				return i + 1, true
			default:
				return 0, false
			}
		}
	case 't':
		return i + 4, hasLiteral(data, i, "true")
	case 'f':
		return i + 5, hasLiteral(data, i, "false")
	case 'n':
		return i + 4, hasLiteral(data, i, "null")
	default:
		end, _, ok = scanNumber(data, i)
		return end, ok
	}
}
