package domain_test

import (
	"math"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// Entries written before the gate existed (or published past it) stay in the log for ever: every
// rule and fold must take them without failing. These tests give the folds such entries directly,
// as a stored history would, without Validate.

// extremeDates are dates a stored entry can hold: the ends of what NewDate accepts, the open ends,
// and day numbers only a damaged cache could hold.
var extremeDates = []domain.Date{
	domain.MustDate(domain.MinYear, 1, 1), domain.MustDate(domain.MaxYear, 12, 31), domain.MustDate(2099, 5, 1),
	domain.MustDate(2100, 2, 28), 0, -1, domain.NoDate, domain.Forever, domain.NoDate + 1, domain.Forever - 1,
	domain.Date(math.MinInt32), domain.Date(math.MaxInt32),
}

func TestDateArithmeticNeverFails(t *testing.T) {
	for _, d := range extremeDates {
		for _, n := range []int{0, 1, -1, 36, -36, 12 * 3000, math.MaxInt, math.MinInt} {
			got := d.AddMonths(n)
			if !d.Valid() && got != d {
				t.Errorf("%d.AddMonths(%d) = %d; want %d unchanged (an open end stays open)", d, n, got, d)
			}
			_ = d.AddDays(n)
		}
		_, _ = domain.OCOPValidUntil(d), domain.CNNTTBValidUntil(d)
		_, _, _ = d.String(), d.VN(), d.Time()
	}
}

func TestDateArithmeticPastMaxYearIsExact(t *testing.T) {
	for _, tc := range []struct {
		got  domain.Date
		want string
	}{
		{domain.CNNTTBValidTo(day("2099-05-01")), "2102-12-31"},
		{domain.CNNTTBValidUntil(day("2100-12-31")), "2104-01-01"},
		{domain.OCOPValidUntil(day("2099-01-01")), "2102-01-01"},
		{day("2096-02-29").AddMonths(48), "2100-02-28"}, // 2100 is not a leap year
		{day("2024-01-31").AddMonths(1), "2024-02-29"},
		{day("2024-03-31").AddMonths(-13), "2023-02-28"},
		{day("1990-01-15").AddMonths(-1), "1989-12-15"},
		{domain.Forever.AddDays(-1), "∞"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("got %s; want %s", tc.got, tc.want)
		}
	}
}

// TestFoldTakesExtremeStoredEntries folds histories holding entries that the gate refuses today
// (a certificate decided in 2099, a recognition issued in 2099, open-ended and missing dates):
// nothing panics, and entries dated after today leave today's figures as they were.
func TestFoldTakesExtremeStoredEntries(t *testing.T) {
	later := []domain.Date{domain.MustDate(2099, 5, 1), domain.MustDate(domain.MaxYear, 12, 31), domain.Forever,
		domain.Forever - 1, domain.Date(math.MaxInt32)}
	foldExtremes(t, later, true)
	foldExtremes(t, extremeDates, false)
}

func foldExtremes(t *testing.T, dates []domain.Date, sameFigures bool) {
	t.Helper()
	clean := []domain.Event{
		cert3("10/QĐ-UBND", "2023-03-01"),
		cnnttb(domain.LevelProvince, 2022, "CN-1", "2022-09-01"),
		salesPointOpened("sp1", domain.FundingPrivate, "2024-01-10"),
	}
	var poisons []domain.Event
	for _, d := range dates {
		c := cert4("99/QĐ-UBND", "2023-03-01")
		c.ProductID = "poison-cert"
		c.Decision.Date = d
		r := cnnttb(domain.LevelProvince, 2099, "CN-99", "2099-05-01")
		r.ProductID, r.IssuedOn = "poison-cnnttb", d
		sp := salesPointOpened("poison-sp", domain.FundingMinistry, "2024-01-10")
		sp.OpenedOn = d
		f := fairHeld("poison-fair", domain.KindProvincialFair, "2024-05-01")
		f.StartDate, f.EndDate = d, d
		poisons = append(poisons, c, r, sp, f, domain.SalesPointClosed{SalesPointID: "poison-sp", ClosedOn: d},
			domain.OCOPRevoked{ProductID: "poison-cert", Certificate: "99/QĐ-UBND", Reason: "voluntary",
				Decision: domain.Decision{Number: "100/QĐ-UBND", Date: d, Authority: domain.AuthorityProvince}},
			domain.CNNTTBExpired{ProductID: "poison-cnnttb", Level: domain.LevelProvince, Certificate: "CN-99", ExpiredOn: d})
	}
	q := domain.Query{AsOf: day("2025-08-07")}
	want := domain.Evaluate(given(clean...), q)
	log := given(append(append([]domain.Event(nil), clean...), poisons...)...)
	got := domain.Evaluate(log, q)
	for _, f := range domain.Figures() {
		if sameFigures && got.Count(f.ID) != want.Count(f.ID) {
			t.Errorf("%s: %d with the extreme entries; want %d as without them", f.ID, got.Count(f.ID), want.Count(f.ID))
		}
	}
	byStream := map[string][]domain.Recorded{}
	for _, r := range log {
		byStream[r.Stream] = append(byStream[r.Stream], r)
		f := domain.NewFold(r.Stream)
		f.Apply(r)
		_ = f.Contributions()
	}
	for s, h := range byStream {
		_ = domain.Refold(s, h).Contributions()
		for _, e := range poisons {
			if e.Stream() == s {
				_, _ = domain.Decide(h, e) // refused or not, it must not panic
			}
		}
	}
}

// TestDecideFarFutureDecision is issue 14's second panic: a decision dated 2099 reached the rule
// that computes its validity (36 months on: 2102, past MaxYear).
func TestDecideFarFutureDecision(t *testing.T) {
	c := cert4("1/QĐ-UBND", "2099-01-01")
	if _, err := domain.Decide(nil, c); err != nil {
		t.Logf("refused without history: %v", err)
	}
	r := cnnttb(domain.LevelProvince, 2099, "CN-2099", "2099-05-01")
	if _, err := domain.Decide(nil, r); err != nil {
		t.Logf("refused without history: %v", err)
	}
	// A CNNTTB stream that holds the 2099 recognition (stored before the gate): checking its expiry
	// computes the validity of the stored recognition.
	_, err := domain.Decide(given(r), domain.CNNTTBExpired{ProductID: r.ProductID, Level: r.Level, Certificate: r.Certificate,
		ExpiredOn: day("2100-01-01")})
	wantError(t, err, refused{code: domain.CodeInvalid, field: "expired_on", msg: "31/12/2102"})
}

// A stored reorganisation that maps a commune to an empty new commune (Validate refuses it today)
// made FormerProvince call itself for ever on an address without a commune: a stack overflow
// that no recover catches. FuzzFold keeps the input that found it.
func TestFormerProvinceOfAnEmptyCommuneEnds(t *testing.T) {
	m := domain.NewUnitMap()
	m.Add(domain.UnitsMerged{ReorganisationID: "r", Units: []domain.UnitMapping{{OldCommune: "a", OldProvince: "Bình Định", NewCommune: " ", NewProvince: "x"}}})
	if got := m.FormerProvince(domain.Address{Province: "Gia Lai"}); got != domain.FormerUnknown {
		t.Errorf("got %s; want %s", got, domain.FormerUnknown)
	}
	if got := m.FormerProvince(domain.Address{Commune: "xã Ba Tơ", Province: "Quảng Ngãi"}); got != domain.FormerQuangNgai {
		t.Errorf("got %s; want %s", got, domain.FormerQuangNgai)
	}
}

// A certificate stored with a rating outside 3–5 stars (published past the gate) contributed to
// "ocop.valid.stars7", a figure that does not exist, and the read models, which index figures by
// their place in Figures(), failed on it. It counts in no figure.
func TestCertificateOfImpossibleStarsCountsNowhere(t *testing.T) {
	for _, s := range []int{0, 1, 2, 6, 7, -1, math.MaxInt} {
		c := cert4("1/QĐ-UBND", "2024-03-01")
		c.Stars = domain.Stars(s)
		cs := domain.Contributions(given(c))
		for _, x := range cs {
			if _, ok := domain.LookupFigure(x.Figure); !ok {
				t.Errorf("%d stars: contributes to %q, which is not a figure", s, x.Figure)
			}
		}
		if len(cs) != 0 {
			t.Errorf("%d stars: %d contributions; want none", s, len(cs))
		}
	}
}
