package domain

import "testing"

// MustDate gives NoDate for an impossible date instead of panicking: every date constant of the
// package must therefore be a real date.
func TestDateConstants(t *testing.T) {
	for name, d := range map[string]Date{
		"EraStart": EraStart, "lastDay": lastDay, "AuthorityReformDate": AuthorityReformDate,
		"MergerDate": MergerDate, "ReportPeriodStart": ReportPeriodStart,
	} {
		if !d.Valid() {
			t.Errorf("%s is not a real date", name)
		}
	}
	if MustDate(2025, 2, 30) != NoDate || MustDate(MaxYear+1, 1, 1) != NoDate {
		t.Error("MustDate of an impossible date is not NoDate")
	}
}
