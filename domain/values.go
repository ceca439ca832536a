package domain

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"
)

// label is the Vietnamese and English name of a value.
type label struct{ vi, en string }

func (l label) in(lang string) string {
	if lang == "en" {
		return l.en
	}
	return l.vi
}

// String is the English name: a label given as an argument of an error message reads in English
// in Message and in Vietnamese through i18n.Localize.
func (l label) String() string { return l.en }

// Vietnamese is the Vietnamese name.
func (l label) Vietnamese() string { return l.vi }

// enum checks membership and names values of a closed set of strings.
type enum[T ~string] struct {
	what   label // what a value is, for messages: "issuing authority"
	labels map[T]label
}

func (e enum[T]) valid(v T) bool { _, ok := e.labels[v]; return ok }

func (e enum[T]) check(field string, v T) error {
	if e.valid(v) {
		return nil
	}
	if v == "" {
		return Invalid(field, "is empty; give one of %s", e.list())
	}
	return Invalid(field, "%q is not a known %s; give one of %s", string(v), e.what, e.list())
}

func (e enum[T]) list() string {
	var s []string
	for k := range e.labels {
		s = append(s, string(k))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func (e enum[T]) label(v T, lang string) string { return e.name(v).in(lang) }

// name is the label of v, or v itself in both languages when v is not in the set.
func (e enum[T]) name(v T) label {
	if l, ok := e.labels[v]; ok {
		return l
	}
	return label{string(v), string(v)}
}

// Stars is an OCOP star rating. Only 3, 4 and 5 stars are certified.
type Stars int

// Valid reports whether s is a certifiable rating.
func (s Stars) Valid() bool { return s >= 3 && s <= 5 }

func (s Stars) check(field string) error {
	switch {
	case s == 1 || s == 2:
		return Invalid(field, "%d stars get no certificate: only 3, 4 or 5 stars are certified", int(s))
	case !s.Valid():
		return Invalid(field, "%d is not a star rating: must be 3, 4 or 5", int(s))
	}
	return nil
}

// StarsFromScore returns the star band of an evaluation score out of 100
// (QĐ 148/QĐ-TTg: 1★ <30, 2★ 30–<50, 3★ 50–<70, 4★ 70–<90, 5★ ≥90).
func StarsFromScore(score float64) Stars {
	switch {
	case score >= 90:
		return 5
	case score >= 70:
		return 4
	case score >= 50:
		return 3
	case score >= 30:
		return 2
	default:
		return 1
	}
}

// Authority is the body that issued an OCOP decision.
type Authority string

const (
	AuthorityDistrict Authority = "district" // UBND huyện (abolished 01/07/2025)
	AuthorityProvince Authority = "province" // UBND tỉnh
	AuthorityMinistry Authority = "ministry" // Bộ NN&PTNT, from 2025 Bộ Nông nghiệp và Môi trường
)

var authorities = enum[Authority]{label{"cơ quan ban hành quyết định", "issuing authority"}, map[Authority]label{
	AuthorityDistrict: {"UBND huyện", "District People's Committee"},
	AuthorityProvince: {"UBND tỉnh", "Provincial People's Committee"},
	AuthorityMinistry: {"Bộ Nông nghiệp và Môi trường (Bộ NN&PTNT)", "Ministry of Agriculture and Environment (formerly MARD)"},
}}

// Label names the authority in a language ("vi" or "en").
func (a Authority) Label(lang string) string { return authorities.label(a, lang) }

// CNNTTBLevel is the level at which a typical rural industrial product was recognised.
type CNNTTBLevel string

const (
	LevelDistrict CNNTTBLevel = "district" // until 30/06/2025
	LevelCommune  CNNTTBLevel = "commune"  // from 01/07/2025
	LevelProvince CNNTTBLevel = "province"
	LevelRegion   CNNTTBLevel = "region"
	LevelNational CNNTTBLevel = "national"
)

var cnnttbLevels = enum[CNNTTBLevel]{label{"cấp công nhận sản phẩm CNNTTB", "CNNTTB level"}, map[CNNTTBLevel]label{
	LevelDistrict: {"cấp huyện", "district level"},
	LevelCommune:  {"cấp xã", "commune level"},
	LevelProvince: {"cấp tỉnh", "provincial level"},
	LevelRegion:   {"cấp khu vực", "regional level"},
	LevelNational: {"cấp quốc gia", "national level"},
}}

// Label names the level in a language.
func (l CNNTTBLevel) Label(lang string) string { return cnnttbLevels.label(l, lang) }

// below returns the level a product must have won before competing at l ("" when none is
// required by the ledger; see RequiredLowerLevel).
func (l CNNTTBLevel) below() CNNTTBLevel {
	switch l {
	case LevelRegion:
		return LevelProvince
	case LevelNational:
		return LevelRegion
	}
	return ""
}

// Funding is how an OCOP sales point was funded.
type Funding string

const (
	FundingMinistry Funding = "ministry" // State: supported by the Ministry of Industry and Trade
	FundingProvince Funding = "province" // State: supported by the provincial budget
	FundingPrivate  Funding = "private"  // 100% privately funded ("xã hội hóa")
)

var fundings = enum[Funding]{label{"nguồn kinh phí", "funding"}, map[Funding]label{
	FundingMinistry: {"Nhà nước hỗ trợ (Bộ Công Thương)", "State-supported (Ministry of Industry and Trade)"},
	FundingProvince: {"Nhà nước hỗ trợ (tỉnh)", "State-supported (province)"},
	FundingPrivate:  {"xã hội hóa 100%", "100% privately funded"},
}}

// State reports whether the State budget supported the point.
func (f Funding) State() bool { return f == FundingMinistry || f == FundingProvince }

// Label names the funding in a language.
func (f Funding) Label(lang string) string { return fundings.label(f, lang) }

// SiteType is one of the 8 site types of QĐ 950/QĐ-BCT for OCOP sales points.
type SiteType string

var siteTypes = enum[SiteType]{label{"loại địa điểm", "site type"}, map[SiteType]label{
	"transport_hub":     {"nhà ga, sân bay, bến cảng", "station, airport or port"},
	"road_stop":         {"trạm dừng nghỉ trên cao tốc, quốc lộ", "highway or national-road rest stop"},
	"commercial_centre": {"trung tâm thương mại, siêu thị, chợ", "commercial centre, supermarket or market"},
	"tourist_site":      {"khu, điểm du lịch, nhà hàng, khách sạn", "tourist site, restaurant or hotel"},
	"craft_village":     {"làng nghề", "craft village"},
	"commune_centre":    {"trung tâm dịch vụ thương mại xã, cụm công nghiệp", "commune commercial service centre or industrial cluster"},
	"exhibition_centre": {"trung tâm hội chợ, triển lãm", "fair or exhibition centre"},
	"post_office":       {"bưu cục", "post office"},
}}

// Label names the site type in a language.
func (s SiteType) Label(lang string) string { return siteTypes.label(s, lang) }

// SiteTypes lists the 8 site types.
func SiteTypes() []SiteType {
	var out []SiteType
	for k := range siteTypes.labels {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TradeEventKind is the kind of a trade-promotion event.
type TradeEventKind string

const (
	KindProvincialFair TradeEventKind = "fair_province"
	KindDistrictFair   TradeEventKind = "fair_district"
	KindMarketSession  TradeEventKind = "market_session"
	KindConference     TradeEventKind = "supply_demand_conference"
	KindOutsideFair    TradeEventKind = "fair_outside"
)

var tradeEventKinds = enum[TradeEventKind]{label{"loại hoạt động xúc tiến thương mại", "trade-event kind"}, map[TradeEventKind]label{
	KindProvincialFair: {"hội chợ cấp tỉnh", "provincial trade fair"},
	KindDistrictFair:   {"hội chợ cấp huyện", "district trade fair"},
	KindMarketSession:  {"phiên chợ hàng Việt về nông thôn, miền núi, hải đảo", "Vietnamese-goods market session (rural, mountain, island areas)"},
	KindConference:     {"hội nghị kết nối cung cầu", "supply-demand conference"},
	KindOutsideFair:    {"hội chợ, triển lãm ngoài tỉnh", "fair outside the province"},
}}

// Label names the kind in a language.
func (k TradeEventKind) Label(lang string) string { return tradeEventKinds.label(k, lang) }

// ProducerKind is the legal form of an OCOP producer ("chủ thể OCOP").
type ProducerKind string

var producerKinds = enum[ProducerKind]{label{"loại hình chủ thể", "producer kind"}, map[ProducerKind]label{
	"enterprise":        {"doanh nghiệp", "enterprise"},
	"cooperative":       {"hợp tác xã", "cooperative"},
	"cooperative_group": {"tổ hợp tác", "cooperative group"},
	"household":         {"hộ kinh doanh", "household business"},
}}

// Label names the kind in a language.
func (k ProducerKind) Label(lang string) string { return producerKinds.label(k, lang) }

// Platform is where a product is listed for sale online.
type Platform string

var platforms = enum[Platform]{label{"sàn thương mại điện tử", "platform"}, map[Platform]label{
	"quangngaitrade": {"Sàn TMĐT Quảng Ngãi (quangngaitrade.gov.vn)", "Quảng Ngãi e-commerce platform"},
	"kontumtrade":    {"Sàn TMĐT Kon Tum (kontumtrade.gov.vn)", "Kon Tum e-commerce platform"},
	"shopee":         {"Shopee", "Shopee"},
	"voso":           {"Voso", "Voso"},
	"postmart":       {"Postmart", "Postmart"},
	"lazada":         {"Lazada", "Lazada"},
	"tiki":           {"Tiki", "Tiki"},
	"tiktok":         {"TikTok Shop", "TikTok Shop"},
}}

// Provincial reports whether the platform is the province's own e-commerce platform (as opposed to
// a third-party marketplace).
func (p Platform) Provincial() bool { return p == "quangngaitrade" || p == "kontumtrade" }

// Label names the platform in a language.
func (p Platform) Label(lang string) string { return platforms.label(p, lang) }

// RevocationReason is why an OCOP certificate was revoked ("thu hồi").
type RevocationReason string

var revocationReasons = enum[RevocationReason]{label{"lý do thu hồi", "revocation reason"}, map[RevocationReason]label{
	"not_reevaluated":   {"không đánh giá lại", "not re-evaluated"},
	"failed_criteria":   {"không đạt tiêu chí bắt buộc", "failed mandatory criteria"},
	"quality_violation": {"vi phạm chất lượng, an toàn thực phẩm", "quality or food-safety violation"},
	"ceased_operating":  {"chủ thể ngừng hoạt động", "producer ceased operating"},
	"voluntary":         {"tự nguyện rút", "voluntary withdrawal"},
}}

// Label names the reason in a language.
func (r RevocationReason) Label(lang string) string { return revocationReasons.label(r, lang) }

// ReevalOutcome is what a re-evaluation did to the stars.
type ReevalOutcome string

const (
	OutcomeKeep      ReevalOutcome = "keep"
	OutcomeUpgrade   ReevalOutcome = "upgrade"
	OutcomeDowngrade ReevalOutcome = "downgrade"
)

var outcomes = enum[ReevalOutcome]{label{"kết quả đánh giá lại", "re-evaluation outcome"}, map[ReevalOutcome]label{
	OutcomeKeep:      {"giữ nguyên hạng sao", "stars kept"},
	OutcomeUpgrade:   {"nâng hạng sao", "stars raised"},
	OutcomeDowngrade: {"hạ hạng sao", "stars lowered"},
}}

// Sector is one of the 6 OCOP product sectors.
type Sector string

var sectors = enum[Sector]{label{"ngành", "sector"}, map[Sector]label{
	"I":   {"Thực phẩm", "Food"},
	"II":  {"Đồ uống", "Drinks"},
	"III": {"Thảo dược", "Herbal products"},
	"IV":  {"Thủ công mỹ nghệ", "Handicraft"},
	"V":   {"Sinh vật cảnh", "Ornamentals"},
	"VI":  {"Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "Community and eco-tourism"},
}}

// Label names the sector in a language.
func (s Sector) Label(lang string) string { return sectors.label(s, lang) }

// ProductSet is one of the 26 OCOP product sets, written "<sector>.<n>[letter]", e.g. "I.4b".
// The labels are the ledger's reading of QĐ 148/QĐ-TTg (assumed; kept here, in one place).
type ProductSet string

var productSets = enum[ProductSet]{label{"bộ sản phẩm", "product set"}, map[ProductSet]label{
	"I.1":   {"Nông sản tươi sống", "Fresh farm produce"},
	"I.2":   {"Nông sản sơ chế", "Minimally processed farm produce"},
	"I.3":   {"Thực phẩm tươi sống", "Fresh foods (meat, eggs, milk, honey)"},
	"I.4a":  {"Tương, nước mắm, gia vị dạng lỏng", "Sauces, fish sauce, liquid seasonings"},
	"I.4b":  {"Gia vị khác", "Other spices (garlic, salt…)"},
	"I.5":   {"Thực phẩm chế biến từ thịt, thủy sản", "Processed meat and seafood"},
	"I.6":   {"Bánh, mứt, kẹo, đồ ăn nhẹ", "Cakes, jams, sweets, snacks"},
	"I.7":   {"Chè và sản phẩm từ chè", "Tea and tea products"},
	"I.8":   {"Cà phê, ca cao", "Coffee and cocoa"},
	"II.1":  {"Đồ uống có cồn", "Alcoholic drinks"},
	"II.2":  {"Đồ uống không cồn", "Soft drinks"},
	"II.3":  {"Rượu vang, đồ uống lên men", "Wines and fermented drinks"},
	"III.1": {"Thực phẩm chức năng, thuốc từ dược liệu", "Supplements and herbal medicines"},
	"III.2": {"Mỹ phẩm từ thảo dược", "Herbal cosmetics"},
	"III.3": {"Trà dược liệu, sản phẩm khác từ dược liệu", "Herbal teas and other herbal products"},
	"III.4": {"Tinh dầu", "Essential oils"},
	"IV.1":  {"Đồ gỗ, mây tre đan", "Wood, rattan and bamboo"},
	"IV.2":  {"Gốm sứ, thủy tinh", "Ceramics and glass"},
	"IV.3":  {"Dệt may, thêu, thổ cẩm", "Textiles, embroidery, brocade"},
	"IV.4":  {"Trang trí, lưu niệm, nhang", "Decorations, souvenirs, incense"},
	"V.1":   {"Hoa", "Flowers"},
	"V.2":   {"Cây cảnh", "Ornamental plants"},
	"V.3":   {"Động vật cảnh", "Ornamental animals"},
	"VI.1":  {"Du lịch cộng đồng, du lịch sinh thái", "Community and eco-tourism"},
	"VI.2":  {"Điểm du lịch", "Tourist sites"},
	"VI.3":  {"Dịch vụ lưu trú, ẩm thực gắn với du lịch", "Tourism lodging and dining"},
}}

// Sector returns the sector a product set belongs to.
func (p ProductSet) Sector() Sector {
	s, _, _ := strings.Cut(string(p), ".")
	return Sector(s)
}

// Label names the product set in a language.
func (p ProductSet) Label(lang string) string { return productSets.label(p, lang) }

// ProductSets lists the 26 product sets.
func ProductSets() []ProductSet {
	var out []ProductSet
	for k := range productSets.labels {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// validID reports whether id is 1–100 of the characters A–Z a–z 0–9 - _ (what stream names and
// NATS subjects take), without the cost of a regular expression on every entry read.
func validID(id string) bool {
	if len(id) == 0 || len(id) > 100 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// checkID checks an identifier that becomes part of a stream name: 1–100 characters among
// letters, digits, '-' and '_'.
func checkID(field, id string) error {
	if id == "" {
		return Invalid(field, "is empty")
	}
	if !validID(id) {
		return Invalid(field, "%q may only use letters a–z, digits, '-' and '_' (no spaces, dots or accents), at most 100 characters", id)
	}
	return nil
}

func checkText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return Invalid(field, "is empty")
	}
	if utf8.RuneCountInString(s) > max {
		return Invalid(field, "is longer than %d characters", max)
	}
	return nil
}

// checkDate checks a required date. The zero Date (01/01/2000) is what a date left out of a JSON
// payload, or out of a struct literal, decodes to; it predates the programme, so it is read as
// missing (as Query.PeriodStart reads it) rather than as a real day.
func checkDate(field string, d Date) error {
	if d == NoDate || d == 0 {
		return Invalid(field, "is missing: give a date as yyyy-mm-dd")
	}
	return checkEra(field, d)
}

// Address is a place as recorded in a document. It is kept as written; the current unit and the
// former province are derived through the dated reorganisation mapping, never by rewriting it.
type Address struct {
	Detail   string `json:"detail,omitempty"`   // street, village ("thôn", "làng")
	Commune  string `json:"commune,omitempty"`  // xã / phường / thị trấn / đặc khu
	District string `json:"district,omitempty"` // huyện / thành phố / thị xã (empty after 01/07/2025)
	Province string `json:"province"`           // tỉnh as recorded: "Quảng Ngãi" or "Kon Tum"
}

func (a Address) check(field string) error {
	if strings.TrimSpace(a.Province) == "" {
		return Invalid(field+".province", "is empty: give the province as written in the document")
	}
	return nil
}

// FormerProvince names a province as it was before the 01/07/2025 merger.
type FormerProvince string

const (
	FormerQuangNgai FormerProvince = "quang_ngai_cu"
	FormerKonTum    FormerProvince = "kon_tum_cu"
	FormerUnknown   FormerProvince = "unknown"
)

// Label names the former province in a language.
func (f FormerProvince) Label(lang string) string {
	switch f {
	case FormerQuangNgai:
		return label{"Quảng Ngãi (cũ)", "former Quảng Ngãi"}.in(lang)
	case FormerKonTum:
		return label{"Kon Tum (cũ)", "former Kon Tum"}.in(lang)
	}
	return label{"chưa xác định", "unknown"}.in(lang)
}

func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Decision identifies an official decision ("quyết định").
type Decision struct {
	Number    string    `json:"number"`           // e.g. "1425/QĐ-UBND"
	Date      Date      `json:"date"`             // the decision's date: when it takes effect in the world
	Authority Authority `json:"authority"`        // who issued it
	Issuer    string    `json:"issuer,omitempty"` // the issuing body as written, e.g. "UBND huyện Lý Sơn"
}

func (d Decision) check(field string) error {
	err := checkText("number", d.Number, 60) // the field's path is built for an error only
	if err == nil {
		err = checkDate("date", d.Date)
	}
	if err == nil {
		err = authorities.check("authority", d.Authority)
	}
	if err != nil {
		return prefixField(field, err)
	}
	return nil
}

func (d Decision) String() string { return fmt.Sprintf("QĐ %s ngày %s", d.Number, d.Date.VN()) }

// Enumeration IDs: the closed sets of values the events and the breakdowns use.
const (
	EnumStars            = "stars"
	EnumAuthority        = "authority"
	EnumCNNTTBLevel      = "cnnttb_level"
	EnumFunding          = "funding"
	EnumSiteType         = "site_type"
	EnumTradeEventKind   = "trade_event_kind"
	EnumProducerKind     = "producer_kind"
	EnumPlatform         = "platform"
	EnumRevocationReason = "revocation_reason"
	EnumReevalOutcome    = "reeval_outcome"
	EnumSector           = "sector"
	EnumProductSet       = "product_set"
	EnumFormerProvince   = "former_province"
)

// Enumeration describes a closed set of values: its ID, what a value is, the Go type that holds
// one, and each value with its labels, in increasing order of value.
type Enumeration struct {
	ID     string       `json:"id"`
	Label  Label        `json:"label"`
	GoType reflect.Type `json:"-"`
	Values []EnumValue  `json:"values"`
}

// EnumValue is one value of an Enumeration. Value is the JSON the API takes: a string, or a
// number for the stars.
type EnumValue struct {
	Value any   `json:"value"`
	Label Label `json:"label"`
}

// enumeration describes an enum of strings.
func enumeration[T ~string](id string, e enum[T]) Enumeration {
	keys := make([]string, 0, len(e.labels))
	for k := range e.labels {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	out := Enumeration{ID: id, Label: Label{e.what.vi, e.what.en}, GoType: reflect.TypeFor[T]()}
	for _, k := range keys {
		l := e.labels[T(k)]
		out.Values = append(out.Values, EnumValue{k, Label{l.vi, l.en}})
	}
	return out
}

// enumerations is the table of enumerations; the sets themselves are declared above, each beside
// its type.
var enumerations = []Enumeration{
	{ID: EnumStars, Label: Label{"hạng sao", "stars"}, GoType: reflect.TypeFor[Stars](), Values: []EnumValue{
		{3, Label{"3 sao", "3 stars"}}, {4, Label{"4 sao", "4 stars"}}, {5, Label{"5 sao", "5 stars"}}}},
	enumeration(EnumAuthority, authorities),
	enumeration(EnumCNNTTBLevel, cnnttbLevels),
	enumeration(EnumFunding, fundings),
	enumeration(EnumSiteType, siteTypes),
	enumeration(EnumTradeEventKind, tradeEventKinds),
	enumeration(EnumProducerKind, producerKinds),
	enumeration(EnumPlatform, platforms),
	enumeration(EnumRevocationReason, revocationReasons),
	enumeration(EnumReevalOutcome, outcomes),
	enumeration(EnumSector, sectors),
	enumeration(EnumProductSet, productSets),
	{ID: EnumFormerProvince, Label: Label{"tỉnh cũ", "former province"}, GoType: reflect.TypeFor[FormerProvince](), Values: []EnumValue{
		{string(FormerKonTum), Label{FormerKonTum.Label("vi"), FormerKonTum.Label("en")}},
		{string(FormerQuangNgai), Label{FormerQuangNgai.Label("vi"), FormerQuangNgai.Label("en")}},
		{string(FormerUnknown), Label{FormerUnknown.Label("vi"), FormerUnknown.Label("en")}}}},
}

// Enumerations lists every enumeration.
func Enumerations() []Enumeration { return append([]Enumeration(nil), enumerations...) }

// LookupEnumeration returns the enumeration with the given ID.
func LookupEnumeration(id string) (Enumeration, bool) {
	for _, e := range enumerations {
		if e.ID == id {
			return e, true
		}
	}
	return Enumeration{}, false
}

// EnumerationOf returns the enumeration whose values a Go type holds (Stars, ProductSet…).
func EnumerationOf(t reflect.Type) (Enumeration, bool) {
	for _, e := range enumerations {
		if e.GoType == t {
			return e, true
		}
	}
	return Enumeration{}, false
}
