package domain

// The legal rules of the programme, each in one place. Where the brief marks a reading as
// assumed, the comment says so; change it here and nowhere else.

// OCOPValidityMonths is how long an OCOP certificate is valid from its decision date
// (QĐ 148/QĐ-TTg).
const OCOPValidityMonths = 36

// OCOPNoticeDays is how many days before expiry the issuer must notify the producer.
const OCOPNoticeDays = 30

// OCOPValidUntil returns the first day on which a certificate decided on d is no longer valid.
// (assumed) valid on day D when d ≤ D < d + 36 months.
func OCOPValidUntil(decided Date) Date { return decided.AddMonths(OCOPValidityMonths) }

// CNNTTBValidTo returns the last day of validity of a CNNTTB certificate issued on d: 31 December
// of the fourth year, the year of issue being year one (TT 26/2014/TT-BCT as amended).
// Valid on D when d ≤ D ≤ valid_to. Like all date arithmetic it never fails: NoDate and Forever
// stay as they are, and a date past MaxYear gets its real end (issued 2099 → 31/12/2102).
func CNNTTBValidTo(issued Date) Date {
	if !issued.Valid() {
		return issued
	}
	return civil(issued.Year()+3, 12, 31)
}

// CNNTTBValidUntil is CNNTTBValidTo as an exclusive end (the day after), to compare with OCOP.
func CNNTTBValidUntil(issued Date) Date { return CNNTTBValidTo(issued).AddDays(1) }

// Key dates of the 2025 reforms.
var (
	// AuthorityReformDate is when QĐ 1489/QĐ-TTg moved 3★ certification to the province.
	AuthorityReformDate = MustDate(2025, 7, 6)
	// MergerDate is when NQ 202/2025/QH15 merged Kon Tum into Quảng Ngãi and abolished districts.
	MergerDate = MustDate(2025, 7, 1)
	// ReportPeriodStart is where the programme's 2021–2025 flow figures start.
	ReportPeriodStart = MustDate(2021, 1, 1)
)

// AuthoritiesFor returns who may certify an OCOP product with s stars by a decision dated d.
// Before 06/07/2025: district 3★, province 4★, ministry 5★. From 06/07/2025: province 3★ and 4★,
// ministry 5★. Districts were abolished on 01/07/2025, so no district decision is dated on or after
// that day (the ledger's reading: the district rows of the rule end with the districts).
func AuthoritiesFor(s Stars, d Date) []Authority {
	switch {
	case s == 5:
		return []Authority{AuthorityMinistry}
	case d >= AuthorityReformDate:
		return []Authority{AuthorityProvince}
	case s == 4:
		return []Authority{AuthorityProvince}
	case d >= MergerDate: // 3★ between 01/07 and 05/07/2025: districts gone, reform not yet in force
		return []Authority{AuthorityProvince}
	default:
		return []Authority{AuthorityDistrict}
	}
}

// checkAuthority checks that the decision's authority may certify s stars on its date.
func checkAuthority(field string, s Stars, dec Decision) error {
	for _, a := range AuthoritiesFor(s, dec.Date) {
		if a == dec.Authority {
			return nil
		}
	}
	want := AuthoritiesFor(s, dec.Date)
	return Invalid(field, "%s may not certify %d stars on %s; on that date %d-star certificates are issued by %s",
		authorities.name(dec.Authority), int(s), dec.Date.VN(), int(s), authorities.name(want[0]))
}

// CNNTTBLevelOpen reports whether recognitions at level l exist on date d: district level until
// 30/06/2025, commune level from 01/07/2025; the others always.
func CNNTTBLevelOpen(l CNNTTBLevel, d Date) bool {
	switch l {
	case LevelDistrict:
		return d < MergerDate
	case LevelCommune:
		return d >= MergerDate
	}
	return true
}

// RequiredLowerLevel returns the level a product must hold before it may be recognised at l, or ""
// when the ledger does not check it. A product competes at a level only after winning the level
// below; (assumed) the ledger enforces province → region → national, and not district/commune →
// province, because the Department's registers start at the provincial level.
func RequiredLowerLevel(l CNNTTBLevel) CNNTTBLevel { return l.below() }
