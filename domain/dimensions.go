package domain

// Breakdown dimensions: the IDs are what --by and the API take.
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

// The dimensions each family of figures can be broken down by (Figure.Dims).
var (
	ocopDims  = []string{DimStars, DimFormerProvince, DimCommune, DimSector, DimProductSet, DimProducerKind, DimAuthority}
	cnnDims   = []string{DimLevel, DimFormerProvince, DimCommune}
	spDims    = []string{DimFunding, DimSiteType, DimFormerProvince, DimCommune}
	eventDims = []string{DimEventKind, DimFormerProvince}
	listDims  = []string{DimPlatform}
)

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

// Dimension describes a breakdown dimension: its ID, its name for people, the enumeration its
// values come from (when they come from one) and how an item's value is read from its Attrs.
type Dimension struct {
	ID    string `json:"id"`
	Label Label  `json:"label"`
	Enum  string `json:"enum,omitempty"` // the ID of the Enumeration of its values, if any

	value func(m *UnitMap, a Attrs, lang string) string
}

// Value returns the value of the dimension for an item's attributes, in a language; m maps the
// recorded address to today's units (nil: none known).
func (d Dimension) Value(m *UnitMap, a Attrs, lang string) string { return d.value(m, a, lang) }

// dimensions is the table of breakdown dimensions: a new dimension is a constant, one entry here
// and its ID in the lists above of the figures it applies to (plus, when it reads an attribute
// items do not carry yet, a field of Attrs set by the aggregates).
var dimensions = []Dimension{
	{DimStars, Label{"số sao", "stars"}, EnumStars, func(_ *UnitMap, a Attrs, _ string) string {
		if a.Stars == 0 {
			return ""
		}
		return string(rune('0'+int(a.Stars))) + "★"
	}},
	{DimFormerProvince, Label{"tỉnh cũ (trước 01/07/2025)", "former province (before 01/07/2025)"}, EnumFormerProvince,
		func(m *UnitMap, a Attrs, lang string) string { return m.FormerProvince(a.Address).Label(lang) }},
	{DimCommune, Label{"xã, phường hiện nay", "current commune"}, "",
		func(m *UnitMap, a Attrs, _ string) string { return m.CurrentCommune(a.Address) }},
	{DimSector, Label{"ngành, nhóm sản phẩm", "product sector and group"}, EnumSector, func(_ *UnitMap, a Attrs, lang string) string {
		return string(a.ProductSet.Sector()) + " " + a.ProductSet.Sector().Label(lang)
	}},
	{DimProductSet, Label{"bộ sản phẩm", "product set"}, EnumProductSet,
		func(_ *UnitMap, a Attrs, lang string) string {
			return string(a.ProductSet) + " " + a.ProductSet.Label(lang)
		}},
	{DimProducerKind, Label{"loại chủ thể", "type of producer"}, EnumProducerKind,
		func(_ *UnitMap, a Attrs, lang string) string { return a.ProducerKind.Label(lang) }},
	{DimAuthority, Label{"cấp công nhận", "certifying authority"}, EnumAuthority,
		func(_ *UnitMap, a Attrs, lang string) string { return a.Authority.Label(lang) }},
	{DimLevel, Label{"cấp CNNTTB", "CNNTTB level"}, EnumCNNTTBLevel,
		func(_ *UnitMap, a Attrs, lang string) string { return a.Level.Label(lang) }},
	{DimFunding, Label{"nguồn kinh phí", "funding"}, EnumFunding,
		func(_ *UnitMap, a Attrs, lang string) string { return a.Funding.Label(lang) }},
	{DimSiteType, Label{"loại địa điểm", "type of site"}, EnumSiteType,
		func(_ *UnitMap, a Attrs, lang string) string { return a.SiteType.Label(lang) }},
	{DimEventKind, Label{"loại hoạt động xúc tiến thương mại", "kind of trade event"}, EnumTradeEventKind,
		func(_ *UnitMap, a Attrs, lang string) string { return a.EventKind.Label(lang) }},
	{DimPlatform, Label{"sàn thương mại điện tử", "e-commerce platform"}, EnumPlatform,
		func(_ *UnitMap, a Attrs, lang string) string { return a.Platform.Label(lang) }},
}

var dimensionIndex = func() map[string]Dimension {
	m := make(map[string]Dimension, len(dimensions))
	for _, d := range dimensions {
		m[d.ID] = d
	}
	return m
}()

// Dimensions lists every breakdown dimension's ID.
func Dimensions() []string {
	out := make([]string, len(dimensions))
	for i, d := range dimensions {
		out[i] = d.ID
	}
	return out
}

// DimensionDescriptors lists every breakdown dimension.
func DimensionDescriptors() []Dimension { return append([]Dimension(nil), dimensions...) }

// LookupDimension returns the dimension with the given ID.
func LookupDimension(id string) (Dimension, bool) {
	d, ok := dimensionIndex[id]
	return d, ok
}

// DimensionLabel names a breakdown dimension in a language ("" for one that does not exist).
func DimensionLabel(dim, lang string) string {
	d, ok := dimensionIndex[dim]
	if !ok {
		return ""
	}
	return d.Label.In(lang)
}
