package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
)

// An error answers in Vietnamese unless the request asks for English (?lang=en, or an
// Accept-Language that prefers English), and always carries the English text in message_en.
func TestErrorMessageLanguage(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	const (
		starsVI = "stars: 2 sao không được cấp giấy chứng nhận: chỉ sản phẩm 3, 4 hoặc 5 sao mới được chứng nhận"
		starsEN = "stars: 2 stars get no certificate: only 3, 4 or 5 stars are certified"
		timeVI  = `known_at: "whenever" không phải là thời điểm: hãy ghi một ngày (2025-08-07, tức là cuối ngày đó theo giờ Việt Nam) hoặc một thời điểm theo chuẩn RFC 3339`
		timeEN  = `known_at: "whenever" is not a time: give a date (2025-08-07, meaning the end of that day in Vietnam) or an RFC 3339 instant`
	)
	for _, c := range []struct {
		name, method, path, acceptLanguage string
		status                             int
		field, message, messageEN          string
	}{
		{"no preference", "POST", "/v1/events/ocop.certified", "", 400, "stars", starsVI, starsEN},
		{"a Vietnamese browser", "POST", "/v1/events/ocop.certified", "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", 400, "stars", starsVI, starsEN},
		{"an English browser", "POST", "/v1/events/ocop.certified", "en-US,en;q=0.9", 400, "stars", starsEN, starsEN},
		{"English first, Vietnamese preferred by weight", "POST", "/v1/events/ocop.certified", "en;q=0.5, vi;q=0.8", 400, "stars", starsVI, starsEN},
		{"?lang=en", "GET", "/v1/figures/ocop.valid?lang=en&known_at=whenever", "", 400, "known_at", timeEN, timeEN},
		{"?lang=vi wins over the header", "GET", "/v1/figures/ocop.valid?lang=vi&known_at=whenever", "en", 400, "known_at", timeVI, timeEN},
	} {
		var body []byte
		if c.method == "POST" {
			body = cert("toi-lang", 2, "2024-01-01")
		}
		var hdr []string
		if c.acceptLanguage != "" {
			hdr = []string{"Accept-Language", c.acceptLanguage}
		}
		r := e.do(c.method, c.path, recorderToken, body, hdr...)
		m, _ := r.json(t)["error"].(map[string]any)
		if r.Status != c.status || m["code"] != "invalid" || m["field"] != c.field {
			t.Errorf("%s: got %d %s, want %d invalid naming %q", c.name, r.Status, r.Body, c.status, c.field)
		}
		if m["message"] != c.message || m["message_en"] != c.messageEN {
			t.Errorf("%s:\n got message %q\n     message_en %q\nwant message %q\n     message_en %q", c.name, m["message"], m["message_en"], c.message, c.messageEN)
		}
	}
}

// Which language a request gets: ?lang= first, then the weights of Accept-Language among vi and
// en, and Vietnamese when neither says.
func TestErrorLanguageChoice(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	const vi, en = "không phải là thời điểm", "is not a time"
	for _, c := range []struct{ query, acceptLanguage, want string }{
		{"", "", vi},
		{"", "vi", vi},
		{"", "en", en},
		{"", "EN-GB", en},
		{"", "fr-FR, en;q=0.5", en},
		{"", "fr-FR", vi},
		{"", "en;q=0", vi},
		{"", "en, vi", en},
		{"", "vi, en", vi},
		{"", "en;q=0.7, vi;q=0.9", vi},
		{"&lang=en", "vi", en},
		{"&lang=vi", "en", vi},
	} {
		var hdr []string
		if c.acceptLanguage != "" {
			hdr = []string{"Accept-Language", c.acceptLanguage}
		}
		r := e.do("GET", "/v1/figures/ocop.valid?known_at=whenever"+c.query, viewerToken, nil, hdr...)
		m, _ := r.json(t)["error"].(map[string]any)
		if msg, _ := m["message"].(string); !strings.Contains(msg, c.want) || m["message_en"] != `known_at: "whenever" `+en+`: give a date (2025-08-07, meaning the end of that day in Vietnam) or an RFC 3339 instant` {
			t.Errorf("?%s with Accept-Language %q: got %s, want a message saying %q", c.query, c.acceptLanguage, r.Body, c.want)
		}
	}
}

