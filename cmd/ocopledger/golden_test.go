package main

// Golden outputs of the command line and of the HTTP API over the demo ledger: the bytes a clerk,
// a spreadsheet or a client program reads, kept under testdata/golden and compared byte for byte.
//
// The files are written only by
//
//	go test ./cmd/ocopledger -run TestGolden -update
//
// and a golden file changes only with an intended change of output, said in the commit message
// ("figures: … (golden: figures_vi.golden changes because …)"). A redesign that keeps behaviour
// must leave every file as it is.
//
// Everything is pinned where the commands let it be: dates and knowledge times by --as-of,
// --known-at and --vs (?as_of, known_at, vs over HTTP), the demo by its fixed seed, the signing
// key of the checkpoints by a fixed test key written into the data directory before any command
// runs. What cannot be pinned is masked, by the masks below and only by them (see their comments):
// masksCLI on every output, maskLogEnd and masksReconcileNow on the one HTTP answer each names.

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden from the current output (TestGolden)")

// goldenKey is the demo ledger's checkpoint signing key in these tests (a throwaway test key, in
// the format of provenance.LoadOrCreateKey): with it the signed checkpoints, hence every answer that
// quotes one, are the same bytes on every run. Ed25519 signatures are deterministic.
const goldenKey = "PRIVATE+KEY+ocopledger.example/quang-ngai/OCOP_LEDGER+14fe7750+Acaqi2D641Af0M6reDKgRAh8g1vbDZY8ADx1YykusUjO\n"

// goldenMask replaces what changes from run to run, and nothing else.
type goldenMask struct {
	why  string
	re   *regexp.Regexp
	repl string
}

var (
	// masksCLI apply to every command's output.
	masksCLI = []goldenMask{
		// log --json: the time the store appended an entry, the wall clock of the demo's load.
		{"appended_at is the wall clock of the demo's load", regexp.MustCompile(`("appended_at": ?)"[^"]*"`), `${1}"<appended_at>"`},
		// demo: how long loading the demo took.
		{"demo's elapsed time (text)", regexp.MustCompile(`(\((?:\d+ đã có từ trước|\d+ were already there)\) (?:trong|in) ).+?(, [\d.,]+ (?:lần ghi|appends)\.)`), `${1}<elapsed>${2}`},
		{"demo's elapsed time (JSON)", regexp.MustCompile(`("elapsed_ns": ?)\d+`), `${1}"<elapsed>"`},
		// reconcile: "known now" is the time of the question (the report's figures "as known
		// now"); the command has no option to pin it.
		{"reconcile's known_now is the wall clock", regexp.MustCompile(`("known_now": ?)"[^"]*"`), `${1}"<now>"`},
		{"reconcile (vi, text and md) says when 'now' is", regexp.MustCompile(`(hiện nay đến vị trí [\d.]+ )\(\d\d:\d\d:\d\d ngày \d\d/\d\d/\d{4}\)`), `${1}(<now>)`},
		{"reconcile (en, text and md) says when 'now' is", regexp.MustCompile(`(now position [\d,]+ )\(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\)`), `${1}(<now>)`},
		// verify: how long checking the export took.
		{"verify's elapsed time", regexp.MustCompile(`((?:entries checked in|mục ghi đã kiểm tra trong) ).+?(\.\n)`), `${1}<elapsed>${2}`},
	}
	// serve's expiry notifier records, as soon as it starts, the expiry notices and expiries due
	// on today's date (the wall clock), so the log "now" ends at a position and root that depend
	// on the day the test runs, and the checkpoints serve publishes of it race with those appends.
	// Answers pinned to a knowledge time before the end of the demo are not touched by this;
	// these masks apply only to the two answers that cannot be pinned (goldenHTTP.masks).
	maskLogEnd = []goldenMask{
		{"the log's end grows with the notifier's appends", regexp.MustCompile(`"end":\d+`), `"end":"<now>"`},
	}
	masksReconcileNow = []goldenMask{
		{"reconcile's second position is the log now", regexp.MustCompile(`"positions":\[(\d+),\d+\]`), `"positions":[$1,"<now>"]`},
		{"reconcile's history of the log now", regexp.MustCompile(`"now":\{"size":\d+,"root":"[^"]*"(,"checkpoint":"[^"]*")?\}`), `"now":"<now>"`},
		{"reconcile's checkpoint for the report (the first published after filing, racing with the notifier)", regexp.MustCompile(`"report_checkpoint":"[^"]*"`), `"report_checkpoint":"<now>"`},
		{"reconcile's consistency proof up to the log now", regexp.MustCompile(`"consistency":\{[^{}]*\}`), `"consistency":"<now>"`},
	}
)

