package domain

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Recorded is an event as the ledger stored it: what the domain needs of the store's envelope.
type Recorded struct {
	ID         string
	Type       string // the stored type name; Event is nil when the type is unknown to this build
	Stream     string
	Version    uint64
	Sequence   uint64
	RecordedAt time.Time
	Actor      string // who recorded it
	Source     string // the source document it was recorded from
	Event      Event
	// Raw is the payload as stored, when the reader has it (it saves encoding Event again).
	Raw []byte
	// Leaf is the RFC 6962 leaf hash of the entry as stored (its position's leaf in the log's
	// Merkle tree), when the reader computed it; zero otherwise.
	Leaf [32]byte
	// AmendedBy is the ID of the correction whose replacement Event now is (set by Effective).
	AmendedBy string
	// Unreadable, when set, says why the entry is not an event this build can fold (a stored
	// message that is not an event, a type or schema version it does not know, a payload that
	// does not decode or breaks a rule); Event is then nil. Readers name such entries.
	Unreadable error
}

// Effective applies the corrections found in a stream's history: retracted events drop out and
// amended ones carry their replacement. Corrections themselves are not in the result.
func Effective(history []Recorded) []Recorded {
	out := make([]Recorded, 0, len(history))
	idx := map[string]int{}
	gone := map[int]bool{}
	for _, r := range history {
		if r.Event == nil {
			continue // a type this build does not know: reported by the reader, never guessed at
		}
		switch c := r.Event.(type) {
		case EventRetracted:
			if i, ok := idx[c.TargetID]; ok {
				gone[i] = true
			}
		case EventAmended:
			if i, ok := idx[c.TargetID]; ok && !gone[i] {
				if rep, err := c.Decoded(); err == nil && rep.EventType() == out[i].Event.EventType() {
					out[i].Event = rep
					out[i].AmendedBy = r.ID
				}
			}
		default:
			idx[r.ID] = len(out)
			out = append(out, r)
		}
	}
	if len(gone) == 0 {
		return out
	}
	kept := out[:0]
	for i, r := range out {
		if !gone[i] {
			kept = append(kept, r)
		}
	}
	return kept
}

// aggregate is the state of one stream. apply never fails and never validates, so replaying
// history cannot fail; check decides whether a new event may follow the history applied so far.
type aggregate interface {
	check(e Event) error
	apply(r Recorded)
	contributions() []Contribution
}

func newAggregate(stream string) aggregate {
	kind, _, _ := strings.Cut(stream, ".")
	switch kind {
	case KindProduct:
		return &product{}
	case KindCNNTTB:
		return &cnnttb{}
	case KindSalesPoint:
		return &salesPoint{}
	case KindTradeEvent:
		return &tradeEvent{participants: map[string]bool{}}
	case KindListing:
		return &listing{}
	case KindLedger:
		return &acknowledgements{}
	}
	return &once{}
}

// acknowledgements is the stream of acknowledged quarantined entries: each position once.
type acknowledgements struct{ seen []int }

func (a *acknowledgements) check(e Event) error {
	ack, ok := e.(QuarantineAcknowledged)
	if !ok {
		return Invalid("type", "%s does not belong to stream %s", e.EventType(), e.Stream())
	}
	if slices.Contains(a.seen, ack.Position) {
		return Conflict("the quarantined entry at position %d is already acknowledged", ack.Position)
	}
	return nil
}

func (a *acknowledgements) apply(r Recorded) {
	if ack, ok := r.Event.(QuarantineAcknowledged); ok {
		a.seen = append(a.seen, ack.Position)
	}
}

func (a *acknowledgements) contributions() []Contribution { return nil }

// Decide checks a proposed event against the history of its stream (in log order) and returns the
// events to record. Corrections are checked by replaying the corrected history: a correction that
// would leave a later entry without ground (retracting a certificate that was later revoked) is
// refused.
func Decide(history []Recorded, e Event) ([]Event, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	for _, r := range history {
		if r.Stream != e.Stream() {
			return nil, fmt.Errorf("domain.Decide: history of %s given for an event of %s", r.Stream, e.Stream())
		}
	}
	switch e.(type) {
	case EventRetracted, EventAmended:
		if err := checkCorrection(history, e); err != nil {
			return nil, err
		}
		return []Event{e}, nil
	}
	agg := newAggregate(e.Stream())
	for _, r := range Effective(history) {
		agg.apply(r)
	}
	if err := agg.check(e); err != nil {
		return nil, err
	}
	return []Event{e}, nil
}

