//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The dashboard end to end: the real serve stack in process, the page in headless Chromium
// driven through chromedriver's W3C WebDriver API (plain HTTP, so no WebSocket library), a
// certification recorded through the API, and the page changing without a reload.

const (
	chromiumPath     = "/usr/bin/chromium"
	chromedriverPath = "/usr/bin/chromedriver"
)

func TestDashboardEndToEnd(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("headless Chromium is not installed at %s (apt-get install -y chromium chromium-driver): the dashboard e2e test needs a real browser", chromiumPath)
	}
	if testing.Short() {
		t.Skip("-short: the dashboard e2e test starts a browser")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	base := startServe(t, ctx)
	wd := startBrowser(t, ctx)
	artefacts := artefactDir(t)

	wd.navigate(base + "/")
	wd.waitJS("page ready", `return document.body.dataset.ready === 'true'`)

	// Figures on 07/08/2025 as known at the end of 07/08/2025: the 642 of Công văn 470.
	wd.setInput("#as-of", "07/08/2025")
	wd.click("#known-at")
	wd.setInput("#known-date", "07/08/2025")
	wd.setInput("#known-time", "")
	wd.click("#apply")
	wd.waitJS("the summary names the knowledge time", `return !!document.querySelector('#summary .mode.past') && document.querySelector('#summary').textContent.includes('07/08/2025')`)
	// The cards follow the summary once the figures as known then arrive: poll with a deadline.
	want := map[string]int{"ocop.valid": 642, "ocop.valid.stars5": 2, "ocop.valid.stars4": 48, "ocop.valid.stars3": 592}
	got := map[string]int{}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		same := true
		for id, w := range want {
			if got[id] = wd.cardValue(id); got[id] != w {
				same = false
			}
		}
		if same || time.Now().After(deadline) {
			break
		}
	}
	for id, w := range want {
		if got[id] != w {
			wd.screenshot(filepath.Join(artefacts, "dashboard-fail.png"))
			t.Errorf("%s on 07/08/2025 as known at the end of 07/08/2025: the card shows %d, want %d", id, got[id], w)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	wd.screenshot(filepath.Join(artefacts, "dashboard-known-at.png"))

	// As known now, and the list behind the figure.
	wd.click("#known-now")
	wd.waitJS("figures as known now", `return !!document.querySelector('#summary .mode') && !document.querySelector('#summary .mode.past') && !document.querySelector('.card.loading')`)
	before := wd.cardValue("ocop.valid")
	wd.click(`.card[data-figure="ocop.valid"]`)
	wd.waitJS("the drill-down lists every product", fmt.Sprintf(`return document.querySelectorAll('#drill-table tbody tr[data-item]').length === %d`, before))
	if !wd.js(`return [...document.querySelectorAll('#drill-table tbody tr')].some(r => r.textContent.includes('Tỏi Lý Sơn'))`).(bool) {
		t.Errorf("the drill-down of ocop.valid does not list Tỏi Lý Sơn")
	}
	if !wd.js(`const rows = [...document.querySelectorAll('#drill-table tr[data-synthetic]')]; return rows.length > 0 && rows.every(r => r.textContent.includes('giả lập'))`).(bool) {
		t.Errorf("the synthetic items of the drill-down are not all labelled “dữ liệu giả lập”")
	}
	wd.waitJS("the stars chart", `return document.querySelectorAll('#chart svg path[data-series]').length === 3`)

	// Record a 3★ certification through the API; the page must follow without a reload.
	wd.js(`window.__notReloaded = true; return true`)
	cert := map[string]any{
		"product_id":    "e2e-mat-ong-rung-ba-to",
		"product_name":  "Mật ong rừng Ba Tơ (kiểm thử e2e)",
		"producer_id":   "e2e-htx-ba-to",
		"producer_name": "HTX Nông nghiệp Ba Tơ (kiểm thử)",
		"producer_kind": "cooperative",
		"product_set":   "I.3",
		"stars":         3,
		"decision":      map[string]any{"number": "999/QĐ-UBND", "date": "2025-08-01", "authority": "province", "issuer": "UBND tỉnh Quảng Ngãi"},
		"address":       map[string]any{"commune": "xã Ba Tơ", "province": "Quảng Ngãi"},
		"synthetic":     true,
	}
	postEvent(t, ctx, base, "ocop.certified", cert)
	wd.waitJS("the live feed shows the certification", `return [...document.querySelectorAll('#feed li[data-type="ocop.certified"]')].some(li => li.textContent.includes('Mật ong rừng Ba Tơ'))`)
	wd.waitJS("the ocop.valid card counts it", fmt.Sprintf(`return +document.querySelector('.card[data-figure="ocop.valid"] [data-value]').textContent.replace(/\D/g, '') === %d`, before+1))
	if got := wd.cardValue("ocop.valid.stars3"); got < 592 {
		t.Errorf("ocop.valid.stars3 as known now: %d", got)
	}
	if !wd.js(`return window.__notReloaded === true`).(bool) {
		t.Errorf("the page was reloaded: it must update in place")
	}
	wd.waitJS("the drill-down follows", fmt.Sprintf(`return document.querySelectorAll('#drill-table tbody tr[data-item]').length === %d`, before+1))
	t.Logf("ocop.valid as known now: %d → %d after the certification, without a reload", before, before+1)

	// English switch.
	wd.js(`window.scrollTo(0, 0); return true`)
	final := filepath.Join(artefacts, "dashboard.png")
	wd.screenshot(final)
	wd.click(`.lang-switch button[data-lang="en"]`)
	wd.waitJS("English wording", `return document.documentElement.lang === 'en' && document.querySelector('h1').textContent.startsWith('OCOP Programme Ledger')`)
	wd.screenshot(filepath.Join(artefacts, "dashboard-en.png"))
	t.Logf("screenshots in %s", artefacts)
	if os.Getenv("OCOPLEDGER_UPDATE_SCREENSHOT") != "" {
		b, err := os.ReadFile(final)
		if err == nil {
			err = os.WriteFile(filepath.Join("..", "..", "docs", "dashboard.png"), b, 0o644)
		}
		if err != nil {
			t.Errorf("update docs/dashboard.png: %v", err)
		}
	}
}

func artefactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("OCOPLEDGER_ARTEFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServe runs `ocopledger serve --demo` in process on a free port and returns its base URL
// once the API answers.
func startServe(t *testing.T, ctx context.Context) string {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base := "http://" + addr
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	var buf bytes.Buffer
	out := &syncWriter{w: &buf}
	m := NewMain(strings.NewReader(""), io.Discard, out)
	go func() {
		defer close(done)
		if code := m.Run(sctx, []string{"serve", "--demo", "--data", t.TempDir(), "--addr", addr}); code != 0 && sctx.Err() == nil {
			t.Errorf("ocopledger serve exited with %d:\n%s", code, buf.String())
		}
		m.Close()
	}()
	t.Cleanup(func() { stop(); <-done })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/v1/figures")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-done:
			t.Fatalf("the server stopped before answering:\n%s", buf.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("the server did not answer GET /v1/figures within 60 s:\n%s", buf.String())
	return ""
}

// syncWriter lets the server's goroutines write the log the test prints on failure.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func postEvent(t *testing.T, ctx context.Context, base, typ string, payload any) {
	t.Helper()
	b, _ := json.Marshal(payload)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/events/"+typ, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST /v1/events/%s: status %d, want 201: %s", typ, res.StatusCode, body)
	}
}

