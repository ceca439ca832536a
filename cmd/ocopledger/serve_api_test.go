package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

const serveAdminToken = "admin-token-0123456789"

// serveOnLoopback runs `ocopledger serve` on a free loopback port with an admin token and the given
// extra arguments, waits until it is ready and returns its base URL and its log. It is stopped
// when the test ends.
func serveOnLoopback(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	t.Setenv("OCOPLEDGER_TOKENS", serveAdminToken+":admin:ana")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	m := NewMain(strings.NewReader(""), io.Discard, &logs)
	code := make(chan int, 1)
	go func() {
		code <- m.Run(ctx, append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--instance", "test"}, args...))
		m.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case c := <-code:
			if c != 0 {
				t.Errorf("serve exit code %d after a stop; log:\n%s", c, logs.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	re := regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/`)
	waitFor(t, "the start line", func() bool { return re.MatchString(logs.String()) })
	base := "http://" + re.FindStringSubmatch(logs.String())[1]
	waitFor(t, "/readyz", func() bool {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	return base, &logs
}

// apiError is the error body of the API.
type apiError struct {
	Error struct {
		Code      string `json:"code"`
		Field     string `json:"field"`
		Message   string `json:"message"`
		MessageEN string `json:"message_en"`
	} `json:"error"`
}

// The webhook API, a part mounted beside the API by serve, answers its errors as the API does:
// the same body, Vietnamese unless the request asks for English.
func TestServeWebhookErrorsReadLikeTheAPI(t *testing.T) {
	base, _ := serveOnLoopback(t)
	for _, c := range []struct {
		name, method, path, token, body, acceptLanguage string
		status                                          int
		code, field, message                            string
	}{
		{"a bad URL", "POST", "/v1/webhooks", serveAdminToken, `{"url": "ftp://x.org/h", "secret": "0123456789abcdef0123"}`, "",
			400, "invalid", "url", `url: "ftp://x.org/h" phải bắt đầu bằng http:// hoặc https://`},
		{"a bad URL, in English", "POST", "/v1/webhooks?lang=en", serveAdminToken, `{"url": "ftp://x.org/h", "secret": "0123456789abcdef0123"}`, "",
			400, "invalid", "url", `url: "ftp://x.org/h" must start with http:// or https://`},
		{"malformed JSON, for an English browser", "POST", "/v1/webhooks", serveAdminToken, `{"url": `, "en-GB,en;q=0.9",
			400, "invalid", "", "the JSON of the body stops before its end (at most 64 KiB are read)"},
		{"malformed JSON", "POST", "/v1/webhooks", serveAdminToken, `{"url": `, "",
			400, "invalid", "", "JSON của nội dung gửi lên bị dừng giữa chừng (chỉ đọc tối đa 64 KiB)"},
		{"an unknown webhook", "GET", "/v1/webhooks/wh_nope", serveAdminToken, "", "vi",
			404, "not_found", "", `không có webhook "wh_nope"`},
		{"no token", "GET", "/v1/webhooks", "", "", "",
			401, "unauthorized", "Authorization", "Authorization: thao tác này cần mã truy cập có vai trò admin trở lên"},
	} {
		req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if c.acceptLanguage != "" {
			req.Header.Set("Accept-Language", c.acceptLanguage)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body apiError
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		e := body.Error
		if err != nil || res.StatusCode != c.status || e.Code != c.code || e.Field != c.field || e.Message != c.message || e.MessageEN == "" {
			t.Errorf("%s: got %d %+v (%v), want %d %s naming %q saying %q", c.name, res.StatusCode, e, err, c.status, c.code, c.field, c.message)
		}
	}
}
