package datadir_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

// A report filed through Record is followed by a signed checkpoint of the log it was filed
// against; recording it again (a duplicate) or another event publishes none.
func TestRecordCheckpointsAFiledReport(t *testing.T) {
	ctx := t.Context()
	n := datadir.Open(datadir.Options{Dir: datadir.Dir{Path: filepath.Join(t.TempDir(), "data")}, Create: true})
	defer n.Close()
	filed, err := json.Marshal(domain.ReportFiled{ReportID: "470-SCT-QLTM", DocumentNumber: "470/SCT-QLTM", Title: "Báo cáo OCOP",
		Issuer: "Sở Công Thương Quảng Ngãi", Date: domain.MustDate(2025, 8, 7), AsOf: domain.MustDate(2025, 8, 7),
		Figures: map[string]int64{"ocop.valid": 3}})
	if err != nil {
		t.Fatal(err)
	}
	latest := func() int64 {
		t.Helper()
		cl, err := n.Checkpoints(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		e, err := cl.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return 0
		}
		return e.Size
	}
	cert := `{"product_id":"toi-ly-son","product_name":"Tỏi Lý Sơn","producer_id":"phu-sinh","producer_name":"Phú Sinh",
		"producer_kind":"enterprise","product_set":"I.4b","stars":4,
		"decision":{"number":"1/QĐ-UBND","date":"2023-01-01","authority":"province"},"address":{"province":"Quảng Ngãi"}}`
	var done uint64
	progress := func(d, _ uint64) { done = d }
	if _, err := n.Record(ctx, domain.TypeOCOPCertified, []byte(cert), ledger.Meta{Actor: "test"}, progress); err != nil {
		t.Fatal(err)
	}
	if got := latest(); got != 0 {
		t.Errorf("after a certification: a checkpoint of %d entries; want none", got)
	}
	if _, err := n.Record(ctx, domain.TypeReportFiled, filed, ledger.Meta{ID: "f1", Actor: "test"}, progress); err != nil {
		t.Fatal(err)
	}
	if got := latest(); got != 2 || done != 2 {
		t.Errorf("after the report was filed: the latest checkpoint holds %d entries, the read models read %d; want 2 and 2", got, done)
	}
	pos, err := n.Record(ctx, domain.TypeReportFiled, filed, ledger.Meta{ID: "f1", Actor: "test"}, progress)
	if err != nil || !pos.Duplicate {
		t.Fatalf("the same report again: %+v %v; want a duplicate", pos, err)
	}
	if got := latest(); got != 2 {
		t.Errorf("after a duplicate: the latest checkpoint holds %d entries; want still 2", got)
	}
}
