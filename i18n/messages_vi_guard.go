package i18n

// messagesVIGuard is the Vietnamese form of the messages of the ledger's guards against hostile
// input and misuse (issue 14): one process per data folder, the NATS listener's credentials, the
// recording clock and entry keys. Kept apart from messagesVI; the catalogue holds both.
var messagesVIGuard = map[string]string{
	// One owner per data folder (cmd/ocopledger serve_info.go).
	"the ledger %s is in use by a running `ocopledger serve` (pid %d): read it with --nats %s --nats-creds %s, or use the API at %s": "sổ cái %s đang được một tiến trình `ocopledger serve` (pid %d) sử dụng: hãy đọc nó qua --nats %s --nats-creds %s, hoặc dùng API tại %s",
	"the ledger %s is in use by a running `ocopledger serve` (pid %d): use the API at %s, or stop the server first":                  "sổ cái %s đang được một tiến trình `ocopledger serve` (pid %d) sử dụng: hãy dùng API tại %s, hoặc dừng máy chủ đó trước",
	"the ledger %s is in use by another ocopledger process (pid %d): wait for it to end or stop it, then try again":                  "sổ cái %s đang được một tiến trình ocopledger khác (pid %d) sử dụng: hãy chờ tiến trình đó kết thúc hoặc dừng nó, rồi thử lại",
	"the ledger %s is in use by another ocopledger process: wait for it to end or stop it, then try again":                           "sổ cái %s đang được một tiến trình ocopledger khác sử dụng: hãy chờ tiến trình đó kết thúc hoặc dừng nó, rồi thử lại",

	// Entry keys (Idempotency-Key, --id) reused for another entry (ledger).
	"the entry key %q already names the entry at position %d (%s, record %s, version %d), which holds other content: give a new key for a new entry": "mã mục ghi %q đã thuộc về mục ghi tại vị trí %d (%s, hồ sơ %s, phiên bản %d) với nội dung khác: hãy dùng một mã mới cho mục ghi mới",
	"the entry key %q already names the entry at position %d (%s, record %s): an entry key names one entry only; give a new key for this one":        "mã mục ghi %q đã thuộc về mục ghi tại vị trí %d (%s, hồ sơ %s): mỗi mã mục ghi chỉ dành cho một mục ghi; hãy dùng một mã mới cho mục ghi này",

	// The NATS listener's credentials (eventstore listenauth.go, cmd/ocopledger nats_creds.go).
	"are missing: the NATS listener never accepts clients without a user and password":                                    "còn thiếu: cổng NATS không bao giờ nhận kết nối không có tài khoản và mật khẩu",
	"is given twice, or is the ledger's own user":                                                                         "bị khai báo hai lần, hoặc trùng với tài khoản riêng của sổ cái",
	"must be a name without spaces, ':', '@' or '/'":                                                                      "phải là một tên không có dấu cách, ':', '@' hay '/'",
	"of user %s is shorter than 16 characters":                                                                            "của tài khoản %s ngắn hơn 16 ký tự",
	"the NATS credentials file %s cannot be written: %v":                                                                  "không ghi được tệp thông tin xác thực NATS %s: %v",
	"the NATS credentials file %s may be read by other users of this machine: allow only its owner (chmod 600 %s)":        "tệp thông tin xác thực NATS %s có thể bị người dùng khác trên máy này đọc: hãy chỉ cho phép chủ sở hữu đọc (chmod 600 %s)",
	"write it as user:password, with a password of 16 characters or more":                                                 "hãy ghi theo dạng tài_khoản:mật_khẩu, với mật khẩu từ 16 ký tự trở lên",
	"%s is not a NATS credentials file: it holds {\"user\": …, \"password\": …} with a password of 16 characters or more": "%s không phải là tệp thông tin xác thực NATS: tệp này chứa {\"user\": …, \"password\": …} với mật khẩu từ 16 ký tự trở lên",

	// Recording times cannot lie in the future (eventstore validate.go, cmd/ocopledger restore).
	"of entry %s is in the future: the ledger's clock says %s, and recording times may be at most %s ahead of it":                                    "của mục ghi %s nằm ở tương lai: đồng hồ của sổ cái đang là %s, và thời điểm ghi chỉ được đi trước tối đa %s",
	"line %d of %s (entry %s) was recorded at %s, later than now (%s) by more than %s: a ledger cannot have learned of it yet; nothing was restored": "dòng %d của %s (mục ghi %s) được ghi lúc %s, muộn hơn hiện tại (%s) quá %s: sổ cái không thể đã biết mục ghi này; chưa khôi phục gì cả",
}
