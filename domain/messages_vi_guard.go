package domain

// messagesVIGuard is the Vietnamese form of the messages of the ledger's guards against hostile
// input and misuse (issue 14): one process per data folder, the NATS listener's credentials, the
// recording clock and entry keys. Kept apart from messagesVI, into which init merges it.
var messagesVIGuard = map[string]string{
	// One owner per data folder (cmd/ocopledger serve_info.go).
	"the ledger %s is in use by a running `ocopledger serve` (pid %d): read it with --nats %s --nats-creds %s, or use the API at %s": "sổ cái %s đang được một tiến trình `ocopledger serve` (pid %d) sử dụng: hãy đọc nó qua --nats %s --nats-creds %s, hoặc dùng API tại %s",
	"the ledger %s is in use by a running `ocopledger serve` (pid %d): use the API at %s, or stop the server first":                  "sổ cái %s đang được một tiến trình `ocopledger serve` (pid %d) sử dụng: hãy dùng API tại %s, hoặc dừng máy chủ đó trước",
	"the ledger %s is in use by another ocopledger process (pid %d): wait for it to end or stop it, then try again":                  "sổ cái %s đang được một tiến trình ocopledger khác (pid %d) sử dụng: hãy chờ tiến trình đó kết thúc hoặc dừng nó, rồi thử lại",
	"the ledger %s is in use by another ocopledger process: wait for it to end or stop it, then try again":                           "sổ cái %s đang được một tiến trình ocopledger khác sử dụng: hãy chờ tiến trình đó kết thúc hoặc dừng nó, rồi thử lại",

	// Entry keys (Idempotency-Key, --id) reused for another entry (ledger).
	"the entry key %q already names the entry at position %d (%s, record %s, version %d), which holds other content: give a new key for a new entry": "mã mục ghi %q đã thuộc về mục ghi tại vị trí %d (%s, hồ sơ %s, phiên bản %d) với nội dung khác: hãy dùng một mã mới cho mục ghi mới",
	"the entry key %q already names the entry at position %d (%s, record %s): an entry key names one entry only; give a new key for this one":        "mã mục ghi %q đã thuộc về mục ghi tại vị trí %d (%s, hồ sơ %s): mỗi mã mục ghi chỉ dành cho một mục ghi; hãy dùng một mã mới cho mục ghi này",
}

func init() {
	for en, vi := range messagesVIGuard {
		messagesVI[en] = vi
	}
}