func applyMasks(s string, masks []goldenMask) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.repl)
	}
	return s
}

// checkGolden compares got with testdata/golden/name.golden, or writes it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v (write the golden files with: go test ./cmd/ocopledger -run TestGolden -update)", name, err)
		return
	}
	if string(want) != got {
		// The output as it is now, beside the golden file's name, for a diff.
		now := filepath.Join(os.TempDir(), "ocopledger-golden", name+".golden")
		if os.MkdirAll(filepath.Dir(now), 0o755) == nil && os.WriteFile(now, []byte(got), 0o644) == nil {
			now = "; diff -u " + path + " " + now
		} else {
			now = ""
		}
		t.Errorf("%s: the output differs from %s at %s%s\n(if the change is intended, rewrite with -update and say so in the commit message)", name, path, firstDifference(string(want), got), now)
	}
}

// checkNoStrayGoldens fails on a golden file no case writes (a case removed or renamed must take
// its file with it, or the file would check nothing); -update removes such files.
func checkNoStrayGoldens(t *testing.T, names map[string]bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".golden")
		if names[name] {
			continue
		}
		if *updateGolden {
			if err := os.Remove(f); err != nil {
				t.Error(err)
			}
			continue
		}
		t.Errorf("%s is checked by no case of TestGolden (remove it with -update)", f)
	}
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b string) string {
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  golden: %q\n  now:    %q", i+1, x, y)
		}
	}
	return "(no line differs)"
}

// goldenCLI is one command line, run with --data on the demo ledger unless noData.
type goldenCLI struct {
	name   string
	args   []string
	noData bool
	stdin  string
}

// goldenHTTP is one request to the API of `ocopledger serve` on the demo ledger: a GET, or a
// POST of body as JSON.
type goldenHTTP struct {
	name, path string
	masks      []goldenMask // besides masksCLI
	body       string
}

const (
	filedAt = "2025-08-07T16:00:00+07:00" // when Công văn 470/SCT-QLTM was recorded
	asOf    = "07/08/2025"                // its reporting date
	later   = "30/09/2025"                // after the entries that change its figures, before the demo's end
	allDims = "stars,former_province,commune,sector,product_set,producer_kind,authority,level,funding,site_type,event_kind,platform"
)

