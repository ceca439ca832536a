package httpapi_test

import (
	"strings"
	"testing"
)

// Issue 14, item 5: an Idempotency-Key reused with other content answered 200 duplicate:true and
// dropped the new content; reused on another record it answered 500. Both are now 409 naming the
// key and the entry it belongs to; the same key with the same content stays an idempotent 200.
func TestIdempotencyKeyReuse(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	const key = "import-2024-row-42"
	first := e.do("POST", "/v1/events/ocop.certified", recorderToken, cert("toi-key", 4, "2024-03-01"), "Idempotency-Key", key)
	if first.Status != 201 {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	cases := []struct {
		name   string
		body   []byte
		status int
		says   []string
	}{
		{"same content", cert("toi-key", 4, "2024-03-01"), 200, nil},
		{"other content, same record", cert("toi-key", 5, "2024-03-02"), 409,
			[]string{`"` + key + `"`, "position 1", "ocop.certified", "product.toi-key", "version 1", "other content"}},
		{"same content, other record", cert("toi-key-2", 4, "2024-03-01"), 409,
			[]string{`"` + key + `"`, "position 1", "ocop.certified", "product.toi-key", "names one entry only"}},
	}
	for _, c := range cases {
		r := e.do("POST", "/v1/events/ocop.certified", recorderToken, c.body, "Idempotency-Key", key)
		if r.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, r.Status, r.Body, c.status)
			continue
		}
		if c.status == 200 {
			if m := r.json(t); m["duplicate"] != true || m["sequence"] != float64(1) {
				t.Errorf("%s: %s, want the original position as a duplicate", c.name, r.Body)
			}
			continue
		}
		if code, _ := r.errFields(t); code != "conflict" {
			t.Errorf("%s: code %q, want conflict", c.name, code)
		}
		en, _ := r.json(t)["error"].(map[string]any)["message_en"].(string)
		for _, s := range c.says {
			if !strings.Contains(en, s) {
				t.Errorf("%s: message %q does not say %q", c.name, en, s)
			}
		}
		vi, _ := r.json(t)["error"].(map[string]any)["message"].(string)
		if !strings.Contains(vi, "mã mục ghi") {
			t.Errorf("%s: Vietnamese message %q", c.name, vi)
		}
	}
	if n := e.lastSeq(); n != 1 {
		t.Errorf("the log holds %d entries, want 1", n)
	}
}
