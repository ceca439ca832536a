package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// explain --limit N --after C walks the list a page at a time: the pages, each naming the next
// page's cursor, add up to the whole list, in its order.
func TestExplainPagesByCursor(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	type list struct {
		Items []struct {
			Item string `json:"item"`
		} `json:"items"`
		Next string `json:"next"`
	}
	get := func(args ...string) list {
		t.Helper()
		code, out, errs := run(t, dir, "", append([]string{"explain", "ocop.valid", "--as-of", "07/08/2025", "--known-at", "07/08/2025", "--json"}, args...)...)
		var l list
		if err := json.Unmarshal([]byte(out), &l); code != 0 || err != nil {
			t.Fatalf("explain %v: exit %d, %v: %s", args, code, err, errs)
		}
		return l
	}
	whole := get()
	var want, got []string
	for _, it := range whole.Items {
		want = append(want, it.Item)
	}
	if len(want) < 200 || whole.Next != "" {
		t.Fatalf("the whole list has %d items and next %q; the demo counts 642", len(want), whole.Next)
	}
	args := []string{"--limit", "250"}
	for pages := 0; ; pages++ {
		l := get(args...)
		for _, it := range l.Items {
			got = append(got, it.Item)
		}
		if l.Next == "" {
			break
		}
		if pages > len(want)/250 {
			t.Fatal("more pages than the list has")
		}
		args = []string{"--limit", "250", "--after", l.Next}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the pages list %d items, the whole list %d, or in another order", len(got), len(want))
	}
	if code, _, errs := run(t, dir, "", "explain", "ocop.valid", "--limit", "2", "--after", "%%"); code == 0 {
		t.Errorf("a cursor that is none was taken: %s", errs)
	}
}

// The text's next-page line gives the cursor and the instant the first page was known at, so
// that the command it names reads the same list on: entries recorded between two pages do not
// move items in or out of it.
func TestExplainNextPageLinePinsKnownAt(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	base := []string{"explain", "ocop.valid", "--as-of", "07/08/2025", "--limit", "250"}
	code, out, errs := run(t, dir, "", base...)
	if code != 0 {
		t.Fatalf("explain: exit %d: %s", code, errs)
	}
	var next []string
	for _, line := range strings.Split(out, "\n") {
		if _, rest, ok := strings.Cut(line, "trang sau: "); ok {
			next = strings.Fields(rest)
		}
	}
	if len(next) != 4 || next[0] != "--after" || next[2] != "--known-at" {
		t.Fatalf("the next-page line names %q, want --after CURSOR --known-at INSTANT:\n%s", next, out)
	}
	// A certification recorded after the first page (its item sorts last) is counted by the
	// list known now, but not by the pages that follow the first, known at its instant.
	const cert = `{"product_id":"zz-after-first-page","product_name":"Sản phẩm thử (dữ liệu giả lập)",
		"producer_id":"zz-ct","producer_name":"Chủ thể thử (dữ liệu giả lập)","producer_kind":"household",
		"product_set":"I.6","stars":3,"decision":{"number":"T-1/QĐ-UBND","date":"2025-07-10",
		"authority":"province","issuer":"UBND tỉnh Quảng Ngãi"},"address":{"province":"Quảng Ngãi"},"synthetic":true}`
	if code, _, errs := run(t, dir, cert, "record", "ocop.certified"); code != 0 {
		t.Fatalf("record: exit %d: %s", code, errs)
	}
	if code, out, errs := run(t, dir, "", "explain", "ocop.valid", "--as-of", "07/08/2025"); code != 0 || !strings.Contains(out, "zz-after-first-page") {
		t.Fatalf("the list known now does not count the new certificate (exit %d): %s", code, errs)
	}
	// Every page the next-page lines lead to, to the last: none lists it.
	for pages := 1; len(next) > 0; pages++ {
		if pages > 5 {
			t.Fatal("more pages than the list has")
		}
		code, out, errs = run(t, dir, "", append(base, next...)...)
		if code != 0 {
			t.Fatalf("explain %v: exit %d: %s", next, code, errs)
		}
		if strings.Contains(out, "zz-after-first-page") {
			t.Fatalf("a page after the first (%q), known at the first page's instant, lists an item recorded after it:\n%s", next, out)
		}
		next = nil
		for _, line := range strings.Split(out, "\n") {
			if _, rest, ok := strings.Cut(line, "trang sau: "); ok {
				next = strings.Fields(rest)
			}
		}
	}
}
