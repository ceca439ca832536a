package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	whole                  // a whole number (a year): "2024"
	yesNo                  // yes or no: "có", "x", "không", empty
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
	// Above: the template gives the value once above the table (with Once).
	Above bool
	// Example is the value shown in the template's instructions.
	Example string
}

// Kind is a kind of table a clerk can import: its columns and how a row becomes events.
type Kind struct {
	ID     string
	VI, EN string
	// RowVI, RowEN name what one row of the table is ("sản phẩm", "product").
	RowVI, RowEN string
	Columns      []Column
	// events turns a row's JSON document (keyed by field) into the events it records, each with
	// the identity its entry ID is derived from.
	events func(doc map[string]any) []planned
}

// planned is one event a row records before it is decoded: its type, payload and identity.
// shared: rows of the document may repeat it (a trade event's details on each of its
// participations); it is recorded once, and rows that give it otherwise are refused.
type planned struct {
	typ      string
	payload  map[string]any
	identity string
	shared   bool
}

// Kinds lists the kinds that can be imported.
func Kinds() []*Kind { return []*Kind{ocopDecision, cnnttb, salespoints, participations, listings} }

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

// synthetic marks demo rows that are not real records.
var synthetic = Column{VI: "Dữ liệu mẫu", EN: "synthetic", Aliases: []string{"dữ liệu giả lập", "giả lập"}, Field: "synthetic", Kind: yesNo, Example: "có"}

var ocopDecision = &Kind{
	ID: "ocop-decision", VI: "quyết định công nhận sản phẩm OCOP và phụ lục", EN: "an OCOP decision with its annex", RowVI: "sản phẩm", RowEN: "product",
	Columns: append([]Column{
		{VI: "Số quyết định", EN: "decision number", Aliases: []string{"số qđ", "quyết định số"}, Field: "decision.number", Once: true, Above: true, Example: "1425/QĐ-UBND"},
		{VI: "Ngày quyết định", EN: "decision date", Aliases: []string{"ngày ban hành", "ngày qđ", "ngày ký"}, Field: "decision.date", Kind: date, Once: true, Above: true, Example: "25/12/2023"},
		{VI: "Cơ quan ban hành", EN: "authority", Aliases: []string{"cấp ban hành", "cấp quyết định"}, Field: "decision.authority", Kind: enum, Enum: domain.EnumAuthority, Once: true, Above: true, Example: "UBND tỉnh"},
		{VI: "Mã sản phẩm", EN: "product ID", Aliases: []string{"mã sp"}, Field: "product_id", Key: true, Example: "toi-ly-son"},
		{VI: "Tên sản phẩm", EN: "product name", Aliases: []string{"sản phẩm", "tên sp"}, Field: "product_name", Key: true, Example: "Tỏi Lý Sơn"},
		{VI: "Mã chủ thể", EN: "producer ID", Field: "producer_id", Example: "phu-sinh"},
		{VI: "Tên chủ thể", EN: "producer name", Aliases: []string{"chủ thể", "chủ thể sản xuất"}, Field: "producer_name", Example: "Công ty TNHH Phú Sinh"},
		{VI: "Loại hình chủ thể", EN: "producer kind", Aliases: []string{"loại hình"}, Field: "producer_kind", Kind: enum, Enum: domain.EnumProducerKind, Example: "doanh nghiệp"},
		{VI: "Bộ sản phẩm", EN: "product set", Aliases: []string{"nhóm sản phẩm", "bộ sp"}, Field: "product_set", Kind: enum, Enum: domain.EnumProductSet, Example: "I.4b"},
		{VI: "Điểm", EN: "score", Aliases: []string{"điểm đánh giá", "tổng điểm"}, Field: "score", Kind: num, Example: "78"},
		{VI: "Số sao", EN: "stars", Aliases: []string{"hạng sao", "xếp hạng", "hạng"}, Field: "stars", Kind: stars, Key: true, Example: "4"},
	}, append(append([]Column(nil), address...), synthetic)...),
	events: func(doc map[string]any) []planned {
		num, _ := lookup(doc, "decision.number").(string)
		id, _ := doc["product_id"].(string)
		return []planned{{typ: domain.TypeOCOPCertified, payload: doc, identity: fold(num) + "|" + id}}
	},
}

var salespoints = &Kind{
	ID: "salespoints", VI: "điểm giới thiệu và bán sản phẩm OCOP (mở, đóng)", EN: "OCOP sales points (opened, closed)", RowVI: "điểm bán", RowEN: "sales point",
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
		synthetic,
	)...),
	events: func(doc map[string]any) []planned {
		return openClose(doc, "salespoint_id", "closed_on", []string{"opened_on", "name"}, domain.TypeSalesPointOpened, domain.TypeSalesPointClosed)
	},
}

