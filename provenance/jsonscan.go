package provenance

import (
	"encoding/binary"
	"unicode/utf8"
)

// The export's lines are checked as JSON by a small validating scanner: encoding/json.Valid costs
// several times the line's SHA-256, and verify reads a million lines. scanValue accepts exactly
// the JSON of RFC 8259 in valid UTF-8 (FuzzScanMatchesEncodingJSON holds it to encoding/json.Valid
// and utf8.Valid), nested at most maxDepth deep.

const maxDepth = 1000

// strByte[c] is 1 for the bytes that may stand unescaped inside a JSON string and need no more
// thought: printable ASCII other than '"' and '\\', and the bytes of multi-byte UTF-8 sequences
// (the caller checks the whole line with utf8.Valid, once, faster than rune by rune).
var strByte = func() (t [256]byte) {
	for c := 0x20; c < 0x100; c++ {
		if c != '"' && c != '\\' {
			t[c] = 1
		}
	}
	return t
}()

func skipWS(s []byte, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString scans the string starting at s[i] == '"', in a line whose UTF-8 is valid. It returns the index after the closing
// quote and whether the string holds an escape, or ok false.
func scanString(s []byte, i int) (end int, escaped, ok bool) {
	i++
	for {
		// Eight bytes at a time while none of them is special, then byte by byte.
		for i+8 <= len(s) && !special(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
		}
		for i < len(s) && strByte[s[i]] == 1 {
			i++
		}
		if i >= len(s) {
			return 0, false, false
		}
		switch c := s[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				return 0, false, false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) || !isHex(s[i+5]) {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		default: // a control character
			return 0, false, false
		}
	}
}

// special reports whether one of the eight bytes of w may be a '"', a '\\' or a control character
// (it may say so of a word that has none: the byte loop then decides).
func special(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	return (w-ones*0x20)&^w&highs|zero(w^(ones*'"'))|zero(w^(ones*'\\')) != 0
}

func isHex(c byte) bool { return c-'0' < 10 || c|0x20-'a' < 6 }

// scanNumber scans the number starting at s[i].
func scanNumber(s []byte, i int) (int, bool) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i]-'1' < 9:
		for i < len(s) && s[i]-'0' < 10 {
			i++
		}
	default:
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i]-'0' >= 10 {
			return 0, false
		}
		for i < len(s) && s[i]-'0' < 10 {
			i++
		}
	}
	if i < len(s) && s[i]|0x20 == 'e' {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i]-'0' >= 10 {
			return 0, false
		}
		for i < len(s) && s[i]-'0' < 10 {
			i++
		}
	}
	return i, true
}

// scanValue scans the JSON value starting at s[i] (no leading space) and returns the index after
// it, or ok false.
func scanValue(s []byte, i, depth int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; c {
	case '"':
		end, _, ok := scanString(s, i)
		return end, ok
	case '{':
		if depth >= maxDepth {
			return 0, false
		}
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(s) || s[i] != '"' {
				return 0, false
			}
			end, _, ok := scanString(s, i)
			if !ok {
				return 0, false
			}
			i = skipWS(s, end)
			if i >= len(s) || s[i] != ':' {
				return 0, false
			}
			if i, ok = scanValue(s, skipWS(s, i+1), depth+1); !ok {
				return 0, false
			}
			i = skipWS(s, i)
			if i >= len(s) {
				return 0, false
			}
			if s[i] == '}' {
				return i + 1, true
			}
			if s[i] != ',' {
				return 0, false
			}
			i = skipWS(s, i+1)
		}
	case '[':
		if depth >= maxDepth {
			return 0, false
		}
		i = skipWS(s, i+1)
		if i < len(s) && s[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = scanValue(s, i, depth+1); !ok {
				return 0, false
			}
			i = skipWS(s, i)
			if i >= len(s) {
				return 0, false
			}
			if s[i] == ']' {
				return i + 1, true
			}
			if s[i] != ',' {
				return 0, false
			}
			i = skipWS(s, i+1)
		}
	case 't':
		return literal(s, i, "true")
	case 'f':
		return literal(s, i, "false")
	case 'n':
		return literal(s, i, "null")
	default:
		return scanNumber(s, i)
	}
}

func literal(s []byte, i int, lit string) (int, bool) {
	if len(s)-i >= len(lit) && string(s[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return 0, false
}

// validJSON reports whether s is one JSON value in valid UTF-8, with white space around it allowed.
func validJSON(s []byte) bool {
	if !utf8.Valid(s) {
		return false
	}
	i, ok := scanValue(s, skipWS(s, 0), 0)
	return ok && skipWS(s, i) == len(s)
}
