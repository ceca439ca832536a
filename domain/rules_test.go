package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

func TestStarsFromScore(t *testing.T) {
	for _, tc := range []struct {
		score float64
		want  domain.Stars
	}{
		{0, 1}, {29.99, 1}, {30, 2}, {49.99, 2}, {50, 3}, {69.99, 3}, {70, 4}, {89.99, 4}, {90, 5}, {100, 5},
	} {
		if got := domain.StarsFromScore(tc.score); got != tc.want {
			t.Errorf("StarsFromScore(%g) = %d★; want %d★", tc.score, got, tc.want)
		}
	}
}

func TestCertificateStarsAndScore(t *testing.T) {
	base := cert3("1/QĐ-UBND", "2024-03-01")
	withStars := func(s int, score float64, a domain.Authority) domain.OCOPCertified {
		return with(base, func(e *domain.OCOPCertified) {
			e.Stars, e.Score, e.Decision.Authority = domain.Stars(s), score, a
		})
	}
	const D, P, M = domain.AuthorityDistrict, domain.AuthorityProvince, domain.AuthorityMinistry
	runDecide(t, []decideCase{
		{name: "3 stars, score 50", when: withStars(3, 50, D), then: accepted},
		{name: "3 stars, score 69.99", when: withStars(3, 69.99, D), then: accepted},
		{name: "4 stars, score 70", when: withStars(4, 70, P), then: accepted},
		{name: "4 stars, score 89.99", when: withStars(4, 89.99, P), then: accepted},
		{name: "5 stars, score 90", when: withStars(5, 90, M), then: accepted},
		{name: "5 stars, score 100", when: withStars(5, 100, M), then: accepted},
		{name: "3 stars, no score", when: withStars(3, 0, D), then: accepted},
		{name: "3 stars, score 49.99", when: withStars(3, 49.99, D), then: &refused{domain.CodeInvalid, "score", "gives 2 stars, not 3"}},
		{name: "3 stars, score 70", when: withStars(3, 70, D), then: &refused{domain.CodeInvalid, "score", "gives 4 stars, not 3"}},
		{name: "4 stars, score 90", when: withStars(4, 90, P), then: &refused{domain.CodeInvalid, "score", "gives 5 stars, not 4"}},
		{name: "5 stars, score 89.99", when: withStars(5, 89.99, M), then: &refused{domain.CodeInvalid, "score", "gives 4 stars, not 5"}},
		{name: "score above 100", when: withStars(5, 100.5, M), then: &refused{domain.CodeInvalid, "score", "from 0 to 100"}},
		{name: "negative score", when: withStars(3, -1, D), then: &refused{domain.CodeInvalid, "score", "from 0 to 100"}},
		{name: "1 star", when: withStars(1, 20, D), then: &refused{domain.CodeInvalid, "stars", "only 3, 4 or 5"}},
		{name: "2 stars", when: withStars(2, 40, D), then: &refused{domain.CodeInvalid, "stars", "only 3, 4 or 5"}},
		{name: "6 stars", when: withStars(6, 0, M), then: &refused{domain.CodeInvalid, "stars", "must be 3, 4 or 5"}},
		{name: "0 stars", when: withStars(0, 0, D), then: &refused{domain.CodeInvalid, "stars", "must be 3, 4 or 5"}},
	})
}

