package synth_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/synth"
)

// The gate admits every generated entry at the time the generator records it.
func TestSynthPassesTheGate(t *testing.T) {
	for _, e := range synth.Generate(synth.Config{Events: 30_000, Provinces: 3, Seed: 14}) {
		if err := domain.ValidateAt(e.Event, e.RecordedAt); err != nil {
			t.Fatalf("entry %s (%s) recorded %s is refused: %v", e.ID, e.Event.EventType(), e.RecordedAt, err)
		}
	}
}
