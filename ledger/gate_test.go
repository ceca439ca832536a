package ledger_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// Issue 14, case 1: a recognition of the 2099 round issued on 01/05/2099 was recorded, and every
// fold of its stream panicked from then on. The gate refuses it, naming the field, and the log
// stays as it was; the same fact backfilled at a time after its date is accepted.
func TestRecordRefusesFarFutureDates(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	ctx := t.Context()
	payload := `{"product_id":"bo-kho-thu-ba","product_name":"Bò khô Thu Ba","producer_name":"Công ty TNHH SX&TM Thu Ba",
		"level":"province","round_year":2099,"certificate":"CN-2099","issued_on":"2099-05-01","address":{"province":"Quảng Ngãi"}}`
	_, err := l.Record(ctx, domain.TypeCNNTTBRecognized, []byte(payload), ledger.Meta{Actor: "test"})
	if domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "issued_on" {
		t.Fatalf("recording a recognition issued 01/05/2099 today: %v; want invalid issued_on", err)
	}
	cert := `{"product_id":"toi-ly-son","product_name":"Tỏi Lý Sơn","producer_id":"phu-sinh","producer_name":"Phú Sinh",
		"producer_kind":"enterprise","product_set":"I.4b","stars":4,
		"decision":{"number":"1/QĐ-UBND","date":"2099-01-01","authority":"province"},"address":{"province":"Quảng Ngãi"}}`
	_, err = l.Record(ctx, domain.TypeOCOPCertified, []byte(cert), ledger.Meta{Actor: "test"})
	if domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "decision.date" {
		t.Fatalf("recording a certificate decided 01/01/2099 today: %v; want invalid decision.date", err)
	}
	if n, err := l.LastSequence(ctx); err != nil || n != 0 {
		t.Fatalf("the log holds %d entries (%v); want none", n, err)
	}
	// Backfilled at a recording time after its date, the same fact is a fact.
	pos, err := l.Record(ctx, domain.TypeCNNTTBRecognized, []byte(strings.ReplaceAll(payload, "2099", "2023")),
		ledger.Meta{Actor: "test", RecordedAt: time.Date(2023, 5, 2, 9, 0, 0, 0, domain.Vietnam)})
	if err != nil || pos.Sequence != 1 {
		t.Fatalf("backfilling the 2023 recognition: %+v, %v", pos, err)
	}
	_, err = l.Record(ctx, domain.TypeCNNTTBRecognized, []byte(payload), ledger.Meta{Actor: "test", Source: "QĐ\x00"})
	if domain.ErrorField(err) != "issued_on" {
		t.Errorf("got %v; want the event's date refused first", err)
	}
}

// The source document of an entry is one line of clean text, like the event's own text.
func TestRecordRefusesControlCharactersInSource(t *testing.T) {
	l := ledger.New(storetest.MustOpenStore(t), nil)
	_, err := l.RecordEvent(t.Context(), domain.SalesPointOpened{SalesPointID: "sp1", Name: "Điểm bán", SiteType: "tourist_site",
		Funding: domain.FundingPrivate, Operator: "Công ty", Address: domain.Address{Province: "Quảng Ngãi"}, OpenedOn: domain.MustDate(2024, 1, 10)},
		ledger.Meta{Actor: "test", Source: "QĐ 1\x00"})
	if domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "source" {
		t.Fatalf("got %v; want invalid source", err)
	}
}
