package ledger

// ParseFast is the fast first try of ToRecorded's decoding, for the tests that compare it with
// encoding/json.
var ParseFast = parseFast
