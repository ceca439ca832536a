//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The dashboard at work, end to end in a real Chromium against the real serve stack with tokens
// required (no public reads): the token prompt that names the role, the tables that page to all
// their rows, and the page on a 390-pixel phone.

const (
	viewerToken   = "viewer-token-e2e-0123456789"
	recorderToken = "recorder-token-e2e-0123456789"
)

// startServeWithTokens runs serve --demo with a viewer and a recorder token and nothing public.
func startServeWithTokens(t *testing.T, ctx context.Context) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "tokens")
	lines := viewerToken + " viewer binh\n" + recorderToken + " recorder an\n"
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	return startServe(t, ctx, "--tokens", file)
}

// press clicks a button through the page's own click(): for controls that a live update may
// redraw between chromedp's finding the node and its mouse click.
func (br *browser) press(css string) {
	br.t.Helper()
	if !br.js(fmt.Sprintf(`(b => !!b && (b.click(), true))(document.querySelector(%q))`, css)) {
		br.fail("press "+css, fmt.Errorf("no such element"))
	}
}

// keepScreenshot copies a screenshot into docs/ when OCOPLEDGER_UPDATE_SCREENSHOT is set.
func keepScreenshot(t *testing.T, br *browser, dir, name string) {
	t.Helper()
	path := filepath.Join(dir, name)
	br.screenshot(path)
	if os.Getenv("OCOPLEDGER_UPDATE_SCREENSHOT") == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join("..", "..", "docs", name), b, 0o644)
	}
	if err != nil {
		t.Errorf("update docs/%s: %v", name, err)
	}
}

func TestDashboardAtWork(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the dashboard e2e test starts a browser")
	}
	browserPath := findBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	base := startServeWithTokens(t, ctx)
	br := startBrowser(t, ctx, browserPath)
	artefacts := artefactDir(t)
	br.failShots = artefacts
	br.viewport(1366, 900)

	// Without a token the page asks for one, naming the role, and never says the connection is lost.
	br.navigate(base + "/")
	br.waitJS("page ready", `document.body.dataset.ready === 'true'`)
	br.waitJS("the token prompt", `!document.querySelector('#auth').hidden`)
	if got := br.jsString(`document.querySelector('#auth-title').textContent`); !strings.Contains(got, "cần vai trò viewer") {
		t.Errorf("the token prompt says %q, want it to name the role: “cần vai trò viewer”", got)
	}
	br.waitJS("the live badge says a token is needed", `document.querySelector('#live').dataset.state === 'auth'`)
	if got := br.jsString(`document.body.innerText`); strings.Contains(got, "Mất kết nối") || strings.Contains(got, "Không đọc được số liệu") {
		t.Errorf("the page blames the connection or the figures for an authorisation problem:\n%s", got)
	}
	br.setInput("#token", viewerToken)
	br.click(`#auth-form button[type="submit"]`)
	br.waitJS("the figures once the token is given", `document.querySelector('#auth').hidden && +document.querySelector('.card[data-figure="ocop.valid"] [data-value]').textContent.replace(/\D/g, '') > 0`)
	br.waitJS("the streams follow with the token", `document.querySelector('#live').dataset.state === 'open'`)
	if got := br.jsString(`sessionStorage.getItem('ocopledger.token')`); got != viewerToken {
		t.Errorf("sessionStorage keeps %q, want the token given", got)
	}

	// The expiring table pages to all its rows: 47 certificates expire within 30 days of 01/12/2025.
	br.setInput("#as-of", "01/12/2025")
	br.click("#apply")
	br.waitJS("the expiring table's first page", `document.querySelectorAll('#expiring-table tbody tr[data-item]').length === 10 && document.querySelector('#expiring-sub').textContent.includes(': 47 mục')`)
	seen := map[string]bool{}
	for page := 1; ; page++ {
		for _, id := range strings.Fields(br.jsString(`[...document.querySelectorAll('#expiring-table tbody tr[data-item]')].map(r => r.dataset.item).join(' ')`)) {
			seen[id] = true
		}
		if br.js(`document.querySelector('#expiring-pager [data-page="next"]').disabled`) {
			break
		}
		if page > 10 {
			t.Fatal("the expiring pager does not end")
		}
		br.press(`#expiring-pager [data-page="next"]`)
		br.waitJS("the next page", fmt.Sprintf(`document.querySelector('#expiring-pager .pager-pos').dataset.pos.startsWith('%d-')`, page*10+1))
	}
	if len(seen) != 47 {
		t.Errorf("paging through the expiring table shows %d different items, want 47", len(seen))
	}
	br.press(`#expiring-pager [data-page="all"]`)
	br.waitJS("all the expiring rows at once", `document.querySelectorAll('#expiring-table tbody tr[data-item]').length === 47`)
	keepScreenshot(t, br, artefacts, "dashboard.png")

	// On a 390-pixel phone: nothing wider than the screen; wide tables scroll inside their box.
	br.viewport(390, 844)
	br.navigate(base + "/?as_of=2025-12-01")
	br.waitJS("page ready on the phone", `document.body.dataset.ready === 'true' && +document.querySelector('.card[data-figure="ocop.valid"] [data-value]').textContent.replace(/\D/g, '') > 0`)
	br.waitJS("the live feed on the phone", `document.querySelectorAll('#feed li[data-seq]').length > 0`)
	if w := evaluate[int](br, `document.documentElement.scrollWidth`); w > 390 {
		wide := br.jsString(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap')).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')`)
		t.Errorf("the page is %d pixels wide on a 390-pixel phone; too wide: %s", w, wide)
	}
	if !br.js(`(() => { const w = document.querySelector('#expiring-table').closest('.table-wrap'); return w.clientWidth <= 390 && getComputedStyle(w).overflowX === 'auto' })()`) {
		t.Errorf("the expiring table's box is wider than the phone or does not scroll")
	}
	if !br.js(`[...document.querySelectorAll('#feed li[data-seq] .what')].every(e => e.getBoundingClientRect().right <= 390)`) {
		t.Errorf("the live feed's entries run off the phone's screen")
	}
	keepScreenshot(t, br, artefacts, "dashboard-mobile.png")
	for _, p := range br.problemsSoFar() {
		if !strings.Contains(p, "401") && !strings.Contains(p, "Unauthorized") {
			t.Errorf("the page logged %s", p)
		}
	}
}
