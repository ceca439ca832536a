//go:build unix

package main

import (
	"bytes"
	"context"
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
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The dashboard end to end: the real serve stack in process, the page in a real headless
// Chromium driven through the DevTools protocol (chromedp), a certification recorded through the
// API, and the page changing without a reload. The page must also run without an uncaught
// exception or a console error.

func TestDashboardEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the dashboard e2e test starts a browser")
	}
	// Screenshots of a passing run are taken only when someone keeps them (a full page costs
	// seconds on a busy machine); a failing run always leaves one, named in the log.
	keepShots := os.Getenv("OCOPLEDGER_ARTEFACTS") != "" || os.Getenv("OCOPLEDGER_UPDATE_SCREENSHOT") != ""
	browserPath := findBrowser(t)
	// Generous: the machine that runs it may be busy; the steps have their own timeouts.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	base := startServe(t, ctx)
	br := startBrowser(t, ctx, browserPath)
	artefacts := artefactDir(t)
	br.failShots = artefacts

	br.navigate(base + "/")
	br.waitJS("page ready", `document.body.dataset.ready === 'true'`)

	// Figures on 07/08/2025 as known at the end of 07/08/2025: the 642 of Công văn 470.
	br.setInput("#as-of", "07/08/2025")
	br.click("#known-at")
	br.setInput("#known-date", "07/08/2025")
	br.setInput("#known-time", "")
	br.click("#apply")
	br.waitJS("the summary names the knowledge time", `!!document.querySelector('#summary .mode.past') && document.querySelector('#summary').textContent.includes('07/08/2025')`)
	// The cards follow the summary once the figures as known then arrive: poll with a deadline.
	want := map[string]int{"ocop.valid": 642, "ocop.valid.stars5": 2, "ocop.valid.stars4": 48, "ocop.valid.stars3": 592}
	got := map[string]int{}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		same := true
		for id, w := range want {
			if got[id] = br.cardValue(id); got[id] != w {
				same = false
			}
		}
		if same || time.Now().After(deadline) {
			break
		}
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s on 07/08/2025 as known at the end of 07/08/2025: the card shows %d, want %d", id, got[id], w)
		}
	}
	if t.Failed() {
		br.screenshot(filepath.Join(artefacts, "dashboard-fail.png"))
		t.FailNow()
	}
	if keepShots {
		br.screenshot(filepath.Join(artefacts, "dashboard-known-at.png"))
	}

	// As known now, and the list behind the figure.
	br.click("#known-now")
	br.waitJS("figures as known now", `!!document.querySelector('#summary .mode') && !document.querySelector('#summary .mode.past') && !document.querySelector('.card.loading')`)
	before := br.cardValue("ocop.valid")
	if before < 642 {
		t.Errorf("ocop.valid as known now: %d, fewer than the 642 known on 07/08/2025", before)
	}
	br.click(`.card[data-figure="ocop.valid"]`)
	br.waitJS("the drill-down lists every product", fmt.Sprintf(`document.querySelectorAll('#drill-table tbody tr[data-item]').length === %d`, before))
	if !br.js(`[...document.querySelectorAll('#drill-table tbody tr')].some(r => r.textContent.includes('Tỏi Lý Sơn'))`) {
		t.Errorf("the drill-down of ocop.valid does not list Tỏi Lý Sơn")
	}
	if !br.js(`(() => { const rows = [...document.querySelectorAll('#drill-table tr[data-synthetic]')]; return rows.length > 0 && rows.every(r => r.textContent.includes('giả lập')) })()`) {
		t.Errorf("the synthetic items of the drill-down are not all labelled “dữ liệu giả lập”")
	}
	br.waitJS("the stars chart", `document.querySelectorAll('#chart svg path[data-series]').length === 3`)

	// Record a 3★ certification through the API; the page must follow without a reload.
	br.js(`window.__notReloaded = true`)
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
	stars3 := br.cardValue("ocop.valid.stars3")
	postEvent(t, ctx, base, "ocop.certified", cert)
	br.waitJS("the live feed shows the certification", `[...document.querySelectorAll('#feed li[data-type="ocop.certified"]')].some(li => li.textContent.includes('Mật ong rừng Ba Tơ'))`)
	br.waitJS("the ocop.valid card counts it", fmt.Sprintf(`+document.querySelector('.card[data-figure="ocop.valid"] [data-value]').textContent.replace(/\D/g, '') === %d`, before+1))
	br.waitJS("the ocop.valid.stars3 card counts it", fmt.Sprintf(`+document.querySelector('.card[data-figure="ocop.valid.stars3"] [data-value]').textContent.replace(/\D/g, '') === %d`, stars3+1))
	if !br.js(`window.__notReloaded === true`) {
		t.Errorf("the page was reloaded: it must update in place")
	}
	br.waitJS("the drill-down follows", fmt.Sprintf(`document.querySelectorAll('#drill-table tbody tr[data-item]').length === %d`, before+1))
	t.Logf("ocop.valid as known now: %d → %d after the certification, without a reload", before, before+1)

	// English switch.
	br.js(`window.scrollTo(0, 0), true`)
	final := filepath.Join(artefacts, "dashboard.png")
	if keepShots {
		br.screenshot(final)
	}
	br.click(`.lang-switch button[data-lang="en"]`)
	br.waitJS("English wording", `document.documentElement.lang === 'en' && document.querySelector('h1').textContent.startsWith('OCOP Programme Ledger')`)
	if keepShots {
		br.screenshot(filepath.Join(artefacts, "dashboard-en.png"))
	}
	if e := br.jsString(`document.querySelector('#api-error').textContent.trim()`); e != "" {
		t.Errorf("the page shows an API error: %s", e)
	}
	for _, p := range br.problemsSoFar() {
		t.Errorf("the page logged %s", p)
	}
	if !keepShots {
		return
	}
	// docs/dashboard.png and the other screenshots in docs/ come from TestDashboardAtWork.
	t.Logf("screenshots in %s", artefacts)
}

