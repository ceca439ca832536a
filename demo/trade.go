package demo

import (
	"fmt"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// qd950 is Quyết định 950/QĐ-BCT (18/04/2023), under which the Ministry supports sales points.
var qd950 = d(2023, 4, 18)

func (g *generator) district(prov string) string {
	if prov == kt {
		return pick(g.rng, districtsKT)
	}
	return pick(g.rng, districtsQN)
}

func (g *generator) province() string {
	if g.rng.Intn(10) < 3 {
		return kt
	}
	return qn
}

// salesPoints opens the 23 points of the report (2 ministry, 7 province, 14 private) between 2019
// and 2025, and one more that opened and closed before the report.
func (g *generator) salesPoints() {
	t := ReportFigures()
	var funding []domain.Funding
	for f, n := range map[domain.Funding]int64{
		domain.FundingMinistry: t["salespoints.open.ministry"],
		domain.FundingProvince: t["salespoints.open.state"] - t["salespoints.open.ministry"],
		domain.FundingPrivate:  t["salespoints.open.private"],
	} {
		for i := int64(0); i < n; i++ {
			funding = append(funding, f)
		}
	}
	sort.Slice(funding, func(i, j int) bool { return funding[i] < funding[j] }) // map order is random
	g.rng.Shuffle(len(funding), func(i, j int) { funding[i], funding[j] = funding[j], funding[i] })
	sites := domain.SiteTypes()
	for i, f := range funding {
		on := g.dateIn(d(2019, 3, 1), lastBatch)
		if f == domain.FundingMinistry && on < qd950 {
			on = g.dateIn(qd950.AddDays(30), lastBatch)
		}
		p := g.openSalesPoint(i+1, f, sites[i%len(sites)], on, g.at(on, 20))
		if f == domain.FundingProvince && g.amendSalesPoint == nil {
			g.amendSalesPoint = p
		}
	}
	g.openSalesPoint(len(funding)+1, domain.FundingProvince, "commercial_centre", d(2020, 5, 15), time.Time{})
	g.add(domain.SalesPointClosed{SalesPointID: spID(len(funding) + 1), ClosedOn: d(2023, 12, 31), Reason: "hết hợp đồng thuê mặt bằng (dữ liệu giả lập)"},
		g.at(d(2023, 12, 31), 10), sourceSynthetic)
}

func spID(n int) string { return fmt.Sprintf("gl-sp-%02d", n) }

func (g *generator) openSalesPoint(n int, f domain.Funding, site domain.SiteType, on domain.Date, at time.Time) *pending {
	prov := g.province()
	if at.IsZero() {
		at = g.at(on, 20)
	}
	return g.add(domain.SalesPointOpened{SalesPointID: spID(n),
		Name:     fmt.Sprintf("Điểm giới thiệu và bán sản phẩm OCOP mẫu số %02d (dữ liệu giả lập)", n),
		SiteType: site, Funding: f, Operator: fmt.Sprintf("Đơn vị vận hành mẫu ĐV-%02d (dữ liệu giả lập)", n),
		Address: addr("", g.district(prov), prov), OpenedOn: on, Synthetic: true}, at, sourceSynthetic)
}

// business is a synthetic business of the provincial e-commerce platform and the trade events.
func business(n int) (id, name string) {
	return fmt.Sprintf("gl-dn-%04d", n), fmt.Sprintf("Doanh nghiệp mẫu DN-%04d (dữ liệu giả lập)", n)
}

type tradeEvent struct {
	kind  domain.TradeEventKind
	n     int // participations
	start domain.Date
}

var outsideCities = []string{"Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Huế", "Gia Lai", "Đắk Lắk", "Khánh Hòa"}

// tradeEvents holds the fairs, market sessions and conferences of 2021 → the report (7 / 17 / 41
// / 8, and fairs outside the province), with participations so that 76 of them have 603 in all;
// and a few before 2021 that the report's period leaves out.
func (g *generator) tradeEvents() {
	t := ReportFigures()
	weight := map[domain.TradeEventKind]int{domain.KindProvincialFair: 30, domain.KindDistrictFair: 9,
		domain.KindMarketSession: 4, domain.KindConference: 12, domain.KindOutsideFair: 6}
	var evs []*tradeEvent
	addKind := func(k domain.TradeEventKind, n int, joined bool) {
		for i := 0; i < n; i++ {
			e := &tradeEvent{kind: k}
			if joined {
				e.n = 1
			}
			evs = append(evs, e)
		}
	}
	sessions := int(t["market_sessions"])
	inProvince := int(t["fairs.province"] + t["fairs.district"] + t["market_sessions"] + t["supply_demand_conferences"])
	// Participations are on record for every fair and conference and for most market sessions;
	// fairs outside the province make up the rest of the events businesses joined.
	sessionsWithout := 11
	outside := int(t["trade_events"]) - (inProvince - sessionsWithout)
	addKind(domain.KindProvincialFair, int(t["fairs.province"]), true)
	addKind(domain.KindDistrictFair, int(t["fairs.district"]), true)
	addKind(domain.KindMarketSession, sessions-sessionsWithout, true)
	addKind(domain.KindMarketSession, sessionsWithout, false)
	addKind(domain.KindConference, int(t["supply_demand_conferences"]), true)
	addKind(domain.KindOutsideFair, outside, true)

	// Share the participations by weight, then adjust to the exact total.
	total, sumW := int(t["trade_events.participations"]), 0
	for _, e := range evs {
		if e.n > 0 {
			sumW += weight[e.kind]
		}
	}
	got := 0
	for _, e := range evs {
		if e.n > 0 {
			e.n = max(1, weight[e.kind]*total/sumW+g.rng.Intn(3)-1)
			got += e.n
		}
	}
	for i := 0; got != total; i = (i + 1) % len(evs) {
		e := evs[i]
		switch {
		case e.n == 0:
		case got < total:
			e.n++
			got++
		case e.n > 1:
			e.n--
			got--
		}
	}
	for _, e := range evs {
		to := d(2025, 7, 25)
		if e.kind == domain.KindDistrictFair {
			to = d(2025, 6, 20) // districts ended on 01/07/2025
		}
		e.start = g.dateIn(domain.ReportPeriodStart, to)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].start < evs[j].start })
	counter := map[domain.TradeEventKind]int{}
	for _, e := range evs {
		g.holdTradeEvent(e, counter, g.at(e.start.AddDays(5), 15))
	}
	// Before the report's period: not counted.
	for _, e := range []*tradeEvent{{domain.KindProvincialFair, 25, d(2019, 11, 20)}, {domain.KindOutsideFair, 6, d(2019, 9, 5)},
		{domain.KindProvincialFair, 18, d(2020, 12, 10)}} {
		g.holdTradeEvent(e, counter, g.at(e.start.AddDays(5), 15))
	}
}

