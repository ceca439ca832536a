package domain_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

const (
	p  = domain.AuthorityProvince
	mi = domain.AuthorityMinistry
)

func TestDecideOCOPCertification(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25") // valid until 25/12/2026
	runDecide(t, []decideCase{
		{name: "first certificate", when: c4, then: accepted},
		{
			name:  "new certificate while a valid one exists",
			given: []domain.Event{c4},
			when:  cert4("99/QĐ-UBND", "2025-03-01"),
			then:  &refused{domain.CodeConflict, "", "record a re-evaluation"},
		},
		{
			name:  "new certificate dated before a valid one, overlapping it",
			given: []domain.Event{c4},
			when:  cert3("7/QĐ-UBND", "2022-01-10"),
			then:  &refused{domain.CodeConflict, "", "already holds certificate 1425/QĐ-UBND"},
		},
		{
			name:  "the same decision twice",
			given: []domain.Event{c4},
			when:  cert4("1425/QĐ-UBND", "2027-01-10"),
			then:  &refused{domain.CodeConflict, "", "already recorded"},
		},
		{
			name:  "new certificate on the day the old one expires",
			given: []domain.Event{c4},
			when:  cert4("30/QĐ-UBND", "2026-12-25"),
			then:  accepted,
		},
		{
			name:  "new certificate the day before the old one expires",
			given: []domain.Event{c4},
			when:  cert4("30/QĐ-UBND", "2026-12-24"),
			then:  &refused{domain.CodeConflict, "", "re-evaluation"},
		},
		{
			name:  "new certificate after a revocation",
			given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when:  cert4("60/QĐ-UBND", "2024-09-01"),
			then:  accepted,
		},
	})
}

func TestDecideOCOPReevaluation(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	runDecide(t, []decideCase{
		{name: "upgrade 4★ → 5★ by the ministry (Mạch nha Mantoza, QĐ 2361/QĐ-BNNMT)", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, mi, "2361/QĐ-BNNMT", "2025-06-26"), then: accepted},
		{name: "keep 4★", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeKeep, 4, p, "80/QĐ-UBND", "2025-08-01"), then: accepted},
		{name: "downgrade 4★ → 3★ after the reform", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeDowngrade, 3, p, "81/QĐ-UBND", "2025-08-01"), then: accepted},
		{name: "outcome keep but stars raised", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeKeep, 5, mi, "2361/QĐ-BNNMT", "2025-06-26"),
			then: &refused{domain.CodeInvalid, "outcome", `that is "upgrade"`}},
		{name: "outcome upgrade but stars kept", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 4, p, "80/QĐ-UBND", "2025-08-01"),
			then: &refused{domain.CodeInvalid, "outcome", `that is "keep"`}},
		{name: "outcome upgrade but stars lowered", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 3, p, "80/QĐ-UBND", "2025-08-01"),
			then: &refused{domain.CodeInvalid, "outcome", `that is "downgrade"`}},
		{name: "re-evaluation of an unknown certificate", given: []domain.Event{c4},
			when: reevaluated("1/QĐ-XYZ", domain.OutcomeKeep, 4, p, "80/QĐ-UBND", "2025-08-01"),
			then: &refused{domain.CodeInvalid, "supersedes", "has no certificate 1/QĐ-XYZ"}},
		{name: "re-evaluation dated on the old decision's day", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeKeep, 4, p, "80/QĐ-UBND", "2023-12-25"),
			then: &refused{domain.CodeInvalid, "decision.date", "not after"}},
		{name: "re-evaluation of an expired certificate", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeKeep, 4, p, "80/QĐ-UBND", "2026-12-25"),
			then: &refused{domain.CodeConflict, "", "certified anew"}},
		{name: "re-evaluation of a revoked certificate",
			given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when:  reevaluated("1425/QĐ-UBND", domain.OutcomeKeep, 4, p, "80/QĐ-UBND", "2024-06-01"),
			then:  &refused{domain.CodeConflict, "", "revoked"}},
		{name: "re-evaluation of a superseded certificate",
			given: []domain.Event{c4, reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, mi, "2361/QĐ-BNNMT", "2025-06-26")},
			when:  reevaluated("1425/QĐ-UBND", domain.OutcomeKeep, 4, p, "80/QĐ-UBND", "2025-08-01"),
			then:  &refused{domain.CodeConflict, "", "superseded"}},
		{name: "re-evaluation by an authority that may not certify the new stars", given: []domain.Event{c4},
			when: reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, p, "80/QĐ-UBND", "2025-08-01"),
			then: &refused{domain.CodeInvalid, "decision.authority", "may not certify 5 stars"}},
	})
}

