package eventstore

import (
	"errors"
	"testing"
)

// A record's history that skips a version is refused, naming the record and where; unreadable
// entries (no version) are passed over.
func TestCheckVersions(t *testing.T) {
	env := func(seq, v uint64) Envelope { return Envelope{Sequence: seq, Version: v} }
	garbage := Envelope{Sequence: 4, Unreadable: "not JSON"}
	if err := checkVersions("product.p1", []Envelope{env(1, 1), env(3, 2), garbage, env(9, 3)}); err != nil {
		t.Errorf("versions 1, 2, (unreadable), 3: %v", err)
	}
	if err := checkVersions("product.p1", nil); err != nil {
		t.Errorf("no history: %v", err)
	}
	for _, envs := range [][]Envelope{
		{env(1, 1), env(7, 3)}, // version 2 missing
		{env(2, 2)},            // version 1 missing
		{env(1, 1), env(5, 1)}, // version 1 twice
	} {
		err := checkVersions("product.p1", envs)
		if !errors.Is(err, ErrGap) {
			t.Errorf("%v: %v, want ErrGap", envs, err)
		}
	}
	err := checkVersions("product.p1", []Envelope{env(1, 1), env(7, 3)})
	if want := "eventstore: positions missing from the log: record product.p1 has version 3 at position 7 after version 1: the store cannot read the entries between (damaged or deleted messages)"; err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