func checkCorrection(history []Recorded, e Event) error {
	var target string
	switch c := e.(type) {
	case EventRetracted:
		target = c.TargetID
	case EventAmended:
		target = c.TargetID
	}
	var found *Recorded
	for i, r := range history {
		if r.ID == target {
			found = &history[i]
		}
		if c, ok := r.Event.(EventRetracted); ok && c.TargetID == target {
			return Conflict("event %s was already retracted by %s", target, r.ID)
		}
	}
	if found == nil {
		return Invalid("target_id", "no event %s is recorded in %s", target, e.Stream())
	}
	if _, ok := e.(EventAmended); ok && found.Event == nil {
		return Invalid("target_id", "event %s is a %s, a type this build does not know; it cannot be amended here", target, found.Type)
	}
	switch found.Event.(type) {
	case EventRetracted, EventAmended:
		return Invalid("target_id", "%s is itself a correction; correct the original event instead", target)
	}
	if a, ok := e.(EventAmended); ok && a.TargetType != found.Event.EventType() {
		return Invalid("target_type", "event %s is a %s, not a %s", target, found.Event.EventType(), a.TargetType)
	}
	// Replay the corrected history with every check on.
	corrected := Effective(append(append([]Recorded(nil), history...), Recorded{ID: "(correction)", Stream: e.Stream(), Event: e}))
	agg := newAggregate(e.Stream())
	for _, r := range corrected {
		if err := agg.check(r.Event); err != nil {
			return Conflict("after this correction, entry %s (%s) would no longer hold: %v", r.ID, r.Event.EventType(), err)
		}
		agg.apply(r)
	}
	return nil
}

// ---- OCOP product ----

type certificate struct {
	eventID  string
	decision Decision
	stars    Stars
	start    Date
	expires  Date // start + 36 months
	end      Date // effective end: expiry, supersession or revocation
	endedBy  string
	expired  bool // the expiry was recorded
	noticed  bool
	attrs    Attrs
}

// endings name what ended a certificate (certificate.endedBy) in messages.
var endings = map[string]label{
	"expiry":     {"hết hạn", "expiry"},
	"superseded": {"đã được thay thế", "superseded"},
	"revoked":    {"đã bị thu hồi", "revoked"},
}

func ending(endedBy string) label {
	if l, ok := endings[endedBy]; ok {
		return l
	}
	return label{endedBy, endedBy}
}

type product struct {
	id         string
	certs      []*certificate
	name       string
	producer   string
	kind       ProducerKind
	set        ProductSet
	address    Address
	synthetic  bool
	potential5 Date
}

func (p *product) find(number string) *certificate {
	for _, c := range p.certs {
		if fold(c.decision.Number) == fold(number) {
			return c
		}
	}
	return nil
}

// overlapping returns a certificate (other than skip) valid on some day of [from, until).
func (p *product) overlapping(from, until Date, skip *certificate) *certificate {
	for _, c := range p.certs {
		if c != skip && c.start < until && from < c.end {
			return c
		}
	}
	return nil
}