var goldenCommands = []goldenCLI{
	// The demo again: nothing new is stored, the table of Công văn 470 against the ledger.
	{"demo_again_en", []string{"demo", "--lang", "en"}, false, ""},
	{"demo_again_json", []string{"demo", "--json"}, false, ""},
	{"help", []string{"help"}, true, ""},
	{"help_en", []string{"help", "--lang", "en"}, true, ""},
	{"help_figures", []string{"help", "figures"}, true, ""},
	{"usage_error_figures_csv", []string{"figures", "--csv", "--as-of", asOf}, false, ""},
	{"usage_error_unknown_command", []string{"figure"}, true, ""},

	{"figures_list", []string{"figures", "--list"}, false, ""},
	{"figures_list_en", []string{"figures", "--list", "--lang", "en"}, false, ""},
	{"figures_list_json", []string{"figures", "--list", "--json"}, false, ""},
	{"figures_vi", []string{"figures", "--as-of", asOf, "--known-at", asOf}, false, ""},
	{"figures_en", []string{"figures", "--as-of", asOf, "--known-at", asOf, "--lang", "en"}, false, ""},
	{"figures_json", []string{"figures", "--as-of", asOf, "--known-at", asOf, "--json"}, false, ""},
	{"figures_filed_by_all_vi", []string{"figures", "--as-of", asOf, "--known-at", filedAt, "--by", allDims}, false, ""},
	{"figures_filed_by_all_en", []string{"figures", "--as-of", asOf, "--known-at", filedAt, "--by", allDims, "--lang", "en"}, false, ""},
	{"figures_filed_by_all_json", []string{"figures", "--as-of", asOf, "--known-at", filedAt, "--by", allDims, "--json"}, false, ""},
	{"figures_filed_by_stars_csv_en", []string{"figures", "--as-of", asOf, "--known-at", filedAt, "--by", "stars", "--format", "csv", "--lang", "en"}, false, ""},
	{"figures_later_by_stars_json", []string{"figures", "--as-of", asOf, "--known-at", later, "--by", "stars,funding", "--json"}, false, ""},

	{"explain_ocop_valid_vi", []string{"explain", "ocop.valid", "--as-of", asOf, "--known-at", asOf}, false, ""},
	{"explain_ocop_valid_json", []string{"explain", "ocop.valid", "--as-of", asOf, "--known-at", asOf, "--json"}, false, ""},
	{"explain_ocop_valid_csv", []string{"explain", "ocop.valid", "--as-of", asOf, "--known-at", asOf, "--csv"}, false, ""},
	{"explain_salespoints_open_csv_en", []string{"explain", "salespoints.open", "--as-of", asOf, "--known-at", later, "--csv", "--lang", "en"}, false, ""},
	{"explain_salespoints_open_vi", []string{"explain", "salespoints.open", "--as-of", asOf, "--known-at", later}, false, ""},
	{"explain_salespoints_open_en", []string{"explain", "salespoints.open", "--as-of", asOf, "--known-at", later, "--lang", "en"}, false, ""},
	{"explain_salespoints_open_json", []string{"explain", "salespoints.open", "--as-of", asOf, "--known-at", later, "--json"}, false, ""},
	{"explain_salespoints_open_csv", []string{"explain", "salespoints.open", "--as-of", asOf, "--known-at", later, "--csv"}, false, ""},
	{"explain_fairs_province_vi", []string{"explain", "fairs.province", "--as-of", asOf, "--known-at", asOf}, false, ""},
	{"explain_fairs_province_json", []string{"explain", "fairs.province", "--as-of", asOf, "--known-at", asOf, "--json"}, false, ""},
	{"explain_fairs_province_csv", []string{"explain", "fairs.province", "--as-of", asOf, "--known-at", asOf, "--csv"}, false, ""},

	{"diff_vi", []string{"diff", "--as-of", asOf, "--known-at", filedAt, "--vs", later}, false, ""},
	{"diff_en", []string{"diff", "--as-of", asOf, "--known-at", filedAt, "--vs", later, "--lang", "en"}, false, ""},
	{"diff_json", []string{"diff", "--as-of", asOf, "--known-at", filedAt, "--vs", later, "--json"}, false, ""},
	{"diff_vs_now_vi", []string{"diff", "--as-of", asOf, "--known-at", asOf}, false, ""},
	{"diff_csv_semicolon", []string{"diff", "--as-of", asOf, "--known-at", filedAt, "--vs", later, "--format", "csv", "--sep", ";"}, false, ""},

	{"timeline_ocop_valid_vi", []string{"timeline", "ocop.valid", "--from", "01/01/2021", "--to", asOf, "--step", "year", "--known-at", asOf}, false, ""},
	{"timeline_salespoints_open_en", []string{"timeline", "salespoints.open", "--from", "01/01/2025", "--to", later, "--step", "month", "--known-at", later, "--lang", "en"}, false, ""},
	{"timeline_salespoints_open_csv", []string{"timeline", "salespoints.open", "--from", "01/01/2025", "--to", later, "--step", "month", "--known-at", later, "--format", "csv"}, false, ""},
	{"timeline_salespoints_open_json", []string{"timeline", "salespoints.open", "--from", "01/07/2025", "--to", "31/08/2025", "--step", "week", "--known-at", later, "--json"}, false, ""},

	{"expiring_vi", []string{"expiring", "--as-of", asOf, "--known-at", asOf}, false, ""},
	{"expiring_en", []string{"expiring", "--as-of", asOf, "--known-at", asOf, "--within", "60d", "--lang", "en"}, false, ""},
	{"expiring_csv", []string{"expiring", "--as-of", asOf, "--known-at", asOf, "--format", "csv"}, false, ""},
	{"expiring_json", []string{"expiring", "--as-of", asOf, "--known-at", asOf, "--json"}, false, ""},

	{"log_slice_vi", []string{"log", "--from", "4495", "--limit", "10"}, false, ""},
	{"log_slice_en", []string{"log", "--from", "4495", "--limit", "10", "--lang", "en"}, false, ""},
	{"log_slice_json", []string{"log", "--from", "4495", "--limit", "10", "--json"}, false, ""},
	{"log_record_vi", []string{"log", "--stream", "product.gl-kt-0001"}, false, ""},
	{"log_record_csv", []string{"log", "--stream", "product.gl-kt-0001", "--format", "csv"}, false, ""},
	{"log_record_json", []string{"log", "--stream", "product.gl-kt-0001", "--json"}, false, ""},

	// report before reconcile: reconcile publishes the checkpoints the report then names.
	{"report_filed_vi", []string{"report", "--as-of", asOf, "--known-at", filedAt}, false, ""},
	{"report_filed_en", []string{"report", "--as-of", asOf, "--known-at", filedAt, "--lang", "en"}, false, ""},
	{"report_filed_json", []string{"report", "--as-of", asOf, "--known-at", filedAt, "--json"}, false, ""},
	{"report_filed_json_en", []string{"report", "--as-of", asOf, "--known-at", filedAt, "--json", "--lang", "en"}, false, ""},
	{"report_filed_md", []string{"report", "--as-of", asOf, "--known-at", filedAt, "--format", "md"}, false, ""},
	{"reconcile_vi", []string{"reconcile", "470/SCT-QLTM"}, false, ""},
	{"reconcile_en", []string{"reconcile", "470/SCT-QLTM", "--lang", "en"}, false, ""},
	{"reconcile_json", []string{"reconcile", "470/SCT-QLTM", "--json"}, false, ""},
	{"reconcile_md", []string{"reconcile", "470-SCT-QLTM", "--format", "md"}, false, ""},
	{"reconcile_unknown", []string{"reconcile", "471/SCT-QLTM"}, false, ""},
	{"report_filed_vi_after_reconcile", []string{"report", "--as-of", asOf, "--known-at", filedAt}, false, ""},
	{"report_later_vi", []string{"report", "--as-of", asOf, "--known-at", later}, false, ""},

	// The gate's refusals, in the clerk's words (nothing is recorded, so the ledger stays the demo's).
	{"record_refused_empty_field", []string{"record", "ocop.certified"}, false, `{"product_id":"x","stars":6}`},
	{"record_refused_stars_en", []string{"record", "ocop.certified", "--lang", "en"}, false, `{"product_id":"x","product_name":"X","producer_id":"p","producer_name":"P","producer_kind":"enterprise","product_set":"I.1","stars":6,"decision":{"number":"1/QĐ-UBND","date":"2025-01-01","authority":"province"},"address":{"province":"Quảng Ngãi"}}`},
	{"record_refused_unknown_type", []string{"record", "ocop.nope"}, false, `{}`},
	{"record_refused_not_an_object", []string{"record", "ocop.certified"}, false, `[1]`},

	{"status_vi", []string{"status"}, false, ""},
	{"status_en", []string{"status", "--lang", "en"}, false, ""},
	{"status_json", []string{"status", "--json"}, false, ""},
}

