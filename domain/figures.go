package domain

import (
	"sort"
	"time"
)

// FigureKind says how a figure reads time.
type FigureKind string

const (
	// Stock: how many items hold on day D (valid certificates, open sales points).
	Stock FigureKind = "stock"
	// Cumulative: how many items ever came to be up to day D (products ever recognised).
	Cumulative FigureKind = "cumulative"
	// Flow: how many items came to be within a period [from, D] (fairs held 2021 → D).
	Flow FigureKind = "flow"
)

// Figure describes one of the figures the Department reports, under a stable ID.
type Figure struct {
	ID    string     `json:"id"`
	Kind  FigureKind `json:"kind"`
	VI    string     `json:"vi"`
	EN    string     `json:"en"`
	Dims  []string   `json:"dims"` // dimensions it can be broken down by
	Group string     `json:"-"`    // the FigureGroup it is shown in
	// Shared: its items gather contributions from several streams (a business behind many
	// listings, a product listed on several marketplaces); every other item belongs to one stream.
	Shared bool `json:"-"`
	// Expires, for a figure of certificates, is the day a certificate counted from a day stops
	// counting when nothing else ends it (nil for the figures of other things).
	Expires func(from Date) Date `json:"-"`
}

// Label names the figure in a language.
func (f Figure) Label(lang string) string { return label{f.VI, f.EN}.in(lang) }

// Figure IDs. Reports, the API and stored contributions depend on these strings: never change one.
const (
	FigureOCOPValid                = "ocop.valid"
	FigureOCOPValidStars5          = "ocop.valid.stars5"
	FigureOCOPValidStars4          = "ocop.valid.stars4"
	FigureOCOPValidStars3          = "ocop.valid.stars3"
	FigureCNNTTBRecognizedProvince = "cnnttb.recognized.province"
	FigureCNNTTBRecognizedRegion   = "cnnttb.recognized.region"
	FigureCNNTTBRecognizedNational = "cnnttb.recognized.national"
	FigureCNNTTBValidProvince      = "cnnttb.valid.province"
	FigureCNNTTBValidRegion        = "cnnttb.valid.region"
	FigureCNNTTBValidNational      = "cnnttb.valid.national"
	FigureSalesPointsOpen          = "salespoints.open"
	FigureSalesPointsOpenState     = "salespoints.open.state"
	FigureSalesPointsOpenMinistry  = "salespoints.open.ministry"
	FigureSalesPointsOpenPrivate   = "salespoints.open.private"
	FigureFairsProvince            = "fairs.province"
	FigureFairsDistrict            = "fairs.district"
	FigureMarketSessions           = "market_sessions"
	FigureSupplyDemandConferences  = "supply_demand_conferences"
	FigureTradeEvents              = "trade_events"
	FigureTradeEventParticipations = "trade_events.participations"
	FigureListedProducts           = "ecommerce.listed_products"
	FigureListedBusinesses         = "ecommerce.listed_businesses"
	FigureOCOPOnMarketplaces       = "ecommerce.ocop_on_marketplaces"
)

// FigureGroup is a heading the figures are shown under, in the order of the report.
type FigureGroup struct {
	ID    string `json:"id"`
	Label Label  `json:"label"`
}

var figureGroups = []FigureGroup{
	{"ocop", Label{"Sản phẩm OCOP", "OCOP products"}},
	{"cnnttb", Label{"Sản phẩm công nghiệp nông thôn tiêu biểu", "Typical rural industrial products (CNNTTB)"}},
	{"salespoints", Label{"Điểm giới thiệu và bán sản phẩm OCOP", "OCOP introduction-and-sales points"}},
	{"trade", Label{"Xúc tiến thương mại", "Trade promotion"}},
	{"ecommerce", Label{"Thương mại điện tử", "E-commerce"}},
}

// FigureGroups lists the groups of figures in the order of the report.
func FigureGroups() []FigureGroup { return append([]FigureGroup(nil), figureGroups...) }