var cnnttb = &Kind{
	ID: "cnnttb", VI: "quyết định công nhận sản phẩm công nghiệp nông thôn tiêu biểu (CNNTTB)", EN: "a CNNTTB recognition (typical rural industrial products)", RowVI: "sản phẩm", RowEN: "product",
	Columns: append([]Column{
		{VI: "Cấp công nhận", EN: "level", Aliases: []string{"cấp"}, Field: "level", Kind: enum, Enum: domain.EnumCNNTTBLevel, Once: true, Above: true, Example: "cấp tỉnh"},
		{VI: "Năm bình chọn", EN: "round year", Aliases: []string{"năm", "đợt bình chọn", "kỳ bình chọn"}, Field: "round_year", Kind: whole, Once: true, Above: true, Example: "2024"},
		{VI: "Số quyết định", EN: "certificate", Aliases: []string{"số giấy chứng nhận", "số qđ", "số chứng nhận"}, Field: "certificate", Once: true, Above: true, Example: "2150/QĐ-UBND"},
		{VI: "Ngày cấp", EN: "issued on", Aliases: []string{"ngày quyết định", "ngày công nhận"}, Field: "issued_on", Kind: date, Once: true, Above: true, Example: "20/11/2024"},
		{VI: "Mã sản phẩm", EN: "product ID", Aliases: []string{"mã sp"}, Field: "product_id", Key: true, Example: "nuoc-mam-muoi-quy"},
		{VI: "Tên sản phẩm", EN: "product name", Aliases: []string{"sản phẩm", "tên sp"}, Field: "product_name", Key: true, Example: "Nước mắm cốt Mười Quý"},
		{VI: "Tên chủ thể", EN: "producer name", Aliases: []string{"chủ thể", "chủ thể sản xuất", "đơn vị sản xuất"}, Field: "producer_name", Example: "Cơ sở nước mắm Mười Quý"},
	}, append(append([]Column(nil), address...), synthetic)...),
	events: func(doc map[string]any) []planned {
		level, _ := doc["level"].(string)
		id, _ := doc["product_id"].(string)
		return []planned{{typ: domain.TypeCNNTTBRecognized, payload: doc, identity: level + "|" + fmt.Sprint(doc["round_year"]) + "|" + id}}
	},
}

var participations = &Kind{
	ID: "participations", VI: "doanh nghiệp tham gia hoạt động xúc tiến thương mại (hội chợ, phiên chợ, hội nghị)", EN: "participations in a trade-promotion event",
	RowVI: "doanh nghiệp", RowEN: "business",
	Columns: []Column{
		{VI: "Mã hoạt động", EN: "trade event ID", Aliases: []string{"mã hội chợ", "mã sự kiện"}, Field: "trade_event_id", Once: true, Above: true, Example: "hcqn-2024"},
		{VI: "Tên hoạt động", EN: "trade event name", Aliases: []string{"tên hội chợ", "tên sự kiện"}, Field: "event.name", Once: true, Above: true, Example: "Hội chợ OCOP Quảng Ngãi 2024"},
		{VI: "Loại hoạt động", EN: "trade event kind", Aliases: []string{"loại hình hoạt động"}, Field: "event.kind", Kind: enum, Enum: domain.EnumTradeEventKind, Once: true, Above: true, Example: "hội chợ cấp tỉnh"},
		{VI: "Ngày bắt đầu", EN: "start date", Aliases: []string{"từ ngày"}, Field: "event.start_date", Kind: date, Once: true, Above: true, Example: "20/11/2024"},
		{VI: "Ngày kết thúc", EN: "end date", Aliases: []string{"đến ngày"}, Field: "event.end_date", Kind: date, Once: true, Above: true, Example: "24/11/2024"},
		{VI: "Địa điểm tổ chức", EN: "venue", Aliases: []string{"địa điểm"}, Field: "event.venue", Once: true, Above: true, Example: "Quảng trường Phạm Văn Đồng"},
		{VI: "Đơn vị tổ chức", EN: "organiser", Aliases: []string{"cơ quan tổ chức"}, Field: "event.organiser", Once: true, Above: true, Example: "Sở Công Thương"},
		{VI: "Tỉnh tổ chức", EN: "province", Aliases: []string{"tỉnh"}, Field: "event.address.province", Once: true, Above: true, Example: "Quảng Ngãi"},
		{VI: "Mã doanh nghiệp", EN: "business ID", Aliases: []string{"mã dn", "mã đơn vị"}, Field: "business_id", Key: true, Example: "phu-sinh"},
		{VI: "Tên doanh nghiệp", EN: "business name", Aliases: []string{"doanh nghiệp", "tên đơn vị", "đơn vị tham gia"}, Field: "business_name", Key: true, Example: "Công ty TNHH TM&DV Phú Sinh"},
		synthetic,
	},
	events: func(doc map[string]any) []planned {
		id, _ := doc["trade_event_id"].(string)
		ev, _ := doc["event"].(map[string]any)
		delete(doc, "event")
		var out []planned
		// The event itself, when the document gives its details (a name): recorded once.
		if _, named := ev["name"]; named {
			ev["trade_event_id"] = id
			if v, ok := doc["synthetic"]; ok {
				ev["synthetic"] = v
			}
			out = append(out, planned{typ: domain.TypeTradeEventHeld, payload: ev, identity: "held|" + id, shared: true})
		}
		business, _ := doc["business_id"].(string)
		return append(out, planned{typ: domain.TypeTradeEventJoined, payload: doc, identity: "joined|" + id + "|" + business})
	},
}

