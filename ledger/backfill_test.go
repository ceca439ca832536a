package ledger_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
)

// A backfill earlier than what the ledger already holds is refused as the clerk's mistake, on the
// recorded_at field, in Vietnamese with both times written dd/mm/yyyy, and nothing is recorded.
func TestBackfillOutOfOrderIsExplained(t *testing.T) {
	ctx := context.Background()
	l := ledger.New(storetest.MustOpenStore(t), nil)
	producer := func(id string) domain.Event {
		return domain.ProducerRegistered{ProducerID: id, Name: "HTX giả lập " + id, Kind: domain.ProducerKind("cooperative"),
			Address: domain.Address{Commune: "xã Tịnh Phong", Province: "Quảng Ngãi"}, Synthetic: true}
	}
	at := time.Date(2024, 3, 5, 2, 0, 0, 0, time.UTC)
	if _, err := l.RecordEvent(ctx, producer("htx-a"), ledger.Meta{RecordedAt: at}); err != nil {
		t.Fatal(err)
	}
	_, err := l.RecordEvent(ctx, producer("htx-b"), ledger.Meta{RecordedAt: at.Add(-48 * time.Hour)})
	if !errors.Is(err, eventstore.ErrBackfillOrder) || domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "recorded_at" {
		t.Fatalf("backfill out of order: %v (code %s, field %q); want an invalid recorded_at", err, domain.ErrorCode(err), domain.ErrorField(err))
	}
	vi := i18n.Localize(err, "vi")
	if !strings.Contains(vi, "sổ cái") || !strings.Contains(vi, "03/03/2024 09:00:00") || !strings.Contains(vi, "05/03/2024 09:00:00") {
		t.Errorf("Vietnamese message %q does not explain it with both times", vi)
	}
	if n, _ := l.LastSequence(ctx); n != 1 {
		t.Errorf("the log holds %d entries after the refusal, want 1", n)
	}
}