func TestWhoCertifies(t *testing.T) {
	const D, P, M = domain.AuthorityDistrict, domain.AuthorityProvince, domain.AuthorityMinistry
	by := func(s int, a domain.Authority, date string) domain.OCOPCertified {
		return certified(s, a, "1/QĐ", date)
	}
	mayNot := func(s string) *refused {
		return &refused{domain.CodeInvalid, "decision.authority", "may not certify " + s}
	}
	runDecide(t, []decideCase{
		// Before the reform: district 3★, province 4★, ministry 5★.
		{name: "district 3★ on 30/06/2025", when: by(3, D, "30/06/2025"), then: accepted},
		{name: "province 4★ on 30/06/2025", when: by(4, P, "30/06/2025"), then: accepted},
		{name: "ministry 5★ on 30/06/2025", when: by(5, M, "30/06/2025"), then: accepted},
		{name: "province 3★ on 30/06/2025", when: by(3, P, "30/06/2025"), then: mayNot("3 stars")},
		{name: "district 4★ on 30/06/2025", when: by(4, D, "30/06/2025"), then: mayNot("4 stars")},
		{name: "province 5★ on 30/06/2025", when: by(5, P, "30/06/2025"), then: mayNot("5 stars")},
		{name: "ministry 4★ on 30/06/2025", when: by(4, M, "30/06/2025"), then: mayNot("4 stars")},
		// Districts are abolished on 01/07/2025; the reform takes effect on 06/07/2025.
		{name: "district 3★ on 01/07/2025", when: by(3, D, "01/07/2025"), then: &refused{domain.CodeInvalid, "decision.authority", "issued by Provincial"}},
		{name: "district 3★ on 05/07/2025", when: by(3, D, "05/07/2025"), then: mayNot("3 stars")},
		{name: "province 3★ on 01/07/2025", when: by(3, P, "01/07/2025"), then: accepted},
		{name: "province 3★ on 05/07/2025", when: by(3, P, "05/07/2025"), then: accepted},
		{name: "province 4★ on 05/07/2025", when: by(4, P, "05/07/2025"), then: accepted},
		// From 06/07/2025: province 3★ and 4★, ministry 5★.
		{name: "province 3★ on 06/07/2025", when: by(3, P, "06/07/2025"), then: accepted},
		{name: "province 4★ on 06/07/2025", when: by(4, P, "06/07/2025"), then: accepted},
		{name: "ministry 5★ on 06/07/2025", when: by(5, M, "06/07/2025"), then: accepted},
		{name: "district 3★ on 06/07/2025", when: by(3, D, "06/07/2025"), then: mayNot("3 stars")},
		{name: "district 4★ on 06/07/2025", when: by(4, D, "06/07/2025"), then: mayNot("4 stars")},
		{name: "province 5★ on 06/07/2025", when: by(5, P, "06/07/2025"), then: mayNot("5 stars")},
		{name: "ministry 3★ on 06/07/2025", when: by(3, M, "06/07/2025"), then: mayNot("3 stars")},
	})
	// The rule in one place, read directly.
	for _, tc := range []struct {
		stars int
		date  string
		want  domain.Authority
	}{
		{3, "2025-06-30", D}, {3, "2025-07-01", P}, {3, "2025-07-05", P}, {3, "2025-07-06", P},
		{4, "2020-01-01", P}, {4, "2025-07-06", P}, {5, "2020-01-01", M}, {5, "2025-07-06", M},
	} {
		got := domain.AuthoritiesFor(domain.Stars(tc.stars), day(tc.date))
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("AuthoritiesFor(%d★, %s) = %v; want [%s]", tc.stars, tc.date, got, tc.want)
		}
	}
}

func TestOCOPValidUntil(t *testing.T) {
	for _, tc := range []struct{ decided, until string }{
		{"2022-08-07", "2025-08-07"}, // valid on 06/08/2025, not on 07/08/2025
		{"2022-01-31", "2025-01-31"},
		{"2023-01-31", "2026-01-31"},
		{"2022-02-28", "2025-02-28"},
		{"2021-02-28", "2024-02-28"},
		{"2024-02-29", "2027-02-28"}, // leap day: no 29/02/2027, so the last day of February
		{"2022-05-31", "2025-05-31"},
		{"2022-12-31", "2025-12-31"},
	} {
		if got := domain.OCOPValidUntil(day(tc.decided)); got != day(tc.until) {
			t.Errorf("OCOPValidUntil(%s) = %s; want %s", tc.decided, got, tc.until)
		}
	}
	if domain.OCOPValidityMonths != 36 || domain.OCOPNoticeDays != 30 {
		t.Errorf("validity %d months, notice %d days; want 36 and 30", domain.OCOPValidityMonths, domain.OCOPNoticeDays)
	}
}