// webDriver speaks the W3C WebDriver protocol to chromedriver.
type webDriver struct {
	t       *testing.T
	ctx     context.Context
	url     string // http://127.0.0.1:port/session/id
	timeout time.Duration
}

func startBrowser(t *testing.T, ctx context.Context) *webDriver {
	t.Helper()
	if _, err := os.Stat(chromedriverPath); err != nil {
		t.Fatalf("Chromium is installed but chromedriver is not at %s (apt-get install -y chromium-driver)", chromedriverPath)
	}
	port := freePort(t)
	// chromedriver and the browser it starts share a process group, ended together; their output
	// goes to a file, so that no pipe held open by a browser process can keep Wait waiting.
	logf, err := os.Create(filepath.Join(t.TempDir(), "chromedriver.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromedriverPath, "--port="+strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		logf.Close()
	})
	logs := func() string { b, _ := os.ReadFile(logf.Name()); return string(b) }
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	wd := &webDriver{t: t, ctx: ctx, timeout: 20 * time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var st struct {
			Ready bool `json:"ready"`
		}
		if err := wd.do(http.MethodGet, root+"/status", nil, &st); err == nil && st.Ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not start:\n%s", logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chromiumPath,
			"args": []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
				"--user-data-dir=" + t.TempDir(), "--window-size=1440,1000", "--lang=vi-VN", "--force-device-scale-factor=1"},
		},
	}}}
	var sess struct {
		SessionID string `json:"sessionId"`
	}
	if err := wd.do(http.MethodPost, root+"/session", caps, &sess); err != nil {
		t.Fatalf("start a browser session: %v\n%s", err, logs())
	}
	wd.url = root + "/session/" + sess.SessionID
	t.Cleanup(func() { wd.do(http.MethodDelete, wd.url, nil, nil) })
	return wd
}

