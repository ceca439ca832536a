package demo

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

// Entry is one entry of the demo history: an event and what the recorder says about it.
type Entry struct {
	Event domain.Event
	Meta  ledger.Meta
}

const (
	// Actor records every demo entry.
	Actor = "demo"
	// ReportNumber is the document number of the report the demo reproduces.
	ReportNumber = "470/SCT-QLTM"
	// seed of the generator: the history is the same on every run.
	seed = 470

	sourceSynthetic = "Dữ liệu giả lập (ocopledger demo)"
)

// ReportDate is the date of Công văn 470/SCT-QLTM and the day its figures are stated for.
var ReportDate = domain.MustDate(2025, 8, 7)

// ReportKnownAt is the end of the report's day in Vietnam: what the Department could know when it
// filed the report.
func ReportKnownAt() time.Time { return ReportDate.EndOfDay() }

// ReportID is the stream id of the report: "470-SCT-QLTM".
func ReportID() string { return domain.ReportIDFor(ReportNumber) }

// ReportFigures returns the figures Công văn 470/SCT-QLTM states, by figure ID.
func ReportFigures() map[string]int64 {
	return map[string]int64{
		"ocop.valid": 642, "ocop.valid.stars5": 2, "ocop.valid.stars4": 48, "ocop.valid.stars3": 592,
		"cnnttb.recognized.province": 160, "cnnttb.recognized.region": 42, "cnnttb.recognized.national": 17,
		"cnnttb.valid.province": 31, "cnnttb.valid.region": 14, "cnnttb.valid.national": 2,
		"salespoints.open": 23, "salespoints.open.state": 9, "salespoints.open.ministry": 2, "salespoints.open.private": 14,
		"fairs.province": 7, "fairs.district": 17, "market_sessions": 41, "supply_demand_conferences": 8,
		"trade_events": 76, "trade_events.participations": 603,
		"ecommerce.listed_products": 1400, "ecommerce.listed_businesses": 740, "ecommerce.ocop_on_marketplaces": 173,
	}
}

// History returns the demo history in recording order: deterministic, with entry IDs
// "demo-000001"… along the slice and recorded times that never go back.
func History() []Entry {
	g := &generator{
		rng:       rand.New(rand.NewSource(seed)),
		lastAt:    map[string]time.Time{},
		decisions: map[string]domain.Decision{},
		producers: map[string]*producer{},
	}
	g.ocop()
	g.cnnttb()
	g.salesPoints()
	g.tradeEvents()
	g.listings()
	g.merger()
	g.report()
	g.late()
	g.registerProducers()

	sort.SliceStable(g.all, func(i, j int) bool { return g.all[i].at.Before(g.all[j].at) })
	for i, p := range g.all {
		p.id = fmt.Sprintf("demo-%06d", i+1)
	}
	out := make([]Entry, len(g.all))
	for i, p := range g.all {
		e := p.event
		if p.build != nil {
			e = p.build(p.target.id)
		}
		out[i] = Entry{Event: e, Meta: ledger.Meta{ID: p.id, Actor: Actor, Source: p.source, RecordedAt: p.at}}
	}
	return out
}

// LateEntries returns the entries of the history recorded after the report was filed.
func LateEntries(h []Entry) []Entry {
	var out []Entry
	for _, e := range h {
		if e.Meta.RecordedAt.After(ReportKnownAt()) {
			out = append(out, e)
		}
	}
	return out
}

// Recorded turns the history into the log the ledger would hold after loading it into an empty
// ledger: sequence = position, versions counted per stream.
func Recorded(h []Entry) []domain.Recorded {
	versions := map[string]uint64{}
	out := make([]domain.Recorded, len(h))
	for i, e := range h {
		s := e.Event.Stream()
		versions[s]++
		out[i] = domain.Recorded{ID: e.Meta.ID, Type: e.Event.EventType(), Stream: s, Version: versions[s],
			Sequence: uint64(i + 1), RecordedAt: e.Meta.RecordedAt, Actor: e.Meta.Actor, Source: e.Meta.Source, Event: e.Event}
	}
	return out
}

// pending is an entry being generated; its ID is given once the history is in recording order.
type pending struct {
	event  domain.Event
	at     time.Time
	source string
	id     string
	// a correction names its target by ID: build makes the event once the target has its ID.
	target *pending
	build  func(targetID string) domain.Event
}

type generator struct {
	rng       *rand.Rand
	all       []*pending
	lastAt    map[string]time.Time // stream → recorded time of its last entry
	decisions map[string]domain.Decision
	decNo     int
	producers map[string]*producer
	prodOrder []*producer

	currentProducer map[string]*producer // province → the synthetic producer getting products
	synthProducts   int
	cnnNo           int
	validSynthetic  []*product // synthetic products valid on the report's day
	revokedLate     *product   // revoked before the report, entered after it
	lateListing     *pending   // a listing entered twice; the copy is retracted after the report
	amendSalesPoint *pending   // a sales point opening whose date is corrected after the report
}

// add appends an entry recorded at at, or later if its stream already has a later entry: the
// entries of one stream are generated in the order the ledger must hold them.
func (g *generator) add(e domain.Event, at time.Time, source string) *pending {
	s := e.Stream()
	if last, ok := g.lastAt[s]; ok && at.Before(last) {
		at = last
	}
	g.lastAt[s] = at
	p := &pending{event: e, at: at, source: source}
	g.all = append(g.all, p)
	return p
}

// correct adds a correction of target, built once the target's ID is known.
func (g *generator) correct(target *pending, at time.Time, source string, build func(targetID string) domain.Event) {
	p := g.add(build("pending"), at, source)
	p.target, p.build = target, build
}

// at returns when the Department recorded a fact of day d: 1 to maxLag days later, in office hours.
// A fact of the report's day or before is recorded before the report was filed (16:00 on 07/08/2025).
func (g *generator) at(d domain.Date, maxLag int) time.Time {
	r := d.AddDays(1 + g.rng.Intn(maxLag))
	if d <= ReportDate && r >= ReportDate {
		r = ReportDate
	}
	return clock(r, 8*60+g.rng.Intn(7*60+59)) // 08:00–15:58
}

// clock returns the instant of day d at the given minute after midnight, Vietnam time.
func clock(d domain.Date, minute int) time.Time {
	return d.Time().Add(time.Duration(minute) * time.Minute)
}

// dateIn returns a day of [from, to].
func (g *generator) dateIn(from, to domain.Date) domain.Date {
	if to <= from {
		return from
	}
	return from + domain.Date(g.rng.Intn(int(to-from)+1))
}

// sessionDate moves d to the 10th or the 25th of its month, the days the demo's committees sit, so
// that one decision certifies several products; it keeps d when that would leave [from, to].
func sessionDate(d, from, to domain.Date) domain.Date {
	y, m, day := d.YMD()
	s := domain.MustDate(y, m, 10)
	if day > 17 {
		s = domain.MustDate(y, m, 25)
	}
	if s < from || s > to {
		return d
	}
	return s
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }
