package eventstore

import "strings"

// MatchPattern reports whether an event type or stream name s matches a filter pattern: the empty
// pattern and "*" match everything, a trailing * matches a prefix ("product.*", "ocop.*"), anything
// else matches exactly. It is the filter syntax of every reader of the log: `ocopledger log` and
// `watch`, the API's log and streams, webhook subscriptions.
func MatchPattern(pattern, s string) bool {
	if pattern == "" || pattern == "*" {
		return true
	}
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(s, p)
	}
	return pattern == s
}