var (
	// allFigures is the table of figures, in the order of the report: a new figure is a constant
	// and one entry here, plus the contributions its aggregate makes in aggregates.go.
	allFigures = []Figure{
		{ID: FigureOCOPValid, Kind: Stock, VI: "sản phẩm OCOP còn thời hạn", EN: "OCOP products with a valid certificate", Dims: ocopDims, Group: "ocop", Expires: OCOPValidUntil},
		{ID: FigureOCOPValidStars5, Kind: Stock, VI: "sản phẩm OCOP 5 sao", EN: "of which 5-star", Dims: ocopDims, Group: "ocop"},
		{ID: FigureOCOPValidStars4, Kind: Stock, VI: "sản phẩm OCOP 4 sao", EN: "of which 4-star", Dims: ocopDims, Group: "ocop"},
		{ID: FigureOCOPValidStars3, Kind: Stock, VI: "sản phẩm OCOP 3 sao", EN: "of which 3-star", Dims: ocopDims, Group: "ocop"},
		{ID: FigureCNNTTBRecognizedProvince, Kind: Cumulative, VI: "sản phẩm CNNTTB cấp tỉnh đã được công nhận", EN: "products recognised CNNTTB at provincial level", Dims: cnnDims, Group: "cnnttb"},
		{ID: FigureCNNTTBRecognizedRegion, Kind: Cumulative, VI: "sản phẩm CNNTTB cấp khu vực đã được công nhận", EN: "products recognised CNNTTB at regional level", Dims: cnnDims, Group: "cnnttb"},
		{ID: FigureCNNTTBRecognizedNational, Kind: Cumulative, VI: "sản phẩm CNNTTB cấp quốc gia đã được công nhận", EN: "products recognised CNNTTB at national level", Dims: cnnDims, Group: "cnnttb"},
		{ID: FigureCNNTTBValidProvince, Kind: Stock, VI: "chứng nhận CNNTTB cấp tỉnh còn hiệu lực", EN: "provincial CNNTTB certificates still valid", Dims: cnnDims, Group: "cnnttb", Expires: CNNTTBValidUntil},
		{ID: FigureCNNTTBValidRegion, Kind: Stock, VI: "chứng nhận CNNTTB cấp khu vực còn hiệu lực", EN: "regional CNNTTB certificates still valid", Dims: cnnDims, Group: "cnnttb", Expires: CNNTTBValidUntil},
		{ID: FigureCNNTTBValidNational, Kind: Stock, VI: "chứng nhận CNNTTB cấp quốc gia còn hiệu lực", EN: "national CNNTTB certificates still valid", Dims: cnnDims, Group: "cnnttb", Expires: CNNTTBValidUntil},
		{ID: FigureSalesPointsOpen, Kind: Stock, VI: "điểm giới thiệu và bán sản phẩm OCOP", EN: "OCOP introduction-and-sales points operating", Dims: spDims, Group: "salespoints"},
		{ID: FigureSalesPointsOpenState, Kind: Stock, VI: "điểm do Nhà nước hỗ trợ", EN: "of which State-supported", Dims: spDims, Group: "salespoints"},
		{ID: FigureSalesPointsOpenMinistry, Kind: Stock, VI: "điểm do Bộ Công Thương hỗ trợ", EN: "of which supported by the Ministry of Industry and Trade", Dims: spDims, Group: "salespoints"},
		{ID: FigureSalesPointsOpenPrivate, Kind: Stock, VI: "điểm xã hội hóa 100%", EN: "of which 100% privately funded", Dims: spDims, Group: "salespoints"},
		{ID: FigureFairsProvince, Kind: Flow, VI: "hội chợ cấp tỉnh", EN: "provincial trade fairs held", Dims: eventDims, Group: "trade"},
		{ID: FigureFairsDistrict, Kind: Flow, VI: "hội chợ cấp huyện", EN: "district trade fairs held", Dims: eventDims, Group: "trade"},
		{ID: FigureMarketSessions, Kind: Flow, VI: "phiên chợ/đợt hàng Việt về nông thôn, miền núi, hải đảo", EN: "Vietnamese-goods market sessions held", Dims: eventDims, Group: "trade"},
		{ID: FigureSupplyDemandConferences, Kind: Flow, VI: "hội nghị kết nối cung cầu", EN: "supply-demand conferences held", Dims: eventDims, Group: "trade"},
		{ID: FigureTradeEvents, Kind: Flow, VI: "đợt hội chợ, phiên chợ, hội nghị có doanh nghiệp tham gia", EN: "trade-promotion events businesses joined", Dims: eventDims, Group: "trade"},
		{ID: FigureTradeEventParticipations, Kind: Flow, VI: "lượt doanh nghiệp tham gia", EN: "business participations in trade events", Dims: eventDims, Group: "trade"},
		{ID: FigureListedProducts, Kind: Cumulative, VI: "sản phẩm được hỗ trợ đăng lên sàn TMĐT của tỉnh", EN: "products listed on the provincial e-commerce platform", Dims: listDims, Group: "ecommerce"},
		{ID: FigureListedBusinesses, Kind: Cumulative, VI: "doanh nghiệp, cơ sở có sản phẩm trên sàn TMĐT của tỉnh", EN: "businesses behind those listings", Dims: listDims, Group: "ecommerce", Shared: true},
		{ID: FigureOCOPOnMarketplaces, Kind: Stock, VI: "sản phẩm OCOP bán trên các sàn TMĐT", EN: "OCOP products listed on third-party marketplaces", Dims: listDims, Group: "ecommerce", Shared: true},
	}
	figureIndex = func() map[string]int {
		m := map[string]int{}
		for i, f := range allFigures {
			m[f.ID] = i
		}
		return m
	}()
)

// Figures lists the figures in the order of the report.
func Figures() []Figure { return append([]Figure(nil), allFigures...) }

