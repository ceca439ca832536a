package tables

import (
	"github.com/ocopledger/ocopledger/witness"
)

// ServeBanner tells whoever started serve, in their language, where the dashboard and the API
// are at base and who may use them; and, when serve also listens for NATS clients at natsURL,
// with which credentials they read the log (readerFile, or "" when the environment gives them).
func ServeBanner(base string, open, publicRead bool, natsURL, readerFile, lang string) string {
	access := Label{"chỉ người có token (--tokens)", "holders of a token (--tokens) only"}
	switch {
	case open:
		access = Label{"mở cho mọi người dùng trên máy này, chưa cấu hình token", "open to every user of this machine: no tokens configured"}
	case publicRead:
		access = Label{"ai cũng xem được; ghi cần token", "anyone may read; recording needs a token"}
	}
	t := &text{lang: lang}
	t.f("Sổ cái OCOP đang chạy.\n  Bảng điều khiển:  %s/\n  API (OpenAPI):    %s/v1/openapi.json\n  Quyền truy cập:   %s\nDừng bằng Ctrl+C. Nhật ký hoạt động (tiếng Anh, cho người vận hành) ghi ra stderr.\n",
		"The OCOP ledger is running.\n  Dashboard:        %s/\n  API (OpenAPI):    %s/v1/openapi.json\n  Access:           %s\nStop with Ctrl+C. The operators' log goes to stderr.\n",
		base, base, access.In(lang))
	switch {
	case natsURL == "":
	case readerFile == "":
		t.f("  NATS (chỉ đọc):   %s, tài khoản và mật khẩu trong $OCOPLEDGER_NATS_READER\n",
			"  NATS (read only): %s, user and password in $OCOPLEDGER_NATS_READER\n", natsURL)
	default:
		t.f("  NATS (chỉ đọc):   %s, tài khoản và mật khẩu trong %s\n    ví dụ: ocopledger log --nats %s --nats-creds %s\n",
			"  NATS (read only): %s, user and password in %s\n    e.g. ocopledger log --nats %s --nats-creds %s\n",
			natsURL, readerFile, natsURL, readerFile)
	}
	return t.String()
}

// WitnessRound is the answer of a round of the witness: what it cosigned, or that there was
// nothing new; nothing for a cosignature sent again.
func WitnessRound(r witness.Round, lang string) (Reply, bool) {
	if r.Outcome == witness.Reposted {
		return Reply{}, false
	}
	a := Reply{JSON: map[string]any{"cosigned": r.Outcome == witness.Cosigned, "origin": r.Origin, "size": r.Size, "root": r.Root, "checkpoint": r.Cosigned}}
	t := &text{lang: lang}
	if r.Outcome == witness.Cosigned {
		t.f("đã đồng ký điểm kiểm chứng %d mục ghi của %s, mã băm gốc %s\n", "cosigned the checkpoint of %d entries of %s, root %s\n", r.Size, r.Origin, r.Root)
	} else {
		t.f("không có gì mới: điểm kiểm chứng %d mục ghi đã được đồng ký\n", "nothing new: the checkpoint of %d entries is already cosigned\n", r.Size)
	}
	a.Text = t.String()
	return a, true
}