func (p *product) check(e Event) error {
	switch e := e.(type) {
	case OCOPCertified:
		if c := p.find(e.Decision.Number); c != nil {
			return Conflict("decision %s is already recorded for this product", e.Decision.Number)
		}
		if c := p.overlapping(e.Decision.Date, OCOPValidUntil(e.Decision.Date), nil); c != nil {
			return Conflict("product %s already holds certificate %s (%d★, valid %s to %s); record a re-evaluation (ocop.reevaluated) instead of a new certificate",
				e.ProductID, c.decision.Number, int(c.stars), c.start.VN(), c.end.AddDays(-1).VN())
		}
	case OCOPReevaluated:
		old := p.find(e.Supersedes)
		if old == nil {
			return Invalid("supersedes", "product %s has no certificate %s", e.ProductID, e.Supersedes)
		}
		if p.find(e.Decision.Number) != nil {
			return Conflict("decision %s is already recorded for this product", e.Decision.Number)
		}
		if e.Decision.Date <= old.start {
			return Invalid("decision.date", "%s is not after the certificate it replaces (%s)", e.Decision.Date.VN(), old.start.VN())
		}
		if e.Decision.Date >= old.end {
			return Conflict("certificate %s ended on %s (%s); a product whose certificate has ended is certified anew (ocop.certified), not re-evaluated",
				old.decision.Number, old.end.VN(), ending(old.endedBy))
		}
		want := OutcomeKeep
		if e.Stars > old.stars {
			want = OutcomeUpgrade
		} else if e.Stars < old.stars {
			want = OutcomeDowngrade
		}
		if e.Outcome != want {
			return Invalid("outcome", "%q does not match %d★ → %d★ (that is %q)", e.Outcome, int(old.stars), int(e.Stars), want)
		}
		if c := p.overlapping(e.Decision.Date, OCOPValidUntil(e.Decision.Date), old); c != nil {
			return Conflict("certificate %s is valid on %s too; it would overlap the re-evaluated one", c.decision.Number, c.start.VN())
		}
	case OCOPRevoked:
		c := p.find(e.Certificate)
		if c == nil {
			return Invalid("certificate", "product %s has no certificate %s", e.ProductID, e.Certificate)
		}
		if e.Decision.Date < c.start {
			return Invalid("decision.date", "%s is before the certificate was issued (%s)", e.Decision.Date.VN(), c.start.VN())
		}
		if e.Decision.Date >= c.end {
			return Conflict("certificate %s already ended on %s (%s); there is nothing to revoke", c.decision.Number, c.end.VN(), ending(c.endedBy))
		}
	case OCOPExpired:
		c := p.find(e.Certificate)
		if c == nil {
			return Invalid("certificate", "product %s has no certificate %s", e.ProductID, e.Certificate)
		}
		if c.expired {
			return Conflict("the expiry of certificate %s is already recorded", c.decision.Number)
		}
		if c.endedBy != "expiry" {
			return Conflict("certificate %s did not expire: it was %s on %s", c.decision.Number, ending(c.endedBy), c.end.VN())
		}
		if e.ExpiredOn != c.expires {
			return Invalid("expired_on", "certificate %s (decided %s) expires on %s, not %s", c.decision.Number, c.start.VN(), c.expires.VN(), e.ExpiredOn.VN())
		}
	case OCOPExpiryNoticed:
		c := p.find(e.Certificate)
		if c == nil {
			return Invalid("certificate", "product %s has no certificate %s", e.ProductID, e.Certificate)
		}
		if c.noticed {
			return Conflict("the expiry notice for certificate %s is already recorded", c.decision.Number)
		}
		if e.ExpiresOn != c.expires {
			return Invalid("expires_on", "certificate %s expires on %s, not %s", c.decision.Number, c.expires.VN(), e.ExpiresOn.VN())
		}
		if c.endedBy != "expiry" {
			return Conflict("certificate %s does not reach its expiry: it was %s on %s", c.decision.Number, ending(c.endedBy), c.end.VN())
		}
	case OCOPPotentialFiveStar:
		var valid *certificate
		for _, c := range p.certs {
			if c.start <= e.Date && e.Date < c.end {
				valid = c
			}
		}
		if valid == nil {
			return Conflict("product %s holds no valid certificate on %s; only certified products can be potential 5★", e.Stream(), e.Date.VN())
		}
		if valid.decision.Authority != AuthorityProvince || valid.stars != 4 {
			return Conflict("potential 5★ is a status of a 4★ product certified by the province; %s is %d★ by %s", valid.decision.Number, int(valid.stars), authorities.name(valid.decision.Authority))
		}
	default:
		return Invalid("type", "%s does not belong to an OCOP product", e.EventType())
	}
	return nil
}

