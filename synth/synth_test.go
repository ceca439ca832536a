package synth_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/synth"
)

// Every generated entry obeys the rules, in the order the ledger learns them.
func TestGeneratedLedgerObeysTheRules(t *testing.T) {
	entries := synth.Generate(synth.Config{Events: 20000, Provinces: 3, Seed: 1})
	if len(entries) < 15000 || len(entries) > 25000 {
		t.Fatalf("asked for about 20000 entries, got %d", len(entries))
	}
	hist := map[string][]domain.Recorded{}
	types := map[string]int{}
	ids := map[string]bool{}
	for i, e := range entries {
		if i > 0 && e.RecordedAt.Before(entries[i-1].RecordedAt) {
			t.Fatalf("entry %d recorded before the one before it", i)
		}
		if ids[e.ID] {
			t.Fatalf("entry ID %s repeats", e.ID)
		}
		ids[e.ID] = true
		s := e.Event.Stream()
		if _, err := domain.Decide(hist[s], e.Event); err != nil {
			t.Fatalf("entry %d (%s %s) breaks a rule: %v", i, e.Event.EventType(), s, err)
		}
		hist[s] = append(hist[s], domain.Recorded{ID: e.ID, Type: e.Event.EventType(), Stream: s, Sequence: uint64(i + 1), RecordedAt: e.RecordedAt, Event: e.Event})
		types[e.Event.EventType()]++
	}
	for _, typ := range []string{domain.TypeOCOPCertified, domain.TypeOCOPReevaluated, domain.TypeOCOPExpired, domain.TypeListingCreated,
		domain.TypeTradeEventJoined, domain.TypeCNNTTBRecognized, domain.TypeSalesPointOpened, domain.TypeEventRetracted} {
		if types[typ] == 0 {
			t.Errorf("no %s entries generated", typ)
		}
	}
	t.Logf("%d entries: %v", len(entries), types)
}
