//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
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
	base := startServe(t, ctx, "--tokens", file)
	// The expiry notifier's first sweep records what is due on today's date (the wall clock):
	// at some hours of some days ~180 entries, which would push an entry recorded during the
	// test out of the live feed it is then corrected from. Its metrics appear once it is done.
	deadline := time.Now().Add(2 * time.Minute)
	for metric(t, base, `ocopledger_expiry_notifier_entries_total{type="ocop.expired"}`) == "" {
		if time.Now().After(deadline) {
			t.Fatal("the expiry notifier's first sweep did not end within 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return base
}

// press clicks a button through the page's own click(): for controls that a live update may
// redraw between chromedp's finding the node and its mouse click.
func (br *browser) press(css string) {
	br.t.Helper()
	if !br.js(fmt.Sprintf(`(b => !!b && (b.click(), true))(document.querySelector(%q))`, css)) {
		br.fail("press "+css, fmt.Errorf("no such element"))
	}
}

// paste puts a value into a field or picks an option of a drop-down, as pasting or choosing
// would: the value changes and the page hears it. (Typing Vietnamese key by key through the
// DevTools protocol is slow; setInput types the fields whose keys matter.)
func (br *browser) paste(css, value string) {
	br.t.Helper()
	ok := br.js(fmt.Sprintf(`(el => { if (!el || (el.options && ![...el.options].some(o => o.value === %[2]q))) return false; el.focus(); el.value = %[2]q; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true })(document.querySelector(%[1]q))`, css, value))
	if !ok {
		br.fail("put "+value+" in "+css, fmt.Errorf("no such field or option"))
	}
}

// recordFigure reads a figure beside the recording form.
func (br *browser) recordFigure(id string) int {
	br.t.Helper()
	return evaluate[int](br, `+document.querySelector('#record-figures .card[data-figure="`+id+`"] [data-value]').textContent.replace(/\D/g, '')`)
}

// noLeftovers fails the test when the visible page shows a JavaScript value where words belong.
func (br *browser) noLeftovers(where string) {
	br.t.Helper()
	if got := br.jsString(`(document.body.innerText.match(/null|undefined|NaN|\[object \w+\]/g) || []).join(', ')`); got != "" {
		br.t.Errorf("%s shows %s", where, got)
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

	// The audit of the demo's filed report 470/SCT-QLTM: five figures changed since filing, each
	// with the entry behind it; each figure opens its items, downloadable as XLSX.
	br.click(`a[data-tab="audit"]`)
	br.waitJS("the audit of 470/SCT-QLTM", `document.querySelector('#audit-title').textContent.includes('470/SCT-QLTM') && document.querySelectorAll('#audit-diffs > li[data-figure]').length > 0`)
	diffs := br.jsString(`[...document.querySelectorAll('#audit-diffs > li[data-figure]')].map(li => li.dataset.figure + '=' + [...li.querySelectorAll('a.entry-link')].map(a => a.dataset.seq).join('+')).sort().join(' ')`)
	if want := "ecommerce.listed_products=4502 ocop.valid.stars3=4503 ocop.valid.stars4=4500 salespoints.open.private=4501 salespoints.open=4501"; diffs != want {
		t.Errorf("the audit of 470/SCT-QLTM shows the differences and entries\n%s\nwant the demo's five\n%s", diffs, want)
	}
	if n := evaluate[int](br, `document.querySelectorAll('#audit-table tbody tr').length`); n != 23 {
		t.Errorf("the audit table has %d figures, want the 23 the report stated", n)
	}
	br.click(`#audit-diffs li[data-figure="ocop.valid.stars4"] a.entry-link`)
	br.waitJS("the entry behind the difference", `(document.querySelector('#audit-diffs li[data-figure="ocop.valid.stars4"] pre.entry') || {}).textContent?.includes('gl-kt-0737')`)
	br.click(`#audit-diffs li[data-figure="ocop.valid.stars4"] button[data-items]`)
	br.waitJS("the items of ocop.valid.stars4 then and now", `document.querySelector('#audit-items-sub').textContent.includes('48 mục') && document.querySelector('#audit-items-sub').textContent.includes('49 mục như biết hiện nay') && document.querySelectorAll('#audit-items-table tr[data-mark="added"]').length === 1`)
	for _, id := range []string{"audit-xlsx-then", "audit-xlsx-now"} {
		if href := br.jsString(`document.getElementById('` + id + `').getAttribute('href')`); !strings.Contains(href, "/v1/figures/ocop.valid.stars4/explain?") || !strings.Contains(href, "format=xlsx") || !strings.Contains(href, "as_of=2025-08-07") {
			t.Errorf("#%s links to %q, want the explain of ocop.valid.stars4 on 2025-08-07 as XLSX", id, href)
		}
	}
	checkXLSXDownload(t, ctx, base, br.jsString(`document.getElementById('audit-xlsx-now').getAttribute('href')`), 49)
	br.js(`window.scrollTo(0, 0), true`)
	keepScreenshot(t, br, artefacts, "dashboard-audit.png")

	// Record a certification through the form: with the viewer's token the server refuses and the
	// prompt names the recorder role; with the recorder's, the server names the field it rejects,
	// and once it is fixed the figure changes, without a reload.
	br.js(`window.__notReloaded = true`)
	br.click(`a[data-tab="record"]`)
	br.waitJS("the certification form", `!!document.querySelector('#record-form[data-kind="ocop.certified"] [name="decision.date"]') && document.querySelector('#record-figures .card[data-figure="ocop.valid"] [data-value]').textContent !== '–'`)
	before := br.recordFigure("ocop.valid")
	for name, value := range map[string]string{
		"product_id": "e2e-form-mat-ong", "product_name": "Mật ong hoa cà phê (kiểm thử biểu mẫu)",
		"producer_id": "e2e-form-htx", "producer_name": "HTX Mật ong Đăk Hà (kiểm thử)",
		"decision.number": "998/QĐ-UBND", "decision.date": "32/08/2025", "decision.issuer": "UBND tỉnh Quảng Ngãi",
		"address.commune": "xã Đăk Hà", "address.province": "Quảng Ngãi",
	} {
		br.paste(`#record-form [name="`+name+`"]`, value)
	}
	for name, value := range map[string]string{"producer_kind": "cooperative", "product_set": "I.5", "stars": "4", "decision.authority": "province"} {
		br.paste(`#record-form [name="`+name+`"]`, value)
	}
	br.click(`#record-form [name="synthetic"]`)
	br.click("#record-submit")
	br.waitJS("the prompt for a recorder's token", `!document.querySelector('#auth').hidden && document.querySelector('#auth-title').textContent.includes('cần vai trò recorder')`)
	if got := br.jsString(`document.querySelector('#record-status').textContent`); !strings.Contains(got, "recorder") {
		t.Errorf("the form's status after a 403 says %q, want it to ask for the recorder role", got)
	}
	br.setInput("#token", recorderToken)
	br.click(`#auth-form button[type="submit"]`)
	br.click("#record-submit")
	br.waitJS("the server's error beside the decision date", `(() => { const p = document.querySelector('[data-field="decision.date"] .field-error'); return !!p && !p.hidden && p.textContent.includes('không phải là ngày có thật') })()`)
	if !br.js(`document.querySelector('[name="decision.date"]').getAttribute('aria-invalid') === 'true' && document.activeElement === document.querySelector('[name="decision.date"]')`) {
		t.Errorf("the decision date is not marked invalid and focused after the server rejected it")
	}
	if got := br.recordFigure("ocop.valid"); got != before {
		t.Errorf("ocop.valid moved from %d to %d after a rejected certification", before, got)
	}
	br.setInput(`#record-form [name="decision.date"]`, "01/08/2025")
	br.click("#record-submit")
	br.waitJS("the form says it is recorded", `document.querySelector('#record-status').classList.contains('ok')`)
	br.waitJS("the figure beside the form counts it", fmt.Sprintf(`+document.querySelector('#record-figures .card[data-figure="ocop.valid"] [data-value]').textContent.replace(/\D/g, '') === %d`, before+1))
	br.waitJS("the figure on the overview counts it", fmt.Sprintf(`+document.querySelector('#figure-groups .card[data-figure="ocop.valid.stars4"] [data-value]').textContent.replace(/\D/g, '') > 0 && +document.querySelector('#figure-groups .card[data-figure="ocop.valid"] [data-value]').textContent.replace(/\D/g, '') === %d`, before+1))
	if !br.js(`window.__notReloaded === true`) {
		t.Errorf("the page was reloaded: it must record and update in place")
	}
	keepScreenshot(t, br, artefacts, "dashboard-record.png")
	t.Logf("ocop.valid as known now: %d → %d after a certification through the form", before, before+1)

	// Correct it from the live feed: the amendment form comes filled with the entry and its payload.
	seq := br.jsString(`document.querySelector('#record-status').dataset.sequence`)
	br.click(`a[data-tab="overview"]`)
	br.click(`#feed li[data-seq="` + seq + `"] button[data-correct]`)
	br.waitJS("the amendment form filled from the entry", `document.querySelector('#record-form').dataset.kind === 'correction.amended' && document.querySelector('[name="target_stream"]').value === 'product.e2e-form-mat-ong' && document.querySelector('[name="replacement"]').value.includes('"stars": 4')`)
	stars3 := br.recordFigure("ocop.valid.stars3")
	br.paste(`#record-form [name="reason"]`, "Quyết định ghi 3 sao, nhập nhầm 4 sao (kiểm thử)")
	br.paste(`#record-form [name="replacement"]`, br.jsString(`document.querySelector('[name="replacement"]').value.replace('"stars": 4', '"stars": 3')`))
	br.click("#record-submit")
	br.waitJS("the amendment recorded", `document.querySelector('#record-status').classList.contains('ok')`)
	br.waitJS("the 3-star figure counts the amended certification", fmt.Sprintf(`+document.querySelector('#record-figures .card[data-figure="ocop.valid.stars3"] [data-value]').textContent.replace(/\D/g, '') === %d`, stars3+1))

	// The import page: where the server offers POST /v1/imports, a file with errors shows every
	// row error and records nothing, a clean one is recorded on confirmation; where it does not
	// (the route is not in its API document), the page says so instead of a form.
	br.click(`a[data-tab="import"]`)
	if !serverOffers(t, ctx, base, "/v1/imports") {
		br.waitJS("the import page says the server has no import service", `!document.querySelector('#import-unavailable').hidden && document.querySelector('#import-unavailable').textContent.includes('/v1/imports') && document.querySelector('#import-form').hidden`)
		t.Log("this server has no POST /v1/imports yet: the import page says so; the upload was not tried")
	} else {
		testImportPage(t, ctx, br, base, artefacts)
	}
	br.click(`a[data-tab="overview"]`)

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
	// The overview's item list links the server's spreadsheet of the figure, on the day shown.
	br.click(`#figure-groups .card[data-figure="ocop.valid.stars4"]`)
	br.waitJS("the drill-down of ocop.valid.stars4", `document.querySelectorAll('#drill-table tbody tr[data-item]').length > 0`)
	if href := br.jsString(`document.getElementById('drill-xlsx').getAttribute('href')`); href != "/v1/figures/ocop.valid.stars4/explain?as_of=2025-12-01&format=xlsx" {
		t.Errorf("the drill-down's XLSX link is %q, want the explain of ocop.valid.stars4 on 2025-12-01 as XLSX", href)
	}
	br.click("#drill-close")
	br.press(`#expiring-pager [data-page="all"]`)
	br.waitJS("all the expiring rows at once", `document.querySelectorAll('#expiring-table tbody tr[data-item]').length === 47`)
	br.noLeftovers("the overview")
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
	for _, pane := range []string{"record", "import", "audit"} {
		br.click(`a[data-tab="` + pane + `"]`)
		br.waitJS("the "+pane+" page on the phone", `document.body.dataset.view === '`+pane+`'`)
		if pane == "audit" {
			br.waitJS("the audit on the phone", `document.querySelectorAll('#audit-diffs > li[data-figure]').length > 0`)
		}
		br.noLeftovers("the " + pane + " page")
		if w := evaluate[int](br, `document.documentElement.scrollWidth`); w > 390 {
			wide := br.jsString(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap, .tabs-inner')).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')`)
			t.Errorf("the %s page is %d pixels wide on a 390-pixel phone; too wide: %s", pane, w, wide)
		}
	}
	br.screenshot(filepath.Join(artefacts, "dashboard-audit-mobile.png"))
	for _, p := range br.problemsSoFar() {
		// Chromium logs each answer of 4xx as a failed resource: the test asked for these.
		if !strings.Contains(p, "Failed to load resource: the server responded with a status of 4") {
			t.Errorf("the page logged %s", p)
		}
	}
}

// serverOffers reports whether the server's OpenAPI document has a path.
func serverOffers(t *testing.T, ctx context.Context, base, path string) bool {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/openapi.json", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatalf("GET /v1/openapi.json: %v", err)
	}
	_, ok := doc.Paths[path]
	return ok
}

// importAnswer is what POST /v1/imports answers.
type importAnswer struct {
	Kind       string `json:"kind"`
	Rows       int    `json:"rows"`
	Valid      int    `json:"valid"`
	Stored     int    `json:"stored"`
	Duplicates int    `json:"duplicates"`
	Errors     []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// dryRunImport asks the server itself what a file's check gives, to hold the page to it.
func dryRunImport(t *testing.T, ctx context.Context, base, kind, file string) importAnswer {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/imports?kind="+kind+"&dry_run=true", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	req.Header.Set("Authorization", "Bearer "+recorderToken)
	req.Header.Set("Accept-Language", "vi")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a importAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatalf("POST /v1/imports?kind=%s&dry_run=true: status %d: %v", kind, res.StatusCode, err)
	}
	return a
}

// testImportPage uploads the committed example files through the page.
func testImportPage(t *testing.T, ctx context.Context, br *browser, base, artefacts string) {
	t.Helper()
	examples := filepath.Join("..", "..", "docs", "examples")
	bad, err := filepath.Abs(filepath.Join(examples, "ocop-decision-errors.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	want := dryRunImport(t, ctx, base, "ocop-decision", bad)
	if len(want.Errors) == 0 {
		t.Fatalf("the server finds no error in %s", bad)
	}
	br.waitJS("the import form", `!document.querySelector('#import-form').hidden && !!document.querySelector('#import-kind option[value="ocop-decision"]')`)
	br.paste("#import-kind", "ocop-decision")
	br.do("choose "+bad, chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{bad}))
	br.click("#import-check")
	br.waitJS("the row errors", `!document.querySelector('#import-result').hidden && document.querySelectorAll('#import-errors tbody tr').length > 0`)
	br.press(`#import-errors-pager [data-page="all"]`)
	got := br.jsString(`[...document.querySelectorAll('#import-errors tbody tr')].map(r => [...r.cells].map(c => c.textContent).join(' | ')).join('\n')`)
	var lines []string
	for _, e := range want.Errors {
		lines = append(lines, fmt.Sprintf("%d | %s | %s | %s", e.Row, e.Column, e.Field, e.Message))
	}
	if w := strings.Join(lines, "\n"); got != w {
		t.Errorf("the import page shows the errors\n%s\nwant every error the server gives\n%s", got, w)
	}
	if !br.js(`document.querySelector('#import-confirm').hidden`) {
		t.Errorf("the import page offers to record a file with errors")
	}
	keepScreenshot(t, br, artefacts, "dashboard-import.png")

	// A clean file (the sales points example; the OCOP decision example's products are in the
	// demo history already) is checked, then recorded on confirmation.
	clean, err := filepath.Abs(filepath.Join(examples, "salespoints.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	check := dryRunImport(t, ctx, base, "salespoints", clean)
	if len(check.Errors) != 0 || check.Valid == 0 {
		t.Fatalf("the server does not find %s clean against the demo: %+v", clean, check)
	}
	br.paste("#import-kind", "salespoints")
	br.do("choose "+clean, chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{clean}))
	br.click("#import-check")
	br.waitJS("the clean file checked", `!document.querySelector('#import-result').hidden && !document.querySelector('#import-confirm').hidden && document.querySelector('#import-errors-wrap').hidden && document.querySelector('#import-errors-pager').hidden`)
	br.click("#import-confirm")
	br.waitJS("the rows recorded", `document.querySelector('#import-done').classList.contains('ok')`)
	var stored int
	if got := br.jsString(`document.querySelector('#import-done').textContent`); func() bool { _, err := fmt.Sscanf(got, "Đã ghi %d mục", &stored); return err != nil || stored == 0 }() {
		t.Errorf("after confirming, the import page says %q, want “Đã ghi N mục”", got)
	}
	// The entries the page says it recorded are in the ledger: checking the file again finds them.
	if again := dryRunImport(t, ctx, base, "salespoints", clean); again.Duplicates != stored {
		t.Errorf("after the page recorded %d entries, checking %s again finds %d already in the ledger", stored, clean, again.Duplicates)
	}
	t.Logf("import page: %d row errors of ocop-decision-errors.xlsx shown; salespoints.xlsx: %s", len(want.Errors), br.jsString(`document.querySelector('#import-done').textContent`))
}

// checkXLSXDownload fetches a download link of the audit view with the viewer's token, as the page
// does, and opens the answer with excelize: the item list of ocop.valid.stars4 as known now, 49
// items.
func checkXLSXDownload(t *testing.T, ctx context.Context, base, href string, items int) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+href, nil)
	req.Header.Set("Authorization", "Bearer "+viewerToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", href, res.StatusCode, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: not an XLSX file (%s): %v", href, res.Header.Get("Content-Type"), err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < items+1 {
		t.Errorf("GET %s: %d rows in the first sheet, want a header and the %d items", href, len(rows), items)
	}
	t.Logf("GET %s: an XLSX of %d rows", href, len(rows))
}