// do sends one WebDriver command and decodes its "value".
func (wd *webDriver) do(method, url string, body, value any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(wd.ctx, method, url, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s %s: %d: %w", method, url, res.StatusCode, err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d: %s", method, url, res.StatusCode, env.Value)
	}
	if value == nil {
		return nil
	}
	return json.Unmarshal(env.Value, value)
}

func (wd *webDriver) must(err error) {
	wd.t.Helper()
	if err != nil {
		wd.t.Fatal(err)
	}
}

func (wd *webDriver) navigate(url string) {
	wd.t.Helper()
	wd.must(wd.do(http.MethodPost, wd.url+"/url", map[string]string{"url": url}, nil))
}

func (wd *webDriver) element(css string) string {
	wd.t.Helper()
	var el map[string]string
	wd.must(wd.do(http.MethodPost, wd.url+"/element", map[string]string{"using": "css selector", "value": css}, &el))
	for _, id := range el {
		return id
	}
	wd.t.Fatalf("no element %s", css)
	return ""
}

func (wd *webDriver) click(css string) {
	wd.t.Helper()
	wd.must(wd.do(http.MethodPost, wd.url+"/element/"+wd.element(css)+"/click", map[string]any{}, nil))
}

// setInput clears an input and types text into it, as a user would, then leaves it (change).
func (wd *webDriver) setInput(css, text string) {
	wd.t.Helper()
	id := wd.element(css)
	wd.must(wd.do(http.MethodPost, wd.url+"/element/"+id+"/clear", map[string]any{}, nil))
	if text != "" {
		wd.must(wd.do(http.MethodPost, wd.url+"/element/"+id+"/value", map[string]string{"text": text}, nil))
	}
}

func (wd *webDriver) js(script string, args ...any) any {
	wd.t.Helper()
	if args == nil {
		args = []any{}
	}
	var v any
	wd.must(wd.do(http.MethodPost, wd.url+"/execute/sync", map[string]any{"script": script, "args": args}, &v))
	return v
}

// waitJS polls a script until it returns true.
func (wd *webDriver) waitJS(what, script string) {
	wd.t.Helper()
	deadline := time.Now().Add(wd.timeout)
	for {
		var v any
		err := wd.do(http.MethodPost, wd.url+"/execute/sync", map[string]any{"script": script, "args": []any{}}, &v)
		if err == nil && v == true {
			return
		}
		if time.Now().After(deadline) || errors.Is(wd.ctx.Err(), context.DeadlineExceeded) {
			wd.screenshot(filepath.Join(wd.t.TempDir(), "timeout.png"))
			state, _ := json.Marshal(wd.js(`return {summary: document.querySelector('#summary').textContent, error: document.querySelector('#api-error').textContent, live: document.querySelector('#live').dataset.state, feed: [...document.querySelectorAll('#feed li')].slice(0, 3).map(li => li.textContent)}`))
			wd.t.Fatalf("waited %s for %s (last error: %v); page state: %s", wd.timeout, what, err, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cardValue reads the number on a figure's card.
func (wd *webDriver) cardValue(id string) int {
	wd.t.Helper()
	s, _ := wd.js(`return document.querySelector('.card[data-figure="` + id + `"] [data-value]').textContent`).(string)
	n, err := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s))
	if err != nil {
		wd.t.Fatalf("the %s card shows %q, not a number", id, s)
	}
	return n
}

// screenshot saves a PNG of the whole page (beyond the viewport) and logs its path.
func (wd *webDriver) screenshot(path string) {
	wd.t.Helper()
	var metrics struct {
		CSSContentSize struct{ Width, Height float64 } `json:"cssContentSize"`
	}
	if err := wd.do(http.MethodPost, wd.url+"/goog/cdp/execute", map[string]any{"cmd": "Page.getLayoutMetrics", "params": map[string]any{}}, &metrics); err != nil {
		wd.t.Logf("screenshot: %v", err)
		return
	}
	var shot struct {
		Data string `json:"data"`
	}
	params := map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": metrics.CSSContentSize.Width, "height": metrics.CSSContentSize.Height, "scale": 1}}
	if err := wd.do(http.MethodPost, wd.url+"/goog/cdp/execute", map[string]any{"cmd": "Page.captureScreenshot", "params": params}, &shot); err != nil {
		wd.t.Logf("screenshot: %v", err)
		return
	}
	b, err := base64.StdEncoding.DecodeString(shot.Data)
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		wd.t.Logf("screenshot: %v", err)
		return
	}
	wd.t.Logf("screenshot: %s", path)
}
