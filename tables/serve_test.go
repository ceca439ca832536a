package tables_test

import (
	"testing"

	"github.com/ocopledger/ocopledger/tables"
)

// serve's banner, as the command line printed it before it moved here: where the dashboard and
// the API are, who may use them, and how NATS readers sign in.
func TestServeBanner(t *testing.T) {
	cases := []struct {
		open, publicRead      bool
		natsURL, reader, lang string
		want                  string
	}{
		{true, false, "", "", "vi", "Sổ cái OCOP đang chạy.\n  Bảng điều khiển:  http://127.0.0.1:8080/\n  API (OpenAPI):    http://127.0.0.1:8080/v1/openapi.json\n  Quyền truy cập:   mở cho mọi người dùng trên máy này, chưa cấu hình token\nDừng bằng Ctrl+C. Nhật ký hoạt động (tiếng Anh, cho người vận hành) ghi ra stderr.\n"},
		{false, true, "nats://127.0.0.1:4222", "", "en", "The OCOP ledger is running.\n  Dashboard:        http://127.0.0.1:8080/\n  API (OpenAPI):    http://127.0.0.1:8080/v1/openapi.json\n  Access:           anyone may read; recording needs a token\nStop with Ctrl+C. The operators' log goes to stderr.\n  NATS (read only): nats://127.0.0.1:4222, user and password in $OCOPLEDGER_NATS_READER\n"},
		{false, false, "nats://127.0.0.1:4222", "/d/nats-reader.json", "vi", "Sổ cái OCOP đang chạy.\n  Bảng điều khiển:  http://127.0.0.1:8080/\n  API (OpenAPI):    http://127.0.0.1:8080/v1/openapi.json\n  Quyền truy cập:   chỉ người có token (--tokens)\nDừng bằng Ctrl+C. Nhật ký hoạt động (tiếng Anh, cho người vận hành) ghi ra stderr.\n  NATS (chỉ đọc):   nats://127.0.0.1:4222, tài khoản và mật khẩu trong /d/nats-reader.json\n    ví dụ: ocopledger log --nats nats://127.0.0.1:4222 --nats-creds /d/nats-reader.json\n"},
	}
	for _, c := range cases {
		if got := tables.ServeBanner("http://127.0.0.1:8080", c.open, c.publicRead, c.natsURL, c.reader, c.lang); got != c.want {
			t.Errorf("ServeBanner(open %v, public read %v, %q, %q, %s) =\n%s\nwant\n%s", c.open, c.publicRead, c.natsURL, c.reader, c.lang, got, c.want)
		}
	}
}
