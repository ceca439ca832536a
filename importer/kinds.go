package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
)

// valueKind says how a cell's text becomes a JSON value of the event.
type valueKind int

const (
	text  valueKind = iota // a string, spaces tidied
	num                    // a number (score): "85,5" and "85.5" both read
	stars                  // a whole number of stars: "4", "4 sao", "4★"
	date                   // dd/mm/yyyy text, yyyy-mm-dd, or an Excel date serial
	enum                   // a value or a label of a domain enumeration
)

// Column is one column of a kind's table: its Vietnamese header (the contract), its English
// name, other headers clerks use for it, and the event field it fills (a JSON path).
type Column struct {
	VI, EN  string
	Aliases []string
	Field   string
	Kind    valueKind
	Enum    string // the domain enumeration of an enum column
	// Once: the value may be given once for the whole document, in a cell above the table
	// ("Số quyết định: 1425/QĐ-UBND"), instead of on every row.
	Once bool
	// Key: the column identifies the row; the header row must have it.
	Key bool
	// Example is the value shown in the template's instructions.
	Example string
}

// Kind is a kind of table a clerk can import: its columns and how a row becomes events.
type Kind struct {
	ID      string
	VI, EN  string
	Columns []Column
	// events turns a row's JSON document (keyed by field) into the events it records, each with
	// the identity its entry ID is derived from.
	events func(doc map[string]any) []planned
}

// planned is one event a row records before it is decoded: its type, payload and identity.
type planned struct {
	typ      string
	payload  map[string]any
	identity string
}

// Kinds lists the kinds that can be imported.
func Kinds() []*Kind { return []*Kind{ocopDecision, salespoints} }

// LookupKind returns the kind with the given ID.
func LookupKind(id string) (*Kind, bool) {
	for _, k := range Kinds() {
		if k.ID == id {
			return k, true
		}
	}
	return nil, false
}

// KindIDs lists the IDs of the kinds.
func KindIDs() []string {
	var out []string
	for _, k := range Kinds() {
		out = append(out, k.ID)
	}
	return out
}

var address = []Column{
	{VI: "Địa chỉ", EN: "address", Aliases: []string{"thôn, tổ", "địa chỉ chi tiết", "thôn"}, Field: "address.detail", Example: "thôn Đông"},
	{VI: "Xã/Phường", EN: "commune", Aliases: []string{"xã", "phường", "xã, phường", "xã/phường/thị trấn", "xã/phường/đặc khu"}, Field: "address.commune", Example: "đặc khu Lý Sơn"},
	{VI: "Huyện", EN: "district", Aliases: []string{"huyện/thành phố", "huyện/thị xã"}, Field: "address.district", Example: ""},
	{VI: "Tỉnh", EN: "province", Aliases: []string{"tỉnh/thành phố"}, Field: "address.province", Once: true, Example: "Quảng Ngãi"},
}

var ocopDecision = &Kind{
	ID: "ocop-decision", VI: "quyết định công nhận sản phẩm OCOP và phụ lục", EN: "an OCOP decision with its annex",
	Columns: append([]Column{
		{VI: "Số quyết định", EN: "decision number", Aliases: []string{"số qđ", "quyết định số"}, Field: "decision.number", Once: true, Example: "1425/QĐ-UBND"},
		{VI: "Ngày quyết định", EN: "decision date", Aliases: []string{"ngày ban hành", "ngày qđ", "ngày ký"}, Field: "decision.date", Kind: date, Once: true, Example: "25/12/2023"},
		{VI: "Cơ quan ban hành", EN: "authority", Aliases: []string{"cấp ban hành", "cấp quyết định"}, Field: "decision.authority", Kind: enum, Enum: domain.EnumAuthority, Once: true, Example: "UBND tỉnh"},
		{VI: "Mã sản phẩm", EN: "product ID", Aliases: []string{"mã sp"}, Field: "product_id", Key: true, Example: "toi-ly-son"},
		{VI: "Tên sản phẩm", EN: "product name", Aliases: []string{"sản phẩm", "tên sp"}, Field: "product_name", Key: true, Example: "Tỏi Lý Sơn"},
		{VI: "Mã chủ thể", EN: "producer ID", Field: "producer_id", Example: "phu-sinh"},
		{VI: "Tên chủ thể", EN: "producer name", Aliases: []string{"chủ thể", "chủ thể sản xuất"}, Field: "producer_name", Example: "Công ty TNHH Phú Sinh"},
		{VI: "Loại hình chủ thể", EN: "producer kind", Aliases: []string{"loại hình"}, Field: "producer_kind", Kind: enum, Enum: domain.EnumProducerKind, Example: "doanh nghiệp"},
		{VI: "Bộ sản phẩm", EN: "product set", Aliases: []string{"nhóm sản phẩm", "bộ sp"}, Field: "product_set", Kind: enum, Enum: domain.EnumProductSet, Example: "I.4b"},
		{VI: "Điểm", EN: "score", Aliases: []string{"điểm đánh giá", "tổng điểm"}, Field: "score", Kind: num, Example: "78"},
		{VI: "Số sao", EN: "stars", Aliases: []string{"hạng sao", "xếp hạng", "hạng"}, Field: "stars", Kind: stars, Key: true, Example: "4"},
	}, address...),
	events: func(doc map[string]any) []planned {
		num, _ := lookup(doc, "decision.number").(string)
		id, _ := doc["product_id"].(string)
		return []planned{{typ: domain.TypeOCOPCertified, payload: doc, identity: fold(num) + "|" + id}}
	},
}

