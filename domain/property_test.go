package domain_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// histories is how many random histories the property tests generate; each has up to steps
// proposed commands, of which Decide accepts the rule-abiding ones.
const (
	histories = 200
	steps     = 120
)

// genLog builds a random log that respects every rule: it proposes random commands over a small
// set of records (so that they collide) and keeps those Decide accepts, recording each a random
// while after the previous one. Dates of facts are random too, so many are recorded late.
type genLog struct {
	r        *rand.Rand
	log      []domain.Recorded
	byStream map[string][]domain.Recorded
	at       time.Time
	n        int
	certs    map[string][]domain.Decision // product → the decisions recorded for it
	cnnttb   map[string][]domain.CNNTTBRecognized
}

var (
	genStart = domain.MustDate(2018, 1, 1)
	genDays  = 3650 // through 2027
)

func newGenLog(seed uint64) *genLog {
	return &genLog{
		r:        rand.New(rand.NewPCG(seed, 0x0C0B)),
		byStream: map[string][]domain.Recorded{},
		at:       time.Date(2019, 1, 1, 8, 0, 0, 0, domain.Vietnam),
		certs:    map[string][]domain.Decision{},
		cnnttb:   map[string][]domain.CNNTTBRecognized{},
	}
}

func (g *genLog) date() domain.Date           { return genStart.AddDays(g.r.IntN(genDays)) }
func (g *genLog) pick(n int, p string) string { return fmt.Sprintf("%s%d", p, g.r.IntN(n)) }

// try proposes e and records what Decide yields; it reports whether e was accepted.
func (g *genLog) try(e domain.Event) bool {
	evs, err := domain.Decide(g.byStream[e.Stream()], e)
	if err != nil {
		return false
	}
	for _, ev := range evs {
		g.n++
		g.at = g.at.Add(time.Duration(1+g.r.IntN(5*24*60)) * time.Minute)
		rec := domain.Recorded{ID: fmt.Sprintf("g%03d", g.n), Type: ev.EventType(), Stream: ev.Stream(),
			Version: uint64(len(g.byStream[ev.Stream()]) + 1), Sequence: uint64(len(g.log) + 1), RecordedAt: g.at, Event: ev}
		g.log = append(g.log, rec)
		g.byStream[ev.Stream()] = append(g.byStream[ev.Stream()], rec)
	}
	return true
}

func (g *genLog) step() {
	switch k := g.r.IntN(100); {
	case k < 30:
		g.product()
	case k < 42:
		g.recognition()
	case k < 57:
		g.salesPoint()
	case k < 72:
		g.tradeEvent()
	case k < 87:
		g.listing()
	default:
		g.correction()
	}
}

func (g *genLog) certificate(id string, stars domain.Stars, on domain.Date) domain.Decision {
	return domain.Decision{Number: fmt.Sprintf("%d/QĐ-UBND", g.n+1000*g.r.IntN(9)), Date: on, Authority: domain.AuthoritiesFor(stars, on)[0]}
}

