package projections_test

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// historyGen builds random histories that obey the rules (every event passes domain.Decide),
// with late recordings, corrections, supersessions, revocations, closures and a merger.
type historyGen struct {
	r      *rand.Rand
	log    []domain.Recorded
	byStr  map[string][]domain.Recorded
	clock  time.Time
	serial int
}

func newHistoryGen(seed int64) *historyGen {
	return &historyGen{r: rand.New(rand.NewSource(seed)), byStr: map[string][]domain.Recorded{},
		clock: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (g *historyGen) date(y0, y1 int) domain.Date {
	lo, hi := domain.MustDate(y0, 1, 1), domain.MustDate(y1, 12, 31)
	return lo + domain.Date(g.r.Intn(int(hi-lo)+1))
}

// record appends e if the rules accept it.
func (g *historyGen) record(e domain.Event) bool {
	if _, err := domain.Decide(g.byStr[e.Stream()], e); err != nil {
		return false
	}
	g.serial++
	// Recording times mostly move forward; sometimes one lags (a clock skew) to exercise the
	// running-maximum reading of "known at".
	step := time.Duration(g.r.Intn(72)) * time.Hour
	at := g.clock.Add(step)
	if g.r.Intn(20) == 0 {
		at = g.clock.Add(-time.Duration(g.r.Intn(48)) * time.Hour)
	} else {
		g.clock = at
	}
	rec := domain.Recorded{ID: fmt.Sprintf("ev%04d", g.serial), Type: e.EventType(), Stream: e.Stream(),
		Version: uint64(len(g.byStr[e.Stream()]) + 1), Sequence: uint64(len(g.log) + 1), RecordedAt: at, Event: e, Source: "synthetic test"}
	g.log = append(g.log, rec)
	g.byStr[e.Stream()] = append(g.byStr[e.Stream()], rec)
	return true
}

var (
	genAddrs = []domain.Address{
		{Commune: "xã Tịnh Phong", District: "huyện Sơn Tịnh", Province: "Quảng Ngãi"},
		{Commune: "xã Ia Tơi", District: "huyện Ia H'Drai", Province: "Kon Tum"},
		{Commune: "đặc khu Lý Sơn", Province: "Quảng Ngãi"},
		{Commune: "phường Cẩm Thành", Province: "Quảng Ngãi"},
	}
	genSets = []domain.ProductSet{"I.4b", "I.5", "II.1", "III.4", "IV.3"}
)

func (g *historyGen) certDecision(stars domain.Stars, d domain.Date) domain.Decision {
	g.serial++
	return domain.Decision{Number: fmt.Sprintf("%d/QĐ-T", g.serial), Date: d, Authority: domain.AuthoritiesFor(stars, d)[0]}
}

func (g *historyGen) step() {
	r := g.r
	switch r.Intn(14) {
	case 0, 1, 2: // certify a product
		p := fmt.Sprintf("p%d", r.Intn(8))
		s := domain.Stars(3 + r.Intn(3))
		g.record(domain.OCOPCertified{ProductID: p, ProductName: "Sản phẩm " + p, ProducerID: "pr" + p, ProducerName: "Cơ sở " + p,
			ProducerKind: "cooperative", ProductSet: genSets[r.Intn(len(genSets))], Stars: s,
			Decision: g.certDecision(s, g.date(2018, 2025)), Address: genAddrs[r.Intn(len(genAddrs))], Synthetic: true})
	case 3: // re-evaluate or revoke whatever certificate a product holds
		p := fmt.Sprintf("p%d", r.Intn(8))
		var certs []string
		for _, h := range g.byStr["product."+p] {
			switch e := h.Event.(type) {
			case domain.OCOPCertified:
				certs = append(certs, e.Decision.Number)
			case domain.OCOPReevaluated:
				certs = append(certs, e.Decision.Number)
			}
		}
		if len(certs) == 0 {
			return
		}
		c := certs[r.Intn(len(certs))]
		d := g.date(2019, 2026)
		if r.Intn(2) == 0 {
			for s := domain.Stars(3); s <= 5; s++ {
				for _, o := range []domain.ReevalOutcome{domain.OutcomeKeep, domain.OutcomeUpgrade, domain.OutcomeDowngrade} {
					if g.record(domain.OCOPReevaluated{ProductID: p, Supersedes: c, Outcome: o, Stars: s, Decision: g.certDecision(s, d)}) {
						return
					}
				}
			}
		} else {
			g.record(domain.OCOPRevoked{ProductID: p, Certificate: c, Reason: "quality_violation",
				Decision: domain.Decision{Number: fmt.Sprintf("TH-%d", g.serial), Date: d, Authority: domain.AuthorityProvince}})
		}
	case 4: // CNNTTB
		p := fmt.Sprintf("c%d", r.Intn(5))
		lv := []domain.CNNTTBLevel{domain.LevelProvince, domain.LevelProvince, domain.LevelRegion, domain.LevelNational}[r.Intn(4)]
		y := 2012 + 2*r.Intn(7)
		g.record(domain.CNNTTBRecognized{ProductID: p, ProductName: "CNNTTB " + p, ProducerName: "Cơ sở " + p, Level: lv, RoundYear: y,
			Certificate: fmt.Sprintf("CN-%s-%d-%s", p, y, lv), IssuedOn: domain.MustDate(y, 1+r.Intn(12), 1+r.Intn(28)),
			Address: genAddrs[r.Intn(len(genAddrs))], Synthetic: true})
	case 5: // sales point opens or closes
		sp := fmt.Sprintf("sp%d", r.Intn(5))
		if r.Intn(2) == 0 {
			f := []domain.Funding{domain.FundingMinistry, domain.FundingProvince, domain.FundingPrivate}[r.Intn(3)]
			g.record(domain.SalesPointOpened{SalesPointID: sp, Name: "Điểm " + sp, SiteType: domain.SiteTypes()[r.Intn(8)], Funding: f,
				Operator: "Nhà vận hành", Address: genAddrs[r.Intn(len(genAddrs))], OpenedOn: g.date(2019, 2025), Synthetic: true})
		} else {
			g.record(domain.SalesPointClosed{SalesPointID: sp, ClosedOn: g.date(2019, 2026)})
		}
	case 6, 7: // trade events and participations
		te := fmt.Sprintf("te%d", r.Intn(6))
		if len(g.byStr["tradeevent."+te]) == 0 || r.Intn(5) == 0 {
			kinds := []domain.TradeEventKind{domain.KindProvincialFair, domain.KindDistrictFair, domain.KindMarketSession, domain.KindConference, domain.KindOutsideFair}
			d := g.date(2020, 2025)
			g.record(domain.TradeEventHeld{TradeEventID: te, Kind: kinds[r.Intn(len(kinds))], Name: "Hội chợ " + te, StartDate: d, EndDate: d.AddDays(3),
				Venue: "Quảng trường", Organiser: "Sở Công Thương", Address: genAddrs[r.Intn(len(genAddrs))], Synthetic: true})
		} else {
			b := fmt.Sprintf("b%d", r.Intn(6))
			g.record(domain.TradeEventParticipation{TradeEventID: te, BusinessID: b, BusinessName: "Doanh nghiệp " + b, Synthetic: true})
		}
	case 8, 9: // listings
		l := fmt.Sprintf("l%d", r.Intn(10))
		if len(g.byStr["listing."+l]) == 0 {
			pl := []domain.Platform{"quangngaitrade", "kontumtrade", "shopee", "voso"}[r.Intn(4)]
			ocop := r.Intn(2) == 0
			pid := ""
			if ocop {
				pid = fmt.Sprintf("p%d", r.Intn(8))
			}
			g.record(domain.ListingCreated{ListingID: l, Platform: pl, ProductName: "Hàng " + l, ProductID: pid, OCOP: ocop,
				BusinessID: fmt.Sprintf("b%d", r.Intn(4)), BusinessName: "Doanh nghiệp", ListedOn: g.date(2020, 2025), Synthetic: true})
		} else {
			g.record(domain.ListingRemoved{ListingID: l, RemovedOn: g.date(2020, 2026)})
		}
	case 10: // the merger, once
		g.record(domain.UnitsMerged{ReorganisationID: "qn-2025", Effective: domain.MergerDate, LegalBasis: "NQ 202/2025/QH15",
			Units: []domain.UnitMapping{{OldCommune: "xã Tịnh Phong", OldDistrict: "huyện Sơn Tịnh", OldProvince: "Quảng Ngãi", NewCommune: "xã Thọ Phong", NewProvince: "Quảng Ngãi"}}})
	case 11, 12: // a correction: retract or amend an earlier fact
		if len(g.log) == 0 {
			return
		}
		t := g.log[r.Intn(len(g.log))]
		switch t.Event.(type) {
		case domain.EventRetracted, domain.EventAmended:
			return
		}
		if r.Intn(2) == 0 {
			g.record(domain.EventRetracted{TargetStream: t.Stream, TargetID: t.ID, Reason: "nhập nhầm"})
			return
		}
		// Amend: shift the world date of certifications and openings, which changes validity.
		var rep domain.Event
		switch e := t.Event.(type) {
		case domain.OCOPCertified:
			e.Decision.Date = e.Decision.Date.AddDays(r.Intn(200) - 100)
			e.Decision.Authority = domain.AuthoritiesFor(e.Stars, e.Decision.Date)[0]
			rep = e
		case domain.SalesPointOpened:
			e.OpenedOn = e.OpenedOn.AddDays(r.Intn(200) - 100)
			rep = e
		case domain.ListingCreated:
			e.ListedOn = e.ListedOn.AddDays(r.Intn(200) - 100)
			rep = e
		case domain.TradeEventHeld:
			e.StartDate = e.StartDate.AddDays(-r.Intn(100))
			rep = e
		default:
			return
		}
		g.record(amend(t, rep))
	case 13: // expiry observations and notices (inert: they change no figure)
		if r.Intn(3) == 0 {
			p := fmt.Sprintf("c%d", r.Intn(5))
			for _, h := range g.byStr["cnnttb."+p] {
				if e, ok := h.Event.(domain.CNNTTBRecognized); ok && r.Intn(2) == 0 {
					g.record(domain.CNNTTBExpired{ProductID: p, Level: e.Level, Certificate: e.Certificate, ExpiredOn: domain.CNNTTBValidUntil(e.IssuedOn)})
				}
			}
			return
		}
		p := fmt.Sprintf("p%d", r.Intn(8))
		for _, h := range g.byStr["product."+p] {
			if e, ok := h.Event.(domain.OCOPCertified); ok {
				until := domain.OCOPValidUntil(e.Decision.Date)
				if r.Intn(2) == 0 {
					g.record(domain.OCOPExpiryNoticed{ProductID: p, Certificate: e.Decision.Number, ExpiresOn: until, NoticedOn: until.AddDays(-30)})
				}
				g.record(domain.OCOPExpired{ProductID: p, Certificate: e.Decision.Number, ExpiredOn: until})
			}
		}
	}
}

func amend(t domain.Recorded, rep domain.Event) domain.EventAmended {
	b, err := jsonMarshal(rep)
	if err != nil {
		panic(err)
	}
	return domain.EventAmended{TargetStream: t.Stream, TargetID: t.ID, TargetType: t.Type, Reason: "sửa ngày", Replacement: b}
}
