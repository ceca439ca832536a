package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/projections"
)

// On the demo history, diff and reconcile name exactly the entries recorded after the report that
// change its figures, each with its effect.
func TestDemoDiffAndReconcileNameTheEntries(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, dir, "", "diff", "--as-of", "07/08/2025", "--known-at", "07/08/2025", "--json")
	if code != 0 {
		t.Fatalf("diff: exit %d: %s", code, errs)
	}
	var d projections.DiffResult
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("diff --json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, ch := range d.Changes {
		var es []string
		for _, e := range ch.Entries {
			es = append(es, fmt.Sprintf("%s %+d", e.ID, e.Delta))
		}
		sort.Strings(es)
		got[ch.Figure] = fmt.Sprintf("%d→%d: %s", ch.Before, ch.After, strings.Join(es, ", "))
	}
	want := map[string]string{
		"ocop.valid.stars4":         "48→49: demo-004500 +1",   // a 4★ certificate decided 20/07, entered 15/08
		"ocop.valid.stars3":         "592→591: demo-004503 -1", // a revocation dated 28/07, entered 10/09
		"salespoints.open":          "23→24: demo-004501 +1",   // a sales point opened 25/07, reported 20/08
		"salespoints.open.private":  "14→15: demo-004501 +1",
		"ecommerce.listed_products": "1400→1399: demo-004502 -1", // a listing entered twice, retracted
	}
	for fig, w := range want {
		if got[fig] != w {
			t.Errorf("diff of %s: %q, want %q", fig, got[fig], w)
		}
	}
	for fig, g := range got {
		if _, ok := want[fig]; !ok {
			t.Errorf("diff lists %s (%s), which should not change", fig, g)
		}
	}
	code, out, errs = run(t, dir, "", "reconcile", "470/SCT-QLTM")
	if code != 0 {
		t.Fatalf("reconcile: exit %d (the filed report matched the ledger when it was filed): %s\n%s", code, errs, out)
	}
	for _, id := range []string{"demo-004500", "demo-004501", "demo-004502", "demo-004503"} {
		if !strings.Contains(out, id) {
			t.Errorf("reconcile does not name entry %s:\n%s", id, out)
		}
	}
	if !strings.Contains(out, "23/23") {
		t.Errorf("reconcile should say all 23 figures matched at filing:\n%s", out)
	}
}

// explain --csv lists every item of a figure for a spreadsheet: as many lines as the figure
// counts, under a header in the clerk's language, with the byte order mark Excel needs for UTF-8,
// the real products named as they are, the synthetic ones marked, and each item's entries and
// source documents; --csv with --json is refused.
func TestExplainCSVListsEveryItem(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	for _, lang := range []string{"vi", "en"} {
		code, out, errs := run(t, dir, "", "explain", "ocop.valid", "--as-of", "07/08/2025", "--known-at", "07/08/2025", "--csv", "--lang", lang)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, errs)
		}
		if !strings.HasPrefix(out, "\ufeff") || !strings.Contains(out, "\r\n") {
			t.Errorf("%s: no byte order mark or CRLF line ends: %q", lang, out[:min(len(out), 80)])
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("%s: not CSV: %v", lang, err)
		}
		if len(recs) != 1+642 {
			t.Fatalf("%s: %d lines, want a header and the 642 products of Công văn 470", lang, len(recs))
		}
		head := map[string]int{}
		for i, h := range recs[0] {
			head[h] = i
		}
		name, synth, src, ids := "tên", "dữ liệu giả lập", "văn bản nguồn", "mã các mục ghi"
		if lang == "en" {
			name, synth, src, ids = "name", "synthetic", "source documents", "entry IDs"
		}
		var real, synthetic int
		for _, r := range recs[1:] {
			if len(r) != len(recs[0]) {
				t.Fatalf("%s: a line of %d columns under a header of %d", lang, len(r), len(recs[0]))
			}
			if r[head[ids]] == "" || r[head[src]] == "" {
				t.Errorf("%s: %s has no entries or no source: %q", lang, r[head[name]], r)
			}
			if r[head[synth]] == "" {
				real++
			} else {
				synthetic++
			}
			if r[head[name]] == "Tỏi Lý Sơn" && r[head[synth]] != "" {
				t.Errorf("%s: Tỏi Lý Sơn, a real product, is marked synthetic", lang)
			}
		}
		if real == 0 || synthetic == 0 {
			t.Errorf("%s: %d real and %d synthetic products; the demo has both", lang, real, synthetic)
		}
	}
	if code, _, _ := run(t, dir, "", "explain", "ocop.valid", "--csv", "--json"); code != 2 {
		t.Errorf("--csv with --json: exit %d, want 2", code)
	}
}

// rebuild says what it did in the clerk's language: the entries counted with the language's
// digit groups, the time it took and the rate; afterwards the figures are the report's.
func TestRebuildSaysWhatItDid(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	for lang, want := range map[string]*regexp.Regexp{
		"vi": regexp.MustCompile(`^Đã dựng lại số liệu từ 4\.519 sự kiện trong (\d+ ms|\d+,\d giây) \(\d{1,3}(\.\d{3})* sự kiện/giây\)\.\n$`),
		"en": regexp.MustCompile(`^Rebuilt the figures from 4,519 events in (\d+ ms|\d+\.\d s) \(\d{1,3}(,\d{3})* events/s\)\.\n$`),
	} {
		code, out, errs := run(t, dir, "", "rebuild", "--lang", lang)
		if code != 0 {
			t.Fatalf("%s: rebuild: exit %d: %s", lang, code, errs)
		}
		if !want.MatchString(out) {
			t.Errorf("%s: rebuild said %q", lang, out)
		}
	}
	code, out, errs := run(t, dir, "", "figures", "--as-of", "07/08/2025", "--known-at", "07/08/2025", "--json")
	if code != 0 {
		t.Fatalf("figures: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"ocop.valid": 642`) {
		t.Errorf("after the rebuilds, figures on 07/08/2025 as known then: %s", out)
	}
}