func (g *genLog) product() {
	id := g.pick(8, "p")
	stars := domain.Stars(3 + g.r.IntN(3))
	certs := g.certs[id]
	if len(certs) == 0 || g.r.IntN(4) == 0 {
		dec := g.certificate(id, stars, g.date())
		set := domain.ProductSets()[g.r.IntN(len(domain.ProductSets()))]
		addr := addrLySon
		if g.r.IntN(3) == 0 {
			addr = addrIaToi
		}
		e := domain.OCOPCertified{ProductID: id, ProductName: "Sản phẩm " + id + " (synthetic)", ProducerID: "pr-" + id,
			ProducerName: "Chủ thể (synthetic)", ProducerKind: "cooperative", ProductSet: set, Stars: stars, Decision: dec, Address: addr, Synthetic: true}
		if g.try(e) {
			g.certs[id] = append(g.certs[id], dec)
		}
		return
	}
	old := certs[g.r.IntN(len(certs))]
	until := domain.OCOPValidUntil(old.Date)
	switch g.r.IntN(6) {
	case 0, 1: // re-evaluation
		on := old.Date.AddDays(1 + g.r.IntN(1200))
		outcome := domain.OutcomeKeep
		var prev domain.Stars
		for _, r := range g.byStream["product."+id] {
			switch e := r.Event.(type) {
			case domain.OCOPCertified:
				if e.Decision.Number == old.Number {
					prev = e.Stars
				}
			case domain.OCOPReevaluated:
				if e.Decision.Number == old.Number {
					prev = e.Stars
				}
			}
		}
		switch {
		case stars > prev:
			outcome = domain.OutcomeUpgrade
		case stars < prev:
			outcome = domain.OutcomeDowngrade
		}
		if g.r.IntN(8) == 0 { // now and then a wrong outcome, for Decide to refuse
			outcome = domain.OutcomeKeep
		}
		dec := g.certificate(id, stars, on)
		if g.try(domain.OCOPReevaluated{ProductID: id, Supersedes: old.Number, Outcome: outcome, Stars: stars, Decision: dec}) {
			g.certs[id] = append(g.certs[id], dec)
		}
	case 2:
		g.try(domain.OCOPRevoked{ProductID: id, Certificate: old.Number, Reason: "failed_criteria",
			Decision: domain.Decision{Number: fmt.Sprintf("%d/QĐ-THU-HOI", g.n), Date: old.Date.AddDays(g.r.IntN(1200)), Authority: domain.AuthorityProvince}})
	case 3:
		g.try(domain.OCOPExpired{ProductID: id, Certificate: old.Number, ExpiredOn: until})
	case 4:
		g.try(domain.OCOPExpiryNoticed{ProductID: id, Certificate: old.Number, ExpiresOn: until, NoticedOn: until.AddDays(-g.r.IntN(31))})
	case 5:
		g.try(domain.OCOPPotentialFiveStar{ProductID: id, Date: old.Date.AddDays(g.r.IntN(1100))})
	}
}

func (g *genLog) recognition() {
	id := g.pick(6, "c")
	levels := []domain.CNNTTBLevel{domain.LevelDistrict, domain.LevelCommune, domain.LevelProvince, domain.LevelProvince, domain.LevelRegion, domain.LevelNational}
	if recs := g.cnnttb[id]; len(recs) > 0 && g.r.IntN(4) == 0 {
		r := recs[g.r.IntN(len(recs))]
		g.try(domain.CNNTTBExpired{ProductID: id, Level: r.Level, Certificate: r.Certificate, ExpiredOn: domain.CNNTTBValidUntil(r.IssuedOn)})
		return
	}
	round := 2018 + g.r.IntN(9)
	issued := domain.MustDate(round+g.r.IntN(2), 1+g.r.IntN(12), 1+g.r.IntN(28))
	e := domain.CNNTTBRecognized{ProductID: id, ProductName: "CNNTTB " + id + " (synthetic)", ProducerName: "Cơ sở (synthetic)",
		Level: levels[g.r.IntN(len(levels))], RoundYear: round, Certificate: fmt.Sprintf("%d/CN", g.n), IssuedOn: issued, Address: addrCamThanh, Synthetic: true}
	if g.try(e) {
		g.cnnttb[id] = append(g.cnnttb[id], e)
	}
}

func (g *genLog) salesPoint() {
	id := g.pick(6, "s")
	if g.r.IntN(2) == 0 {
		fundings := []domain.Funding{domain.FundingMinistry, domain.FundingProvince, domain.FundingPrivate}
		g.try(salesPointOpened(id, fundings[g.r.IntN(3)], g.date().String()))
	} else {
		g.try(salesPointClosed(id, g.date().String()))
	}
}

