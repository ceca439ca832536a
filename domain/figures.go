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
	ID   string     `json:"id"`
	Kind FigureKind `json:"kind"`
	VI   string     `json:"vi"`
	EN   string     `json:"en"`
	Dims []string   `json:"dims"` // dimensions it can be broken down by
}

// Label names the figure in a language.
func (f Figure) Label(lang string) string { return label{f.VI, f.EN}.in(lang) }

// Breakdown dimensions.
const (
	DimStars          = "stars"
	DimFormerProvince = "former_province"
	DimCommune        = "commune"
	DimSector         = "sector"
	DimProductSet     = "product_set"
	DimProducerKind   = "producer_kind"
	DimAuthority      = "authority"
	DimLevel          = "level"
	DimFunding        = "funding"
	DimSiteType       = "site_type"
	DimEventKind      = "event_kind"
	DimPlatform       = "platform"
)

// dimLabels names the breakdown dimensions for people (the IDs are what --by and the API take).
var dimLabels = map[string]label{
	DimStars:          {"số sao", "stars"},
	DimFormerProvince: {"tỉnh cũ (trước 01/07/2025)", "former province (before 01/07/2025)"},
	DimCommune:        {"xã, phường hiện nay", "current commune"},
	DimSector:         {"ngành, nhóm sản phẩm", "product sector and group"},
	DimProductSet:     {"bộ sản phẩm", "product set"},
	DimProducerKind:   {"loại chủ thể", "type of producer"},
	DimAuthority:      {"cấp công nhận", "certifying authority"},
	DimLevel:          {"cấp CNNTTB", "CNNTTB level"},
	DimFunding:        {"nguồn kinh phí", "funding"},
	DimSiteType:       {"loại địa điểm", "type of site"},
	DimEventKind:      {"loại hoạt động xúc tiến thương mại", "kind of trade event"},
	DimPlatform:       {"sàn thương mại điện tử", "e-commerce platform"},
}

// DimensionLabel names a breakdown dimension in a language ("" for one that does not exist).
func DimensionLabel(dim, lang string) string {
	l, ok := dimLabels[dim]
	if !ok {
		return ""
	}
	return l.in(lang)
}

var (
	ocopDims   = []string{DimStars, DimFormerProvince, DimCommune, DimSector, DimProductSet, DimProducerKind, DimAuthority}
	cnnDims    = []string{DimLevel, DimFormerProvince, DimCommune}
	spDims     = []string{DimFunding, DimSiteType, DimFormerProvince, DimCommune}
	eventDims  = []string{DimEventKind, DimFormerProvince}
	listDims   = []string{DimPlatform}
	allFigures = []Figure{
		{"ocop.valid", Stock, "sản phẩm OCOP còn thời hạn", "OCOP products with a valid certificate", ocopDims},
		{"ocop.valid.stars5", Stock, "sản phẩm OCOP 5 sao", "of which 5-star", ocopDims},
		{"ocop.valid.stars4", Stock, "sản phẩm OCOP 4 sao", "of which 4-star", ocopDims},
		{"ocop.valid.stars3", Stock, "sản phẩm OCOP 3 sao", "of which 3-star", ocopDims},
		{"cnnttb.recognized.province", Cumulative, "sản phẩm CNNTTB cấp tỉnh đã được công nhận", "products recognised CNNTTB at provincial level", cnnDims},
		{"cnnttb.recognized.region", Cumulative, "sản phẩm CNNTTB cấp khu vực đã được công nhận", "products recognised CNNTTB at regional level", cnnDims},
		{"cnnttb.recognized.national", Cumulative, "sản phẩm CNNTTB cấp quốc gia đã được công nhận", "products recognised CNNTTB at national level", cnnDims},
		{"cnnttb.valid.province", Stock, "chứng nhận CNNTTB cấp tỉnh còn hiệu lực", "provincial CNNTTB certificates still valid", cnnDims},
		{"cnnttb.valid.region", Stock, "chứng nhận CNNTTB cấp khu vực còn hiệu lực", "regional CNNTTB certificates still valid", cnnDims},
		{"cnnttb.valid.national", Stock, "chứng nhận CNNTTB cấp quốc gia còn hiệu lực", "national CNNTTB certificates still valid", cnnDims},
		{"salespoints.open", Stock, "điểm giới thiệu và bán sản phẩm OCOP", "OCOP introduction-and-sales points operating", spDims},
		{"salespoints.open.state", Stock, "điểm do Nhà nước hỗ trợ", "of which State-supported", spDims},
		{"salespoints.open.ministry", Stock, "điểm do Bộ Công Thương hỗ trợ", "of which supported by the Ministry of Industry and Trade", spDims},
		{"salespoints.open.private", Stock, "điểm xã hội hóa 100%", "of which 100% privately funded", spDims},
		{"fairs.province", Flow, "hội chợ cấp tỉnh", "provincial trade fairs held", eventDims},
		{"fairs.district", Flow, "hội chợ cấp huyện", "district trade fairs held", eventDims},
		{"market_sessions", Flow, "phiên chợ/đợt hàng Việt về nông thôn, miền núi, hải đảo", "Vietnamese-goods market sessions held", eventDims},
		{"supply_demand_conferences", Flow, "hội nghị kết nối cung cầu", "supply-demand conferences held", eventDims},
		{"trade_events", Flow, "đợt hội chợ, phiên chợ, hội nghị có doanh nghiệp tham gia", "trade-promotion events businesses joined", eventDims},
		{"trade_events.participations", Flow, "lượt doanh nghiệp tham gia", "business participations in trade events", eventDims},
		{"ecommerce.listed_products", Cumulative, "sản phẩm được hỗ trợ đăng lên sàn TMĐT của tỉnh", "products listed on the provincial e-commerce platform", listDims},
		{"ecommerce.listed_businesses", Cumulative, "doanh nghiệp, cơ sở có sản phẩm trên sàn TMĐT của tỉnh", "businesses behind those listings", listDims},
		{"ecommerce.ocop_on_marketplaces", Stock, "sản phẩm OCOP bán trên các sàn TMĐT", "OCOP products listed on third-party marketplaces", listDims},
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

// Attrs are what the ledger knows of an item that a figure counts: enough to list it, explain it
// and break figures down by dimension. Empty fields do not apply to the item.
type Attrs struct {
	Name         string         `json:"name,omitempty"`
	Producer     string         `json:"producer,omitempty"`
	ProducerKind ProducerKind   `json:"producer_kind,omitempty"`
	ProductSet   ProductSet     `json:"product_set,omitempty"`
	Stars        Stars          `json:"stars,omitempty"`
	Authority    Authority      `json:"authority,omitempty"`
	Decision     string         `json:"decision,omitempty"`
	Level        CNNTTBLevel    `json:"level,omitempty"`
	Funding      Funding        `json:"funding,omitempty"`
	SiteType     SiteType       `json:"site_type,omitempty"`
	EventKind    TradeEventKind `json:"event_kind,omitempty"`
	Platform     Platform       `json:"platform,omitempty"`
	Address      Address        `json:"address"`
	Potential5   bool           `json:"potential_5star,omitempty"`
	Synthetic    bool           `json:"synthetic,omitempty"`
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
