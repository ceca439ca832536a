package ledger

import (
	fastjson "github.com/segmentio/encoding/json"
)

// parseFast is the first try of ToRecorded's decoding (domain.DecodeWith). For the commonest
// event types it tries a hand-written reader of plain payloads first (parseHand: 343 against 668
// ns for a listing, go test -run '^$' -bench DecodePayload ./ledger/; a 1M-event rebuild takes
// 0.3 s of CPU less), then segmentio's JSON decoder, which compiles a codec once per type and
// reads the input in one pass. Reading the log, decoding the payloads with encoding/json alone
// cost 3.6 µs of CPU an event beyond the envelope; with segmentio's first, 1.2 µs (go test -run
// '^$' -bench LedgerRead ./ledger/, 200k synthetic events) — a third of a rebuild's decoding.
// Anything both refuse is decoded again by encoding/json, whose verdict and wording stand. Neither
// may accept what encoding/json refuses nor decode to another value: TestParseFastAgrees and
// FuzzParseFastAgrees compare the two on every event type, TestParseHandAgrees and
// FuzzParseHandAgrees the hand-written reader alone (none differed over 42k variants each, 3.6M
// fuzzed inputs for segmentio's path, 1.1M for the hand-written one; anything that does must be
// refused here).
func parseFast(data []byte, v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false // a fault of the fast path must not stop a read: encoding/json decides
		}
	}()
	if parseHand(data, v) {
		return true
	}
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