// Superseding ends the old certificate on the new decision's date: the product counts once, with
// the old stars the day before and the new ones from that day.
func TestSupersedingInFigures(t *testing.T) {
	log := given(
		cert4("1425/QĐ-UBND", "2023-12-25"),
		reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, mi, "2361/QĐ-BNNMT", "2025-06-26"),
	)
	for _, tc := range []struct {
		on            string
		valid, s4, s5 int64
	}{
		{"2025-06-25", 1, 1, 0},
		{"2025-06-26", 1, 0, 1},
		{"2026-12-25", 1, 0, 1}, // the old certificate's expiry no longer matters
		{"2028-06-25", 1, 0, 1},
		{"2028-06-26", 0, 0, 0},
	} {
		ev := domain.Evaluate(log, domain.Query{AsOf: day(tc.on)})
		if ev.Count("ocop.valid") != tc.valid || ev.Count("ocop.valid.stars4") != tc.s4 || ev.Count("ocop.valid.stars5") != tc.s5 {
			t.Errorf("on %s: valid %d, 4★ %d, 5★ %d; want %d, %d, %d", tc.on,
				ev.Count("ocop.valid"), ev.Count("ocop.valid.stars4"), ev.Count("ocop.valid.stars5"), tc.valid, tc.s4, tc.s5)
		}
	}
}