var listings = &Kind{
	ID: "listings", VI: "sản phẩm niêm yết trên sàn thương mại điện tử (đăng, gỡ)", EN: "e-commerce listings (listed, removed)", RowVI: "sản phẩm niêm yết", RowEN: "listing",
	Columns: []Column{
		{VI: "Mã niêm yết", EN: "listing ID", Aliases: []string{"mã gian hàng", "mã sản phẩm trên sàn"}, Field: "listing_id", Key: true, Example: "qnt-toi-ly-son"},
		{VI: "Sàn TMĐT", EN: "platform", Aliases: []string{"sàn", "sàn thương mại điện tử"}, Field: "platform", Kind: enum, Enum: domain.EnumPlatform, Once: true, Example: "Sàn TMĐT Quảng Ngãi (quangngaitrade.gov.vn)"},
		{VI: "Tên sản phẩm", EN: "product name", Aliases: []string{"sản phẩm", "tên sp"}, Field: "product_name", Key: true, Example: "Tỏi Lý Sơn"},
		{VI: "Sản phẩm OCOP", EN: "OCOP product", Aliases: []string{"ocop", "là sản phẩm ocop"}, Field: "ocop", Kind: yesNo, Example: "có"},
		{VI: "Mã sản phẩm OCOP", EN: "OCOP product ID", Aliases: []string{"mã sản phẩm"}, Field: "product_id", Example: "toi-ly-son"},
		{VI: "Mã doanh nghiệp", EN: "business ID", Aliases: []string{"mã dn"}, Field: "business_id", Example: "phu-sinh"},
		{VI: "Tên doanh nghiệp", EN: "business name", Aliases: []string{"doanh nghiệp", "chủ gian hàng"}, Field: "business_name", Example: "Công ty TNHH TM&DV Phú Sinh"},
		{VI: "Ngày đăng", EN: "listed on", Aliases: []string{"ngày niêm yết", "ngày lên sàn"}, Field: "listed_on", Kind: date, Example: "10/03/2025"},
		{VI: "Ngày gỡ", EN: "removed on", Aliases: []string{"ngày gỡ khỏi sàn"}, Field: "removed_on", Kind: date, Example: ""},
		{VI: "Lý do gỡ", EN: "reason for removal", Field: "reason", Example: ""},
		synthetic,
	},
	events: func(doc map[string]any) []planned {
		return openClose(doc, "listing_id", "removed_on", []string{"listed_on", "product_name"}, domain.TypeListingCreated, domain.TypeListingRemoved)
	},
}

// openClose plans the events of a row that opens a record (a sales point, a listing) and/or
// closes it: a row that gives one of the opening fields opens it, a row with a closing date
// closes it (a row with both does both, in that order).
func openClose(doc map[string]any, idField, closeField string, opening []string, openType, closeType string) []planned {
	id, _ := doc[idField].(string)
	closedOn, closing := doc[closeField]
	reason, hasReason := doc["reason"]
	delete(doc, closeField)
	delete(doc, "reason")
	var out []planned
	opens := !closing
	for _, f := range opening {
		if _, ok := doc[f]; ok {
			opens = true
		}
	}
	if opens {
		open, _ := doc[opening[0]].(string)
		out = append(out, planned{typ: openType, payload: doc, identity: "opened|" + id + "|" + open})
	}
	if closing {
		c := map[string]any{idField: id, closeField: closedOn}
		if hasReason {
			c["reason"] = reason
		}
		s, _ := closedOn.(string)
		out = append(out, planned{typ: closeType, payload: c, identity: "closed|" + id + "|" + s})
	}
	return out
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
