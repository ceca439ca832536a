package provenance

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var jsonSeeds = []string{
	`{"id":"e1","type":"t","stream":"s","version":1,"recorded_at":"2025-08-07T01:02:03Z","data":{"a":[1,2.5,-3e+2,true,false,null,"\u00e9\n"]}}`,
	`{}`, `[]`, `""`, `0`, `-0`, `01`, `1.`, `.5`, `1e`, `1E+`, `-`, `tru`, `nul`, `{"a":}`, `{"a" 1}`, `{,}`, `[1,]`, `{"a":1,}`,
	`"\x"`, `"\u12"`, `"\ud800"`, "\"\x01\"", "\"\xff\"", "\"é\"", `{"a":1}x`, ` {"a" : [ 1 , 2 ] } `, "\t1\r\n", `[[[[]]]]`,
	`"unterminated`, `{"a":"b"`, `[`, `{`, `1.5e-10`, `-12.34E5`, `"\/\b\f\r\t\\\""`, "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
}

func TestScanMatchesEncodingJSON(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	for _, s := range append(jsonSeeds, strings.Repeat("[", 10)+strings.Repeat("]", 10)) {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)) && utf8.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%q) = %v, encoding/json and utf8.Valid say %v", s, got, want)
		}
	}
	if validJSON([]byte(deep)) {
		t.Errorf("a value nested %d deep is accepted", maxDepth+1)
	}
}

func FuzzScanMatchesEncodingJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		if len(s) > 10_000 {
			return
		}
		if got, want := validJSON(s), json.Valid(s) && utf8.Valid(s); got != want {
			t.Errorf("validJSON(%q) = %v, encoding/json and utf8.Valid say %v", s, got, want)
		}
	})
}

// special never misses a quote, a backslash or a control character, wherever it stands in the
// word and whatever stands beside it.
func TestSpecialMissesNothing(t *testing.T) {
	for _, fill := range []byte{'a', ' ', 0x7f, 0x80, 0xff} {
		for c := 0; c < 256; c++ {
			for pos := range 8 {
				w := [8]byte{fill, fill, fill, fill, fill, fill, fill, fill}
				w[pos] = byte(c)
				want := c == '"' || c == '\\' || c < 0x20
				if got := special(binary.LittleEndian.Uint64(w[:])); want && !got {
					t.Fatalf("special(%q) = false, yet byte %d is %#x", w, pos, c)
				}
			}
		}
	}
}