// The same boundary, seen through the figures: a certificate counts on its decision date and on
// each day before decision + 36 months, and not from that day.
func TestOCOPValidityInFigures(t *testing.T) {
	for _, tc := range []struct {
		decided       string
		lastValid     string
		firstNotValid string
	}{
		{"2022-08-07", "2025-08-06", "2025-08-07"},
		{"2024-02-29", "2027-02-27", "2027-02-28"},
		{"2022-01-31", "2025-01-30", "2025-01-31"},
	} {
		log := given(cert3("1/QĐ-UBND", tc.decided))
		for _, c := range []struct {
			on   string
			want int64
		}{{tc.decided, 1}, {tc.lastValid, 1}, {tc.firstNotValid, 0}, {day(tc.decided).AddDays(-1).String(), 0}} {
			ev := domain.Evaluate(log, domain.Query{AsOf: day(c.on)})
			if got := ev.Count("ocop.valid"); got != c.want {
				t.Errorf("decided %s: ocop.valid on %s = %d; want %d", tc.decided, c.on, got, c.want)
			}
			if got := ev.Count("ocop.valid.stars3"); got != c.want {
				t.Errorf("decided %s: ocop.valid.stars3 on %s = %d; want %d", tc.decided, c.on, got, c.want)
			}
		}
	}
}

func TestCNNTTBValidTo(t *testing.T) {
	for _, tc := range []struct{ issued, to string }{
		{"2022-05-10", "2025-12-31"},
		{"2022-01-01", "2025-12-31"},
		{"2022-12-31", "2025-12-31"},
		{"2024-11-15", "2027-12-31"},
		{"2020-12-01", "2023-12-31"},
	} {
		if got := domain.CNNTTBValidTo(day(tc.issued)); got != day(tc.to) {
			t.Errorf("CNNTTBValidTo(%s) = %s; want %s", tc.issued, got, tc.to)
		}
		if got := domain.CNNTTBValidUntil(day(tc.issued)); got != day(tc.to).AddDays(1) {
			t.Errorf("CNNTTBValidUntil(%s) = %s; want the day after %s", tc.issued, got, tc.to)
		}
	}
	log := given(cnnttb(domain.LevelProvince, 2022, "12/QĐ-UBND", "2022-05-10"))
	for _, c := range []struct {
		on   string
		want int64
	}{{"2022-05-09", 0}, {"2022-05-10", 1}, {"2025-12-31", 1}, {"2026-01-01", 0}} {
		if got := domain.Evaluate(log, domain.Query{AsOf: day(c.on)}).Count("cnnttb.valid.province"); got != c.want {
			t.Errorf("cnnttb.valid.province on %s = %d; want %d", c.on, got, c.want)
		}
	}
	if got := domain.Evaluate(log, domain.Query{AsOf: day("2030-01-01")}).Count("cnnttb.recognized.province"); got != 1 {
		t.Errorf("cnnttb.recognized.province in 2030 = %d; want 1 (recognition is cumulative)", got)
	}
}