var kindCode = map[domain.TradeEventKind]string{domain.KindProvincialFair: "hct", domain.KindDistrictFair: "hch",
	domain.KindMarketSession: "pc", domain.KindConference: "hn", domain.KindOutsideFair: "hcn"}

// holdTradeEvent records an event and, at the same time, the businesses that took part.
func (g *generator) holdTradeEvent(e *tradeEvent, counter map[domain.TradeEventKind]int, at time.Time) {
	counter[e.kind]++
	n := counter[e.kind]
	id := fmt.Sprintf("gl-%s-%d-%02d", kindCode[e.kind], e.start.Year(), n)
	prov := g.province()
	dist := g.district(prov)
	organiser := "Sở Công Thương tỉnh " + prov
	if e.start >= domain.MergerDate {
		organiser = "Sở Công Thương tỉnh Quảng Ngãi"
	}
	var name, venue string
	a := addr("", dist, prov)
	days := 0
	switch e.kind {
	case domain.KindProvincialFair:
		name, venue, days = fmt.Sprintf("Hội chợ Công Thương – OCOP tỉnh %s mẫu %d (dữ liệu giả lập)", prov, n), "Trung tâm hội chợ "+dist, 4
	case domain.KindDistrictFair:
		name, venue, days = fmt.Sprintf("Hội chợ %s mẫu %02d (dữ liệu giả lập)", dist, n), "Trung tâm "+dist, 2
		organiser = "UBND " + dist
	case domain.KindMarketSession:
		name, venue = fmt.Sprintf("Phiên chợ hàng Việt về nông thôn, miền núi – %s, mẫu %02d (dữ liệu giả lập)", dist, n), "Chợ trung tâm "+dist
	case domain.KindConference:
		name, venue = fmt.Sprintf("Hội nghị kết nối cung cầu mẫu %d (dữ liệu giả lập)", n), "Hội trường Sở Công Thương"
	case domain.KindOutsideFair:
		city := pick(g.rng, outsideCities)
		name, venue, days = fmt.Sprintf("Hội chợ, triển lãm tại %s mẫu %02d (dữ liệu giả lập)", city, n), "Trung tâm hội chợ "+city, 4
		a = domain.Address{Province: city}
	}
	g.add(domain.TradeEventHeld{TradeEventID: id, Kind: e.kind, Name: name, StartDate: e.start, EndDate: e.start.AddDays(days),
		Venue: venue, Organiser: organiser, Address: a, Synthetic: true}, at, sourceSynthetic)
	for _, b := range g.rng.Perm(businesses)[:e.n] {
		bid, bname := business(b + 1)
		g.add(domain.TradeEventParticipation{TradeEventID: id, BusinessID: bid, BusinessName: bname, Synthetic: true}, at, sourceSynthetic)
	}
}

