package main

import (
	"encoding/json"
	"fmt"
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