// The brief's consistency check: 17 provincial recognitions in 2022 + 14 in 2024 = the 31 still
// valid on 07/08/2025; the 2020 round has expired by then but still counts as recognised.
func TestCNNTTBConsistencyWithReport(t *testing.T) {
	var events []domain.Event
	add := func(n, round int, issued string) {
		for i := 0; i < n; i++ {
			e := cnnttb(domain.LevelProvince, round, "QĐ-"+issued, issued)
			e.ProductID = strings.ReplaceAll(issued, "-", "") + "-" + string(rune('a'+i))
			e.ProductName = "Sản phẩm CNNTTB (synthetic) " + e.ProductID
			e.Synthetic = true
			events = append(events, e)
		}
	}
	add(9, 2020, "2020-10-20")
	add(17, 2022, "2022-10-15")
	add(14, 2024, "2024-11-15")
	ev := domain.Evaluate(given(events...), domain.Query{AsOf: day("07/08/2025")})
	if got := ev.Count("cnnttb.valid.province"); got != 31 {
		t.Errorf("cnnttb.valid.province on 07/08/2025 = %d; want 17 + 14 = 31", got)
	}
	if got := ev.Count("cnnttb.recognized.province"); got != 40 {
		t.Errorf("cnnttb.recognized.province on 07/08/2025 = %d; want 9 + 17 + 14 = 40", got)
	}
}

func TestDateParseAndFormat(t *testing.T) {
	for _, s := range []string{"2025-08-07", "07/08/2025", " 2025-08-07 ", "2025-8-7", "7/8/2025"} {
		d, err := domain.ParseDate(s)
		if err != nil || d != domain.MustDate(2025, 8, 7) {
			t.Errorf("ParseDate(%q) = %v, %v; want 2025-08-07", s, d, err)
		}
	}
	for _, s := range []string{"2025-02-30", "30/02/2025", "2025-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "1989-12-31", "2101-01-01", "07.08.2025", "", "2025-08", "yyyy-mm-dd"} {
		if d, err := domain.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v; want an error", s, d)
		}
	}
	if _, err := domain.ParseDate("2025-02-30"); err == nil || !strings.Contains(err.Error(), "day 30 does not exist") {
		t.Errorf("ParseDate(2025-02-30) error %v; want it to say the day does not exist", err)
	}
	if _, err := domain.ParseDate("2024-02-29"); err != nil {
		t.Errorf("ParseDate(2024-02-29): %v; 2024 is a leap year", err)
	}
	d := domain.MustDate(2025, 8, 7)
	if d.VN() != "07/08/2025" || d.String() != "2025-08-07" || d.Format("vi") != "07/08/2025" || d.Format("en") != "2025-08-07" {
		t.Errorf("formats of 2025-08-07: VN %q String %q", d.VN(), d.String())
	}
	if y, m, dd := d.YMD(); y != 2025 || m != 8 || dd != 7 || d.Year() != 2025 {
		t.Errorf("YMD = %d %d %d", y, m, dd)
	}
	if domain.MustDate(2000, 1, 1) != 0 || domain.MustDate(1999, 12, 31) != -1 {
		t.Errorf("day numbering: 2000-01-01 is %d, 1999-12-31 is %d; want 0 and -1", domain.MustDate(2000, 1, 1), domain.MustDate(1999, 12, 31))
	}
	if domain.NoDate.Valid() || domain.Forever.Valid() || domain.NoDate.String() != "" {
		t.Errorf("NoDate and Forever must not be valid dates")
	}
}