// businesses is the number of synthetic businesses: those behind the provincial platform's listings.
const businesses = 740

var marketplaces = []domain.Platform{"shopee", "shopee", "voso", "postmart", "postmart", "tiktok"}

// listings lists 1400 products of 740 businesses on the provincial platforms (one of them twice by
// mistake: the copy is retracted after the report), and 173 OCOP products on marketplaces on the
// report's day (and some taken down before).
func (g *generator) listings() {
	t := ReportFigures()
	if t["ecommerce.listed_businesses"] != businesses {
		panic("demo: the number of businesses does not match the report")
	}
	perBusiness := make([]int, businesses)
	for i := range perBusiness {
		perBusiness[i] = 1
	}
	for i := 0; i < int(t["ecommerce.listed_products"])-businesses; i++ {
		perBusiness[g.rng.Intn(businesses)]++
	}
	type listing struct {
		b, k int
		on   domain.Date
		dup  bool
	}
	var ls []listing
	dupDone := false
	for b, n := range perBusiness {
		first := g.dateIn(d(2019, 1, 1), d(2025, 7, 31))
		for k := 0; k < n; k++ {
			l := listing{b: b + 1, k: k + 1, on: first}
			if k > 0 {
				l.on = g.dateIn(first, d(2025, 8, 6))
				if !dupDone && n >= 3 {
					l.on, l.k, l.dup, dupDone = first, 1, true, true // the first product again
				}
			}
			ls = append(ls, l)
		}
	}
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].on < ls[j].on })
	for i, l := range ls {
		bid, bname := business(l.b)
		platform := domain.Platform("quangngaitrade")
		if l.b > businesses*7/10 {
			platform = "kontumtrade"
		}
		e := domain.ListingCreated{ListingID: fmt.Sprintf("gl-ls-%04d", i+1), Platform: platform,
			ProductName: fmt.Sprintf("Sản phẩm đăng sàn mẫu SP-%04d-%d (dữ liệu giả lập)", l.b, l.k),
			BusinessID:  bid, BusinessName: bname, ListedOn: l.on, Synthetic: true}
		p := g.add(e, g.at(l.on, 10), sourceSynthetic)
		if l.dup {
			g.lateListing = p
		}
		if i%53 == 7 && !l.dup && l.on < d(2025, 1, 1) { // a few taken down later; they still count as listed
			off := g.dateIn(l.on.AddDays(60), d(2025, 7, 31))
			g.add(domain.ListingRemoved{ListingID: e.ListingID, RemovedOn: off, Reason: "doanh nghiệp ngừng kinh doanh sản phẩm (dữ liệu giả lập)"},
				g.at(off, 10), sourceSynthetic)
		}
	}

	// Marketplaces: 173 OCOP products with an active listing on the report's day.
	onMarket := int(t["ecommerce.ocop_on_marketplaces"])
	order := g.rng.Perm(len(g.validSynthetic))
	n := 0
	list := func(p *product, platform domain.Platform, removed bool) {
		n++
		from := max(p.certs[0].decision.Date, domain.ReportPeriodStart)
		on := g.dateIn(from, d(2025, 6, 30))
		e := domain.ListingCreated{ListingID: fmt.Sprintf("gl-tmdt-%04d", n), Platform: platform, ProductName: p.name,
			ProductID: p.id, OCOP: true, BusinessID: p.prod.id, BusinessName: p.prod.name, ListedOn: on, Synthetic: true}
		g.add(e, g.at(on, 10), sourceSynthetic)
		if removed {
			off := g.dateIn(on.AddDays(20), d(2025, 7, 31))
			g.add(domain.ListingRemoved{ListingID: e.ListingID, RemovedOn: off, Reason: "gian hàng ngừng hoạt động (dữ liệu giả lập)"},
				g.at(off, 5), sourceSynthetic)
		}
	}
	for i, k := range order[:onMarket] {
		p := g.validSynthetic[k]
		first := pick(g.rng, marketplaces)
		list(p, first, false)
		if i%4 == 1 { // also on a second marketplace, sometimes taken down there
			second := pick(g.rng, marketplaces)
			for second == first {
				second = pick(g.rng, marketplaces)
			}
			list(p, second, i%12 == 1)
		}
	}
	for _, k := range order[onMarket : onMarket+15] { // taken down before the report: not counted
		list(g.validSynthetic[k], pick(g.rng, marketplaces), true)
	}
}
