package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
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
	return serveOnLoopbackWith(t, nil, args...)
}

// serveOnLoopbackWith is serveOnLoopback with set, if not nil, changing the Main before it runs.
func serveOnLoopbackWith(t *testing.T, set func(*Main), args ...string) (string, *syncBuffer) {
	t.Helper()
	t.Setenv("OCOPLEDGER_TOKENS", serveAdminToken+":admin:ana")
	dir := t.TempDir() // made before the stop is registered, so it is removed after serve stopped
	return serveInProcessWith(t, set, append([]string{"--data", dir, "--instance", "test"}, args...)...)
}

// serveInProcess runs `ocopledger serve` with args in this process on a free loopback port, with
// the tokens the environment gives, until the test ends (failing it if serve does not stop
// cleanly), and returns its base URL once it is ready, and its log.
func serveInProcess(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	return serveInProcessWith(t, nil, args...)
}

func serveInProcessWith(t *testing.T, set func(*Main), args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	m := NewMain(strings.NewReader(""), io.Discard, &logs)
	if set != nil {
		set(m)
	}
	code := make(chan int, 1)
	go func() {
		c := m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
		m.Close() // the store closed before the cleanup removes its folder (a consumer's state written late)
		code <- c
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
		// A request no route matches gets the same body, not the mux's plain English text.
		{"a path the API does not have", "GET", "/v1/figure", serveAdminToken, "", "",
			404, "not_found", "path", "path: API không có đường dẫn /v1/figure; danh sách đường dẫn có trong /v1/openapi.json"},
		{"a path the API does not have, in English", "GET", "/v1/figure?lang=en", serveAdminToken, "", "",
			404, "not_found", "path", "path: the API has no /v1/figure; its routes are listed in /v1/openapi.json"},
		{"a method the path does not take", "DELETE", "/v1/webhooks", serveAdminToken, "", "",
			405, "invalid", "method", "method: DELETE không áp dụng cho /v1/webhooks; đường dẫn này nhận: GET, HEAD, POST"},
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

// docPath is the OpenAPI path of the path of a ServeMux pattern: "/{$}" is "/", a wildcard
// "{id...}" is "{id}", and a subtree "/assets/" is the one documented path below it with a
// single parameter ("/assets/{file}").
func docPath(path string, documented map[string]map[string]json.RawMessage) string {
	if p, ok := strings.CutSuffix(path, "{$}"); ok {
		return p
	}
	path = regexp.MustCompile(`\{(\w+)\.\.\.\}`).ReplaceAllString(path, "{$1}")
	if path != "/" && strings.HasSuffix(path, "/") {
		below := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `\{\w+\}$`)
		for p := range documented {
			if below.MatchString(p) {
				return p
			}
		}
	}
	return path
}

// Every route `ocopledger serve` mounts, whichever part mounts it (the API, the webhooks, the
// dashboard…), is in the OpenAPI document it serves, and the document describes nothing that is
// not served. The routes are the ones serve -v logs as it mounts them.
func TestServeRoutesAreInTheOpenAPIDocument(t *testing.T) {
	base, logs := serveOnLoopback(t, "-v")
	res, err := http.Get(base + "/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	err = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("/v1/openapi.json: %d %v", res.StatusCode, err)
	}
	documented := map[string]bool{} // "GET /v1/log"
	for p, item := range doc.Paths {
		for m := range item {
			switch m {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}

	served := map[string]string{} // "GET /v1/log" → the pattern
	re := regexp.MustCompile(`msg=route pattern=("(?:[^"\\]|\\.)*"|\S+)`)
	for _, m := range re.FindAllStringSubmatch(logs.String(), -1) {
		pattern := m[1]
		if q, err := strconv.Unquote(pattern); err == nil {
			pattern = q
		}
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || method == "" || !strings.HasPrefix(path, "/") {
			t.Errorf("the pattern %q has no method: mount it with one, and document it for that method", pattern)
			continue
		}
		served[method+" "+docPath(path, doc.Paths)] = pattern
	}
	for _, want := range []string{"POST /v1/events/{type}", "POST /v1/webhooks", "GET /v1/webhooks/{id}/deliveries", "GET /"} {
		if _, ok := served[want]; !ok {
			t.Fatalf("serve -v did not log the route %s; the test cannot see the routes (log:\n%s)", want, logs.String())
		}
	}

	var missing, extra []string
	for op, pattern := range served {
		if !documented[op] {
			missing = append(missing, op+" (pattern "+strconv.Quote(pattern)+")")
		}
	}
	for op := range documented {
		if _, ok := served[op]; !ok {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, op := range missing {
		t.Errorf("serve mounts %s, which the OpenAPI document (httpapi/openapi.json) does not describe", op)
	}
	for _, op := range extra {
		t.Errorf("the OpenAPI document describes %s, which serve does not mount", op)
	}
	if len(served) < 20 {
		t.Errorf("only %d routes: %v", len(served), served)
	}
}