func (g *genLog) tradeEvent() {
	id := g.pick(8, "t")
	if g.r.IntN(3) == 0 {
		kinds := []domain.TradeEventKind{domain.KindProvincialFair, domain.KindDistrictFair, domain.KindMarketSession, domain.KindConference, domain.KindOutsideFair}
		g.try(fairHeld(id, kinds[g.r.IntN(len(kinds))], g.date().String()))
	} else {
		g.try(joined(id, g.pick(10, "b")))
	}
}

func (g *genLog) listing() {
	id := g.pick(10, "l")
	if g.r.IntN(3) > 0 {
		platforms := []domain.Platform{"quangngaitrade", "kontumtrade", "shopee", "voso", "postmart"}
		g.try(listed(id, platforms[g.r.IntN(len(platforms))], g.r.IntN(3) > 0, g.pick(8, "p"), g.pick(5, "b"), g.date().String()))
	} else {
		g.try(domain.ListingRemoved{ListingID: id, RemovedOn: g.date()})
	}
}

// correction retracts or amends a random earlier entry; Decide refuses those that would leave a
// later entry without ground.
func (g *genLog) correction() {
	if len(g.log) == 0 {
		return
	}
	target := g.log[g.r.IntN(len(g.log))]
	if g.r.IntN(2) == 0 {
		g.try(domain.EventRetracted{TargetStream: target.Stream, TargetID: target.ID, Reason: "random retraction"})
		return
	}
	var rep domain.Event
	switch e := target.Event.(type) {
	case domain.OCOPCertified:
		e.ProductName += " (sửa)"
		e.Decision.Date = e.Decision.Date.AddDays(g.r.IntN(61) - 30)
		e.Decision.Authority = domain.AuthoritiesFor(e.Stars, e.Decision.Date)[0]
		rep = e
	case domain.SalesPointOpened:
		e.Funding = []domain.Funding{domain.FundingMinistry, domain.FundingProvince, domain.FundingPrivate}[g.r.IntN(3)]
		rep = e
	case domain.TradeEventHeld:
		e.StartDate = e.StartDate.AddDays(g.r.IntN(400) - 200)
		e.EndDate = e.StartDate.AddDays(3)
		rep = e
	case domain.ListingCreated:
		e.ListedOn = e.ListedOn.AddDays(g.r.IntN(200) - 100)
		rep = e
	case domain.SalesPointClosed:
		e.ClosedOn = e.ClosedOn.AddDays(g.r.IntN(200) - 100)
		rep = e
	default:
		return
	}
	raw, _ := json.Marshal(rep)
	g.try(domain.EventAmended{TargetStream: target.Stream, TargetID: target.ID, TargetType: target.Type, Reason: "random amendment", Replacement: raw})
}

func generate(seed uint64) []domain.Recorded {
	g := newGenLog(seed)
	for range steps {
		g.step()
	}
	return g.log
}

