package importer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/importer"
	"github.com/ocopledger/ocopledger/ledger"
)

// annex is a decision annex of n rows.
func annex(n int) [][]string {
	table := [][]string{{"Số quyết định:", "1425/QĐ-UBND"}, {"Ngày quyết định:", "25/12/2023"}, {"Cơ quan ban hành:", "UBND tỉnh"},
		{"Mã sản phẩm", "Tên sản phẩm", "Mã chủ thể", "Tên chủ thể", "Loại hình chủ thể", "Bộ sản phẩm", "Điểm", "Số sao", "Tỉnh"}}
	for i := range n {
		table = append(table, []string{fmt.Sprintf("sp-%05d", i), "Sản phẩm " + fmt.Sprint(i), "phu-sinh", "Công ty TNHH Phú Sinh", "doanh nghiệp", "I.4b", "78", "4", "Quảng Ngãi"})
	}
	return table
}

// BenchmarkImport10000 checks and stores a decision annex of 10,000 rows (issue 17's target:
// within 10 s) on a real embedded ledger, with a second import of the same file (stores
// nothing), and, as the baseline in the same run, the same rows checked and recorded one by
// one through ledger.Check and ledger.RecordEvent, each reading its record's history (how the
// importer stored them before the ledger's batch):
//
//	go test -run '^$' -bench Import10000 -benchtime 1x ./importer/
func BenchmarkImport10000(b *testing.B) {
	const n = 10000
	table := annex(n)
	k := importer.LookupKindMust("ocop-decision")
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			l := ledger.New(storetest.MustOpenStore(b), nil)
			b.StartTimer()
			start := time.Now()
			out, err := importer.Import(b.Context(), l, k, table, importer.Options{Source: "QĐ 1425/QĐ-UBND", Actor: "bench"})
			if err != nil || out.Stored != n {
				b.Fatalf("%+v %v %v", out, err, out.Errors)
			}
			b.ReportMetric(time.Since(start).Seconds(), "s/10000rows")
			start = time.Now()
			again, err := importer.Import(b.Context(), l, k, table, importer.Options{Source: "QĐ 1425/QĐ-UBND", Actor: "bench"})
			if err != nil || again.Stored != 0 || again.Present != n {
				b.Fatalf("again: %+v %v %v", again, err, again.Errors)
			}
			b.ReportMetric(time.Since(start).Seconds(), "s/reimport")
		}
	})
	b.Run("row-by-row", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			l := ledger.New(storetest.MustOpenStore(b), nil)
			b.StartTimer()
			start := time.Now()
			batch := importer.Parse(k, table, "QĐ 1425/QĐ-UBND")
			for _, it := range batch.Items {
				m := ledger.Meta{ID: it.ID, Actor: "bench", Source: batch.Source}
				if _, err := l.Check(b.Context(), it.Event, m, nil); err != nil {
					b.Fatal(err)
				}
			}
			for _, it := range batch.Items {
				if _, err := l.RecordEvent(b.Context(), it.Event, ledger.Meta{ID: it.ID, Actor: "bench", Source: batch.Source}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(time.Since(start).Seconds(), "s/10000rows")
		}
	})
}