// LookupFigure returns the figure with the given ID.
func LookupFigure(id string) (Figure, bool) {
	i, ok := figureIndex[id]
	if !ok {
		return Figure{}, false
	}
	return allFigures[i], true
}

// FigureIndex returns the position of a figure in Figures(), or -1.
func FigureIndex(id string) int {
	if i, ok := figureIndex[id]; ok {
		return i
	}
	return -1
}

// Contribution says that an item counts towards a figure on the days [From, Until). Cumulative and
// flow items count from the day they came to be, for ever (Until = Forever); a flow figure over
// [from, D] counts the items counted on D and not on from-1.
type Contribution struct {
	Figure  string `json:"figure"`
	Item    string `json:"item"`
	From    Date   `json:"from"`
	Until   Date   `json:"until"`
	EventID string `json:"event_id"` // the event that created the item (certification, opening…)
	Attrs   Attrs  `json:"attrs"`
}

// Covers reports whether the contribution counts on day d.
func (c Contribution) Covers(d Date) bool { return c.From <= d && d < c.Until }

// Contributions returns what the effective history of one stream contributes to the figures.
// It is the single definition of what every figure counts: the projections compute it per stream
// as events arrive, and the reference evaluator computes it from scratch.
func Contributions(effective []Recorded) []Contribution {
	if len(effective) == 0 {
		return nil
	}
	agg := newAggregate(effective[0].Stream)
	for _, r := range effective {
		agg.apply(r)
	}
	return agg.contributions()
}

// Query is a question put to the figures: on day AsOf, as the ledger knew it at KnownAt.
type Query struct {
	AsOf    Date      `json:"as_of"`
	KnownAt time.Time `json:"known_at"` // zero: everything recorded
	From    Date      `json:"from"`     // start of the period of flow figures; NoDate: ReportPeriodStart
}

// PeriodStart returns the first day of the flow period: From, or 01/01/2021 when From is zero
// or NoDate (01/01/2000, the zero Date, predates the programme and is never a real period start).
func (q Query) PeriodStart() Date {
	if q.From == NoDate || q.From == 0 {
		return ReportPeriodStart
	}
	return q.From
}

// Counts reports whether an item with the given contributions counts for figure f in query q.
// The contributions must all be of one item and one figure.
func Counts(kind FigureKind, cs []Contribution, q Query) (Contribution, bool) {
	at := func(d Date) (Contribution, bool) {
		var best Contribution
		found := false
		for _, c := range cs {
			if c.Covers(d) && (!found || c.From > best.From || c.From == best.From && c.EventID > best.EventID) {
				best, found = c, true
			}
		}
		return best, found
	}
	c, ok := at(q.AsOf)
	if !ok {
		return c, false
	}
	if kind == Flow {
		if _, before := at(q.PeriodStart() - 1); before {
			return c, false
		}
	}
	return c, true
}

// KnownPrefix returns the events of the log (in log order) known at k: those whose recording
// time, taken as the running maximum along the log, is at or before k. A zero k means all.
func KnownPrefix(log []Recorded, k time.Time) []Recorded {
	if k.IsZero() {
		return log
	}
	var max time.Time
	for i, r := range log {
		if r.RecordedAt.After(max) {
			max = r.RecordedAt
		}
		if max.After(k) {
			return log[:i]
		}
	}
	return log
}

// Evaluation is the reference answer to a query: for each figure, the items it counts.
type Evaluation struct {
	Query Query
	Items map[string][]Contribution // figure ID → the counting contribution of each item, by item
	Units *UnitMap
}

// Count returns how many items a figure counts.
func (e *Evaluation) Count(figure string) int64 { return int64(len(e.Items[figure])) }

// Evaluate answers a query by recomputing everything from the raw log: the naive reference that
// the projections must agree with. log must be in log order.
func Evaluate(log []Recorded, q Query) *Evaluation {
	known := KnownPrefix(log, q.KnownAt)
	byStream := map[string][]Recorded{}
	var order []string
	for _, r := range known {
		if _, ok := byStream[r.Stream]; !ok {
			order = append(order, r.Stream)
		}
		byStream[r.Stream] = append(byStream[r.Stream], r)
	}
	type key struct{ fig, item string }
	groups := map[key][]Contribution{}
	units := NewUnitMap()
	for _, s := range order {
		eff := Effective(byStream[s])
		for _, r := range eff {
			if m, ok := r.Event.(UnitsMerged); ok {
				units.Add(m)
			}
		}
		for _, c := range Contributions(eff) {
			k := key{c.Figure, c.Item}
			groups[k] = append(groups[k], c)
		}
	}
	ev := &Evaluation{Query: q, Items: map[string][]Contribution{}, Units: units}
	for k, cs := range groups {
		f, _ := LookupFigure(k.fig)
		if c, ok := Counts(f.Kind, cs, q); ok {
			ev.Items[k.fig] = append(ev.Items[k.fig], c)
		}
	}
	for _, cs := range ev.Items {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Item < cs[j].Item })
	}
	return ev
}
