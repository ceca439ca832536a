package domain

// messagesVI is the Vietnamese form of every message format of domain and ledger, of the
// packages whose errors reach a clerk through the API (httpapi, reactive, projections, report),
// and of the command line with its demo (cmd/ocopledger, demo; see messageDirs in
// messages_test.go), by its English format: the format given to Invalid, Conflict, NotFound,
// Unauthorized, Forbidden, Internal, errorf or the command line's usagef. A Vietnamese format reads
// the same arguments with the same verbs; where Vietnamese needs them in another order it names
// them ("%[2]s"). Dates arrive already written dd/mm/yyyy; labels (an authority, a level) and
// quoted causes arrive in Vietnamese (see viArgs). TestEveryMessageHasAVietnameseForm keeps this
// table complete.
//
// Words used throughout: certificate = giấy chứng nhận, decision = quyết định, record or stream =
// hồ sơ, entry = mục ghi, producer = chủ thể, sales point = điểm bán, trade event = hoạt động xúc
// tiến thương mại, listing = tin đăng bán, correction = đính chính, amend = sửa đổi, retract =
// rút lại, round = đợt; for the API: the log = sổ cái, parameter = tham số, dimension = tiêu chí
// phân tổ, figure = chỉ tiêu, the body of a request = nội dung gửi lên, token = mã truy cập, role =
// vai trò (its names viewer, recorder, admin stay as they are written), webhook = webhook; for the
// command line: command = lệnh, argument = tham số, option (--name) = tùy chọn, file = tệp, folder =
// thư mục, event store = kho sự kiện, server = máy chủ (option names, command names and the
// values a clerk types, such as events or figures, stay as they are written).
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

	// Decoding a payload (events.go).
	"%q is not a known event type; known types: %s":                            "%q không phải là loại sự kiện đã biết; các loại đã biết: %s",
	"%s has schema version %d; version %d is not known":                        "%s có phiên bản lược đồ %d; chưa hỗ trợ phiên bản %d",
	"the payload of %s must be a JSON object":                                  "nội dung của %s phải là một đối tượng JSON",
	"there is more than one JSON value in the payload":                         "nội dung có nhiều hơn một giá trị JSON",
	"has the wrong kind of value: a JSON %s where %s is expected":              "có giá trị sai kiểu: JSON ghi %s trong khi cần %s",
	"the JSON is malformed at byte %d: %v":                                     "JSON sai cú pháp tại byte %d: %v",
	"is not a field of this event type (check the spelling in docs/events.md)": "không phải là trường của loại sự kiện này (hãy kiểm tra chính tả trong docs/events.md)",
	"the JSON is malformed: %v":                                                "JSON sai cú pháp: %v",

	// Events, one at a time (events.go).
	"nothing changes: give a new name, kind or address": "không có gì thay đổi: hãy ghi tên, loại hình hoặc địa chỉ mới",
	"%s is after the expiry %s":                         "ngày %s sau ngày hết hạn %s",
	"%d is not a year":                                  "%d không phải là năm hợp lệ",
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

	// Recording (ledger).
	"the payload is %d bytes; an entry may be at most %d KiB":                                        "nội dung dài %d byte; mỗi mục ghi tối đa %d KiB",
	"the record %s has changed since you read it (you expected version %d): reload it and try again": "hồ sơ %s đã thay đổi kể từ khi bạn đọc (bạn dự kiến phiên bản %d): hãy tải lại rồi thử lại",
	"the record %s is being changed by others too often; try again":                                  "hồ sơ %s đang bị người khác thay đổi quá thường xuyên; hãy thử lại",
	"is longer than 128 characters":                                                                  "dài quá 128 ký tự",
	"%q may only hold printable ASCII without spaces":                                                "%q chỉ được chứa ký tự ASCII in được, không có dấu cách",

	// The HTTP API (httpapi): query parameters and headers.
	"is not a parameter of %s; it takes: %s":                                   "không phải là tham số của %s; các tham số dùng được: %s",
	"is not a parameter of %s, which takes none (besides lang)":                "không phải là tham số của %s; địa chỉ này không nhận tham số nào (ngoài lang)",
	"is given %d times; give it once":                                          "được ghi %d lần; chỉ ghi một lần",
	"%q is not a whole number":                                                 "%q không phải là số tự nhiên (0, 1, 2, …)",
	"%q: give vi or en":                                                        "%q: hãy ghi vi (tiếng Việt) hoặc en (tiếng Anh)",
	"%d: give 1 to 1000":                                                       "%d: hãy ghi một số từ 1 đến 1000",
	"%q is not a log position":                                                 "%q không phải là vị trí trong sổ cái",
	"%q is not a version: give the version of the record you read, e.g. \"3\"": "%q không phải là số phiên bản: hãy ghi phiên bản của hồ sơ mà bạn đã đọc, ví dụ \"3\"",
	"reading the body: %v":                                                     "không đọc được nội dung gửi lên: %v",
	"%q is not a dimension; give one or more of %s, separated by commas":       "%q không phải là tiêu chí phân tổ; hãy ghi một hoặc nhiều tiêu chí trong số: %s, cách nhau bằng dấu phẩy",
	"%s cannot be broken down by %s; it can by: %s":                            "chỉ tiêu %s không phân tổ được theo %s; chỉ phân tổ được theo: %s",
	"%d days is not a window: give 0 to 3660 days":                             "%d ngày không phải là khoảng thời gian hợp lệ: hãy ghi từ 0 đến 3660 ngày",
	"%q is not a figure ID; known figures: %s":                                 "%q không phải là mã chỉ tiêu; các chỉ tiêu đã biết: %s",
	"no report %s in the ledger (no report.filed entry in %s)":                 "không có báo cáo %s trong sổ cái (hồ sơ %s không có mục ghi report.filed nào)",

	// The HTTP API: tokens and roles (httpapi/auth.go).
	"give a bearer token: Authorization: Bearer <token>":                "hãy gửi kèm mã truy cập theo dạng: Authorization: Bearer <mã truy cập>",
	"this token is not known":                                           "mã truy cập này không có trong danh sách của máy chủ",
	"this needs a bearer token with the role %s or above":               "thao tác này cần mã truy cập có vai trò %s trở lên",
	"%s has the role %s; this needs %s":                                 "%s có vai trò %s; thao tác này cần vai trò %s",
	"%q is not a role: give viewer, recorder or admin":                  "%q không phải là vai trò: hãy ghi viewer, recorder hoặc admin",
	"the token file is not a JSON array of {token, role, identity}: %v": "tệp mã truy cập không phải là mảng JSON gồm các mục {token, role, identity}: %v",
	"line %d: give \"token role identity\"":                             "dòng %d: hãy ghi theo dạng \"token role identity\" (mã truy cập, vai trò, danh tính)",
	"%q: give token:role:identity":                                      "%q: hãy ghi theo dạng token:role:identity (mã truy cập:vai trò:danh tính)",
	"token %d (%s) is shorter than 16 characters":                       "mã truy cập thứ %d (%s) ngắn hơn 16 ký tự",
	"token %d (%s): %q is not a role: give viewer, recorder or admin":   "mã truy cập thứ %d (%s): %q không phải là vai trò: hãy ghi viewer, recorder hoặc admin",
	"token %d has no identity":                                          "mã truy cập thứ %d chưa ghi danh tính (identity)",
	"token %d (%s) is given twice":                                      "mã truy cập thứ %d (%s) bị ghi hai lần",

	// Webhook subscriptions (reactive).
	"is empty: give the http(s) address that receives the events":                                       "đang để trống: hãy ghi địa chỉ http(s) sẽ nhận các sự kiện",
	"%q is not a URL that can be read: write it like https://example.gov.vn/ocop-hooks, without spaces": "%q không phải là địa chỉ URL đọc được: hãy ghi theo dạng https://example.gov.vn/ocop-hooks, không có dấu cách",
	"%q must start with http:// or https://":                                                            "%q phải bắt đầu bằng http:// hoặc https://",
	"%q has no host":                                                                                    "%q thiếu tên máy chủ (host)",
	"must not carry a user name or password; the signature authenticates the ledger":                    "không được chứa tên đăng nhập hay mật khẩu; bên nhận xác thực sổ cái bằng chữ ký",
	"is longer than 2000 characters":                                                                    "dài quá 2000 ký tự",
	"must be at least %d characters (it keys the HMAC-SHA256 signature)":                                "phải dài ít nhất %d ký tự (đây là khóa của chữ ký HMAC-SHA256)",
	"is longer than 512 characters":                                                                     "dài quá 512 ký tự",
	"at most 100 types and 100 streams":                                                                 "tối đa 100 loại sự kiện và 100 hồ sơ",
	"%q is not an event type; known types: %s":                                                          "%q không phải là loại sự kiện; các loại đã biết: %s",
	"%q: give a stream such as product.toi-ly-son, or a prefix ending in *, such as cnnttb.*":           "%q: hãy ghi một hồ sơ, ví dụ product.toi-ly-son, hoặc một tiền tố kết thúc bằng *, ví dụ cnnttb.*",
	"%q is not a stream name: write kind.id with one dot, using only letters a–z or A–Z, digits, '-' and '_', at most %d characters (e.g. product.toi-ly-son)": "%q không phải là tên hồ sơ: hãy ghi loại.mã với đúng một dấu chấm, chỉ dùng chữ cái a–z hoặc A–Z (không dấu), chữ số, '-' và '_', tối đa %d ký tự (ví dụ product.toi-ly-son)",
	"the body is empty: give a JSON object {\"url\": …, \"secret\": …, \"filter\": {\"types\": […], \"streams\": […]}}":                                        "nội dung gửi lên đang để trống: hãy gửi một đối tượng JSON {\"url\": …, \"secret\": …, \"filter\": {\"types\": […], \"streams\": […]}}",
	"the JSON of the body stops before its end (at most 64 KiB are read)":                                                                                      "JSON của nội dung gửi lên bị dừng giữa chừng (chỉ đọc tối đa 64 KiB)",
	"the body is not valid JSON: the error is at byte %d":                                                                                                      "nội dung gửi lên không phải là JSON hợp lệ: lỗi ở byte %d",
	"must be a list of texts in quotes, e.g. [\"ocop.certified\"]":                                                                                             "phải là một danh sách chữ trong dấu ngoặc kép, ví dụ [\"ocop.certified\"]",
	"must be an object {\"types\": […], \"streams\": […]}":                                                                                                     "phải là một đối tượng {\"types\": […], \"streams\": […]}",
	"the body must be a JSON object {\"url\": …, \"secret\": …, \"filter\": …}":                                                                                "nội dung gửi lên phải là một đối tượng JSON {\"url\": …, \"secret\": …, \"filter\": …}",
	"must be text in quotes": "phải là chữ trong dấu ngoặc kép",
	"is not a field of a webhook subscription: give url, secret and filter (types, streams)": "không phải là trường của đăng ký webhook: hãy ghi url, secret và filter (types, streams)",
	"the body is not a webhook subscription: %v":                                             "nội dung gửi lên không phải là một đăng ký webhook: %v",
	"%q: give a number from 1 to 10000":                                                      "%q: hãy ghi một số từ 1 đến 10000",
	"no webhook %q":                                                                          "không có webhook %q",
	"webhook %s is being changed by others; try again":                                       "webhook %s đang bị người khác thay đổi; hãy thử lại",

	// Questions to the read models (projections) and reports (report).
	"%q is not a dimension; give one of %s":           "%q không phải là tiêu chí phân tổ; hãy ghi một trong số: %s",
	"%s is before from %s":                            "ngày %s trước ngày %s của tham số from",
	"%q is not a step; give day, week, month or year": "%q không phải là bước thời gian; hãy ghi day (ngày), week (tuần), month (tháng) hoặc year (năm)",
	"more than 20000 points: take a longer step":      "nhiều hơn 20000 điểm: hãy chọn bước thời gian dài hơn",
	"%q is not a language: give vi or en":             "%q không phải là ngôn ngữ: hãy ghi vi (tiếng Việt) hoặc en (tiếng Anh)",
	"%q is not a format: give text, md or json":       "%q không phải là định dạng: hãy ghi text, md hoặc json",

	// The command line (cmd/ocopledger): how a command is called.
	"%q is not a command of ocopledger; the commands are listed below": "%q không phải là lệnh của ocopledger; danh sách các lệnh ở bên dưới",
	"%s takes no arguments":                                                "lệnh %s không nhận tham số nào",
	"is not an option of ocopledger %s":                                    "không phải là tùy chọn của lệnh ocopledger %s",
	"has no value: write --%s and its value":                               "thiếu giá trị: hãy ghi --%s kèm theo giá trị",
	"%q is not an option: write an option as --name value or --name=value": "%q không phải là tùy chọn: hãy ghi tùy chọn theo dạng --tên giá-trị hoặc --tên=giá-trị",
	"%q is not true or false: write --%s, or --%s=false":                   "%q không phải là true hay false: hãy ghi --%s, hoặc --%s=false",
	"%q is too large a number":                                             "%q là số quá lớn",
	"%q is not a value this option takes (%s)":                             "%q không phải là giá trị hợp lệ của tùy chọn này (%s)",

	// The command line: files and folders.
	"there is no file %s":                                                    "không có tệp %s",
	"%s is a folder, not a file":                                             "%s là thư mục, không phải tệp",
	"%s cannot be read: you have no permission to read it":                   "không đọc được %s: bạn không có quyền đọc tệp này",
	"%s cannot be read: %v":                                                  "không đọc được %s: %v",
	"the folder %s does not exist":                                           "không có thư mục %s",
	"%s cannot be written: you have no permission to write there":            "không ghi được %s: bạn không có quyền ghi vào đó",
	"%s cannot be written: %v":                                               "không ghi được %s: %v",
	"the folder %s cannot be created: you have no permission to write there": "không tạo được thư mục %s: bạn không có quyền ghi vào đó",
	"%s, or a folder above it, is a file, not a folder":                      "%s, hoặc một thư mục chứa nó, là tệp chứ không phải thư mục",
	"the folder %s cannot be created: %v":                                    "không tạo được thư mục %s: %v",
	"the event store in %s cannot be opened: %v":                             "không mở được kho sự kiện trong thư mục %s: %v",
	"the event store on the NATS server %s cannot be opened: %v":             "không mở được kho sự kiện trên máy chủ NATS %s: %v",

	// The command line: record, log, restore.
	"record needs an event type; one of: %s":                                                 "lệnh record cần một loại sự kiện, là một trong các loại: %s",
	"record takes one event type, got %d arguments":                                          "lệnh record chỉ nhận một loại sự kiện, nhưng bạn đã ghi %d tham số",
	"give the payload either with --file or with --set, not both":                            "hãy nhập nội dung sự kiện bằng --file hoặc bằng --set, không dùng cả hai",
	"%q: write field=value, e.g. --set stars=4":                                              "%q: hãy ghi theo dạng trường=giá trị, ví dụ --set stars=4",
	"no payload: pipe the event's JSON to stdin, or use --file or --set":                     "chưa có nội dung sự kiện: hãy chuyển JSON của sự kiện vào đầu vào chuẩn (stdin), hoặc dùng --file hay --set",
	"%q is not an RFC 3339 time such as 2025-08-15T09:00:00+07:00":                           "%q không phải là thời điểm theo chuẩn RFC 3339, ví dụ 2025-08-15T09:00:00+07:00",
	"log takes no arguments; filter with --stream, --type, --from, --to":                     "lệnh log không nhận tham số nào; hãy lọc bằng --stream, --type, --from, --to",
	"restore takes one file, written by ocopledger export ('-' for stdin)":                   "lệnh restore cần đúng một tệp do lệnh ocopledger export ghi ra ('-' để đọc từ đầu vào chuẩn)",
	"line %d is not an event written by ocopledger export":                                   "dòng %d không phải là sự kiện do lệnh ocopledger export ghi ra",
	"line %d is not an event written by ocopledger export: its JSON is malformed at byte %d": "dòng %d không phải là sự kiện do lệnh ocopledger export ghi ra: JSON sai cú pháp tại byte %d",
	"line %d is longer than %d bytes: it is not an event written by ocopledger export":       "dòng %d dài quá %d byte: đây không phải là sự kiện do lệnh ocopledger export ghi ra",

	// The command line: figures, explain, diff, timeline, expiring, report, reconcile.
	"figures takes no arguments (did you mean: ocopledger explain %s?)":                                             "lệnh figures không nhận tham số nào (có phải bạn muốn dùng: ocopledger explain %s?)",
	"%s takes one figure ID, e.g. ocop.valid (ocopledger figures --list)":                                           "lệnh %s cần đúng một mã chỉ tiêu, ví dụ ocop.valid (xem danh sách bằng lệnh ocopledger figures --list)",
	"%q is not a figure ID; see ocopledger figures --list":                                                          "%q không phải là mã chỉ tiêu; xem danh sách chỉ tiêu bằng lệnh ocopledger figures --list",
	"is missing: diff compares the figures as known at --known-at with the figures as known at --vs (default: now)": "còn thiếu: lệnh diff so sánh số liệu theo sổ cái tại thời điểm --known-at với số liệu theo sổ cái tại thời điểm --vs (mặc định: bây giờ)",
	"is missing: give the first day of the series (yyyy-mm-dd or dd/mm/yyyy)":                                       "còn thiếu: hãy ghi ngày đầu tiên của chuỗi số liệu (yyyy-mm-dd hoặc dd/mm/yyyy)",
	"%q is not a number of days such as 30d":                                                                        "%q không phải là số ngày, ví dụ 30d",
	"report takes no arguments; give the day with --as-of":                                                          "lệnh report không nhận tham số nào; hãy ghi ngày báo cáo bằng --as-of",
	"%s is after --as-of %s": "ngày %s sau ngày %s của --as-of",
	"reconcile takes one report: its document number (470/SCT-QLTM) or report ID (470-SCT-QLTM)":               "lệnh reconcile cần đúng một báo cáo: số hiệu văn bản (470/SCT-QLTM) hoặc mã báo cáo (470-SCT-QLTM)",
	"%q is not a document number or report ID":                                                                 "%q không phải là số hiệu văn bản hay mã báo cáo",
	"no report %s in the ledger (no report.filed entry in %s); record it with: ocopledger record report.filed": "không có báo cáo %s trong sổ cái (hồ sơ %s không có mục ghi report.filed nào); hãy ghi báo cáo bằng lệnh: ocopledger record report.filed",
	"report %s did not match the ledger at filing time: %s":                                                    "báo cáo %s không khớp với sổ cái tại thời điểm gửi: %s",

	// The command line: serve and watch.
	"no tokens are configured, so the server would be open to anyone who reaches %s: give --tokens FILE or $OCOPLEDGER_TOKENS, or listen on 127.0.0.1": "chưa cấu hình mã truy cập nào, nên bất kỳ ai truy cập được %s cũng dùng được máy chủ: hãy dùng --tokens TỆP hoặc $OCOPLEDGER_TOKENS, hoặc chỉ lắng nghe trên 127.0.0.1",
	"%s is already in use by another program: stop that program, or give another --addr":                                                               "%s đang được một chương trình khác sử dụng: hãy tắt chương trình đó, hoặc chọn địa chỉ khác bằng --addr",
	"%s is not an address of this machine: give one of its addresses, such as 127.0.0.1:8080":                                                          "%s không phải là địa chỉ của máy này: hãy ghi một địa chỉ của máy này, ví dụ 127.0.0.1:8080",
	"you have no permission to listen on %s: give a port above 1023, such as 127.0.0.1:8080":                                                           "bạn không có quyền lắng nghe trên %s: hãy chọn cổng lớn hơn 1023, ví dụ 127.0.0.1:8080",
	"%q is not an address to listen on: write it as host:port, such as 127.0.0.1:8080":                                                                 "%q không phải là địa chỉ lắng nghe hợp lệ: hãy ghi theo dạng máy:cổng, ví dụ 127.0.0.1:8080",
	"cannot listen on %s: %v":                                                "không lắng nghe được trên %s: %v",
	"watch takes one argument: events or figures":                            "lệnh watch chỉ nhận một tham số: events (sự kiện) hoặc figures (số liệu)",
	"%q is not something to watch: give events or figures":                   "không theo dõi được %q: hãy ghi events (sự kiện) hoặc figures (số liệu)",
	"%q is not the address of a server: write it like http://127.0.0.1:8080": "%q không phải là địa chỉ máy chủ: hãy ghi theo dạng http://127.0.0.1:8080",
	"the server %s answered %d: %s":                                          "máy chủ %s trả lời mã %d: %s",

	// The demo (demo, cmd/ocopledger).
	"the demo cannot read the ledger: %v": "không đọc được sổ cái để nạp dữ liệu demo: %v",
	"the demo's entry %s belongs to %s, but this ledger holds an entry %s in %s: the ledger holds other data than the demo; load the demo into an empty ledger (another --data directory)":                "mục ghi demo %s thuộc hồ sơ %s, nhưng sổ cái này có mục ghi %s trong hồ sơ %s: sổ cái đang chứa dữ liệu khác với dữ liệu demo; hãy nạp dữ liệu demo vào một sổ cái trống (một thư mục --data khác)",
	"the demo's entry %s (%s in %s) is refused by what this ledger holds: %v; load the demo into an empty ledger (another --data directory)":                                                              "mục ghi demo %s (%s trong hồ sơ %s) bị từ chối vì mâu thuẫn với dữ liệu đang có trong sổ cái này: %v; hãy nạp dữ liệu demo vào một sổ cái trống (một thư mục --data khác)",
	"the demo backfills history recorded from 2012 to 30/10/2025, and this ledger already holds entries recorded later than entry %s (%s): load the demo into an empty ledger (another --data directory)": "dữ liệu demo ghi bổ sung lịch sử được ghi nhận từ năm 2012 đến ngày 30/10/2025, nhưng sổ cái này đã có mục ghi được ghi nhận muộn hơn mục ghi %s (%s): hãy nạp dữ liệu demo vào một sổ cái trống (một thư mục --data khác)",
	"the demo's entries from %s on cannot be recorded: %v":                                                                               "không ghi được các mục ghi demo từ %s trở đi: %v",
	"the ledger does not reproduce the figures of Công văn 470/SCT-QLTM: %s":                                                             "sổ cái không tái lập được số liệu của Công văn 470/SCT-QLTM: %s",
	"there is no stream %s to read on this NATS server":                                                                                  "máy chủ NATS này không có luồng %s để đọc",
	"%s is earlier than a time the ledger already holds (%s): backfilled entries are recorded in the order the ledger learned of them":   "%s sớm hơn một thời điểm đã có trong sổ cái (%s): các mục ghi bổ sung phải được ghi theo đúng thứ tự sổ cái biết đến chúng",
	"TLS options apply to a NATS server given with --nats, not to the embedded one":                                                      "các tùy chọn TLS dùng cho máy chủ NATS chỉ định bằng --nats, không dùng cho máy chủ nhúng",
	"give --nats-cert and --nats-key together":                                                                                           "hãy ghi --nats-cert và --nats-key cùng nhau",
	"the read models are being rebuilt from the log (%d events so far); this answer needs them whole: ask again when /readyz says ready": "số liệu tổng hợp đang được dựng lại từ sổ cái (đã xong %d sự kiện); câu trả lời này cần số liệu đầy đủ: hãy hỏi lại khi /readyz báo sẵn sàng",
	"line %d of %s cannot be restored: %v":                                                                                               "không khôi phục được dòng %d của tệp %s: %v",

	// The event store's own refusals (eventstore: InvalidError), passed on by the ledger and restore.
	"breaks the order of %s: version %d comes next in the log":           "phá vỡ thứ tự của hồ sơ %s: trong sổ cái, tiếp theo phải là phiên bản %d",
	"contains %q; only letters A-Z, digits, '_' and '-' are allowed":     "chứa ký tự %q; chỉ được dùng chữ cái A-Z, chữ số, '_' và '-'",
	"has an empty id after the dot":                                      "thiếu mã sau dấu chấm",
	"has an empty kind before the dot":                                   "thiếu loại hồ sơ trước dấu chấm",
	"has an invalid port":                                                "có cổng không hợp lệ",
	"is %d characters long, at most %d allowed":                          "dài %d ký tự, tối đa chỉ được %d",
	"is empty; it must be a JSON object":                                 "đang để trống; phải là một đối tượng JSON",
	"is empty; set DataDir (embedded server) or NatsURL":                 "đang để trống; hãy đặt DataDir (máy chủ nhúng) hoặc NatsURL",
	"is in the future (the ledger clock says %s)":                        "nằm ở tương lai (đồng hồ của sổ cái đang là %s)",
	"is longer than 256 characters":                                      "dài quá 256 ký tự",
	"is missing: an imported event keeps the time the ledger learned it": "còn thiếu: sự kiện được khôi phục phải giữ thời điểm sổ cái biết đến nó",
	"is not valid UTF-8":                                                 "không phải văn bản UTF-8 hợp lệ",
	"is the same as event %d's":                                          "trùng với mã của sự kiện thứ %d",
	"is too large: %d bytes":                                             "quá lớn: %d byte",
	"is too large: the event is %d bytes, at most %d allowed":            "quá lớn: sự kiện có %d byte, tối đa chỉ được %d",
	"may only contain printable ASCII without spaces":                    "chỉ được chứa ký tự ASCII in được, không có dấu cách",
	"must be 0 or more, or AnyVersion (-1)":                              "phải từ 0 trở lên, hoặc AnyVersion (-1)",
	"must be 1 or more":                                                  "phải từ 1 trở lên",
	"must be \"<kind>.<id>\", e.g. \"product.p1\"":                       "phải có dạng \"<loại>.<mã>\", ví dụ \"product.p1\"",
	"must be a JSON object":                                              "phải là một đối tượng JSON",
	"must be between 1 and 5":                                            "phải từ 1 đến 5",
	"must be host:port, e.g. 127.0.0.1:4222":                             "phải có dạng máy:cổng, ví dụ 127.0.0.1:4222",
	"must have exactly one dot":                                          "phải có đúng một dấu chấm",
	"none given; append at least one":                                    "không có sự kiện nào; hãy ghi ít nhất một sự kiện",
	"only applies to the embedded server, not with NatsURL":              "chỉ dùng cho máy chủ nhúng, không dùng cùng NatsURL",
	"too many in one append; at most %d":                                 "quá nhiều trong một lần ghi; tối đa %d",
}
