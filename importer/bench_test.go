package importer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/importer"
	"github.com/ocopledger/ocopledger/ledger"
)

// BenchmarkImport10000 checks and stores a decision annex of 10,000 rows (issue 17's target:
// within 10 s) on a real embedded ledger.
func BenchmarkImport10000(b *testing.B) {
	const n = 10000
	table := [][]string{{"Số quyết định:", "1425/QĐ-UBND"}, {"Ngày quyết định:", "25/12/2023"}, {"Cơ quan ban hành:", "UBND tỉnh"},
		{"Mã sản phẩm", "Tên sản phẩm", "Mã chủ thể", "Tên chủ thể", "Loại hình chủ thể", "Bộ sản phẩm", "Điểm", "Số sao", "Tỉnh"}}
	for i := range n {
		table = append(table, []string{fmt.Sprintf("sp-%05d", i), "Sản phẩm " + fmt.Sprint(i), "phu-sinh", "Công ty TNHH Phú Sinh", "doanh nghiệp", "I.4b", "78", "4", "Quảng Ngãi"})
	}
	k := importer.LookupKindMust("ocop-decision")
	for b.Loop() {
		b.StopTimer()
		l := ledger.New(storetest.MustOpenStore(b), nil)
		b.StartTimer()
		start := time.Now()
		out, err := importer.Import(b.Context(), l, k, table, "QĐ 1425/QĐ-UBND", "bench", false, nil)
		if err != nil || out.Stored != n {
			b.Fatalf("%+v %v %v", out, err, out.Errors)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/10000rows")
	}
}