// goldenAudit are the auditor's commands on the demo ledger: first those that give the files an
// auditor holds (the export and its hashes, a checkpoint, the verifier key, proofs), each output
// kept in the file save of the data directory; then verify against them. A case without a name
// only writes its file. DATA in an argument is the data directory.
var goldenAudit = []struct {
	name string
	args []string
	save string
}{
	{"", []string{"export", "--out", "DATA/audit.jsonl", "--hashes", "DATA/audit.hashes"}, ""},
	{"", []string{"checkpoint"}, "audit-cp.txt"},
	{"", []string{"key"}, "audit.key"},
	{"prove_position_json", []string{"prove", "--position", "4500"}, "audit-inclusion.json"},
	{"prove_consistency_json", []string{"prove", "--from", "4495"}, "audit-consistency.json"},
	{"verify_export_vi", []string{"verify", "DATA/audit.jsonl", "--checkpoint", "DATA/audit-cp.txt", "--key", "DATA/audit.key"}, ""},
	{"verify_export_en", []string{"verify", "DATA/audit.jsonl", "--checkpoint", "DATA/audit-cp.txt", "--key", "DATA/audit.key", "--hashes", "DATA/audit.hashes", "--lang", "en"}, ""},
	{"verify_export_json", []string{"verify", "DATA/audit.jsonl", "--checkpoint", "DATA/audit-cp.txt", "--key", "DATA/audit.key", "--json"}, ""},
	{"verify_tampered_vi", []string{"verify", "DATA/audit-tampered.jsonl", "--checkpoint", "DATA/audit-cp.txt", "--key", "DATA/audit.key"}, ""},
	{"verify_tampered_hashes_en", []string{"verify", "DATA/audit-tampered.jsonl", "--checkpoint", "DATA/audit-cp.txt", "--key", "DATA/audit.key", "--hashes", "DATA/audit.hashes", "--lang", "en"}, ""},
	{"verify_inclusion_vi", []string{"verify", "--proof", "DATA/audit-inclusion.json", "--key", "DATA/audit.key"}, ""},
	{"verify_inclusion_json", []string{"verify", "--proof", "DATA/audit-inclusion.json", "--key", "DATA/audit.key", "--json"}, ""},
	{"verify_consistency_en", []string{"verify", "--proof", "DATA/audit-consistency.json", "--key", "DATA/audit.key", "--lang", "en"}, ""},
	{"verify_consistency_json", []string{"verify", "--proof", "DATA/audit-consistency.json", "--key", "DATA/audit.key", "--json"}, ""},
	{"verify_no_witness_en", []string{"verify", "--checkpoint", "DATA/audit-cp.txt", "--key", "DATA/audit.key", "--witness-key", "DATA/audit.key", "--lang", "en"}, ""},
}

