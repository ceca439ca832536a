package ledger

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
)

// PayloadOf builds an event's JSON payload from field=value settings (the command line's --set,
// given as field): a dotted field (decision.date) sets a field of a nested object; numbers,
// booleans and JSON literals are read as such, anything else as text.
func PayloadOf(field string, settings []string) ([]byte, error) {
	obj := map[string]any{}
	for _, f := range settings {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, domain.Invalid(field, "%q: write field=value, e.g. --set stars=4", f)
		}
		setPath(obj, strings.Split(k, "."), parseValue(v))
	}
	return json.Marshal(obj)
}

func setPath(obj map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := obj[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[p] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = v
}

// parseValue reads numbers, booleans and JSON literals as such, anything else as text.
func parseValue(v string) any {
	if n, err := strconv.ParseFloat(v, 64); err == nil && (v == "0" || !strings.HasPrefix(v, "0") || strings.HasPrefix(v, "0.")) {
		return n
	}
	switch v {
	case "true":
		return true
	case "false":
		return false
	}
	if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") || strings.HasPrefix(v, `"`) {
		var x any
		if json.Unmarshal([]byte(v), &x) == nil {
			return x
		}
	}
	return v
}
