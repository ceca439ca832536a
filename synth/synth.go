// Package synth generates synthetic ledgers at national scale for benchmarks: every province of
// the country over a dozen years, with the mix of entries a province really records (listings and
// fair participations most, then certifications and their re-evaluations and expiries, CNNTTB
// rounds, sales points, a few corrections). Every entry obeys the rules (domain.Decide accepts it
// in order), and every name says it is synthetic.
package synth

import (
	"fmt"
	"math/rand"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// Entry is a generated event with the time the ledger learned it.
type Entry struct {
	ID         string
	RecordedAt time.Time
	Event      domain.Event
}

// Config sizes a generated ledger.
type Config struct {
	Events    int   // about how many entries (default 1,000,000)
	Provinces int   // default 34, the provinces of Vietnam after 2025
	Seed      int64 // same seed, same ledger
	// Now is when the ledger is generated (zero: the clock's time). No entry is recorded later:
	// those the ledger could not have learned yet are left out.
	Now time.Time
}

// eventsPerProduct is how many entries a province records per OCOP product over the years
// (listings ~2.8, participations ~1.5, the product's own ~2.6, CNNTTB ~0.55, producers ~0.6…).
const eventsPerProduct = 8.3

var (
	firstYear = 2014
	lastYear  = 2026
	sets      = domain.ProductSets()
)

// Generate returns the entries of a synthetic ledger, in the order the ledger learned them.
func Generate(cfg Config) []Entry {
	if cfg.Events <= 0 {
		cfg.Events = 1_000_000
	}
	if cfg.Provinces <= 0 {
		cfg.Provinces = 34
	}
	g := &gen{r: rand.New(rand.NewSource(cfg.Seed))}
	perProvince := int(float64(cfg.Events) / eventsPerProduct / float64(cfg.Provinces))
	if perProvince < 1 {
		perProvince = 1
	}
	for p := 0; p < cfg.Provinces; p++ {
		g.province(p, perProvince)
	}
	sort.SliceStable(g.out, func(i, j int) bool { return g.out[i].RecordedAt.Before(g.out[j].RecordedAt) })
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	// A record's entries are recorded in order, so cutting at now keeps every story's prefix.
	known := sort.Search(len(g.out), func(i int) bool { return g.out[i].RecordedAt.After(now) })
	return g.out[:known]
}

type gen struct {
	r   *rand.Rand
	out []Entry
}

// story is the entries of one record, whose recording times only move forward.
type story struct {
	g    *gen
	last time.Time
}

// add records e, learned lag days after the world date d (and never before the story's previous
// entry), and returns its entry ID.
func (s *story) add(e domain.Event, d domain.Date, lagDays int) string {
	at := d.Time().Add(time.Duration(lagDays)*24*time.Hour + time.Duration(s.g.r.Intn(8*3600))*time.Second + 8*time.Hour)
	if !at.After(s.last) {
		at = s.last.Add(time.Second)
	}
	s.last = at
	id := fmt.Sprintf("synth-%08d", len(s.g.out)+1)
	s.g.out = append(s.g.out, Entry{ID: id, RecordedAt: at.UTC(), Event: e})
	return id
}

func (g *gen) date(y0, y1 int) domain.Date {
	lo, hi := domain.MustDate(y0, 1, 1), domain.MustDate(y1, 12, 31)
	return lo + domain.Date(g.r.Intn(int(hi-lo)+1))
}

func (g *gen) lag() int {
	if g.r.Intn(30) == 0 {
		return 30 + g.r.Intn(170) // entered late
	}
	return g.r.Intn(10)
}

func (g *gen) province(p, products int) {
	r := g.r
	prov := fmt.Sprintf("Tỉnh mẫu %02d (giả lập)", p+1)
	addr := func() domain.Address {
		return domain.Address{Commune: fmt.Sprintf("Xã mẫu %03d", r.Intn(120)), District: fmt.Sprintf("Huyện mẫu %02d", r.Intn(10)), Province: prov}
	}
	producers := products*6/10 + 1
	for i := 0; i < producers; i++ {
		s := &story{g: g}
		s.add(domain.ProducerRegistered{ProducerID: fmt.Sprintf("s%02d-pr%05d", p, i), Name: fmt.Sprintf("Chủ thể mẫu %02d-%05d (giả lập)", p, i),
			Kind: []domain.ProducerKind{"enterprise", "cooperative", "cooperative_group", "household"}[r.Intn(4)], Address: addr(), Synthetic: true},
			g.date(firstYear, 2020), 0)
	}
	for i := 0; i < products; i++ {
		g.product(p, i, producers, addr())
	}
	for i := 0; i < products*35/100; i++ {
		g.cnnttb(p, i, addr())
	}
	for i := 0; i < products*5/100+1; i++ {
		g.salesPoint(p, i, addr())
	}
	for i := 0; i < products*15/100+1; i++ {
		g.tradeEvent(p, i, addr())
	}
	for i := 0; i < products*25/10; i++ {
		g.listing(p, i, products, producers)
	}
}

func (g *gen) decision(p int, s domain.Stars, d domain.Date) domain.Decision {
	a := domain.AuthoritiesFor(s, d)[0]
	return domain.Decision{Number: fmt.Sprintf("%d/QĐ-MAU%02d", g.r.Intn(9000)+1, p), Date: d, Authority: a}
}

func (g *gen) stars() domain.Stars {
	switch n := g.r.Intn(100); {
	case n < 1:
		return 5
	case n < 12:
		return 4
	}
	return 3
}

func (g *gen) product(p, i, producers int, addr domain.Address) {
	r := g.r
	s := &story{g: g}
	id := fmt.Sprintf("s%02d-p%06d", p, i)
	pr := r.Intn(producers)
	stars := g.stars()
	start := g.date(firstYear, lastYear-1)
	dec := g.decision(p, stars, start)
	dec.Number = fmt.Sprintf("%d-%s/QĐ", 1, id)
	s.add(domain.OCOPCertified{ProductID: id, ProductName: fmt.Sprintf("Sản phẩm mẫu %s (giả lập)", id),
		ProducerID: fmt.Sprintf("s%02d-pr%05d", p, pr), ProducerName: fmt.Sprintf("Chủ thể mẫu %02d-%05d (giả lập)", p, pr),
		ProducerKind: "cooperative", ProductSet: sets[r.Intn(len(sets))], Stars: stars, Decision: dec, Address: addr, Synthetic: true}, start, g.lag())
	end := domain.OCOPValidUntil(start)
	for gen := 2; end <= domain.MustDate(lastYear, 12, 31); gen++ {
		switch n := r.Intn(100); {
		case n < 3: // revoked
			d := start + domain.Date(1+r.Intn(int(end-start)-1))
			s.add(domain.OCOPRevoked{ProductID: id, Certificate: dec.Number, Reason: "failed_criteria",
				Decision: domain.Decision{Number: fmt.Sprintf("TH-%s/QĐ", id), Date: d, Authority: domain.AuthorityProvince}}, d, g.lag())
			return
		case n < 55: // re-evaluated shortly before the end
			d := end.AddDays(-1 - r.Intn(60))
			ns := stars
			if x := r.Intn(10); x == 0 && ns < 5 {
				ns++
			} else if x == 1 && ns > 3 {
				ns--
			}
			out := domain.OutcomeKeep
			if ns > stars {
				out = domain.OutcomeUpgrade
			} else if ns < stars {
				out = domain.OutcomeDowngrade
			}
			nd := g.decision(p, ns, d)
			nd.Number = fmt.Sprintf("%d-%s/QĐ", gen, id)
			s.add(domain.OCOPReevaluated{ProductID: id, Supersedes: dec.Number, Outcome: out, Stars: ns, Decision: nd}, d, g.lag())
			dec, stars, start, end = nd, ns, d, domain.OCOPValidUntil(d)
		default: // lapses: the notice 30 days ahead, then the expiry
			notice := end.AddDays(-domain.OCOPNoticeDays)
			s.add(domain.OCOPExpiryNoticed{ProductID: id, Certificate: dec.Number, ExpiresOn: end, NoticedOn: notice}, notice, 0)
			s.add(domain.OCOPExpired{ProductID: id, Certificate: dec.Number, ExpiredOn: end}, end, r.Intn(3))
			return
		}
	}
}

func (g *gen) cnnttb(p, i int, addr domain.Address) {
	r := g.r
	s := &story{g: g}
	id := fmt.Sprintf("s%02d-c%05d", p, i)
	year := 2012 + 2*r.Intn(7)
	levels := []domain.CNNTTBLevel{domain.LevelProvince}
	if r.Intn(4) == 0 {
		levels = append(levels, domain.LevelRegion)
		if r.Intn(3) == 0 {
			levels = append(levels, domain.LevelNational)
		}
	}
	for k, lv := range levels {
		y := year + 2*k
		if y > 2025 {
			break
		}
		d := domain.MustDate(y, 3+r.Intn(8), 1+r.Intn(28))
		cert := fmt.Sprintf("CN-%s-%d-%s", id, y, lv)
		s.add(domain.CNNTTBRecognized{ProductID: id, ProductName: fmt.Sprintf("Sản phẩm CNNTTB mẫu %s (giả lập)", id), ProducerName: "Cơ sở mẫu (giả lập)",
			Level: lv, RoundYear: y, Certificate: cert, IssuedOn: d, Address: addr, Synthetic: true}, d, g.lag())
		if until := domain.CNNTTBValidUntil(d); until.Year() <= lastYear && r.Intn(2) == 0 {
			s.add(domain.CNNTTBExpired{ProductID: id, Level: lv, Certificate: cert, ExpiredOn: until}, until, r.Intn(5))
		}
	}
}

func (g *gen) salesPoint(p, i int, addr domain.Address) {
	r := g.r
	s := &story{g: g}
	id := fmt.Sprintf("s%02d-sp%04d", p, i)
	d := g.date(2019, 2025)
	f := []domain.Funding{domain.FundingMinistry, domain.FundingProvince, domain.FundingPrivate, domain.FundingPrivate}[r.Intn(4)]
	s.add(domain.SalesPointOpened{SalesPointID: id, Name: fmt.Sprintf("Điểm bán OCOP mẫu %s (giả lập)", id), SiteType: domain.SiteTypes()[r.Intn(8)],
		Funding: f, Operator: "Thương nhân mẫu (giả lập)", Address: addr, OpenedOn: d, Synthetic: true}, d, g.lag())
	if r.Intn(6) == 0 {
		c := d.AddDays(30 + r.Intn(900))
		s.add(domain.SalesPointClosed{SalesPointID: id, ClosedOn: c, Reason: "ngừng hoạt động"}, c, g.lag())
	}
}

func (g *gen) tradeEvent(p, i int, addr domain.Address) {
	r := g.r
	s := &story{g: g}
	id := fmt.Sprintf("s%02d-te%04d", p, i)
	kinds := []domain.TradeEventKind{domain.KindProvincialFair, domain.KindDistrictFair, domain.KindMarketSession, domain.KindMarketSession, domain.KindConference, domain.KindOutsideFair}
	d := g.date(2020, 2025)
	s.add(domain.TradeEventHeld{TradeEventID: id, Kind: kinds[r.Intn(len(kinds))], Name: fmt.Sprintf("Hội chợ mẫu %s (giả lập)", id), StartDate: d, EndDate: d.AddDays(r.Intn(5)),
		Venue: "Địa điểm mẫu", Organiser: "Sở Công Thương mẫu", Address: addr, Synthetic: true}, d, 0)
	n := 2 + r.Intn(18)
	seen := map[int]bool{}
	for k := 0; k < n; k++ {
		b := r.Intn(400)
		if seen[b] {
			continue
		}
		seen[b] = true
		s.add(domain.TradeEventParticipation{TradeEventID: id, BusinessID: fmt.Sprintf("s%02d-b%04d", p, b), BusinessName: fmt.Sprintf("Doanh nghiệp mẫu %02d-%04d (giả lập)", p, b), Synthetic: true}, d, r.Intn(15))
	}
}

func (g *gen) listing(p, i, products, producers int) {
	r := g.r
	s := &story{g: g}
	id := fmt.Sprintf("s%02d-l%06d", p, i)
	d := g.date(2019, 2026)
	pl := []domain.Platform{"quangngaitrade", "quangngaitrade", "kontumtrade", "shopee", "voso", "postmart", "lazada"}[r.Intn(7)]
	ocop := !pl.Provincial() && r.Intn(3) > 0
	pid := ""
	if ocop {
		pid = fmt.Sprintf("s%02d-p%06d", p, r.Intn(products))
	}
	b := r.Intn(producers)
	created := s.add(domain.ListingCreated{ListingID: id, Platform: pl, ProductName: fmt.Sprintf("Hàng mẫu %s (giả lập)", id), ProductID: pid, OCOP: ocop,
		BusinessID: fmt.Sprintf("s%02d-pr%05d", p, b), BusinessName: fmt.Sprintf("Chủ thể mẫu %02d-%05d (giả lập)", p, b), ListedOn: d, Synthetic: true}, d, g.lag())
	switch n := r.Intn(100); {
	case n < 12:
		rm := d.AddDays(10 + r.Intn(700))
		s.add(domain.ListingRemoved{ListingID: id, RemovedOn: rm, Reason: "ngừng bán"}, rm, r.Intn(5))
	case n < 13:
		s.add(domain.EventRetracted{TargetStream: "listing." + id, TargetID: created, Reason: "nhập trùng (giả lập)"}, d, 20+r.Intn(60))
	}
}
