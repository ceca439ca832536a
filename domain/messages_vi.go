package domain

import (
	"iter"
	"maps"
)

// messagesVI is the Vietnamese form of the domain's own messages, by their English format: the
// format given to Invalid, Conflict, NotFound, Unauthorized, Forbidden, Internal or errorf by the
// rules of this package (values, dates, the gate, decoding a payload, events and their history).
// They are part of the rules: a clerk reads them, and what they say is what the rule checks. A
// Vietnamese format reads the same arguments with the same verbs; where Vietnamese needs them in
// another order it names them ("%[2]s"). Dates arrive already written dd/mm/yyyy; labels (an
// authority, a level) and quoted causes arrive in Vietnamese. The adapters' messages (the HTTP
// API, webhooks, the command line, the event store, proofs) are not here: they are in the
// message catalogue of package i18n, which renders these too (i18n.Localize), and whose tests
// keep both complete.
//
// Words used throughout: certificate = giấy chứng nhận, decision = quyết định, record or stream =
// hồ sơ, entry = mục ghi, producer = chủ thể, sales point = điểm bán, trade event = hoạt động xúc
// tiến thương mại, listing = tin đăng bán, correction = đính chính, amend = sửa đổi, retract =
// rút lại, round = đợt.
var messagesVI = map[string]string{
	// A message that only quotes another error: the quoted error is translated on its own.
	"%v": "%v",

	// Values and fields (values.go, events.go).
	"is empty":                              "đang để trống",
	"is empty; give one of %s":              "đang để trống; hãy ghi một trong các giá trị: %s",
	"%q is not a known %s; give one of %s":  "%q không phải là %s hợp lệ; hãy ghi một trong các giá trị: %s",
	"is longer than %d characters":          "dài quá %d ký tự",
	"is missing: give a date as yyyy-mm-dd": "còn thiếu: hãy ghi ngày theo dạng yyyy-mm-dd",
	"%q may only use letters a–z, digits, '-' and '_' (no spaces, dots or accents), at most 100 characters": "%q chỉ được dùng chữ cái a–z, chữ số, '-' và '_' (không dấu cách, dấu chấm hay dấu tiếng Việt), tối đa 100 ký tự",
	"is empty: give the province as written in the document":                                                "đang để trống: hãy ghi tên tỉnh đúng như trong văn bản",
	"%d stars get no certificate: only 3, 4 or 5 stars are certified":                                       "%d sao không được cấp giấy chứng nhận: chỉ sản phẩm 3, 4 hoặc 5 sao mới được chứng nhận",
	"%d is not a star rating: must be 3, 4 or 5":                                                            "%d không phải là hạng sao: phải là 3, 4 hoặc 5",
	"%g is not a score: scores run from 0 to 100":                                                           "%g không phải là điểm hợp lệ: điểm chấm từ 0 đến 100",
	"a score of %g gives %d stars, not %d (3★ 50–<70, 4★ 70–<90, 5★ ≥90)":                                   "điểm %g tương ứng với %d sao, không phải %d sao (3★ 50–<70, 4★ 70–<90, 5★ ≥90)",
	"%s may not certify %d stars on %s; on that date %d-star certificates are issued by %s":                 "%s không có thẩm quyền chứng nhận sản phẩm %d sao vào ngày %s; vào ngày đó, giấy chứng nhận %d sao do %s cấp",

	// Dates (date.go).
	"year %d is outside %d–%d":                               "năm %d nằm ngoài khoảng %d–%d",
	"month %d does not exist":                                "không có tháng %d",
	"day %d does not exist in %02d/%d":                       "tháng %02[2]d/%[3]d không có ngày %[1]d",
	"%q is not a date: write it as yyyy-mm-dd or dd/mm/yyyy": "%q không phải là ngày: hãy ghi theo dạng yyyy-mm-dd hoặc dd/mm/yyyy",
	"%q is not a real date: %v":                              "%q không phải là ngày có thật: %v",
	"%s is not a date: write it as \"yyyy-mm-dd\"":           "%s không phải là ngày: hãy ghi theo dạng \"yyyy-mm-dd\"",
	"%q is not a time: give a date (2025-08-07, meaning the end of that day in Vietnam) or an RFC 3339 instant": "%q không phải là thời điểm: hãy ghi một ngày (2025-08-07, tức là cuối ngày đó theo giờ Việt Nam) hoặc một thời điểm theo chuẩn RFC 3339",

	// The gate (gate.go): text, the era of dates, dates after the day of recording, years, counts.
	"%s is after %s, the day this entry is recorded: record a fact once it has happened": "ngày %s muộn hơn ngày %s là ngày ghi mục này: chỉ ghi một sự việc khi nó đã xảy ra",
	"%s is more than %d days after %s, the day this entry is recorded":                   "ngày %s muộn hơn quá %d ngày so với ngày %s là ngày ghi mục này",
	"9999-12-31 means \"no end\"; give the date itself":                                  "9999-12-31 có nghĩa là \"không thời hạn\"; hãy ghi ngày cụ thể",
	"%s is before %s: the ledger holds no fact of the programme dated earlier":           "ngày %s trước ngày %s: sổ cái không ghi sự việc nào của chương trình trước ngày đó",
	"%s is after %s, the last day the ledger can hold":                                   "ngày %s sau ngày %s, ngày cuối cùng sổ cái có thể ghi",
	"%d is not a year of the programme: give a year from %d to %d":                       "%d không phải là năm của chương trình: hãy ghi một năm từ %d đến %d",
	"holds bytes that are not UTF-8 text; send the text encoded as UTF-8":                "có byte không phải là văn bản UTF-8; hãy gửi văn bản được mã hóa UTF-8",
	"holds a line break at character %d; this field is one line":                         "có dấu xuống dòng ở ký tự thứ %d; trường này chỉ được ghi trên một dòng",
	"holds an invisible control character (%s) at character %d; remove it":               "có ký tự điều khiển vô hình (%s) ở ký tự thứ %d; hãy xóa ký tự đó",
	"%d is more than %d: not a count of the programme":                                   "%d lớn hơn %d: không phải là số liệu đếm của chương trình",
	"%s is after the day the figures are counted (as_of %s)":                             "ngày %s sau ngày chốt số liệu (as_of %s)",

	// Decoding a payload (events.go).
	"%q is not a known event type; known types: %s":                                  "%q không phải là loại sự kiện đã biết; các loại đã biết: %s",
	"%s has schema version %d; version %d is not known":                              "%s có phiên bản lược đồ %d; chưa hỗ trợ phiên bản %d",
	"the payload of %s must be a JSON object":                                        "nội dung của %s phải là một đối tượng JSON",
	"is missing: give the log position of the quarantined entry (ocopledger status)": "còn thiếu: hãy ghi vị trí trong sổ cái của mục ghi bị cách ly (ocopledger status)",
	"the quarantined entry at position %d is already acknowledged":                   "mục ghi bị cách ly tại vị trí %d đã được xác nhận",
	"there is more than one JSON value in the payload":                               "nội dung có nhiều hơn một giá trị JSON",
	"has the wrong kind of value: a JSON %s where %s is expected":                    "có giá trị sai kiểu: JSON ghi %s trong khi cần %s",
	"the JSON is malformed at byte %d: %v":                                           "JSON sai cú pháp tại byte %d: %v",
	"is not a field of this event type (check the spelling in docs/events.md)":       "không phải là trường của loại sự kiện này (hãy kiểm tra chính tả trong docs/events.md)",
	"the JSON is malformed: %v":                                                      "JSON sai cú pháp: %v",

	// Events, one at a time (events.go).
	"nothing changes: give a new name, kind or address": "không có gì thay đổi: hãy ghi tên, loại hình hoặc địa chỉ mới",
	"%s is after the expiry %s":                         "ngày %s sau ngày hết hạn %s",
	"%s does not belong to the %d round (certificates are issued in the round's year or the next)": "ngày %s không thuộc đợt năm %d (giấy chứng nhận được cấp trong năm của đợt hoặc năm kế tiếp)",
	"district-level recognition ended on 30/06/2025; from 01/07/2025 the level is commune":         "việc công nhận cấp huyện đã kết thúc ngày 30/06/2025; từ ngày 01/07/2025 là cấp xã",
	"commune-level recognition starts on 01/07/2025; before that the level is district":            "việc công nhận cấp xã bắt đầu từ ngày 01/07/2025; trước ngày đó là cấp huyện",
	"%s is before the start %s":                                     "ngày %s trước ngày bắt đầu %s",
	"an event of more than 60 days (%s to %s) is not a trade event": "hoạt động kéo dài hơn 60 ngày (từ %s đến %s) không phải là hoạt động xúc tiến thương mại",
	"is empty: an OCOP listing must name the OCOP product":          "đang để trống: tin đăng bán sản phẩm OCOP phải ghi rõ sản phẩm OCOP",
	"is empty: list the units merged":                               "đang để trống: hãy liệt kê các đơn vị được sáp nhập",
	"%s is after the report's date %s":                              "ngày %s sau ngày của báo cáo %s",
	"is empty: give the figures the report stated":                  "đang để trống: hãy ghi các số liệu mà báo cáo đã nêu",
	"is not a known figure ID; see `ocopledger figures --list`":     "không phải là mã chỉ tiêu đã biết; xem `ocopledger figures --list`",
	"%d is negative": "%d là số âm",
	"a correction cannot be amended; retract or amend the original event":             "không thể sửa đổi một đính chính; hãy rút lại hoặc sửa đổi sự kiện gốc",
	"belongs to stream %s, not %s: an amendment cannot move a fact to another record": "thuộc hồ sơ %s, không phải %s: sửa đổi không được chuyển một sự việc sang hồ sơ khác",
	"is empty: give the corrected event":                                              "đang để trống: hãy ghi sự kiện đã đính chính",
	"%q is not a stream name like product.<id>":                                       "%q không phải là tên hồ sơ dạng product.<mã>",

	// Events against the history of their record (aggregates.go): corrections.
	"event %s was already retracted by %s":                                         "sự kiện %s đã bị rút lại bằng mục ghi %s",
	"no event %s is recorded in %s":                                                "không có sự kiện %s nào được ghi trong hồ sơ %s",
	"event %s is a %s, a type this build does not know; it cannot be amended here": "sự kiện %s thuộc loại %s, loại mà phiên bản phần mềm này không biết; không thể sửa đổi nó ở đây",
	"%s is itself a correction; correct the original event instead":                "%s đã là một đính chính; hãy đính chính sự kiện gốc",
	"event %s is a %s, not a %s":                                                   "sự kiện %s thuộc loại %s, không phải %s",
	"after this correction, entry %s (%s) would no longer hold: %v":                "sau đính chính này, mục ghi %s (%s) sẽ không còn hợp lệ: %v",

	// OCOP certificates.
	"decision %s is already recorded for this product": "quyết định %s đã được ghi nhận cho sản phẩm này",
	"product %s already holds certificate %s (%d★, valid %s to %s); record a re-evaluation (ocop.reevaluated) instead of a new certificate": "sản phẩm %s đang có giấy chứng nhận %s (%d★, hiệu lực từ %s đến %s); hãy ghi đánh giá lại (ocop.reevaluated) thay vì cấp giấy chứng nhận mới",
	"product %s has no certificate %s":                 "sản phẩm %s không có giấy chứng nhận %s",
	"%s is not after the certificate it replaces (%s)": "ngày %s không muộn hơn ngày của giấy chứng nhận được thay thế (%s)",
	"certificate %s ended on %s (%s); a product whose certificate has ended is certified anew (ocop.certified), not re-evaluated": "giấy chứng nhận %s đã chấm dứt hiệu lực ngày %s (%s); sản phẩm có giấy chứng nhận đã chấm dứt thì được chứng nhận mới (ocop.certified), không đánh giá lại",
	"%q does not match %d★ → %d★ (that is %q)":                                                 "%q không khớp với %d★ → %d★ (trường hợp này là %q)",
	"certificate %s is valid on %s too; it would overlap the re-evaluated one":                 "giấy chứng nhận %s cũng có hiệu lực vào ngày %s; nó sẽ trùng thời hạn với giấy chứng nhận được đánh giá lại",
	"%s is before the certificate was issued (%s)":                                             "ngày %s trước ngày cấp giấy chứng nhận (%s)",
	"certificate %s already ended on %s (%s); there is nothing to revoke":                      "giấy chứng nhận %s đã chấm dứt hiệu lực ngày %s (%s); không còn gì để thu hồi",
	"the expiry of certificate %s is already recorded":                                         "việc hết hạn của giấy chứng nhận %s đã được ghi nhận",
	"certificate %s did not expire: it was %s on %s":                                           "giấy chứng nhận %s không hết hạn: nó %s ngày %s",
	"certificate %s (decided %s) expires on %s, not %s":                                        "giấy chứng nhận %s (quyết định ngày %s) hết hạn ngày %s, không phải ngày %s",
	"the expiry notice for certificate %s is already recorded":                                 "thông báo hết hạn của giấy chứng nhận %s đã được ghi nhận",
	"certificate %s expires on %s, not %s":                                                     "giấy chứng nhận %s hết hạn ngày %s, không phải ngày %s",
	"certificate %s does not reach its expiry: it was %s on %s":                                "giấy chứng nhận %s không còn hiệu lực đến ngày hết hạn: nó %s ngày %s",
	"product %s holds no valid certificate on %s; only certified products can be potential 5★": "sản phẩm %s không có giấy chứng nhận còn hiệu lực vào ngày %s; chỉ sản phẩm đã được chứng nhận mới có thể là sản phẩm tiềm năng 5★",
	"potential 5★ is a status of a 4★ product certified by the province; %s is %d★ by %s":      "tiềm năng 5★ là trạng thái của sản phẩm 4★ do tỉnh chứng nhận; %s là giấy chứng nhận %d★ do %s cấp",
	"%s does not belong to an OCOP product":                                                    "%s không thuộc hồ sơ sản phẩm OCOP",

	// CNNTTB recognitions.
	"certificate %s at %s is already recorded":                                                     "giấy chứng nhận %s %s đã được ghi nhận",
	"%s was already recognised at %s in the %d round (certificate %s)":                             "%s đã được công nhận %s trong đợt năm %d (giấy chứng nhận %s)",
	"%s has not won the %s before %s: a product competes at %s only after winning the level below": "%s chưa được công nhận %s trước ngày %s: sản phẩm chỉ được tham gia %s sau khi đã được công nhận ở cấp thấp hơn",
	"no %s certificate %s is recorded for this product":                                            "không có giấy chứng nhận %[2]s %[1]s nào được ghi nhận cho sản phẩm này",
	"certificate %s (issued %s) is valid to %s, so it expires on %s, not %s":                       "giấy chứng nhận %s (cấp ngày %s) có hiệu lực đến ngày %s, nên hết hạn ngày %s, không phải ngày %s",
	"%s does not belong to a CNNTTB product":                                                       "%s không thuộc hồ sơ sản phẩm CNNTTB",

	// Sales points, trade events, listings, producers.
	"sales point %s is already open (since %s)":                               "điểm bán %s đang mở cửa (từ ngày %s)",
	"%s is before the point closed (%s); a point reopens after it closed":     "ngày %s trước ngày điểm bán đóng cửa (%s); điểm bán chỉ mở lại sau khi đã đóng cửa",
	"no sales point %s has been opened":                                       "chưa có điểm bán %s nào được mở",
	"sales point %s is already closed (since %s)":                             "điểm bán %s đã đóng cửa (từ ngày %s)",
	"%s is before the point opened (%s)":                                      "ngày %s trước ngày điểm bán mở cửa (%s)",
	"%s does not belong to a sales point":                                     "%s không thuộc hồ sơ điểm bán",
	"trade event %s is already recorded (%s); amend it to change its details": "hoạt động xúc tiến thương mại %s đã được ghi nhận (%s); muốn thay đổi chi tiết thì hãy sửa đổi nó",
	"no trade event %s is recorded; record trade_event.held first":            "chưa ghi nhận hoạt động xúc tiến thương mại %s; hãy ghi trade_event.held trước",
	"%s's participation in %s is already recorded":                            "việc %s tham gia %s đã được ghi nhận",
	"%s does not belong to a trade event":                                     "%s không thuộc hồ sơ hoạt động xúc tiến thương mại",
	"listing %s is already recorded":                                          "tin đăng bán %s đã được ghi nhận",
	"no listing %s is recorded":                                               "không có tin đăng bán %s nào được ghi nhận",
	"listing %s was already removed on %s":                                    "tin đăng bán %s đã được gỡ xuống ngày %s",
	"%s is before the listing was created (%s)":                               "ngày %s trước ngày đăng bán (%s)",
	"%s does not belong to a listing":                                         "%s không thuộc hồ sơ tin đăng bán",
	"no producer %s is registered":                                            "chủ thể %s chưa được đăng ký",
	"%s is already recorded; amend it (correction.amended) to change it":      "%s đã được ghi nhận; muốn thay đổi thì hãy sửa đổi (correction.amended)",
	"%s does not belong to stream %s":                                         "%s không thuộc hồ sơ %s",
}

// MessagesVI yields the domain's messages: each English format with its Vietnamese form.
func MessagesVI() iter.Seq2[string, string] { return maps.All(messagesVI) }
