package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/report"
)

// LookupFiled finds a filed report in the ledger by its document number or its report ID; a
// report the ledger does not hold, or no ledger at all, is not found, naming the record looked in.
func TestLookupFiledByNumberOrID(t *testing.T) {
	ctx := t.Context()
	l := ledger.New(storetest.MustOpenStore(t), nil)
	payload, err := json.Marshal(filed470(map[string]int64{"ocop.valid": 624}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Record(ctx, domain.TypeReportFiled, payload, ledger.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"470/SCT-QLTM", "470-SCT-QLTM"} {
		f, err := report.LookupFiled(ctx, l, arg)
		if err != nil || f.Report.Figures["ocop.valid"] != 624 {
			t.Errorf("LookupFiled(%q): %+v %v; want the report filed with ocop.valid 624", arg, f, err)
		}
	}
	for _, c := range []struct {
		h   report.Histories
		arg string
	}{{l, "999/SCT-QLTM"}, {nil, "470/SCT-QLTM"}} {
		_, err := report.LookupFiled(ctx, c.h, c.arg)
		want := "no report " + c.arg + " in the ledger (no report.filed entry in report." + domain.ReportIDFor(c.arg) + ")"
		if domain.ErrorCode(err) != domain.CodeNotFound || !strings.Contains(err.Error(), want) {
			t.Errorf("LookupFiled(%v, %q): %v; want not found: %s", c.h != nil, c.arg, err, want)
		}
	}
}