func TestPropertyFigureInvariants(t *testing.T) {
	var events, corrections, retractedOrAmended int
	byType := map[string]int{}
	for seed := uint64(1); seed <= histories; seed++ {
		log := generate(seed)
		events += len(log)
		for _, r := range log {
			switch r.Event.(type) {
			case domain.EventRetracted, domain.EventAmended:
				corrections++
			}
		}
		retractedOrAmended += len(log) - len(domain.Effective(log))
		for _, r := range log {
			byType[r.Type]++
		}
		r := rand.New(rand.NewPCG(seed, 7))
		first, last := log[0].RecordedAt, log[len(log)-1].RecordedAt
		for range 6 {
			asOf := genStart.AddDays(r.IntN(genDays + 400))
			from := genStart.AddDays(r.IntN(genDays))
			var known time.Time
			if r.IntN(4) > 0 {
				known = first.Add(time.Duration(r.Int64N(int64(last.Sub(first)) + 1)))
			}
			q := domain.Query{AsOf: asOf, KnownAt: known, From: from}
			ev := domain.Evaluate(log, q)
			c := ev.Count
			where := fmt.Sprintf("seed %d, as of %s, known at %s, from %s", seed, asOf, known.Format(time.RFC3339), from)

			if c("ocop.valid") != c("ocop.valid.stars3")+c("ocop.valid.stars4")+c("ocop.valid.stars5") {
				t.Errorf("%s: ocop.valid %d != 3★ %d + 4★ %d + 5★ %d", where, c("ocop.valid"), c("ocop.valid.stars3"), c("ocop.valid.stars4"), c("ocop.valid.stars5"))
			}
			if c("salespoints.open") != c("salespoints.open.state")+c("salespoints.open.private") {
				t.Errorf("%s: salespoints.open %d != state %d + private %d", where, c("salespoints.open"), c("salespoints.open.state"), c("salespoints.open.private"))
			}
			if c("salespoints.open.ministry") > c("salespoints.open.state") {
				t.Errorf("%s: ministry-supported %d > State-supported %d", where, c("salespoints.open.ministry"), c("salespoints.open.state"))
			}
			// Valid figures count certificates (item "<product>/<certificate>"), recognised figures
			// products: the products holding a valid certificate are among those recognised.
			for _, lv := range []string{"province", "region", "national"} {
				products := map[string]bool{}
				for _, it := range ev.Items["cnnttb.valid."+lv] {
					products[strings.SplitN(it.Item, "/", 2)[0]] = true
				}
				if int64(len(products)) > c("cnnttb.recognized."+lv) {
					t.Errorf("%s: %d products hold a valid %s certificate but only %d were recognised", where, len(products), lv, c("cnnttb.recognized."+lv))
				}
			}
			if c("trade_events") > c("trade_events.participations") {
				t.Errorf("%s: %d events joined but only %d participations", where, c("trade_events"), c("trade_events.participations"))
			}
			// Each counted item counts on the day asked, and flow items came to be within the period.
			for fig, items := range ev.Items {
				f, _ := domain.LookupFigure(fig)
				for _, it := range items {
					if !it.Covers(asOf) || f.Kind == domain.Flow && it.From < q.PeriodStart() {
						t.Errorf("%s: %s counts %s over [%s, %s)", where, fig, it.Item, it.From, it.Until)
					}
				}
			}

			// A flow over [from, D] is the cumulative count at D less the cumulative count at from-1.
			cum := func(on domain.Date) *domain.Evaluation {
				return domain.Evaluate(log, domain.Query{AsOf: on, KnownAt: known, From: domain.MustDate(domain.MinYear, 1, 1)})
			}
			atD, before := cum(asOf), cum(from-1)
			for _, f := range domain.Figures() {
				if f.Kind != domain.Flow {
					continue
				}
				want := atD.Count(f.ID) - before.Count(f.ID)
				if from > asOf {
					want = 0
				}
				if got := c(f.ID); got != want {
					t.Errorf("%s: flow %s = %d; want cumulative(D) %d - cumulative(from-1) %d", where, f.ID, got, atD.Count(f.ID), before.Count(f.ID))
				}
			}

			// Knowing at K is the same as having only the entries recorded up to K.
			if !known.IsZero() {
				var upToK []domain.Recorded
				for _, r := range log {
					if !r.RecordedAt.After(known) {
						upToK = append(upToK, r)
					}
				}
				all := domain.Evaluate(upToK, domain.Query{AsOf: asOf, From: from})
				if !reflect.DeepEqual(ev.Items, all.Items) {
					t.Errorf("%s: Evaluate at K differs from Evaluate of the %d entries recorded up to K", where, len(upToK))
				}
			}
		}
	}
	// The generator must exercise the rules, not produce empty logs.
	t.Logf("%d histories, %d entries, %d corrections, %d entries retracted or corrections folded", histories, events, corrections, retractedOrAmended)
	t.Logf("entries by type: %v", byType)
	for _, typ := range domain.EventTypes() {
		switch typ {
		case domain.TypeProducerRegistered, domain.TypeProducerChanged, domain.TypeUnitsMerged, domain.TypeReportFiled,
			domain.TypeQuarantineAcknowledged:
			continue // no figure counts them
		}
		if byType[typ] < histories/10 {
			t.Errorf("the generator recorded only %d %s entries", byType[typ], typ)
		}
	}
	if events < histories*20 || corrections < histories {
		t.Errorf("the generator is too timid: %d entries and %d corrections in %d histories", events, corrections, histories)
	}
}