// runGoldenAudit runs goldenAudit on the demo ledger in dir, after goldenCommands; the export
// with one byte changed on line 4500 is audit-tampered.jsonl.
func runGoldenAudit(t *testing.T, dir string, masks []goldenMask) {
	t.Helper()
	for _, c := range goldenAudit {
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = strings.ReplaceAll(a, "DATA", dir)
		}
		code, out, errs := run(t, dir, "", args...)
		if c.save != "" {
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", c.args, code, errs)
			}
			if err := os.WriteFile(filepath.Join(dir, c.save), []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if c.args[0] == "export" {
			data, err := os.ReadFile(filepath.Join(dir, "audit.jsonl"))
			lines := strings.SplitAfter(string(data), "\n")
			if err != nil || len(lines) < 4500 || !strings.Contains(lines[4499], `"version":`) {
				t.Fatalf("the export: %d lines, %v", len(lines), err)
			}
			lines[4499] = strings.Replace(lines[4499], `"version":`, `"version": `, 1)
			if err := os.WriteFile(filepath.Join(dir, "audit-tampered.jsonl"), []byte(strings.Join(lines, "")), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if c.name != "" {
			got := fmt.Sprintf("$ ocopledger %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(c.args, " "), code, out, errs)
			checkGolden(t, c.name, applyMasks(got, masks))
		}
	}
}

var goldenRequests = []goldenHTTP{
	{"http_figures", "/v1/figures?as_of=2025-08-07&known_at=2025-08-07", nil, ""},
	{"http_figures_filed_by_all", "/v1/figures?as_of=2025-08-07&known_at=2025-08-07T16:00:00%2B07:00&by=" + allDims, nil, ""},
	{"http_figures_later_by_stars_en", "/v1/figures?as_of=2025-08-07&known_at=2025-09-30&by=stars,funding&lang=en", nil, ""},
	{"http_figure_ocop_valid", "/v1/figures/ocop.valid?as_of=2025-08-07&known_at=2025-08-07", nil, ""},
	{"http_explain_ocop_valid", "/v1/figures/ocop.valid/explain?as_of=2025-08-07&known_at=2025-08-07", nil, ""},
	{"http_explain_salespoints_open", "/v1/figures/salespoints.open/explain?as_of=2025-08-07&known_at=2025-09-30", nil, ""},
	{"http_explain_fairs_province_en", "/v1/figures/fairs.province/explain?as_of=2025-08-07&known_at=2025-08-07&lang=en", nil, ""},
	{"http_diff", "/v1/diff?as_of=2025-08-07&known_at=2025-08-07T16:00:00%2B07:00&vs=2025-09-30", nil, ""},
	{"http_timeline_salespoints_open", "/v1/figures/salespoints.open/timeline?from=2025-01-01&to=2025-09-30&step=month&known_at=2025-09-30", nil, ""},
	{"http_expiring", "/v1/expiring?as_of=2025-08-07&known_at=2025-08-07", nil, ""},
	{"http_log_slice", "/v1/log?from=4495&limit=10", maskLogEnd, ""},
	{"http_reconcile", "/v1/reports/470-SCT-QLTM/reconcile", masksReconcileNow, ""},
	{"http_reconcile_unknown_en", "/v1/reports/471-SCT-QLTM/reconcile?lang=en", nil, ""},
	{"http_definitions", "/v1/definitions", nil, ""},
	{"http_definitions_en", "/v1/definitions?lang=en", nil, ""},
	{"http_timeline_ocop_valid", "/v1/figures/ocop.valid/timeline?from=2021-01-01&to=2025-08-07&step=year&known_at=2025-08-07", nil, ""},
	{"http_expiring_60_en", "/v1/expiring?as_of=2025-08-07&known_at=2025-08-07&within=60&lang=en", nil, ""},
	{"http_record_refused", "/v1/events/ocop.certified", nil, `{"product_id":"x","stars":6}`},
	{"http_record_refused_en", "/v1/events/ocop.certified?lang=en", nil, `{"product_id":"x","product_name":"X","producer_id":"p","producer_name":"P","producer_kind":"enterprise","product_set":"I.1","stars":6,"decision":{"number":"1/QĐ-UBND","date":"2025-01-01","authority":"province"},"address":{"province":"Quảng Ngãi"}}`},
	{"http_error_bad_date", "/v1/figures?as_of=31/02/2025", nil, ""},
	{"http_error_unknown_figure_en", "/v1/figures/ocop.vaild?lang=en", nil, ""},
}

// TestGolden loads the demo once, runs every command of goldenCommands on it in order, then
// serves it and asks the API goldenRequests, comparing each answer with its golden file.
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo into JetStream")
	}
	names := map[string]bool{"demo_first_run": true}
	for _, c := range goldenCommands {
		names[c.name] = true
	}
	for _, r := range goldenRequests {
		names[r.name] = true
	}
	audits := 0
	for _, c := range goldenAudit {
		if c.name != "" {
			names[c.name] = true
			audits++
		}
	}
	if len(names) != 1+len(goldenCommands)+len(goldenRequests)+audits {
		t.Fatal("two cases have the same name")
	}
	checkNoStrayGoldens(t, names)

	start := time.Now()
	dir := t.TempDir()
	code, out, errs := run(t, dir, "", "demo")
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	firstRun := fmt.Sprintf("$ ocopledger demo\nexit %d\n--- stdout\n%s--- stderr\n%s", code, out, errs)
	if err := os.WriteFile(filepath.Join(dir, "checkpoint-signing.key"), []byte(goldenKey), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded := time.Since(start)
	masks := append([]goldenMask{{"the temporary data directory", regexp.MustCompile(regexp.QuoteMeta(dir)), "<DATA>"}}, masksCLI...)
	checkGolden(t, "demo_first_run", applyMasks(firstRun, masks))
	for _, c := range goldenCommands {
		if c.noData {
			code, out, errs = runCLI(t, c.args...)
		} else {
			code, out, errs = run(t, dir, c.stdin, c.args...)
		}
		got := fmt.Sprintf("$ ocopledger %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(c.args, " "), code, out, errs)
		if c.stdin != "" {
			got = fmt.Sprintf("$ echo '%s' |%s", c.stdin, strings.TrimPrefix(got, "$"))
		}
		checkGolden(t, c.name, applyMasks(got, masks))
	}
	runGoldenAudit(t, dir, masks)
	ran := time.Since(start)

	base := serveGolden(t, dir)
	for _, r := range goldenRequests {
		method, res, err := "GET", (*http.Response)(nil), error(nil)
		if r.body != "" {
			method = "POST"
			res, err = http.Post(base+r.path, "application/json", strings.NewReader(r.body))
		} else {
			res, err = http.Get(base + r.path)
		}
		if err != nil {
			t.Fatalf("%s: %v", r.path, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", r.path, err)
		}
		req := method + " " + r.path + "\n"
		if r.body != "" {
			req += r.body + "\n"
		}
		got := fmt.Sprintf("%s%d %s\n\n%s", req, res.StatusCode, res.Header.Get("Content-Type"), body)
		checkGolden(t, r.name, applyMasks(applyMasks(got, masks), r.masks))
	}
	t.Logf("demo loaded in %v, %d commands in %v, %d requests in %v", loaded.Round(time.Millisecond),
		len(goldenCommands), (ran - loaded).Round(time.Millisecond), len(goldenRequests), time.Since(start.Add(ran)).Round(time.Millisecond))
}

// serveGolden runs `ocopledger serve` on dir on a free loopback port, open to the local user (no
// tokens), until the test ends; it returns the base URL once the read models are ready.
func serveGolden(t *testing.T, dir string) string {
	t.Helper()
	t.Setenv("OCOPLEDGER_TOKENS", "")
	base, _ := serveInProcess(t, "--data", dir, "--instance", "golden")
	return base
}
