package checkpoint_test

import (
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
)

func TestProofRequestNamesOneEntryOrTwoSizes(t *testing.T) {
	for _, c := range []struct {
		r         checkpoint.ProofRequest
		inclusion bool
		wrong     string // what the error says, "" for none
	}{
		{checkpoint.ProofRequest{Position: 3}, true, ""},
		{checkpoint.ProofRequest{ID: "e-1", Size: 9}, true, ""},
		{checkpoint.ProofRequest{From: 4}, false, ""},
		{checkpoint.ProofRequest{From: 4, To: 9}, false, ""},
		{checkpoint.ProofRequest{Position: 3, ID: "e-1"}, true, "not both"},
		{checkpoint.ProofRequest{ID: "e-1", To: 9}, true, "two sizes (--from, --to), not both"},
		{checkpoint.ProofRequest{To: 9}, false, "the older log's size (--from M)"},
		{checkpoint.ProofRequest{}, false, "give an entry"},
	} {
		err := c.r.Validate()
		if c.r.Inclusion() != c.inclusion || (c.wrong == "") != (err == nil) ||
			err != nil && (!strings.Contains(err.Error(), c.wrong) || domain.ErrorCode(err) != domain.CodeInvalid) {
			t.Errorf("%+v: inclusion %v, Validate %v; want %v, %q", c.r, c.r.Inclusion(), err, c.inclusion, c.wrong)
		}
	}
}
