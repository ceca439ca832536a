package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// TestExplainPages walks GET /v1/figures/{id}/explain by its next cursors and Link headers and
// checks the pages add up to the whole list, which is streamed byte for byte as the list held
// whole is written.
func TestExplainPages(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	for i := range 7 {
		e.record("ocop.certified", cert(fmt.Sprintf("sp-%02d", i), 3+i%2, "2024-03-01"))
	}
	e.waitApplied()
	base := "/v1/figures/ocop.valid/explain?as_of=2025-08-07"
	whole := e.get(base, viewerToken)
	if whole.Status != 200 || whole.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("the whole list: %d %v %s", whole.Status, whole.Header, whole.Body)
	}
	// The stream writes what encoding the answer held whole writes.
	var held struct {
		Items []projections.ExplainItem `json:"items"`
	}
	if err := json.Unmarshal(whole.Body, &held); err != nil || len(held.Items) != 7 {
		t.Fatalf("the whole list: %v, %d items, want 7: %s", err, len(held.Items), whole.Body)
	}
	var all map[string]json.RawMessage
	json.Unmarshal(whole.Body, &all)
	items, _ := e.Proj.Explain(e.ctx, "ocop.valid", domain.Query{AsOf: domain.MustDate(2025, 8, 7)})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(items)
	if got := bytes.TrimSpace(all["items"]); !bytes.Equal(got, bytes.TrimSpace(buf.Bytes())) || !bytes.HasSuffix(whole.Body, []byte("]}\n")) {
		t.Errorf("streamed items differ from the list encoded whole:\n%s\n%s", got, buf.Bytes())
	}

	link := regexp.MustCompile(`^<([^>]+)>; rel="next"$`)
	var got []string
	path := base + "&limit=3"
	for pages := 0; path != ""; pages++ {
		r := e.get(path, viewerToken)
		var pg struct {
			Items []projections.ExplainItem `json:"items"`
			Next  string                    `json:"next"`
			Value int64                     `json:"value"`
		}
		if err := json.Unmarshal(r.Body, &pg); r.Status != 200 || err != nil || pg.Value != 7 {
			t.Fatalf("page %d (%s): %d %v %s", pages, path, r.Status, err, r.Body)
		}
		for _, it := range pg.Items {
			got = append(got, it.Item)
		}
		path = ""
		if pg.Next != "" {
			m := link.FindStringSubmatch(r.Header.Get("Link"))
			if m == nil || !strings.Contains(m[1], "after="+pg.Next) || !strings.Contains(m[1], "known_at=") || !strings.Contains(m[1], "limit=3") {
				t.Fatalf("page %d: next %q but Link %q", pages, pg.Next, r.Header.Get("Link"))
			}
			path = m[1]
		} else if r.Header.Get("Link") != "" || len(pg.Items) != 1 {
			t.Fatalf("the last page: Link %q, %d items, want none and 1", r.Header.Get("Link"), len(pg.Items))
		}
		if pages > 3 {
			t.Fatal("more pages than 7 items in pages of 3 make")
		}
	}
	var want []string
	for _, it := range held.Items {
		want = append(want, it.Item)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pages list %v, the whole list %v", got, want)
	}
	for _, bad := range []struct{ q, field string }{{"&limit=0", "limit"}, {"&limit=x", "limit"}, {"&limit=2&after=%25%25", "after"}, {"&after=c3AtMDE", "after"}} {
		r := e.get(base+bad.q, viewerToken)
		if _, field := r.errFields(t); r.Status != 400 || field != bad.field {
			t.Errorf("%s: %d %s, want 400 naming %s", bad.q, r.Status, r.Body, bad.field)
		}
	}
}
