package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/eventstore"
)

// run runs one command in a fresh Main on dir and returns its exit code and output.
func run(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runWithInput(t, stdin, append(args, "--data", dir)...)
}

// runCLI runs one command line in a fresh Main and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runWithInput(t, "", args...)
}

func runWithInput(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain(strings.NewReader(stdin), &out, &errb)
	code := m.Run(context.Background(), args)
	m.Close()
	return code, out.String(), errb.String()
}

func lastSequence(t *testing.T, dir string) uint64 {
	t.Helper()
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const certTemplate = `{"product_id":"toi-ly-son","product_name":"Tỏi Lý Sơn","producer_id":"phu-sinh",
"producer_name":"Công ty TNHH Thương mại và Dịch vụ Phú Sinh","producer_kind":"enterprise","product_set":"I.4b",
"stars":STARS,"decision":{"number":"1000/QĐ-UBND","date":"DATE","authority":"province"},
"address":{"commune":"đặc khu Lý Sơn","province":"Quảng Ngãi"}}`

func cert(stars, date string) string {
	return strings.NewReplacer("STARS", stars, "DATE", date).Replace(certTemplate)
}

// Bad input gets a clear error naming the field, the exit code its kind means, and changes
// nothing in the log.
func TestRecordRefusesBadInputAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	if code, out, errs := run(t, dir, cert("4", "2022-05-10"), "record", "ocop.certified", "--id", "first"); code != 0 {
		t.Fatalf("a good certificate: exit %d\n%s%s", code, out, errs)
	}
	cases := []struct {
		name, stdin string
		args        []string
		code        int
		says        []string // the message (asked for in English) names the field and the reason
	}{
		{"unknown event type", `{}`, []string{"record", "ocop.certificate_issued"}, 2, []string{"not a known event type", "ocop.certified"}},
		{"malformed JSON", `{"product_id": "x",`, []string{"record", "ocop.certified"}, 2, []string{"malformed"}},
		{"2-star certificate", cert("2", "2022-05-10"), []string{"record", "ocop.certified"}, 2, []string{"stars", "2 stars get no certificate", "3, 4 or 5"}},
		{"impossible date", cert("4", "2025-02-30"), []string{"record", "ocop.certified"}, 2, []string{"decision.date", "day 30 does not exist"}},
		{"unknown field", strings.Replace(cert("4", "2022-05-10"), `"stars"`, `"star"`, 1), []string{"record", "ocop.certified"}, 2, []string{"star", "not a field"}},
		{"oversize payload", `{"product_id":"` + strings.Repeat("x", 70_000) + `"}`, []string{"record", "ocop.certified"}, 2, []string{"KiB"}},
		{"stale expected version", cert("4", "2025-06-10"), []string{"record", "ocop.certified", "--expected-version", "0"}, 4, []string{"expected version 0", "reload"}},
		{"a second certificate while one is valid", strings.Replace(cert("4", "2023-01-10"), "1000/QĐ-UBND", "1001/QĐ-UBND", 1), []string{"record", "ocop.certified"}, 4, []string{"already holds certificate", "ocop.reevaluated"}},
		{"revoking an unknown certificate", `{"product_id":"toi-ly-son","certificate":"9/QĐ-X","reason":"voluntary","decision":{"number":"T1","date":"2023-01-01","authority":"province"}}`,
			[]string{"record", "ocop.revoked"}, 2, []string{"certificate", "no certificate 9/QĐ-X"}},
	}
	before := lastSequence(t, dir)
	for _, c := range cases {
		code, _, errs := run(t, dir, c.stdin, append(append([]string(nil), c.args...), "--lang", "en")...)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d (%s)", c.name, code, c.code, errs)
		}
		for _, s := range c.says {
			if !strings.Contains(errs, s) {
				t.Errorf("%s: the error %q does not say %q", c.name, strings.TrimSpace(errs), s)
			}
		}
		if n := lastSequence(t, dir); n != before {
			t.Fatalf("%s: the log moved from %d to %d", c.name, before, n)
		}
	}
	// In Vietnamese, the default, the same refusal names the same field.
	const starsVI = "stars: 2 sao không được cấp giấy chứng nhận: chỉ sản phẩm 3, 4 hoặc 5 sao mới được chứng nhận"
	code, _, errs := run(t, dir, cert("2", "2022-05-10"), "record", "ocop.certified")
	if want := "ocopledger: lỗi: " + starsVI + "\n"; code != 2 || errs != want {
		t.Errorf("2-star certificate in Vietnamese: exit %d\n got %q\nwant %q", code, errs, want)
	}
	// The same errors as JSON for machines: the message in the chosen language, and in English.
	code, _, errs = run(t, dir, cert("2", "2022-05-10"), "record", "ocop.certified", "--json")
	var e struct {
		Error struct {
			Code, Field, Message string
			MessageEN            string `json:"message_en"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(errs), &e); err != nil || code != 2 || e.Error.Code != "invalid" || e.Error.Field != "stars" {
		t.Errorf("--json error: exit %d, %q (%v)", code, errs, err)
	}
	if e.Error.Message != starsVI || e.Error.MessageEN != "stars: 2 stars get no certificate: only 3, 4 or 5 stars are certified" {
		t.Errorf("--json error: message %q, message_en %q", e.Error.Message, e.Error.MessageEN)
	}
	// A retry with the same --id is a success that stores nothing.
	code, out, _ := run(t, dir, cert("4", "2022-05-10"), "record", "ocop.certified", "--id", "first")
	if code != 0 || !strings.Contains(out, "đã ghi trước đó") || lastSequence(t, dir) != before {
		t.Errorf("retry with the same id: exit %d, %q, log at %d (was %d)", code, out, lastSequence(t, dir), before)
	}
}