func (p *product) apply(r Recorded) {
	if p.id == "" {
		_, p.id, _ = strings.Cut(r.Stream, ".")
	}
	switch e := r.Event.(type) {
	case OCOPCertified:
		p.name, p.producer, p.kind, p.set, p.address, p.synthetic = e.ProductName, e.ProducerName, e.ProducerKind, e.ProductSet, e.Address, e.Synthetic
		p.add(r.ID, e.Decision, e.Stars)
	case OCOPReevaluated:
		if e.ProductName != "" {
			p.name = e.ProductName
		}
		if e.Address != nil {
			p.address = *e.Address
		}
		if old := p.find(e.Supersedes); old != nil && e.Decision.Date < old.end {
			old.end, old.endedBy = e.Decision.Date, "superseded"
		}
		p.add(r.ID, e.Decision, e.Stars)
	case OCOPRevoked:
		if c := p.find(e.Certificate); c != nil && e.Decision.Date < c.end {
			c.end, c.endedBy = e.Decision.Date, "revoked"
		}
	case OCOPExpired:
		if c := p.find(e.Certificate); c != nil {
			c.expired = true
		}
	case OCOPExpiryNoticed:
		if c := p.find(e.Certificate); c != nil {
			c.noticed = true
		}
	case OCOPPotentialFiveStar:
		p.potential5 = e.Date
	}
}

func (p *product) add(id string, d Decision, s Stars) {
	exp := OCOPValidUntil(d.Date)
	// Each certificate keeps the product as its decision recorded it (name, producer, address):
	// a later decision never rewrites what an earlier one said.
	a := Attrs{Name: p.name, Producer: p.producer, ProducerKind: p.kind, ProductSet: p.set, Stars: s,
		Authority: d.Authority, Decision: d.Number, Address: p.address, Synthetic: p.synthetic}
	p.certs = append(p.certs, &certificate{eventID: id, decision: d, stars: s, start: d.Date, expires: exp, end: exp, endedBy: "expiry", attrs: a})
	sort.SliceStable(p.certs, func(i, j int) bool { return p.certs[i].start < p.certs[j].start })
}

func (p *product) contributions() []Contribution {
	out := make([]Contribution, 0, 2*len(p.certs))
	for _, c := range p.certs {
		// A rating outside 3–5 stars is no certificate of the programme (the gate refuses it; one
		// stored past the gate counts in no figure rather than in a figure that does not exist).
		if c.end <= c.start || !c.stars.Valid() {
			continue
		}
		a := c.attrs
		a.Potential5 = p.potential5.Valid() && p.potential5 >= c.start && p.potential5 < c.end
		base := Contribution{Item: p.id, From: c.start, Until: c.end, EventID: c.eventID, Attrs: a}
		for _, fig := range [2]string{FigureOCOPValid, starsFigure(c.stars)} {
			cc := base
			cc.Figure = fig
			out = append(out, cc)
		}
	}
	return out
}

// ---- CNNTTB ----

type recognition struct {
	eventID string
	e       CNNTTBRecognized
	expired bool
	item    string // the item of its valid figure: product/certificate
}

type cnnttb struct{ recs []*recognition }

func (c *cnnttb) check(e Event) error {
	switch e := e.(type) {
	case CNNTTBRecognized:
		for _, r := range c.recs {
			if r.e.Level == e.Level && fold(r.e.Certificate) == fold(e.Certificate) {
				return Conflict("certificate %s at %s is already recorded", e.Certificate, cnnttbLevels.name(e.Level))
			}
			if r.e.Level == e.Level && r.e.RoundYear == e.RoundYear {
				return Conflict("%s was already recognised at %s in the %d round (certificate %s)", e.ProductName, cnnttbLevels.name(e.Level), e.RoundYear, r.e.Certificate)
			}
		}
		if low := RequiredLowerLevel(e.Level); low != "" {
			ok := false
			for _, r := range c.recs {
				if r.e.Level == low && r.e.IssuedOn <= e.IssuedOn {
					ok = true
				}
			}
			if !ok {
				return Conflict("%s has not won the %s before %s: a product competes at %s only after winning the level below",
					e.ProductName, cnnttbLevels.name(low), e.IssuedOn.VN(), cnnttbLevels.name(e.Level))
			}
		}
	case CNNTTBExpired:
		var r *recognition
		for _, x := range c.recs {
			if x.e.Level == e.Level && fold(x.e.Certificate) == fold(e.Certificate) {
				r = x
			}
		}
		if r == nil {
			return Invalid("certificate", "no %s certificate %s is recorded for this product", cnnttbLevels.name(e.Level), e.Certificate)
		}
		if r.expired {
			return Conflict("the expiry of certificate %s is already recorded", e.Certificate)
		}
		if want := CNNTTBValidUntil(r.e.IssuedOn); e.ExpiredOn != want {
			return Invalid("expired_on", "certificate %s (issued %s) is valid to %s, so it expires on %s, not %s",
				e.Certificate, r.e.IssuedOn.VN(), CNNTTBValidTo(r.e.IssuedOn).VN(), want.VN(), e.ExpiredOn.VN())
		}
	default:
		return Invalid("type", "%s does not belong to a CNNTTB product", e.EventType())
	}
	return nil
}