// Every history the generator builds through Decide replays without a refusal: each accepted
// entry still holds when its stream's effective history is checked again from scratch.
func TestPropertyAcceptedHistoriesReplay(t *testing.T) {
	for seed := uint64(1); seed <= histories; seed += 10 {
		g := newGenLog(seed)
		for range steps {
			g.step()
		}
		for stream, h := range g.byStream {
			eff := domain.Effective(h)
			for i, r := range eff {
				if _, err := domain.Decide(eff[:i], r.Event); err != nil {
					t.Errorf("seed %d, %s: effective entry %s (%s) no longer holds: %v", seed, stream, r.ID, r.Type, err)
				}
			}
		}
	}
}

// A fold fed event by event (refolding at corrections) gives the same contributions as the
// effective history, after every event of every generated history.
func TestFoldMatchesEffectiveHistory(t *testing.T) {
	for seed := int64(0); seed < 60; seed++ {
		log := generate(uint64(seed))
		folds := map[string]*domain.Fold{}
		hist := map[string][]domain.Recorded{}
		type kept struct {
			cs   []domain.Contribution
			text string
		}
		earlier := map[string]kept{} // what each fold returned before: later events must not change it
		for _, r := range log {
			if k, ok := earlier[r.Stream]; ok && fmt.Sprint(k.cs) != k.text {
				t.Fatalf("seed %d: contributions returned earlier for %s changed to %v", seed, r.Stream, k.cs)
			}
			hist[r.Stream] = append(hist[r.Stream], r)
			f, ok := folds[r.Stream]
			if !ok {
				f = domain.NewFold(r.Stream)
			}
			if !f.Apply(r) {
				f = domain.Refold(r.Stream, hist[r.Stream])
			}
			folds[r.Stream] = f
			got, want := f.Contributions(), domain.Contributions(domain.Effective(hist[r.Stream]))
			earlier[r.Stream] = kept{got, fmt.Sprint(got)}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("seed %d, after %s (%s): fold gives %v, the effective history %v", seed, r.ID, r.Type, got, want)
			}
		}
	}
}

// An inert event leaves what its stream contributes as it was, whatever the history before it.
func TestInertEventsLeaveContributions(t *testing.T) {
	inert := map[string]int{}
	for seed := int64(0); seed < 200; seed++ {
		hist := map[string][]domain.Recorded{}
		for _, r := range generate(uint64(seed)) {
			before := domain.Contributions(domain.Effective(hist[r.Stream]))
			hist[r.Stream] = append(hist[r.Stream], r)
			if !domain.Inert(r.Event) {
				continue
			}
			inert[r.Type]++
			if after := domain.Contributions(domain.Effective(hist[r.Stream])); !reflect.DeepEqual(before, after) {
				t.Fatalf("seed %d: %s (%s) changed what %s contributes:\nbefore %v\nafter  %v", seed, r.ID, r.Type, r.Stream, before, after)
			}
		}
	}
	for _, typ := range []string{domain.TypeOCOPExpired, domain.TypeOCOPExpiryNoticed, domain.TypeCNNTTBExpired} {
		if inert[typ] == 0 {
			t.Errorf("no %s in the generated histories: the property says nothing about it", typ)
		}
	}
	t.Logf("inert events checked: %v", inert)
}
