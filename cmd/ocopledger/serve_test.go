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

	"github.com/ocopledger/ocopledger/internal/syncbuf"
)

// syncBuffer is a log a test reads while other goroutines write it.
type syncBuffer = syncbuf.Buffer

// waitFor polls cond until it holds or 15 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const servePayload = `{"product_id":"toi-serve","product_name":"Tỏi thử (dữ liệu giả lập)","producer_id":"p-serve","producer_name":"Chủ thể thử","producer_kind":"enterprise","product_set":"I.4b","stars":4,"decision":{"number":"GL-1/QĐ-UBND","date":"2024-03-01","authority":"province"},"address":{"district":"huyện Lý Sơn","province":"Quảng Ngãi"},"synthetic":true}`

func TestServeAndWatch(t *testing.T) {
	t.Setenv("OCOPLEDGER_TOKENS", "recorder-token-0123456789:recorder:ruby,viewer-token-0123456789:viewer:victor")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var serveOut, serveErr syncBuffer
	m := NewMain(strings.NewReader(""), &serveOut, &serveErr)
	code := make(chan int, 1)
	go func() {
		c := m.Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--instance", "test"})
		m.Close() // the store closed before the test's cleanup removes its folder
		code <- c
	}()
	re := regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/`)
	waitFor(t, "the start line", func() bool { return re.MatchString(serveErr.String()) })
	base := "http://" + re.FindStringSubmatch(serveErr.String())[1]
	// Whoever started it is told where the dashboard is, in Vietnamese by default.
	waitFor(t, "the banner", func() bool { return strings.Contains(serveOut.String(), "Bảng điều khiển:  "+base+"/") })
	if out := serveOut.String(); !strings.Contains(out, "chỉ người có token") {
		t.Errorf("the banner does not say that tokens are needed:\n%s", out)
	}
	waitFor(t, "/readyz", func() bool {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})

	// watch, connected to the server, from the start of the log.
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	var watchOut syncBuffer
	wm := NewMain(strings.NewReader(""), &watchOut, io.Discard)
	watchDone := make(chan int, 1)
	go func() {
		watchDone <- wm.Run(wctx, []string{"watch", "events", "--server", base, "--token", "viewer-token-0123456789", "--since", "0", "--lang", "en"})
	}()

	req, _ := http.NewRequest("POST", base+"/v1/events/ocop.certified", strings.NewReader(servePayload))
	req.Header.Set("Authorization", "Bearer recorder-token-0123456789")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	waitFor(t, "watch to print the event", func() bool { return strings.Contains(watchOut.String(), "ocop.certified") })
	if out := watchOut.String(); !strings.Contains(out, "#1 ") || !strings.Contains(out, "by ruby") {
		t.Errorf("watch printed %q", out)
	}
	stopWatch()
	if c := <-watchDone; c != 0 {
		t.Errorf("watch exit code %d", c)
	}

	req, _ = http.NewRequest("GET", base+"/v1/figures?as_of=2025-08-07", nil)
	req.Header.Set("Authorization", "Bearer viewer-token-0123456789")
	waitFor(t, "the figure", func() bool {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer res.Body.Close()
		var body struct {
			Figures map[string]int64 `json:"figures"`
		}
		json.NewDecoder(res.Body).Decode(&body)
		return body.Figures["ocop.valid"] == 1
	})
	if res, err := http.Get(base + "/v1/figures"); err != nil || res.StatusCode != 401 {
		t.Errorf("a read without a token: %v %v", res.StatusCode, err)
	}

	cancel() // SIGTERM
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("serve exit code %d after a stop; log:\n%s", c, serveErr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(serveErr.String(), "ocopledger stopped") {
		t.Errorf("no stop line in the log:\n%s", serveErr.String())
	}
}

func TestServeRefusesOpenModeOffLoopback(t *testing.T) {
	t.Setenv("OCOPLEDGER_TOKENS", "")
	for lang, says := range map[string]string{"vi": "addr: chưa cấu hình mã truy cập nào, nên bất kỳ ai truy cập được 0.0.0.0:0 cũng dùng được máy chủ",
		"en": "addr: no tokens are configured, so the server would be open to anyone who reaches 0.0.0.0:0"} {
		var errw syncBuffer
		m := NewMain(strings.NewReader(""), io.Discard, &errw)
		if c := m.Run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "0.0.0.0:0", "--lang", lang}); c != 2 {
			t.Errorf("%s: exit code %d, want 2; %s", lang, c, errw.String())
		}
		m.Close()
		if !strings.Contains(errw.String(), says) {
			t.Errorf("%s: message %q does not say %q", lang, errw.String(), says)
		}
	}
}

func TestWatchWithoutServerFollowsTheLog(t *testing.T) {
	dir := t.TempDir()
	rm := NewMain(strings.NewReader(servePayload), io.Discard, io.Discard)
	if c := rm.Run(context.Background(), []string{"record", "ocop.certified", "--data", dir}); c != 0 {
		t.Fatalf("record: exit %d", c)
	}
	rm.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errw syncBuffer
	wm := NewMain(strings.NewReader(""), &out, &errw)
	done := make(chan int, 1)
	go func() {
		c := wm.Run(ctx, []string{"watch", "--data", dir, "--server", "http://127.0.0.1:1", "--since", "0", "--lang", "en"})
		wm.Close() // the store closed before the test's cleanup removes its folder
		done <- c
	}()
	waitFor(t, "the event", func() bool { return strings.Contains(out.String(), "ocop.certified") })
	if !strings.Contains(errw.String(), "following the log directly") {
		t.Errorf("no notice of the fallback: %q", errw.String())
	}
	cancel()
	if c := <-done; c != 0 {
		t.Errorf("watch exit %d", c)
	}
}