// vietnamese reports whether s has a letter of Vietnamese beyond ASCII (ă, đ, ơ, ạ, ế…), that is
// whether a message was really translated.
func vietnamese(s string) bool {
	for _, r := range s {
		if r >= 0xC0 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Every kind of refusal of the API answers in Vietnamese by default and in English on request,
// with its status, code and field the same in both: parameters, headers, bodies that are too large
// or not JSON, tokens and roles, things that do not exist, and questions the read models refuse.
func TestEveryErrorInBothLanguages(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	big := bytes.Repeat([]byte(" "), 70<<10)
	for _, c := range []struct {
		name, method, path, token string
		body                      []byte
		hdr                       []string
		status                    int
		code, field               string
		vi, en                    string // the whole message, when the case checks it
	}{
		{name: "limit out of range", method: "GET", path: "/v1/log?limit=5000", token: viewerToken, status: 400, code: "invalid", field: "limit",
			vi: "limit: 5000: hãy ghi một số từ 1 đến 1000", en: "limit: 5000: give 1 to 1000"},
		{name: "not a whole number", method: "GET", path: "/v1/log?from=ba", token: viewerToken, status: 400, code: "invalid", field: "from",
			vi: `from: "ba" không phải là số tự nhiên (0, 1, 2, …)`, en: `from: "ba" is not a whole number`},
		{name: "a parameter the endpoint does not take", method: "GET", path: "/v1/log?limt=5", token: viewerToken, status: 400, code: "invalid", field: "limt",
			vi: "limt: không phải là tham số của /v1/log; các tham số dùng được: from, limit, stream, type, format, sep",
			en: "limt: is not a parameter of /v1/log; it takes: from, limit, stream, type, format, sep"},
		{name: "a parameter given twice", method: "GET", path: "/v1/log?limit=5&limit=6", token: viewerToken, status: 400, code: "invalid", field: "limit"},
		{name: "a date that does not exist", method: "GET", path: "/v1/figures?as_of=2025-02-30", token: viewerToken, status: 400, code: "invalid", field: "as_of",
			vi: `as_of: "2025-02-30" không phải là ngày có thật: tháng 02/2025 không có ngày 30`,
			en: `as_of: "2025-02-30" is not a real date: day 30 does not exist in 02/2025`},
		{name: "a dimension that does not exist", method: "GET", path: "/v1/figures?by=colour", token: viewerToken, status: 400, code: "invalid", field: "by"},
		{name: "a step the timeline does not know", method: "GET", path: "/v1/figures/ocop.valid/timeline?from=2025-01-01&to=2025-02-01&step=hour", token: viewerToken, status: 400, code: "invalid", field: "step"},
		{name: "a Last-Event-ID that is not a position", method: "GET", path: "/v1/stream/events", token: viewerToken, hdr: []string{"Last-Event-ID", "soon"}, status: 400, code: "invalid", field: "Last-Event-ID"},
		{name: "an unknown event type", method: "POST", path: "/v1/events/ocop.invented", token: recorderToken, body: cert("toi-x", 4, "2024-01-01"), status: 400, code: "invalid", field: "type"},
		{name: "a body too large", method: "POST", path: "/v1/events/ocop.certified", token: recorderToken, body: big, status: 413, code: "invalid",
			vi: "nội dung gửi lên dài 71680 byte; mỗi mục ghi tối đa 64 KiB", en: "the body is 71680 bytes; an entry may be at most 64 KiB"},
		{name: "a body that is not JSON", method: "POST", path: "/v1/events/ocop.certified", token: recorderToken, body: cert("toi-t", 4, "2024-01-01"),
			hdr: []string{"Content-Type", "text/plain"}, status: 415, code: "invalid", field: "Content-Type",
			vi: `Content-Type: phải là application/json: nội dung của một sự kiện là JSON, không phải "text/plain"`,
			en: `Content-Type: must be application/json: the body of an event is JSON, not "text/plain"`},
		{name: "a bad If-Match", method: "POST", path: "/v1/events/ocop.certified", token: recorderToken, body: cert("toi-m", 4, "2024-01-01"), hdr: []string{"If-Match", "yesterday"}, status: 400, code: "invalid", field: "If-Match"},
		{name: "no token", method: "GET", path: "/v1/log", status: 401, code: "unauthorized", field: "Authorization",
			vi: "Authorization: thao tác này cần mã truy cập có vai trò viewer trở lên", en: "Authorization: this needs a bearer token with the role viewer or above"},
		{name: "an unknown token", method: "GET", path: "/v1/log", token: "not-a-token-at-all-xx", status: 401, code: "unauthorized", field: "Authorization"},
		{name: "a role too low", method: "POST", path: "/v1/admin/rebuild", token: recorderToken, status: 403, code: "forbidden",
			vi: "ruby có vai trò recorder; thao tác này cần vai trò admin", en: "ruby has the role recorder; this needs admin"},
		{name: "an unknown figure", method: "GET", path: "/v1/figures/nope/timeline", token: viewerToken, status: 404, code: "not_found", field: "figure"},
		{name: "an unknown report", method: "GET", path: "/v1/reports/1-NONE/reconcile", token: viewerToken, status: 404, code: "not_found", field: "id"},
	} {
		for _, lang := range []string{"vi", "en"} {
			path, hdr := c.path, c.hdr
			if lang == "en" { // ?lang=en, which every endpoint takes
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				path += sep + "lang=en"
			}
			r := e.do(c.method, path, c.token, c.body, hdr...)
			m, _ := r.json(t)["error"].(map[string]any)
			field, _ := m["field"].(string)
			msg, _ := m["message"].(string)
			msgEN, _ := m["message_en"].(string)
			if r.Status != c.status || m["code"] != c.code || field != c.field {
				t.Errorf("%s (%s): got %d %s, want %d %s naming %q", c.name, lang, r.Status, r.Body, c.status, c.code, c.field)
				continue
			}
			if c.field != "" && !strings.HasPrefix(msgEN, c.field+": ") {
				t.Errorf("%s (%s): message_en %q does not start with the field", c.name, lang, msgEN)
			}
			if c.en != "" && msgEN != c.en {
				t.Errorf("%s (%s): message_en\n got %q\nwant %q", c.name, lang, msgEN, c.en)
			}
			switch {
			case lang == "en" && msg != msgEN:
				t.Errorf("%s: ?lang=en answered %q, want the English %q", c.name, msg, msgEN)
			case lang == "vi" && (msg == msgEN || !vietnamese(msg)):
				t.Errorf("%s: the Vietnamese message is not Vietnamese: %q (English %q)", c.name, msg, msgEN)
			case lang == "vi" && c.vi != "" && msg != c.vi:
				t.Errorf("%s: message\n got %q\nwant %q", c.name, msg, c.vi)
			}
		}
	}
}

// A lang that is neither vi nor en is refused, naming lang, by every endpoint.
func TestLangIsCheckedEverywhere(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	for _, path := range []string{"/v1/log?lang=fr", "/v1/definitions?lang=fr", "/v1/figures?lang=fr"} {
		r := e.do("GET", path, viewerToken, nil, "Accept-Language", "en")
		if code, field := r.errFields(t); r.Status != 400 || code != "invalid" || field != "lang" {
			t.Errorf("%s: got %d %s, want 400 invalid naming lang", path, r.Status, r.Body)
		}
	}
	if r := e.get("/v1/definitions?lang=en", viewerToken); r.Status != 200 {
		t.Errorf("/v1/definitions?lang=en: %d %s", r.Status, r.Body)
	}
}
