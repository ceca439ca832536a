package ledger

import (
	"encoding/json"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	fastjson "github.com/segmentio/encoding/json"
)

// The commonest payload read by segmentio's decoder and by the hand-written reader
// (go test -run '^$' -bench DecodePayload -benchmem ./ledger/).
func BenchmarkDecodePayload(b *testing.B) {
	e := domain.ListingCreated{ListingID: "s01-l000123", Platform: "shopee", ProductName: "Hàng mẫu s01-l000123 (giả lập)", ProductID: "s01-p000045", OCOP: true,
		BusinessID: "s01-pr00012", BusinessName: "Chủ thể mẫu 01-00012 (giả lập)", ListedOn: domain.MustDate(2023, 4, 5), Synthetic: true}
	data, err := json.Marshal(e)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("segmentio", func(b *testing.B) {
		for b.Loop() {
			var x domain.ListingCreated
			if _, err := fastjson.Parse(data, &x, fastjson.DisallowUnknownFields); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			var x domain.ListingCreated
			if !parseHand(data, &x) {
				b.Fatal("refused")
			}
		}
	})
}