func TestDateAddMonths(t *testing.T) {
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2025-03-31", 1, "2025-04-30"},
		{"2025-11-15", 2, "2026-01-15"},
		{"2025-12-31", 12, "2026-12-31"},
		{"2025-03-15", -3, "2024-12-15"},
		{"2022-08-07", 36, "2025-08-07"},
	} {
		if got := day(tc.from).AddMonths(tc.n); got != day(tc.want) {
			t.Errorf("%s + %d months = %s; want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if got := day("2024-12-31").AddDays(1); got != day("2025-01-01") {
		t.Errorf("2024-12-31 + 1 day = %s", got)
	}
}

func TestDateInVietnam(t *testing.T) {
	d := domain.MustDate(2025, 8, 7)
	if want := time.Date(2025, 8, 6, 17, 0, 0, 0, time.UTC); !d.Time().Equal(want) {
		t.Errorf("Time() = %v; want midnight in UTC+7 = %v", d.Time(), want)
	}
	if want := time.Date(2025, 8, 7, 16, 59, 59, 999999999, time.UTC); !d.EndOfDay().Equal(want) {
		t.Errorf("EndOfDay() = %v; want %v", d.EndOfDay().UTC(), want)
	}
	// 23:30 UTC on 06/08 is already 07/08 in Vietnam.
	if got := domain.DateOf(time.Date(2025, 8, 6, 23, 30, 0, 0, time.UTC)); got != d {
		t.Errorf("DateOf(2025-08-06T23:30Z) = %s; want 2025-08-07", got)
	}
	if got := domain.DateOf(time.Date(2025, 8, 6, 16, 59, 0, 0, time.UTC)); got != d.AddDays(-1) {
		t.Errorf("DateOf(2025-08-06T16:59Z) = %s; want 2025-08-06", got)
	}
}

func TestParseKnownAt(t *testing.T) {
	end := domain.MustDate(2025, 8, 7).EndOfDay()
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"now", time.Time{}},
		{"2025-08-07", end},
		{"07/08/2025", end},
		{"2025-08-07T10:00:00Z", time.Date(2025, 8, 7, 10, 0, 0, 0, time.UTC)},
		{"2025-08-07T10:00:00.5+07:00", time.Date(2025, 8, 7, 3, 0, 0, 500000000, time.UTC)},
		{"2025-08-07T10:00:00", time.Date(2025, 8, 7, 3, 0, 0, 0, time.UTC)}, // no zone: Vietnam
		{"2025-08-07 10:00", time.Date(2025, 8, 7, 3, 0, 0, 0, time.UTC)},
	} {
		got, err := domain.ParseKnownAt(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseKnownAt(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, s := range []string{"yesterday", "2025-02-30", "2025-08-07T25:00:00Z"} {
		if _, err := domain.ParseKnownAt(s); err == nil {
			t.Errorf("ParseKnownAt(%q) succeeded; want an error", s)
		}
	}
}

func TestUnitMap(t *testing.T) {
	m := domain.NewUnitMap()
	m.Add(domain.UnitsMerged{ReorganisationID: "nq-1677-2025", Effective: domain.MergerDate, LegalBasis: "NQ 1677/NQ-UBTVQH15",
		Units: []domain.UnitMapping{
			{OldCommune: "xã An Vĩnh", OldDistrict: "huyện Lý Sơn", OldProvince: "Quảng Ngãi", NewCommune: "đặc khu Lý Sơn", NewProvince: "Quảng Ngãi"},
			{OldCommune: "xã Ia Tơi", OldDistrict: "huyện Ia H'Drai", OldProvince: "Kon Tum", NewCommune: "xã Ia Tơi", NewProvince: "Quảng Ngãi"},
			{OldCommune: "xã Ia Dom", OldDistrict: "huyện Ia H'Drai", OldProvince: "Kon Tum", NewCommune: "xã Ia Tơi", NewProvince: "Quảng Ngãi"},
		}})
	for _, tc := range []struct {
		name    string
		a       domain.Address
		former  domain.FormerProvince
		commune string
	}{
		{"old Quảng Ngãi address", addrLySon, domain.FormerQuangNgai, "đặc khu Lý Sơn"},
		{"old address, other spelling", domain.Address{Commune: "Xã  An Vĩnh", District: "Huyện Lý Sơn", Province: "quảng ngãi"}, domain.FormerQuangNgai, "đặc khu Lý Sơn"},
		{"old Kon Tum address", domain.Address{Commune: "xã Ia Dom", District: "huyện Ia H'Drai", Province: "Kon Tum"}, domain.FormerKonTum, "xã Ia Tơi"},
		{"new address in the merged province, formerly Kon Tum", domain.Address{Commune: "xã Ia Tơi", Province: "Quảng Ngãi"}, domain.FormerKonTum, "xã Ia Tơi"},
		{"new address, formerly Quảng Ngãi", domain.Address{Commune: "đặc khu Lý Sơn", Province: "Quảng Ngãi"}, domain.FormerQuangNgai, "đặc khu Lý Sơn"},
		{"unmapped commune", domain.Address{Commune: "phường X (synthetic)", District: "thành phố Y", Province: "Quảng Ngãi"}, domain.FormerQuangNgai, "phường X (synthetic)"},
		{"elsewhere", domain.Address{Province: "Đà Nẵng"}, domain.FormerUnknown, "(không rõ)"},
	} {
		if got := m.FormerProvince(tc.a); got != tc.former {
			t.Errorf("%s: FormerProvince = %s; want %s", tc.name, got, tc.former)
		}
		if got := m.CurrentCommune(tc.a); got != tc.commune {
			t.Errorf("%s: CurrentCommune = %q; want %q", tc.name, got, tc.commune)
		}
	}
	if got := m.Dimension(domain.DimFormerProvince, domain.Attrs{Address: addrIaToi}, "vi"); got != "Kon Tum (cũ)" {
		t.Errorf("Dimension(former_province) = %q; want Kon Tum (cũ)", got)
	}
	// Evaluate builds the same mapping from the log.
	ev := domain.Evaluate(given(domain.UnitsMerged{ReorganisationID: "nq-1677-2025", Effective: domain.MergerDate, LegalBasis: "NQ 1677/NQ-UBTVQH15",
		Units: []domain.UnitMapping{{OldCommune: "xã An Vĩnh", OldDistrict: "huyện Lý Sơn", OldProvince: "Quảng Ngãi", NewCommune: "đặc khu Lý Sơn", NewProvince: "Quảng Ngãi"}}}),
		domain.Query{AsOf: day("2025-08-07")})
	if got := ev.Units.CurrentCommune(addrLySon); got != "đặc khu Lý Sơn" {
		t.Errorf("Evaluate's unit map: CurrentCommune = %q", got)
	}
}

func TestErrorTransportTable(t *testing.T) {
	for _, tc := range []struct {
		code       domain.Code
		http, exit int
	}{
		{domain.CodeInvalid, 400, 2}, {domain.CodeNotFound, 404, 3}, {domain.CodeConflict, 409, 4},
		{domain.CodeUnauthorized, 401, 5}, {domain.CodeForbidden, 403, 5}, {domain.CodeInternal, 500, 1}, {"bogus", 500, 1},
	} {
		if h, e := domain.HTTPStatus(tc.code), domain.ExitCode(tc.code); h != tc.http || e != tc.exit {
			t.Errorf("%s → HTTP %d, exit %d; want %d, %d", tc.code, h, e, tc.http, tc.exit)
		}
	}
	if domain.ErrorCode(nil) != "" || domain.ErrorCode(strings.NewReader("").UnreadByte()) != domain.CodeInternal {
		t.Errorf("ErrorCode of nil must be empty and of a foreign error internal")
	}
}

// Every dimension a figure can be broken down by is named for people in both languages, and
// differently in each (an English name left in the Vietnamese column shows up as the same text);
// every dimension a breakdown may ask for applies to some figure.
func TestDimensionsHaveLabels(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range domain.Figures() {
		for _, d := range f.Dims {
			if seen[d] {
				continue
			}
			seen[d] = true
			vi, en := domain.DimensionLabel(d, "vi"), domain.DimensionLabel(d, "en")
			if vi == "" || en == "" || vi == en {
				t.Errorf("dimension %s: labels %q (vi), %q (en)", d, vi, en)
			}
		}
	}
	for _, d := range domain.Dimensions() {
		if !seen[d] {
			t.Errorf("--by accepts %s, but no figure can be broken down by it", d)
		}
	}
	if l := domain.DimensionLabel("nope", "vi"); l != "" {
		t.Errorf("an unknown dimension is named %q", l)
	}
}
