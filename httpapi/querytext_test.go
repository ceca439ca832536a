package httpapi_test

import (
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

// A query as written reads its defaults at now, names a wrong field as its caller writes it,
// and, as a period (PeriodQuery), refuses one that starts after its day.
func TestQueryTextReadsAndChecksThePeriod(t *testing.T) {
	now := time.Date(2025, 8, 7, 10, 0, 0, 0, domain.Vietnam)
	q, err := httpapi.QueryText{}.PeriodQuery(now)
	if err != nil || q.AsOf != domain.MustDate(2025, 8, 7) || q.From != domain.ReportPeriodStart || !q.KnownAt.IsZero() {
		t.Errorf("no flags: %+v %v; want today, the report period's start, now", q, err)
	}
	q, err = httpapi.QueryText{AsOf: "07/08/2025", From: "2025-01-01"}.PeriodQuery(now)
	if err != nil || q.From != domain.MustDate(2025, 1, 1) {
		t.Errorf("a period: %+v %v", q, err)
	}
	for _, c := range []struct {
		text  httpapi.QueryText
		field string
	}{
		{httpapi.QueryText{AsOf: "2025-08-07", From: "2025-09-01"}, "from"},
		{httpapi.QueryText{AsOf: "31/02/2025"}, "as-of"},
		{httpapi.QueryText{KnownAt: "yesterday"}, "known-at"},
	} {
		if _, err := c.text.PeriodQuery(now); domain.ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want an error naming %s", c.text, err, c.field)
		}
	}
	// A series (timeline) may start after the day Query defaults to.
	if _, err := (httpapi.QueryText{From: "2025-09-01"}).Query(now, "_"); err != nil {
		t.Errorf("Query with a later from: %v", err)
	}
}
