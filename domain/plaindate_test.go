package domain

import (
	"fmt"
	"testing"
)

// TestPlainDateAgrees: the short path of Date.UnmarshalJSON reads "yyyy-mm-dd" as the general
// one does, and leaves to it whatever it does not read.
func TestPlainDateAgrees(t *testing.T) {
	var in []string
	for _, y := range []int{0, 1, 1999, MinYear - 1, MinYear, MaxYear, MaxYear + 1, 9998, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				in = append(in, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	for y := 2000; y <= 2100; y++ {
		for m := 1; m <= 12; m++ {
			for d := 27; d <= 32; d++ {
				in = append(in, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	in = append(in, "2023-1-01", "2023-01-1", "+023-01-01", "2023-01-0a", "2023/01/01", "01/02/2023", " 2023-01-01", "2023-01-01 ", "2023-01-01\n", "2023–01–01")
	for _, s := range in {
		for _, b := range []string{`"` + s + `"`, s, `"` + s, s + `"`} {
			want, werr := dateFromJSON([]byte(b))
			got, ok := plainDate([]byte(b))
			if ok && (werr != nil || got != want) {
				t.Errorf("%s: the short path reads %v, the general one %v (%v)", b, got, want, werr)
			}
			var d Date
			err := d.UnmarshalJSON([]byte(b))
			if fmt.Sprint(err) != fmt.Sprint(werr) || werr == nil && d != want {
				t.Errorf("%s: UnmarshalJSON gives %v (%v), the general path %v (%v)", b, d, err, want, werr)
			}
		}
	}
	if _, ok := plainDate([]byte(`"2025-08-07"`)); !ok {
		t.Error("a plain date takes the general path")
	}
}