// browserNames are the names a Chromium-family browser goes by on $PATH, most likely first.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell", "headless_shell", "chrome"}

// findBrowser returns the browser to drive: $CHROME when set (a path or a name on $PATH), else
// the first of browserNames found. Without one the test is skipped, saying so, except under CI
// (CI=true), where a missing browser fails it: CI installs one.
func findBrowser(t *testing.T) string {
	t.Helper()
	if c := os.Getenv("CHROME"); c != "" {
		p, err := exec.LookPath(c)
		if err != nil {
			t.Fatalf("CHROME=%s: %v", c, err)
		}
		return p
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no Chromium-family browser on $PATH (looked for %s; set CHROME, or apt-get install -y chromium): the dashboard e2e test needs a real browser", strings.Join(browserNames, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func artefactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("OCOPLEDGER_ARTEFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// Not t.TempDir: a failure's screenshot must outlive the test.
	d, err := os.MkdirTemp("", "ocopledger-dashboard-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			os.RemoveAll(d)
		}
	})
	return d
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

// startServe runs `ocopledger serve --demo` in process on a free port, with the extra flags
// given, and returns its base URL once the read models have caught up (GET /readyz answers 200,
// with or without tokens).
func startServe(t *testing.T, ctx context.Context, flags ...string) string {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base := "http://" + addr
	sctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	var buf syncBuffer // the server's goroutines write it while the test reads
	m := NewMain(strings.NewReader(""), io.Discard, &buf)
	go func() {
		defer close(done)
		args := append([]string{"serve", "--demo", "--data", t.TempDir(), "--addr", addr}, flags...)
		if code := m.Run(sctx, args); code != 0 && sctx.Err() == nil {
			t.Errorf("ocopledger serve exited with %d:\n%s", code, buf.String())
		}
		m.Close()
	}()
	t.Cleanup(func() { stop(); <-done })
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
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
	t.Fatalf("the server was not ready (GET /readyz) within 60 s:\n%s", buf.String())
	return ""
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

// browser is one tab of a headless Chromium driven through the DevTools protocol.
type browser struct {
	t         *testing.T
	ctx       context.Context // the tab's chromedp context
	timeout   time.Duration   // for each step
	failShots string          // where a failure's screenshot goes

	mu       sync.Mutex
	problems []string // uncaught exceptions and console errors of the page
}

// startBrowser starts the browser at path with a fresh profile and opens a tab; both end with
// the test.
func startBrowser(t *testing.T, ctx context.Context, path string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in containers
		chromedp.DisableGPU,
		chromedp.WindowSize(1440, 1000),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(actx, chromedp.WithErrorf(func(format string, args ...any) {
		t.Logf("chromedp: "+format, args...)
	}))
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	br := &browser{t: t, ctx: tab, timeout: 20 * time.Second, failShots: t.TempDir()}
	messages := chromedp.Console(tab) // starts the browser
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				br.mu.Lock()
				br.problems = append(br.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				br.mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return br
}

func (br *browser) problemsSoFar() []string {
	br.mu.Lock()
	defer br.mu.Unlock()
	return append([]string(nil), br.problems...)
}

// do runs steps in the tab, each group within the step timeout; an error ends the test with the
// state of the page.
func (br *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, br.timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		br.fail(what, err)
	}
}

// fail ends the test, saying what it was doing, with a screenshot and the state of the page.
func (br *browser) fail(what string, err error) {
	br.t.Helper()
	br.screenshot(filepath.Join(br.failShots, "dashboard-fail.png"))
	ctx, cancel := context.WithTimeout(br.ctx, 5*time.Second)
	defer cancel()
	v, serr := chromedp.Run(ctx, chromedp.Evaluate[any](`({summary: document.querySelector('#summary')?.textContent, error: document.querySelector('#api-error')?.textContent, live: document.querySelector('#live')?.dataset.state, feed: [...document.querySelectorAll('#feed li')].slice(0, 3).map(li => li.textContent)})`))
	state, _ := json.Marshal(v)
	if serr != nil {
		state = []byte(strconv.Quote(serr.Error()))
	}
	br.t.Fatalf("%s: %v; page state: %s; the page logged: %q", what, err, state, br.problemsSoFar())
}

func (br *browser) navigate(url string) {
	br.t.Helper()
	br.do("open "+url, chromedp.Navigate(url))
}

// click clicks the middle of an element with the mouse, once it is visible.
func (br *browser) click(css string) {
	br.t.Helper()
	br.do("click "+css, chromedp.Click(chromedp.CSS(css)))
}

// setInput selects what an input holds and types text over it (or deletes it), as a user would.
func (br *browser) setInput(css, text string) {
	br.t.Helper()
	if text == "" {
		text = kb.Backspace
	}
	br.do("type into "+css,
		chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(el => { el.focus(); el.select() })(document.querySelector(%q))`, css)),
		chromedp.KeyEvent(text),
	)
}

// js evaluates a JavaScript expression that must give a boolean.
func (br *browser) js(expr string) bool {
	br.t.Helper()
	return evaluate[bool](br, expr)
}

// jsString evaluates a JavaScript expression that must give a string.
func (br *browser) jsString(expr string) string {
	br.t.Helper()
	return evaluate[string](br, expr)
}

// evaluate evaluates a JavaScript expression in the page and decodes its value into a T.
func evaluate[T any](br *browser, expr string) T {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, br.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		br.fail("evaluate "+expr, err)
	}
	return v
}

// waitJS polls a JavaScript expression in the page until it is true, for up to the step timeout.
func (br *browser) waitJS(what, expr string) {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, br.timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(br.timeout)))
	if err != nil {
		if errors.Is(err, chromedp.ErrPollingTimeout) {
			err = fmt.Errorf("not true after %s", br.timeout)
		}
		br.fail("wait for "+what, err)
	}
}

// viewport sets the size of the page's window in CSS pixels, as a phone or a laptop would.
func (br *browser) viewport(width, height int64) {
	br.t.Helper()
	br.do(fmt.Sprintf("set the viewport to %dx%d", width, height), chromedp.EmulateViewport(width, height))
}

// cardValue reads the number on a figure's card.
func (br *browser) cardValue(id string) int {
	br.t.Helper()
	s := br.jsString(`document.querySelector('.card[data-figure="` + id + `"] [data-value]').textContent`)
	n, err := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s))
	if err != nil {
		br.t.Fatalf("the %s card shows %q, not a number", id, s)
	}
	return n
}

// screenshot saves a PNG of the whole page (beyond the viewport) and logs its path.
func (br *browser) screenshot(path string) {
	br.t.Helper()
	ctx, cancel := context.WithTimeout(br.ctx, br.timeout)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		br.t.Logf("screenshot: %v", err)
		return
	}
	br.t.Logf("screenshot: %s", path)
}
