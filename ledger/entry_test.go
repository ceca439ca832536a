package ledger_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
)

// The ledger's wire type writes the same JSON as the store's envelope, byte for byte, with every
// field set and with the optional ones left out: exports, the API's log and streams and webhook
// deliveries read the same as before it had one.
func TestEntryJSONIsTheEnvelopes(t *testing.T) {
	at := time.Date(2024, 3, 5, 7, 9, 11, 123456789, time.UTC)
	for _, e := range []eventstore.Envelope{
		{Sequence: 42, ID: "e-1", Type: "ocop.certified", Schema: 1, Stream: "product.p1", Version: 3, RecordedAt: at,
			Backfilled: true, AppendedAt: at.Add(time.Second), Actor: "sct-qn", Source: "QĐ 1425/QĐ-UBND", CorrelationID: "c-9",
			Data: json.RawMessage(`{"product_id":"p1","stars":4}`), Body: []byte(`{"not":"sent"}`)},
		{Sequence: 7, ID: "e-2", Type: "listing.created", Schema: 1, Stream: "listing.l1", Version: 1, RecordedAt: at,
			AppendedAt: at, Data: json.RawMessage(`{}`)},
		{Sequence: 9, Stream: "product.p2", AppendedAt: at, Body: []byte("garbage"), Unreadable: "its body does not decode"},
	} {
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(ledger.EntryOf(e))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("entry %d:\n got %s\nwant %s", e.Sequence, got, want)
		}
	}
}