func (c *cnnttb) apply(r Recorded) {
	switch e := r.Event.(type) {
	case CNNTTBRecognized:
		c.recs = append(c.recs, &recognition{eventID: r.ID, e: e, item: e.ProductID + "/" + e.Certificate})
	case CNNTTBExpired:
		for _, x := range c.recs {
			if x.e.Level == e.Level && fold(x.e.Certificate) == fold(e.Certificate) {
				x.expired = true
			}
		}
	}
}

// starsFigure returns the ID of the figure of valid products with s stars.
func starsFigure(s Stars) string {
	switch s {
	case 3:
		return FigureOCOPValidStars3
	case 4:
		return FigureOCOPValidStars4
	case 5:
		return FigureOCOPValidStars5
	}
	return fmt.Sprintf(FigureOCOPValid+".stars%d", s)
}

// cnnttbFigures are the IDs of the figures of CNNTTB recognitions, by level: recognised, valid.
var cnnttbFigures = map[CNNTTBLevel][2]string{
	LevelProvince: {FigureCNNTTBRecognizedProvince, FigureCNNTTBValidProvince},
	LevelRegion:   {FigureCNNTTBRecognizedRegion, FigureCNNTTBValidRegion},
	LevelNational: {FigureCNNTTBRecognizedNational, FigureCNNTTBValidNational},
}

func (c *cnnttb) contributions() []Contribution {
	out := make([]Contribution, 0, 2*len(c.recs))
	for _, r := range c.recs {
		switch r.e.Level {
		case LevelProvince, LevelRegion, LevelNational:
		default:
			continue // district and commune recognitions are not among the report's figures
		}
		a := Attrs{Name: r.e.ProductName, Producer: r.e.ProducerName, Level: r.e.Level, Decision: r.e.Certificate, Address: r.e.Address, Synthetic: r.e.Synthetic}
		figs := cnnttbFigures[r.e.Level]
		out = append(out,
			Contribution{Figure: figs[0], Item: r.e.ProductID, From: r.e.IssuedOn, Until: Forever, EventID: r.eventID, Attrs: a},
			// Valid figures count certificates ("chứng nhận còn hiệu lực"): a product recognised again
			// in a later round at the same level holds two.
			Contribution{Figure: figs[1], Item: r.item, From: r.e.IssuedOn, Until: CNNTTBValidUntil(r.e.IssuedOn), EventID: r.eventID, Attrs: a})
	}
	return out
}

// ---- sales points ----

type openPeriod struct {
	eventID string
	e       SalesPointOpened
	closed  Date
}

type salesPoint struct{ periods []*openPeriod }

func (s *salesPoint) current() *openPeriod {
	if len(s.periods) == 0 {
		return nil
	}
	return s.periods[len(s.periods)-1]
}

func (s *salesPoint) check(e Event) error {
	cur := s.current()
	switch e := e.(type) {
	case SalesPointOpened:
		if cur != nil && cur.closed == NoDate {
			return Conflict("sales point %s is already open (since %s)", e.SalesPointID, cur.e.OpenedOn.VN())
		}
		if cur != nil && e.OpenedOn < cur.closed {
			return Invalid("opened_on", "%s is before the point closed (%s); a point reopens after it closed", e.OpenedOn.VN(), cur.closed.VN())
		}
	case SalesPointClosed:
		if cur == nil {
			return Invalid("salespoint_id", "no sales point %s has been opened", e.SalesPointID)
		}
		if cur.closed != NoDate {
			return Conflict("sales point %s is already closed (since %s)", e.SalesPointID, cur.closed.VN())
		}
		if e.ClosedOn < cur.e.OpenedOn {
			return Invalid("closed_on", "%s is before the point opened (%s)", e.ClosedOn.VN(), cur.e.OpenedOn.VN())
		}
	default:
		return Invalid("type", "%s does not belong to a sales point", e.EventType())
	}
	return nil
}

