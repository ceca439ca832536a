package demo_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/domain"
)

// The gate admits every entry of the demo at the time the demo records it: the era and the
// bounds on dates after the day of recording leave legitimate history alone.
func TestDemoPassesTheGate(t *testing.T) {
	h := demo.History()
	for _, e := range append(h, demo.LateEntries(h)...) {
		if err := domain.ValidateAt(e.Event, e.Meta.RecordedAt); err != nil {
			t.Fatalf("entry %s (%s) recorded %s is refused: %v", e.Meta.ID, e.Event.EventType(), e.Meta.RecordedAt, err)
		}
	}
}
