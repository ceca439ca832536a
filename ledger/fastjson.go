package ledger

import (
	fastjson "github.com/segmentio/encoding/json"
)

// parseFast is the first try of ToRecorded's decoding (domain.DecodeWith): segmentio's JSON
// decoder, which compiles a codec once per type and reads the input in one pass. Reading the log,
// decoding the payloads with encoding/json alone cost 3.6 µs of CPU an event beyond the envelope;
// with segmentio's first, 1.2 µs (go test -run '^$' -bench LedgerRead ./ledger/, 200k synthetic
// events); a rebuild of the national benchmark's read models takes about 15–20% more CPU
// without it (docs/performance.md, "Speed tricks: what each earns"). Anything it refuses is decoded again
// by encoding/json, whose verdict and wording stand. It may not accept what encoding/json
// refuses nor decode to another value: TestParseFastAgrees and FuzzParseFastAgrees compare the
// two on every event type (none differed over 42k variants, 3.6M fuzzed inputs; anything that
// does must be refused here).
func parseFast(data []byte, v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false // a fault of the fast path must not stop a read: encoding/json decides
		}
	}()
	rest, err := fastjson.Parse(data, v, fastjson.DisallowUnknownFields)
	if err != nil {
		return false
	}
	for _, c := range rest { // nothing but JSON's white space may follow the object
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
