package httpapi_test

import (
	"strings"
	"testing"
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