func (s *salesPoint) apply(r Recorded) {
	switch e := r.Event.(type) {
	case SalesPointOpened:
		s.periods = append(s.periods, &openPeriod{eventID: r.ID, e: e, closed: NoDate})
	case SalesPointClosed:
		if cur := s.current(); cur != nil && cur.closed == NoDate && e.ClosedOn >= cur.e.OpenedOn {
			cur.closed = e.ClosedOn
		}
	}
}

func (s *salesPoint) contributions() []Contribution {
	var out []Contribution
	for _, p := range s.periods {
		until := Forever
		if p.closed != NoDate {
			until = p.closed
		}
		if until <= p.e.OpenedOn {
			continue
		}
		a := Attrs{Name: p.e.Name, Producer: p.e.Operator, Funding: p.e.Funding, SiteType: p.e.SiteType, Address: p.e.Address, Synthetic: p.e.Synthetic}
		figs := []string{FigureSalesPointsOpen}
		switch p.e.Funding {
		case FundingMinistry:
			figs = append(figs, FigureSalesPointsOpenState, FigureSalesPointsOpenMinistry)
		case FundingProvince:
			figs = append(figs, FigureSalesPointsOpenState)
		case FundingPrivate:
			figs = append(figs, FigureSalesPointsOpenPrivate)
		}
		for _, f := range figs {
			out = append(out, Contribution{Figure: f, Item: p.e.SalesPointID, From: p.e.OpenedOn, Until: until, EventID: p.eventID, Attrs: a})
		}
	}
	return out
}

// ---- trade events ----

type tradeEvent struct {
	held         *TradeEventHeld
	heldID       string
	participants map[string]bool
	joins        []Recorded
	// out is contributions() as last computed, extended as participations arrive, so that
	// folding a fair with n participants costs n, not n²
	out []Contribution
}

func (t *tradeEvent) check(e Event) error {
	switch e := e.(type) {
	case TradeEventHeld:
		if t.held != nil {
			return Conflict("trade event %s is already recorded (%s); amend it to change its details", e.TradeEventID, t.held.Name)
		}
	case TradeEventParticipation:
		if t.held == nil {
			return Invalid("trade_event_id", "no trade event %s is recorded; record trade_event.held first", e.TradeEventID)
		}
		if t.participants[e.BusinessID] {
			return Conflict("%s's participation in %s is already recorded", e.BusinessName, t.held.Name)
		}
	default:
		return Invalid("type", "%s does not belong to a trade event", e.EventType())
	}
	return nil
}

func (t *tradeEvent) apply(r Recorded) {
	switch e := r.Event.(type) {
	case TradeEventHeld:
		t.held, t.heldID, t.out = &e, r.ID, nil
	case TradeEventParticipation:
		t.participants[e.BusinessID] = true
		t.joins = append(t.joins, r)
		if t.out != nil {
			t.out = t.appendJoin(t.out, r)
		}
	}
}

var tradeEventFigure = map[TradeEventKind]string{
	KindProvincialFair: FigureFairsProvince,
	KindDistrictFair:   FigureFairsDistrict,
	KindMarketSession:  FigureMarketSessions,
	KindConference:     FigureSupplyDemandConferences,
}

// contributions returns the fair's contributions. The list is shared with the aggregate, which
// only ever appends to it past the length returned (the result is clipped), so callers may keep
// it but must not change its elements.
func (t *tradeEvent) contributions() []Contribution {
	if t.held == nil {
		return nil
	}
	if t.out == nil {
		h := t.held
		out := make([]Contribution, 0, 1+2*len(t.joins))
		if f, ok := tradeEventFigure[h.Kind]; ok {
			out = append(out, Contribution{Figure: f, Item: h.TradeEventID, From: h.StartDate, Until: Forever, EventID: t.heldID, Attrs: t.attrs()})
		}
		for _, j := range t.joins {
			out = t.appendJoin(out, j)
		}
		t.out = out
	}
	return slices.Clip(t.out)
}

