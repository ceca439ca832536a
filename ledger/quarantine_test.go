package ledger_test

import (
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// Garbage published on a record's subject does not block the record: its history names the
// message, and the next entry is recorded after it, at the version after the record's last event.
func TestGarbageOnARecordDoesNotBlockIt(t *testing.T) {
	s := storetest.MustOpenStore(t)
	l := ledger.New(s, nil)
	ctx := t.Context()
	cert := `{"product_id":"toi-ly-son","product_name":"Tỏi Lý Sơn","producer_id":"phu-sinh","producer_name":"Phú Sinh",
		"producer_kind":"enterprise","product_set":"I.4b","stars":4,
		"decision":{"number":"1/QĐ-UBND","date":"2023-01-01","authority":"province"},"address":{"province":"Quảng Ngãi"}}`
	if _, err := l.Record(ctx, domain.TypeOCOPCertified, []byte(cert), ledger.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Conn().Request("ocop.events.product.toi-ly-son", []byte("garbage"), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	hist, v, err := l.History(ctx, "product.toi-ly-son")
	if err != nil || v != 1 || len(hist) != 2 || hist[1].Unreadable == nil || hist[1].Sequence != 2 {
		t.Fatalf("history: %+v, version %d, %v; want the certificate and the garbage named, version 1", hist, v, err)
	}
	pos, err := l.Record(ctx, domain.TypeOCOPPotentialFiveStar, []byte(`{"product_id":"toi-ly-son","date":"2024-01-01"}`), ledger.Meta{Actor: "test"})
	if err != nil || pos.Version != 2 || pos.Sequence != 3 {
		t.Fatalf("recording after the garbage: %+v, %v; want version 2 at position 3", pos, err)
	}
	if _, v, err := l.History(ctx, "product.toi-ly-son"); err != nil || v != 2 {
		t.Fatalf("version after: %d, %v", v, err)
	}
}
