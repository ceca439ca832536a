package domain_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// The read path checks every stored entry with ValidateAt (ledger.ToRecorded): what it costs beside
// decoding, for the events the read models read most.
func BenchmarkValidateAt(b *testing.B) {
	for _, typ := range typicalEvents {
		e, err := domain.Decode(typ, 1, []byte(goodPayloads[typ]))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(typ, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := domain.ValidateAt(e, t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