var salespoints = &Kind{
	ID: "salespoints", VI: "điểm giới thiệu và bán sản phẩm OCOP (mở, đóng)", EN: "OCOP sales points (opened, closed)",
	Columns: append([]Column{
		{VI: "Mã điểm bán", EN: "sales point ID", Aliases: []string{"mã điểm"}, Field: "salespoint_id", Key: true, Example: "dgt-ly-son"},
		{VI: "Tên điểm bán", EN: "name", Aliases: []string{"tên điểm"}, Field: "name", Key: true, Example: "Điểm bán OCOP Lý Sơn"},
		{VI: "Loại địa điểm", EN: "site type", Field: "site_type", Kind: enum, Enum: domain.EnumSiteType, Example: "khu, điểm du lịch, nhà hàng, khách sạn"},
		{VI: "Nguồn kinh phí", EN: "funding", Aliases: []string{"kinh phí"}, Field: "funding", Kind: enum, Enum: domain.EnumFunding, Example: "xã hội hóa 100%"},
		{VI: "Đơn vị vận hành", EN: "operator", Aliases: []string{"đơn vị quản lý"}, Field: "operator", Example: "HTX Lý Sơn"},
	}, append(append([]Column(nil), address...),
		Column{VI: "Ngày mở", EN: "opened on", Aliases: []string{"ngày khai trương"}, Field: "opened_on", Kind: date, Example: "15/08/2025"},
		Column{VI: "Ngày đóng", EN: "closed on", Field: "closed_on", Kind: date, Example: ""},
		Column{VI: "Lý do đóng", EN: "reason for closing", Field: "reason", Example: ""},
	)...),
	events: func(doc map[string]any) []planned {
		id, _ := doc["salespoint_id"].(string)
		closedOn, closing := doc["closed_on"]
		reason, hasReason := doc["reason"]
		delete(doc, "closed_on")
		delete(doc, "reason")
		var out []planned
		// A row that only closes a point gives its ID and closing date (and a reason); a row with
		// a name or an opening date opens it.
		_, opens := doc["opened_on"]
		_, named := doc["name"]
		if opens || named || !closing {
			open, _ := doc["opened_on"].(string)
			out = append(out, planned{typ: domain.TypeSalesPointOpened, payload: doc, identity: "opened|" + id + "|" + open})
		}
		if closing {
			c := map[string]any{"salespoint_id": id, "closed_on": closedOn}
			if hasReason {
				c["reason"] = reason
			}
			s, _ := closedOn.(string)
			out = append(out, planned{typ: domain.TypeSalesPointClosed, payload: c, identity: "closed|" + id + "|" + s})
		}
		return out
	},
}

// entryID derives an entry's ID from the kind, the event type and the row's identity in the
// document, so that importing the same document again names the same entries.
func entryID(kind, typ, identity string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + typ + "\x00" + identity))
	return "import-" + kind + "-" + hex.EncodeToString(h[:16])
}

// lookup reads a dotted path of a document.
func lookup(doc map[string]any, path string) any {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		return doc[head]
	}
	sub, _ := doc[head].(map[string]any)
	return lookup(sub, rest)
}

// set writes a dotted path of a document.
func set(doc map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		doc[head] = v
		return
	}
	sub, ok := doc[head].(map[string]any)
	if !ok {
		sub = map[string]any{}
		doc[head] = sub
	}
	set(sub, rest, v)
}

// LookupKindMust is LookupKind for kinds known to exist (tests, examples).
func LookupKindMust(id string) *Kind {
	k, _ := LookupKind(id)
	return k
}
