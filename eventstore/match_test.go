package eventstore_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
)

func TestMatchPattern(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "product.toi-ly-son", true},
		{"*", "product.toi-ly-son", true},
		{"product.*", "product.toi-ly-son", true},
		{"product.*", "producer.phu-sinh", false},
		{"product.toi-*", "product.toi-ly-son", true},
		{"product.toi-ly-son", "product.toi-ly-son", true},
		{"product.toi-ly-son", "product.toi-ly-son-dori", false},
		{"ocop.*", "ocop.certified", true},
		{"ocop.certified", "ocop.revoked", false},
	} {
		if got := eventstore.MatchPattern(c.pattern, c.s); got != c.want {
			t.Errorf("MatchPattern(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