func TestDecideOCOPRevocation(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	runDecide(t, []decideCase{
		{name: "revoke a valid certificate", given: []domain.Event{c4},
			when: revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01"), then: accepted},
		{name: "revoke an unknown certificate", given: []domain.Event{c4},
			when: revoked("1/QĐ-XYZ", "50/QĐ-UBND", "2024-05-01"), then: &refused{domain.CodeInvalid, "certificate", "has no certificate 1/QĐ-XYZ"}},
		{name: "revoke a certificate twice", given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when: revoked("1425/QĐ-UBND", "51/QĐ-UBND", "2024-06-01"), then: &refused{domain.CodeConflict, "", "already ended"}},
		{name: "revoke an expired certificate", given: []domain.Event{c4},
			when: revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2026-12-25"), then: &refused{domain.CodeConflict, "", "already ended"}},
		{name: "revoke a superseded certificate",
			given: []domain.Event{c4, reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, mi, "2361/QĐ-BNNMT", "2025-06-26")},
			when:  revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2025-07-10"), then: &refused{domain.CodeConflict, "", "superseded"}},
		{name: "revocation dated before the certificate", given: []domain.Event{c4},
			when: revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2023-12-24"), then: &refused{domain.CodeInvalid, "decision.date", "before the certificate was issued"}},
		{name: "revocation with an unknown reason", given: []domain.Event{c4},
			when: with(revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01"), func(e *domain.OCOPRevoked) { e.Reason = "lost" }),
			then: &refused{domain.CodeInvalid, "reason", "not a known revocation reason"}},
	})
	log := given(c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01"))
	for on, want := range map[string]int64{"2024-04-30": 1, "2024-05-01": 0, "2025-01-01": 0} {
		if got := domain.Evaluate(log, domain.Query{AsOf: day(on)}).Count("ocop.valid"); got != want {
			t.Errorf("ocop.valid on %s after a revocation dated 2024-05-01 = %d; want %d", on, got, want)
		}
	}
}

func TestDecideOCOPExpiry(t *testing.T) {
	c4 := cert4("1425/QĐ-UBND", "2023-12-25")
	notice := domain.OCOPExpiryNoticed{ProductID: "toi-ly-son", Certificate: "1425/QĐ-UBND", ExpiresOn: day("2026-12-25"), NoticedOn: day("2026-11-20")}
	runDecide(t, []decideCase{
		{name: "expiry on the right date", given: []domain.Event{c4}, when: expired("1425/QĐ-UBND", "2026-12-25"), then: accepted},
		{name: "expiry on the last valid day", given: []domain.Event{c4}, when: expired("1425/QĐ-UBND", "2026-12-24"),
			then: &refused{domain.CodeInvalid, "expired_on", "expires on 25/12/2026"}},
		{name: "expiry recorded twice", given: []domain.Event{c4, expired("1425/QĐ-UBND", "2026-12-25")},
			when: expired("1425/QĐ-UBND", "2026-12-25"), then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "expiry of an unknown certificate", given: []domain.Event{c4}, when: expired("2/QĐ-UBND", "2026-12-25"),
			then: &refused{domain.CodeInvalid, "certificate", "no certificate"}},
		{name: "expiry of a superseded certificate",
			given: []domain.Event{c4, reevaluated("1425/QĐ-UBND", domain.OutcomeUpgrade, 5, mi, "2361/QĐ-BNNMT", "2025-06-26")},
			when:  expired("1425/QĐ-UBND", "2026-12-25"), then: &refused{domain.CodeConflict, "", "superseded"}},
		{name: "expiry of a revoked certificate", given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when: expired("1425/QĐ-UBND", "2026-12-25"), then: &refused{domain.CodeConflict, "", "revoked"}},
		{name: "expiry notice", given: []domain.Event{c4}, when: notice, then: accepted},
		{name: "expiry notice twice", given: []domain.Event{c4, notice}, when: notice, then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "expiry notice with the wrong expiry", given: []domain.Event{c4},
			when: with(notice, func(e *domain.OCOPExpiryNoticed) { e.ExpiresOn = day("2026-12-31") }),
			then: &refused{domain.CodeInvalid, "expires_on", "expires on 25/12/2026"}},
		{name: "expiry notice after the expiry", given: []domain.Event{c4},
			when: with(notice, func(e *domain.OCOPExpiryNoticed) { e.NoticedOn = day("2026-12-26") }),
			then: &refused{domain.CodeInvalid, "noticed_on", "after the expiry"}},
		{name: "expiry notice for a revoked certificate", given: []domain.Event{c4, revoked("1425/QĐ-UBND", "50/QĐ-UBND", "2024-05-01")},
			when: notice, then: &refused{domain.CodeConflict, "", "revoked"}},
	})
}

func TestDecidePotentialFiveStar(t *testing.T) {
	pot := func(date string) domain.OCOPPotentialFiveStar {
		return domain.OCOPPotentialFiveStar{ProductID: "toi-ly-son", Date: day(date), Decision: "900/QĐ-UBND"}
	}
	runDecide(t, []decideCase{
		{name: "4★ certified by the province", given: []domain.Event{cert4("1425/QĐ-UBND", "2023-12-25")}, when: pot("2024-10-01"), then: accepted},
		{name: "3★ certified by a district", given: []domain.Event{cert3("7/QĐ-UBND", "2023-12-25")}, when: pot("2024-10-01"),
			then: &refused{domain.CodeConflict, "", "4★ product certified by the province"}},
		{name: "3★ certified by the province after the reform", given: []domain.Event{certified(3, p, "7/QĐ-UBND", "2025-07-10")}, when: pot("2025-08-01"),
			then: &refused{domain.CodeConflict, "", "4★ product certified by the province"}},
		{name: "already 5★", given: []domain.Event{certified(5, mi, "2361/QĐ-BNNMT", "2025-06-26")}, when: pot("2025-08-01"),
			then: &refused{domain.CodeConflict, "", "4★ product certified by the province"}},
		{name: "no certificate yet", when: pot("2024-10-01"), then: &refused{domain.CodeConflict, "", "holds no valid certificate"}},
		{name: "certificate expired", given: []domain.Event{cert4("1425/QĐ-UBND", "2020-12-25")}, when: pot("2024-10-01"),
			then: &refused{domain.CodeConflict, "", "holds no valid certificate"}},
		{name: "before the certificate", given: []domain.Event{cert4("1425/QĐ-UBND", "2023-12-25")}, when: pot("2023-12-24"),
			then: &refused{domain.CodeConflict, "", "holds no valid certificate"}},
	})
	ev := domain.Evaluate(given(cert4("1425/QĐ-UBND", "2023-12-25"), pot("2024-10-01")), domain.Query{AsOf: day("2025-08-07")})
	if items := ev.Items["ocop.valid"]; len(items) != 1 || !items[0].Attrs.Potential5 || items[0].Attrs.Stars != 4 {
		t.Errorf("a potential 5★ product must count as a 4★ marked potential: %+v", items)
	}
}

func TestDecideCNNTTB(t *testing.T) {
	prov := cnnttb(domain.LevelProvince, 2022, "12/QĐ-UBND", "2022-10-15")
	region := cnnttb(domain.LevelRegion, 2023, "5/QĐ-BCT", "2023-09-01")
	runDecide(t, []decideCase{
		{name: "district level on 30/06/2025", when: cnnttb(domain.LevelDistrict, 2025, "1/QĐ-UBND", "2025-06-30"), then: accepted},
		{name: "district level on 01/07/2025", when: cnnttb(domain.LevelDistrict, 2025, "1/QĐ-UBND", "2025-07-01"),
			then: &refused{domain.CodeInvalid, "level", "ended on 30/06/2025"}},
		{name: "commune level on 01/07/2025", when: cnnttb(domain.LevelCommune, 2025, "1/QĐ-UBND", "2025-07-01"), then: accepted},
		{name: "commune level on 30/06/2025", when: cnnttb(domain.LevelCommune, 2025, "1/QĐ-UBND", "2025-06-30"),
			then: &refused{domain.CodeInvalid, "level", "starts on 01/07/2025"}},
		{name: "province level without a lower level", when: prov, then: accepted},
		{name: "region level with a provincial recognition", given: []domain.Event{prov}, when: region, then: accepted},
		{name: "region level without a provincial recognition", when: region,
			then: &refused{domain.CodeConflict, "", "has not won the provincial level"}},
		{name: "region level before the provincial recognition", given: []domain.Event{with(prov, func(e *domain.CNNTTBRecognized) {
			e.RoundYear, e.IssuedOn = 2024, day("2024-10-15")
		})}, when: region, then: &refused{domain.CodeConflict, "", "has not won the provincial level"}},
		{name: "national level with a regional recognition", given: []domain.Event{prov, region},
			when: cnnttb(domain.LevelNational, 2024, "100/QĐ-BCT", "2024-11-15"), then: accepted},
		{name: "national level with only a provincial recognition", given: []domain.Event{prov},
			when: cnnttb(domain.LevelNational, 2024, "100/QĐ-BCT", "2024-11-15"), then: &refused{domain.CodeConflict, "", "has not won the regional level"}},
		{name: "the same round twice", given: []domain.Event{prov},
			when: cnnttb(domain.LevelProvince, 2022, "13/QĐ-UBND", "2023-01-15"), then: &refused{domain.CodeConflict, "", "in the 2022 round"}},
		{name: "the same certificate twice", given: []domain.Event{prov},
			when: cnnttb(domain.LevelProvince, 2024, "12/QĐ-UBND", "2024-10-15"), then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "a later round", given: []domain.Event{prov}, when: cnnttb(domain.LevelProvince, 2024, "20/QĐ-UBND", "2024-10-15"), then: accepted},
		{name: "issued outside the round", when: cnnttb(domain.LevelProvince, 2022, "12/QĐ-UBND", "2024-01-15"),
			then: &refused{domain.CodeInvalid, "issued_on", "does not belong to the 2022 round"}},
		{name: "expiry on 01/01 of the fifth year", given: []domain.Event{prov},
			when: domain.CNNTTBExpired{ProductID: "bo-kho-thu-ba", Level: domain.LevelProvince, Certificate: "12/QĐ-UBND", ExpiredOn: day("2026-01-01")}, then: accepted},
		{name: "expiry on 31/12", given: []domain.Event{prov},
			when: domain.CNNTTBExpired{ProductID: "bo-kho-thu-ba", Level: domain.LevelProvince, Certificate: "12/QĐ-UBND", ExpiredOn: day("2025-12-31")},
			then: &refused{domain.CodeInvalid, "expired_on", "expires on 01/01/2026"}},
		{name: "expiry twice", given: []domain.Event{prov, domain.CNNTTBExpired{ProductID: "bo-kho-thu-ba", Level: domain.LevelProvince, Certificate: "12/QĐ-UBND", ExpiredOn: day("2026-01-01")}},
			when: domain.CNNTTBExpired{ProductID: "bo-kho-thu-ba", Level: domain.LevelProvince, Certificate: "12/QĐ-UBND", ExpiredOn: day("2026-01-01")},
			then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "expiry of an unknown certificate", given: []domain.Event{prov},
			when: domain.CNNTTBExpired{ProductID: "bo-kho-thu-ba", Level: domain.LevelRegion, Certificate: "12/QĐ-UBND", ExpiredOn: day("2026-01-01")},
			then: &refused{domain.CodeInvalid, "certificate", "no regional level certificate"}},
	})
}

func TestDecideSalesPoints(t *testing.T) {
	open := salesPointOpened("sp-1", domain.FundingMinistry, "2023-09-01")
	closed := salesPointClosed("sp-1", "2025-03-31")
	runDecide(t, []decideCase{
		{name: "open", when: open, then: accepted},
		{name: "open twice", given: []domain.Event{open}, when: open, then: &refused{domain.CodeConflict, "", "already open"}},
		{name: "close", given: []domain.Event{open}, when: closed, then: accepted},
		{name: "close on the opening day", given: []domain.Event{open}, when: salesPointClosed("sp-1", "2023-09-01"), then: accepted},
		{name: "close before the opening day", given: []domain.Event{open}, when: salesPointClosed("sp-1", "2023-08-31"),
			then: &refused{domain.CodeInvalid, "closed_on", "before the point opened"}},
		{name: "close a closed point", given: []domain.Event{open, closed}, when: salesPointClosed("sp-1", "2025-04-30"),
			then: &refused{domain.CodeConflict, "", "already closed"}},
		{name: "close a point never opened", when: closed, then: &refused{domain.CodeInvalid, "salespoint_id", "has been opened"}},
		{name: "reopen after close", given: []domain.Event{open, closed}, when: salesPointOpened("sp-1", domain.FundingPrivate, "2025-06-01"), then: accepted},
		{name: "reopen before it closed", given: []domain.Event{open, closed}, when: salesPointOpened("sp-1", domain.FundingPrivate, "2025-01-01"),
			then: &refused{domain.CodeInvalid, "opened_on", "before the point closed"}},
		{name: "unknown funding", when: with(open, func(e *domain.SalesPointOpened) { e.Funding = "bank" }),
			then: &refused{domain.CodeInvalid, "funding", "not a known funding"}},
		{name: "unknown site type", when: with(open, func(e *domain.SalesPointOpened) { e.SiteType = "beach" }),
			then: &refused{domain.CodeInvalid, "site_type", "not a known site type"}},
	})
	log := given(open, closed, salesPointOpened("sp-1", domain.FundingPrivate, "2025-06-01"))
	for _, tc := range []struct {
		on                           string
		open, state, ministry, privt int64
	}{
		{"2023-08-31", 0, 0, 0, 0}, {"2023-09-01", 1, 1, 1, 0}, {"2025-03-30", 1, 1, 1, 0},
		{"2025-03-31", 0, 0, 0, 0}, {"2025-06-01", 1, 0, 0, 1},
	} {
		ev := domain.Evaluate(log, domain.Query{AsOf: day(tc.on)})
		got := [4]int64{ev.Count("salespoints.open"), ev.Count("salespoints.open.state"), ev.Count("salespoints.open.ministry"), ev.Count("salespoints.open.private")}
		if got != [4]int64{tc.open, tc.state, tc.ministry, tc.privt} {
			t.Errorf("on %s open/state/ministry/private = %v; want %v", tc.on, got, [4]int64{tc.open, tc.state, tc.ministry, tc.privt})
		}
	}
}

func TestDecideTradeEvents(t *testing.T) {
	fair := fairHeld("hc-qn-2024", domain.KindProvincialFair, "2024-11-20")
	runDecide(t, []decideCase{
		{name: "hold a fair", when: fair, then: accepted},
		{name: "hold the same fair twice", given: []domain.Event{fair}, when: fair, then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "join a fair", given: []domain.Event{fair}, when: joined("hc-qn-2024", "phu-sinh"), then: accepted},
		{name: "join an unknown event", when: joined("hc-qn-2024", "phu-sinh"), then: &refused{domain.CodeInvalid, "trade_event_id", "record trade_event.held first"}},
		{name: "join twice", given: []domain.Event{fair, joined("hc-qn-2024", "phu-sinh")}, when: joined("hc-qn-2024", "phu-sinh"),
			then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "a second business joins", given: []domain.Event{fair, joined("hc-qn-2024", "phu-sinh")}, when: joined("hc-qn-2024", "thu-ba"), then: accepted},
		{name: "ends before it starts", when: with(fair, func(e *domain.TradeEventHeld) { e.EndDate = day("2024-11-19") }),
			then: &refused{domain.CodeInvalid, "end_date", "before the start"}},
		{name: "lasts more than 60 days", when: with(fair, func(e *domain.TradeEventHeld) { e.EndDate = day("2025-01-20") }),
			then: &refused{domain.CodeInvalid, "end_date", "more than 60 days"}},
	})
	log := given(fair, joined("hc-qn-2024", "phu-sinh"), joined("hc-qn-2024", "thu-ba"), fairHeld("hc-empty", domain.KindDistrictFair, "2024-05-01"))
	ev := domain.Evaluate(log, domain.Query{AsOf: day("2025-08-07")})
	for fig, want := range map[string]int64{"fairs.province": 1, "fairs.district": 1, "trade_events": 1, "trade_events.participations": 2} {
		if got := ev.Count(fig); got != want {
			t.Errorf("%s = %d; want %d (an event nobody joined is held but not among the events businesses joined)", fig, got, want)
		}
	}
	ev = domain.Evaluate(log, domain.Query{AsOf: day("2025-08-07"), From: day("2024-06-01")})
	if got := ev.Count("fairs.district"); got != 0 {
		t.Errorf("fairs.district over [2024-06-01, 2025-08-07] = %d; want 0 (the fair started before the period)", got)
	}
}

func TestDecideListings(t *testing.T) {
	shopee := listed("shopee-toi", "shopee", true, "toi-ly-son", "phu-sinh", "2023-03-01")
	runDecide(t, []decideCase{
		{name: "create", when: shopee, then: accepted},
		{name: "create twice", given: []domain.Event{shopee}, when: shopee, then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "OCOP listing without product", when: with(shopee, func(e *domain.ListingCreated) { e.ProductID = "" }),
			then: &refused{domain.CodeInvalid, "product_id", "must name the OCOP product"}},
		{name: "remove", given: []domain.Event{shopee}, when: domain.ListingRemoved{ListingID: "shopee-toi", RemovedOn: day("2025-01-15")}, then: accepted},
		{name: "remove an unknown listing", when: domain.ListingRemoved{ListingID: "shopee-toi", RemovedOn: day("2025-01-15")},
			then: &refused{domain.CodeInvalid, "listing_id", "no listing"}},
		{name: "remove twice", given: []domain.Event{shopee, domain.ListingRemoved{ListingID: "shopee-toi", RemovedOn: day("2025-01-15")}},
			when: domain.ListingRemoved{ListingID: "shopee-toi", RemovedOn: day("2025-02-15")}, then: &refused{domain.CodeConflict, "", "already removed"}},
		{name: "remove before it was listed", given: []domain.Event{shopee}, when: domain.ListingRemoved{ListingID: "shopee-toi", RemovedOn: day("2023-02-28")},
			then: &refused{domain.CodeInvalid, "removed_on", "before the listing was created"}},
	})
	log := given(
		listed("qnt-1", "quangngaitrade", true, "toi-ly-son", "phu-sinh", "2022-04-01"),
		listed("qnt-2", "quangngaitrade", true, "toi-den", "phu-sinh", "2022-05-01"),
		domain.ListingRemoved{ListingID: "qnt-2", RemovedOn: day("2023-01-01")},
		shopee,
		listed("voso-toi", "voso", true, "toi-ly-son", "phu-sinh", "2023-04-01"),
		domain.ListingRemoved{ListingID: "shopee-toi", RemovedOn: day("2025-01-15")},
	)
	ev := domain.Evaluate(log, domain.Query{AsOf: day("2025-08-07")})
	for fig, want := range map[string]int64{"ecommerce.listed_products": 2, "ecommerce.listed_businesses": 1, "ecommerce.ocop_on_marketplaces": 1} {
		if got := ev.Count(fig); got != want {
			t.Errorf("%s = %d; want %d", fig, got, want)
		}
	}
}

func TestDecideProducersAndReports(t *testing.T) {
	change := domain.ProducerChanged{ProducerID: "phu-sinh", Kind: "cooperative", Effective: day("2024-01-01")}
	report := domain.ReportFiled{ReportID: "470-SCT-QLTM", DocumentNumber: "470/SCT-QLTM", Title: "Báo cáo Chương trình OCOP 2021–2025",
		Issuer: "Sở Công Thương tỉnh Quảng Ngãi", Date: day("2025-08-07"), AsOf: day("2025-08-07"), Figures: map[string]int64{"ocop.valid": 642}}
	merged := domain.UnitsMerged{ReorganisationID: "nq-1677-2025", Effective: domain.MergerDate, LegalBasis: "NQ 1677/NQ-UBTVQH15",
		Units: []domain.UnitMapping{{OldCommune: "xã An Vĩnh", OldProvince: "Quảng Ngãi", NewCommune: "đặc khu Lý Sơn", NewProvince: "Quảng Ngãi"}}}
	runDecide(t, []decideCase{
		{name: "register", when: producer("phu-sinh"), then: accepted},
		{name: "register twice", given: []domain.Event{producer("phu-sinh")}, when: producer("phu-sinh"), then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "change", given: []domain.Event{producer("phu-sinh")}, when: change, then: accepted},
		{name: "change an unknown producer", when: change, then: &refused{domain.CodeInvalid, "producer_id", "no producer phu-sinh"}},
		{name: "change nothing", given: []domain.Event{producer("phu-sinh")}, when: domain.ProducerChanged{ProducerID: "phu-sinh", Effective: day("2024-01-01")},
			then: &refused{domain.CodeInvalid, "", "nothing changes"}},
		{name: "unknown producer kind", when: with(producer("phu-sinh"), func(e *domain.ProducerRegistered) { e.Kind = "ngo" }),
			then: &refused{domain.CodeInvalid, "kind", "not a known producer kind"}},
		{name: "file a report", when: report, then: accepted},
		{name: "file a report twice", given: []domain.Event{report}, when: report, then: &refused{domain.CodeConflict, "", "already recorded"}},
		{name: "report with an unknown figure", when: with(report, func(e *domain.ReportFiled) { e.Figures = map[string]int64{"ocop.total": 642} }),
			then: &refused{domain.CodeInvalid, "figures.ocop.total", "not a known figure ID"}},
		{name: "report with a negative figure", when: with(report, func(e *domain.ReportFiled) { e.Figures = map[string]int64{"ocop.valid": -1} }),
			then: &refused{domain.CodeInvalid, "figures.ocop.valid", "negative"}},
		{name: "report as of after its date", when: with(report, func(e *domain.ReportFiled) { e.AsOf = day("2025-08-08") }),
			then: &refused{domain.CodeInvalid, "as_of", "after the report's date"}},
		{name: "record a reorganisation", when: merged, then: accepted},
		{name: "record a reorganisation twice", given: []domain.Event{merged}, when: merged, then: &refused{domain.CodeConflict, "", "already recorded"}},
	})
	if got := domain.ReportIDFor("470/SCT-QLTM"); got != "470-SCT-QLTM" {
		t.Errorf("ReportIDFor(470/SCT-QLTM) = %q", got)
	}
	if got := domain.ReportIDFor("1425/QĐ-UBND"); got != "1425-QD-UBND" {
		t.Errorf("ReportIDFor(1425/QĐ-UBND) = %q", got)
	}
}

// Decide takes the history of the proposed event's own stream, and refuses anything else.
func TestDecideWrongStreamHistory(t *testing.T) {
	_, err := domain.Decide(given(producer("phu-sinh")), cert4("1425/QĐ-UBND", "2023-12-25"))
	if err == nil || domain.ErrorCode(err) != domain.CodeInternal {
		t.Errorf("Decide with another stream's history: %v; want an internal error", err)
	}
}
