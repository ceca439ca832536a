package ledger_test

import (
	"fmt"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

func fair(id string) domain.TradeEventHeld {
	return domain.TradeEventHeld{TradeEventID: id, Kind: domain.KindProvincialFair, Name: "Hội chợ " + id + " (synthetic)", StartDate: domain.MustDate(2024, 11, 20),
		EndDate: domain.MustDate(2024, 11, 24), Venue: "Quảng trường", Organiser: "Sở Công Thương", Address: domain.Address{Province: "Quảng Ngãi"}, Synthetic: true}
}

func join(fairID string, i int) domain.TradeEventParticipation {
	return domain.TradeEventParticipation{TradeEventID: fairID, BusinessID: fmt.Sprintf("dn-%d", i), BusinessName: fmt.Sprintf("Doanh nghiệp %d (synthetic)", i), Synthetic: true}
}

// A batch checks each entry against its record's history and the batch's entries before it,
// stores them in atomic appends across records (a record whose entries span several appends
// included), and, when another writer changed a record after the batch read it, records the
// chunk entry by entry, deciding again: what was accepted is stored once, what the other
// writer recorded first is present, and a second batch of the same entries stores nothing (test).
func TestBatch(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	ctx := t.Context()
	m := func(id string) ledger.Meta { return ledger.Meta{ID: id, Actor: "test", Source: "batch test"} }
	if _, err := l.RecordEvent(ctx, fair("f1"), m("held-f1")); err != nil {
		t.Fatal(err)
	}
	build := func() *ledger.Batch {
		b, err := l.NewBatch(ctx, []string{fair("f1").Stream(), fair("f2").Stream()})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b := build()
	n := ledger.BatchSize + 100 // the participations of f1 span two appends
	for i := range n {
		if present, err := b.Check(ctx, join("f1", i), m(fmt.Sprint("join-f1-", i))); err != nil || present {
			t.Fatalf("participation %d: present %v, %v", i, present, err)
		}
	}
	if _, err := b.Check(ctx, join("f1", 3), m("join-f1-again")); domain.ErrorCode(err) != domain.CodeConflict {
		t.Errorf("a business joining twice in one batch: %v; want a conflict", err)
	}
	if _, err := b.Check(ctx, join("f2", 1), m("join-f2-1")); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("joining a fair no one recorded: %v; want invalid", err)
	}
	if _, err := b.Check(ctx, fair("f2"), m("held-f2")); err != nil {
		t.Fatal(err)
	}
	mark := b.Mark()
	if _, err := b.Check(ctx, join("f2", 1), m("join-f2-1")); err != nil {
		t.Fatal(err)
	}
	b.Rollback(mark)
	if _, err := b.Check(ctx, join("f2", 1), m("join-f2-1b")); err != nil {
		t.Fatalf("after a rollback the entry is forgotten: %v", err)
	}
	// Another writer records in f2 after the batch read it.
	if _, err := l.RecordEvent(ctx, fair("f2"), m("held-f2")); err != nil {
		t.Fatal(err)
	}
	if b.Len() != n+2 {
		t.Fatalf("the batch holds %d entries; want %d", b.Len(), n+2)
	}
	var done []int
	stored, present, err := b.Commit(ctx, func(d int) { done = append(done, d) })
	if err != nil || stored != n+1 || present != 1 {
		t.Fatalf("commit: stored %d, present %d, %v; want %d stored and held-f2 present", stored, present, err, n+1)
	}
	if fmt.Sprint(done) != fmt.Sprintf("[%d %d]", ledger.BatchSize, n+2) {
		t.Errorf("progress %v", done)
	}
	hist, v, err := l.History(ctx, fair("f1").Stream())
	if err != nil || len(hist) != n+1 || v != uint64(n+1) {
		t.Fatalf("f1: %d entries at version %d, %v; want %d", len(hist), v, err, n+1)
	}
	// The same entries again: all present, nothing stored.
	b = build()
	for i := range n {
		if present, err := b.Check(ctx, join("f1", i), m(fmt.Sprint("join-f1-", i))); err != nil || !present {
			t.Fatalf("participation %d again: present %v, %v", i, present, err)
		}
	}
	if b.Len() != 0 {
		t.Errorf("a batch of entries already recorded holds %d to store", b.Len())
	}
	if last, _ := l.LastSequence(ctx); last != uint64(n+3) {
		t.Errorf("last position %d; want %d", last, n+3)
	}
}
