package tables_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/tables"
)

// record's answer, as the command line printed it before it moved here: the entry's place, and
// an earlier try that had recorded it already.
func TestRecorded(t *testing.T) {
	pos := ledger.Position{ID: "e-1", Type: "ocop.certified", Stream: "product.qn-1", Version: 2, Sequence: 7}
	for _, c := range []struct {
		dup        bool
		lang, want string
	}{
		{false, "vi", "đã ghi ocop.certified: product.qn-1 phiên bản 2, vị trí 7, mã e-1\n"},
		{true, "en", "recorded ocop.certified: product.qn-1 version 2, position 7, id e-1 (already recorded earlier; nothing written)\n"},
		{true, "vi", "đã ghi ocop.certified: product.qn-1 phiên bản 2, vị trí 7, mã e-1 (đã ghi trước đó, không ghi lại)\n"},
	} {
		pos.Duplicate = c.dup
		r := tables.Recorded(pos, c.lang)
		if r.Text != c.want || r.JSON != pos {
			t.Errorf("Recorded(duplicate %v, %s) = %q, %+v; want %q and the position", c.dup, c.lang, r.Text, r.JSON, c.want)
		}
	}
}
