package ledger_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// RecordEvent appends after the head it read with the history (no second read): writers racing
// on one record still get exact optimistic concurrency. With the version pinned (If-Match),
// exactly one of the racers wins and the others get a conflict naming expected_version; without
// it, every racer is decided again on the history that beat it and recorded once, each at a
// version of its own.
func TestRecordEventRacingWriters(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	ctx := t.Context()
	fair := domain.TradeEventHeld{TradeEventID: "race", Kind: domain.KindProvincialFair, Name: "Hội chợ đua", StartDate: domain.MustDate(2024, 3, 1),
		EndDate: domain.MustDate(2024, 3, 3), Venue: "Quảng trường", Organiser: "Sở Công Thương", Address: domain.Address{Province: "Quảng Ngãi"}}
	if _, err := l.RecordEvent(ctx, fair, ledger.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	join := func(who string) domain.Event {
		return domain.TradeEventParticipation{TradeEventID: "race", BusinessID: who, BusinessName: "Hợp tác xã " + who}
	}
	race := func(prefix string, n int, meta func(i int) ledger.Meta) ([]ledger.Position, []error) {
		pos, errs := make([]ledger.Position, n), make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				pos[i], errs[i] = l.RecordEvent(ctx, join(fmt.Sprintf("%s%d", prefix, i)), meta(i))
			})
		}
		close(start)
		wg.Wait()
		return pos, errs
	}

	one := int64(1)
	_, errs := race("pinned", 12, func(int) ledger.Meta { return ledger.Meta{Actor: "test", ExpectedVersion: &one} })
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("writers %d and %d both recorded at expected version 1", won, i)
		case err == nil:
			won = i
		case domain.ErrorCode(err) != domain.CodeConflict || domain.ErrorField(err) != "expected_version" || !errors.Is(err, eventstore.ErrConcurrency):
			t.Fatalf("writer %d: %v; want a conflict on expected_version", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no writer won at expected version 1")
	}

	pos, errs := race("free", 6, func(int) ledger.Meta { return ledger.Meta{Actor: "test"} })
	versions := map[uint64]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d without a pinned version: %v; want it decided again and recorded", i, err)
		}
		if versions[pos[i].Version] {
			t.Fatalf("two writers recorded at version %d", pos[i].Version)
		}
		versions[pos[i].Version] = true
	}
	hist, version, err := l.History(ctx, "tradeevent.race")
	if err != nil || version != 8 || len(hist) != 8 {
		t.Fatalf("history: %d entries, version %d, %v; want 8 (the fair, one pinned winner, six others)", len(hist), version, err)
	}
	for i, r := range hist {
		if r.Version != uint64(i+1) {
			t.Fatalf("entry %d has version %d", i, r.Version)
		}
	}
}