func (t *tradeEvent) attrs() Attrs {
	h := t.held
	return Attrs{Name: h.Name, Producer: h.Organiser, EventKind: h.Kind, Address: h.Address, Synthetic: h.Synthetic}
}

// appendJoin appends what a participation contributes.
func (t *tradeEvent) appendJoin(out []Contribution, j Recorded) []Contribution {
	h, p := t.held, j.Event.(TradeEventParticipation)
	a := t.attrs()
	pa := a
	pa.Producer = p.BusinessName
	return append(out,
		Contribution{Figure: FigureTradeEvents, Item: h.TradeEventID, From: h.StartDate, Until: Forever, EventID: j.ID, Attrs: a},
		Contribution{Figure: FigureTradeEventParticipations, Item: h.TradeEventID + "/" + p.BusinessID, From: h.StartDate, Until: Forever, EventID: j.ID, Attrs: pa})
}

// ---- e-commerce listings ----

type listing struct {
	created   *ListingCreated
	createdID string
	removed   Date
}

func (l *listing) check(e Event) error {
	switch e := e.(type) {
	case ListingCreated:
		if l.created != nil {
			return Conflict("listing %s is already recorded", e.ListingID)
		}
	case ListingRemoved:
		if l.created == nil {
			return Invalid("listing_id", "no listing %s is recorded", e.ListingID)
		}
		if l.removed != NoDate {
			return Conflict("listing %s was already removed on %s", e.ListingID, l.removed.VN())
		}
		if e.RemovedOn < l.created.ListedOn {
			return Invalid("removed_on", "%s is before the listing was created (%s)", e.RemovedOn.VN(), l.created.ListedOn.VN())
		}
	default:
		return Invalid("type", "%s does not belong to a listing", e.EventType())
	}
	return nil
}

func (l *listing) apply(r Recorded) {
	switch e := r.Event.(type) {
	case ListingCreated:
		l.created, l.createdID, l.removed = &e, r.ID, NoDate
	case ListingRemoved:
		if l.created != nil && e.RemovedOn >= l.created.ListedOn {
			l.removed = e.RemovedOn
		}
	}
}

func (l *listing) contributions() []Contribution {
	if l.created == nil {
		return nil
	}
	e := l.created
	a := Attrs{Name: e.ProductName, Producer: e.BusinessName, Platform: e.Platform, Synthetic: e.Synthetic}
	if e.Platform.Provincial() {
		return []Contribution{
			{Figure: FigureListedProducts, Item: e.ListingID, From: e.ListedOn, Until: Forever, EventID: l.createdID, Attrs: a},
			{Figure: FigureListedBusinesses, Item: e.BusinessID, From: e.ListedOn, Until: Forever, EventID: l.createdID, Attrs: a},
		}
	}
	if !e.OCOP {
		return nil
	}
	until := Forever
	if l.removed != NoDate {
		until = l.removed
	}
	if until <= e.ListedOn {
		return nil
	}
	return []Contribution{{Figure: FigureOCOPOnMarketplaces, Item: e.ProductID, From: e.ListedOn, Until: until, EventID: l.createdID, Attrs: a}}
}

// ---- streams recorded once: producers, reorganisations, reports ----

type once struct {
	first Event
}

func (o *once) check(e Event) error {
	switch e := e.(type) {
	case ProducerChanged:
		if o.first == nil {
			return Invalid("producer_id", "no producer %s is registered", e.ProducerID)
		}
		return nil
	case ProducerRegistered, UnitsMerged, ReportFiled:
		if o.first != nil {
			return Conflict("%s is already recorded; amend it (correction.amended) to change it", e.Stream())
		}
		return nil
	}
	return Invalid("type", "%s does not belong to stream %s", e.EventType(), e.Stream())
}

func (o *once) apply(r Recorded) {
	if o.first == nil {
		o.first = r.Event
	}
}

func (o *once) contributions() []Contribution { return nil }
