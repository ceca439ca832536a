package synth_test

import (
	"time"

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

// Issue 14, item 4: the generator writes no recording time after the time it generates at (it
// wrote times up to 2028): the entries the ledger could not have learned yet are left out, and
// the same seed and time give the same ledger.
func TestGeneratedLedgerHasNoFutureRecordingTimes(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	all := synth.Generate(synth.Config{Events: 5000, Provinces: 2, Seed: 3, Now: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)})
	cut := synth.Generate(synth.Config{Events: 5000, Provinces: 2, Seed: 3, Now: now})
	if !all[len(all)-1].RecordedAt.After(now) {
		t.Fatalf("the uncut ledger ends at %s: the test needs entries after %s", all[len(all)-1].RecordedAt, now)
	}
	if len(cut) == 0 || len(cut) >= len(all) {
		t.Fatalf("cut at %s: %d of %d entries", now, len(cut), len(all))
	}
	for i, e := range cut {
		if e.RecordedAt.After(now) {
			t.Fatalf("entry %d (%s) is recorded at %s, after the generation time %s", i, e.ID, e.RecordedAt, now)
		}
		if e.ID != all[i].ID {
			t.Fatalf("entry %d is %s, want the uncut ledger's %s", i, e.ID, all[i].ID)
		}
	}
	if next := all[len(cut)]; !next.RecordedAt.After(now) {
		t.Errorf("entry %s recorded at %s was left out", next.ID, next.RecordedAt)
	}
	for _, e := range synth.Generate(synth.Config{Events: 2000, Provinces: 1, Seed: 1}) {
		if e.RecordedAt.After(time.Now()) {
			t.Fatalf("with the clock's time: entry %s is recorded at %s", e.ID, e.RecordedAt)
		}
	}
}
