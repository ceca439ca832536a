package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// vietnameseLetter matches a letter only Vietnamese writes (a tone mark, ă, â, đ, ê, ô, ơ, ư).
var vietnameseLetter = regexp.MustCompile(`[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐ]`)

// A clerk who calls a command wrongly is told, in Vietnamese unless --lang en says otherwise,
// which field or flag is wrong and why, with the exit code the mistake means (2 invalid input or
// usage, 3 not found); a mistake in how the command was called points to the command's help.
// With --json the same error comes as JSON, naming the code and the field.
func TestBadInvocationsAreExplainedInTheClerksLanguage(t *testing.T) {
	dir := t.TempDir()
	notExport := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notExport, []byte("Sổ theo dõi OCOP\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope.json")
	// An export whose second line skips a version of its record.
	gap := filepath.Join(dir, "gap.jsonl")
	line := `{"sequence":%d,"id":"gap-%d","type":"producer.registered","schema":1,"stream":"producer.gap","version":%d,"recorded_at":"2024-01-0%dT00:00:00Z","backfilled":true,"actor":"t","source":"","data":{"producer_id":"gap","name":"HTX giả lập","kind":"cooperative","address":{"province":"Quảng Ngãi"},"synthetic":true}}` + "\n"
	if err := os.WriteFile(gap, []byte(fmt.Sprintf(line, 1, 1, 1, 1)+fmt.Sprintf(line, 2, 2, 3, 2)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		args      []string // the command and its arguments (--data and --lang are added after the command)
		code      int
		field     string // the field named at the start of the message ("" for none)
		help      bool   // a usage error: the message points to ocopledger help <command>
		bilingual bool   // said in both languages, whatever --lang asks for
		vi, en    string // what the message says in each language
	}{
		{"figures with a date that does not exist", []string{"figures", "--as-of", "2025-02-30"}, 2, "as-of", false, false,
			`"2025-02-30" không phải là ngày có thật: tháng 02/2025 không có ngày 30`, `"2025-02-30" is not a real date: day 30 does not exist in 02/2025`},
		{"figures with a date in the wrong form", []string{"figures", "--known-at", "hôm qua"}, 2, "known-at", false, false,
			`"hôm qua" không phải là thời điểm`, `"hôm qua" is not a time`},
		{"figures with an unknown dimension", []string{"figures", "--by", "huyen"}, 2, "by", false, false,
			`"huyen" không phải là tiêu chí phân tổ`, `"huyen" is not a dimension`},
		{"figures with an argument", []string{"figures", "ocop.valid"}, 2, "", true, false,
			"lệnh figures không nhận tham số nào (có phải bạn muốn dùng: ocopledger explain ocop.valid?)", "figures takes no arguments (did you mean: ocopledger explain ocop.valid?)"},
		{"explain an unknown figure", []string{"explain", "ocop.valid.stars6"}, 3, "figure", false, false,
			`"ocop.valid.stars6" không phải là mã chỉ tiêu; xem danh sách chỉ tiêu bằng lệnh ocopledger figures --list`, `"ocop.valid.stars6" is not a figure ID; see ocopledger figures --list`},
		{"explain without a figure", []string{"explain"}, 2, "", true, false,
			"lệnh explain cần đúng một mã chỉ tiêu", "explain takes one figure ID"},
		{"explain with a limit that is not a number", []string{"explain", "ocop.valid", "--limit", "mười"}, 2, "limit", true, false,
			`"mười" không phải là số tự nhiên`, `"mười" is not a whole number`},
		{"timeline with a bad step", []string{"timeline", "ocop.valid", "--from", "2025-01-01", "--to", "2025-06-30", "--step", "quý"}, 2, "step", false, false,
			`"quý" không phải là bước thời gian; hãy ghi day (ngày), week (tuần), month (tháng) hoặc year (năm)`, `"quý" is not a step; give day, week, month or year`},
		{"timeline without --from", []string{"timeline", "ocop.valid"}, 2, "from", false, false,
			"còn thiếu: hãy ghi ngày đầu tiên của chuỗi số liệu", "is missing: give the first day of the series"},
		{"diff without --known-at", []string{"diff", "--as-of", "2025-08-07"}, 2, "known-at", false, false,
			"còn thiếu: lệnh diff so sánh số liệu", "is missing: diff compares the figures"},
		{"expiring with a window that is not a number of days", []string{"expiring", "--within", "một tháng"}, 2, "within", false, false,
			`"một tháng" không phải là số ngày, ví dụ 30d`, `"một tháng" is not a number of days such as 30d`},
		{"a language that is neither vi nor en", []string{"figures", "--lang", "fr"}, 2, "lang", false, true,
			`"fr" không phải là ngôn ngữ: hãy ghi vi (tiếng Việt) hoặc en (tiếng Anh)`, `"fr" is not a language: give vi or en`},
		{"an unknown flag", []string{"figures", "--as-at", "2025-08-07"}, 2, "as-at", true, false,
			"không phải là tùy chọn của lệnh ocopledger figures", "is not an option of ocopledger figures"},
		{"a flag without its value", []string{"figures", "--as-of"}, 2, "as-of", true, false,
			"thiếu giá trị: hãy ghi --as-of kèm theo giá trị", "has no value: write --as-of and its value"},
		{"a yes-or-no flag with another value", []string{"figures", "--list=yes"}, 2, "list", true, false,
			`"yes" không phải là true hay false: hãy ghi --list, hoặc --list=false`, `"yes" is not true or false: write --list, or --list=false`},
		{"a position that is not a number", []string{"log", "--from", "-1"}, 2, "from", true, false,
			`"-1" không phải là số tự nhiên`, `"-1" is not a whole number`},
		{"a number too large", []string{"log", "--limit", "99999999999999999999"}, 2, "limit", true, false,
			`"99999999999999999999" là số quá lớn`, `"99999999999999999999" is too large a number`},
		{"a long option written with one dash", []string{"log", "-limit", "3"}, 2, "", true, false,
			`"-limit" không phải là tùy chọn: hãy ghi tùy chọn theo dạng --tên giá-trị hoặc --tên=giá-trị`, `"-limit" is not an option: write an option as --name value or --name=value`},
		{"a flag written with three dashes", []string{"log", "---limit", "3"}, 2, "", true, false,
			`"---limit" không phải là tùy chọn: hãy ghi tùy chọn theo dạng --tên giá-trị hoặc --tên=giá-trị`, `"---limit" is not an option: write an option as --name value or --name=value`},
		{"an unknown command", []string{"figure"}, 2, "", false, false,
			`"figure" không phải là lệnh của ocopledger; danh sách các lệnh ở bên dưới`, `"figure" is not a command of ocopledger; the commands are listed below`},
		{"record without an event type", []string{"record"}, 2, "", true, false,
			"lệnh record cần một loại sự kiện, là một trong các loại: admin.units_merged", "record needs an event type; one of: admin.units_merged"},
		{"record an unknown event type", []string{"record", "ocop.certificate_issued"}, 2, "type", false, false,
			`"ocop.certificate_issued" không phải là loại sự kiện đã biết`, `"ocop.certificate_issued" is not a known event type`},
		{"record from a file that does not exist", []string{"record", "ocop.certified", "--file", missing}, 2, "file", false, false,
			"không có tệp " + missing, "there is no file " + missing},
		{"record from a folder", []string{"record", "ocop.certified", "--file", dir}, 2, "file", false, false,
			dir + " là thư mục, không phải tệp", dir + " is a folder, not a file"},
		{"record with --set but no value", []string{"record", "ocop.certified", "--set", "stars"}, 2, "set", false, false,
			`"stars": hãy ghi theo dạng trường=giá trị, ví dụ --set stars=4`, `"stars": write field=value, e.g. --set stars=4`},
		{"record with both --file and --set", []string{"record", "ocop.certified", "--file", missing, "--set", "stars=4"}, 2, "", true, false,
			"hãy nhập nội dung sự kiện bằng --file hoặc bằng --set, không dùng cả hai", "give the payload either with --file or with --set, not both"},
		{"record with a recording time in the wrong form", []string{"record", "ocop.certified", "--set", "stars=4", "--recorded-at", "07/08/2025"}, 2, "recorded-at", false, false,
			`"07/08/2025" không phải là thời điểm theo chuẩn RFC 3339`, `"07/08/2025" is not an RFC 3339 time`},
		{"report in a format that does not exist", []string{"report", "--format", "docx"}, 2, "format", false, false,
			`"docx" không phải là định dạng: hãy ghi text, md, json hoặc pdf`, `"docx" is not a format: give text, md, json or pdf`},
		{"report for a period that starts after its day", []string{"report", "--from", "2025-09-01", "--as-of", "2025-08-07"}, 2, "from", false, false,
			"ngày 01/09/2025 sau ngày 07/08/2025 của --as-of", "01/09/2025 is after --as-of 07/08/2025"},
		{"figures for a period that starts after its day", []string{"figures", "--from", "2025-09-01", "--as-of", "2025-08-07"}, 2, "from", false, false,
			"ngày 01/09/2025 sau ngày 07/08/2025 của --as-of", "01/09/2025 is after --as-of 07/08/2025"},
		{"reconcile a report that is not in the ledger", []string{"reconcile", "999/SCT-QLTM"}, 3, "", false, false,
			"không có báo cáo 999/SCT-QLTM trong sổ cái (hồ sơ report.999-SCT-QLTM không có mục ghi report.filed nào)", "no report 999/SCT-QLTM in the ledger (no report.filed entry in report.999-SCT-QLTM)"},
		{"reconcile something that is not a report number", []string{"reconcile", "///"}, 2, "", true, false,
			`"///" không phải là số hiệu văn bản hay mã báo cáo`, `"///" is not a document number or report ID`},
		{"reconcile without a report", []string{"reconcile"}, 2, "", true, false,
			"lệnh reconcile cần đúng một báo cáo", "reconcile takes one report"},
		{"restore a file that does not exist", []string{"restore", missing}, 2, "file", false, false,
			"không có tệp " + missing, "there is no file " + missing},
		{"restore a file that skips a version", []string{"restore", gap}, 2, "file", false, false,
			"không khôi phục được dòng 2 của tệp " + gap + ": version: phá vỡ thứ tự của hồ sơ producer.gap: trong sổ cái, tiếp theo phải là phiên bản 2",
			"line 2 of " + gap + " cannot be restored: version: breaks the order of producer.gap: version 2 comes next in the log"},
		{"restore a file that is not an export", []string{"restore", notExport}, 2, "file", false, false,
			"dòng 1 không phải là sự kiện do lệnh ocopledger export ghi ra: JSON sai cú pháp tại byte 1", "line 1 is not an event written by ocopledger export: its JSON is malformed at byte 1"},
		{"export into a folder that does not exist", []string{"export", "--out", filepath.Join(missing, "log.jsonl")}, 2, "out", false, false,
			"không có thư mục " + missing, "the folder " + missing + " does not exist"},
		{"watch something that is not events or figures", []string{"watch", "products"}, 2, "", true, false,
			`không theo dõi được "products": hãy ghi events (sự kiện) hoặc figures (số liệu)`, `"products" is not something to watch: give events or figures`},
		{"demo with an argument", []string{"demo", "470"}, 2, "", true, false,
			"lệnh demo không nhận tham số nào", "demo takes no arguments"},
	}
	runIn := func(args []string, extra ...string) (int, string) {
		t.Helper()
		var out, errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &out, &errb)
		full := append([]string{args[0], "--data", dir}, extra...)
		code := m.Run(context.Background(), append(full, args[1:]...))
		m.Close()
		return code, errb.String()
	}
	exitCode := map[string]int{"invalid": 2, "not_found": 3}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []string{"vi", "en"} {
				var extra []string
				if lang == "en" {
					extra = []string{"--lang", "en"}
				}
				code, errs := runIn(c.args, extra...)
				if code != c.code {
					t.Errorf("%s: exit %d, want %d\n%s", lang, code, c.code, errs)
				}
				first, _, _ := strings.Cut(errs, "\n")
				prefix, says, hint := "ocopledger: lỗi: ", c.vi, "(xem hướng dẫn: ocopledger help "+c.args[0]+")"
				if lang == "en" && !c.bilingual {
					prefix, says, hint = "ocopledger: error: ", c.en, "(see ocopledger help "+c.args[0]+")"
				}
				if c.field != "" {
					prefix += c.field + ": "
				}
				if !strings.HasPrefix(first, prefix) {
					t.Errorf("%s: the error does not start with %q:\n%s", lang, prefix, errs)
				}
				if !strings.Contains(first, says) {
					t.Errorf("%s: the error does not say %q:\n%s", lang, says, errs)
				}
				if c.bilingual && !strings.Contains(errs, c.en) {
					t.Errorf("%s: the error does not also say %q:\n%s", lang, c.en, errs)
				}
				if c.help != strings.Contains(errs, hint) {
					t.Errorf("%s: the hint %q is there: %v, want %v\n%s", lang, hint, !c.help, c.help, errs)
				}
				// The sentence around what the clerk typed is in the language asked for.
				words := strings.NewReplacer(dir, "", strings.Join(c.args, " "), "").Replace(first)
				for _, a := range c.args {
					words = strings.ReplaceAll(words, `"`+a+`"`, "")
				}
				if vn := vietnameseLetter.MatchString(words); vn != (lang == "vi" || c.bilingual) {
					t.Errorf("%s: the error has Vietnamese letters: %v\n%s", lang, vn, first)
				}
			}
			if slices.Contains(c.args, "--format") {
				return // with --json, the format is json
			}
			code, errs := runIn(c.args, "--json")
			var e struct {
				Error struct {
					Code, Field, Message string
					MessageEN            string `json:"message_en"`
				} `json:"error"`
			}
			if err := json.NewDecoder(strings.NewReader(errs)).Decode(&e); err != nil {
				t.Fatalf("--json: the error is not JSON (%v):\n%s", err, errs)
			}
			if code != c.code || exitCode[e.Error.Code] != c.code || e.Error.Field != c.field ||
				!strings.Contains(e.Error.Message, c.vi) || !strings.Contains(e.Error.MessageEN, c.en) {
				t.Errorf("--json: exit %d, %+v; want exit %d naming the field %q, saying %q and %q", code, e.Error, c.code, c.field, c.vi, c.en)
			}
		})
	}
}

// A command stopped by Ctrl-C says so in the clerk's language and exits 130.
func TestInterruptedCommandSaysSo(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for lang, says := range map[string]string{"vi": "ocopledger: lệnh đã bị ngắt giữa chừng\n", "en": "ocopledger: interrupted\n"} {
		var errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &bytes.Buffer{}, &errb)
		code := m.Run(ctx, []string{"log", "--data", dir, "--lang", lang})
		m.Close()
		if code != 130 || errb.String() != says {
			t.Errorf("%s: exit %d, %q; want 130, %q", lang, code, errb.String(), says)
		}
	}
}

// serve and watch say what is wrong with their tokens in the clerk's language, naming where the
// token was given, and watch passes on the server's refusal with its code.
func TestServeAndWatchExplainTokenMistakes(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "tokens.txt")
	run := func(env string, args ...string) (int, string) {
		t.Helper()
		t.Setenv("OCOPLEDGER_TOKENS", env)
		var errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &bytes.Buffer{}, &errb)
		code := m.Run(context.Background(), append(args, "--data", dir))
		m.Close()
		return code, errb.String()
	}
	for _, c := range []struct {
		env    string
		args   []string
		code   int
		vi, en string
	}{
		{"", []string{"serve", "--addr", "127.0.0.1:0", "--tokens", missing}, 2,
			"ocopledger: lỗi: tokens: không có tệp " + missing, "ocopledger: error: tokens: there is no file " + missing},
		{"short-token:admin:ana", []string{"serve", "--addr", "127.0.0.1:0"}, 2,
			"ocopledger: lỗi: OCOPLEDGER_TOKENS: mã truy cập thứ 1 (ana) ngắn hơn 16 ký tự", "ocopledger: error: OCOPLEDGER_TOKENS: token 1 (ana) is shorter than 16 characters"},
		{"", []string{"watch", "--server", "http://%zz"}, 2,
			`ocopledger: lỗi: server: "http://%zz" không phải là địa chỉ máy chủ`, `ocopledger: error: server: "http://%zz" is not the address of a server`},
	} {
		if code, errs := run(c.env, c.args...); code != c.code || !strings.HasPrefix(errs, c.vi) {
			t.Errorf("%v: exit %d, %q; want %d, %q", c.args, code, errs, c.code, c.vi)
		}
		if code, errs := run(c.env, append(c.args, "--lang", "en")...); code != c.code || !strings.HasPrefix(errs, c.en) {
			t.Errorf("%v --lang en: exit %d, %q; want %d, %q", c.args, code, errs, c.code, c.en)
		}
	}

	base, _ := serveOnLoopback(t)
	for lang, says := range map[string]string{
		"vi": "ocopledger: lỗi: token: máy chủ " + base + "/v1/stream/events trả lời mã 401: Authorization: mã truy cập này không có trong danh sách của máy chủ\n",
		"en": "ocopledger: error: token: the server " + base + "/v1/stream/events answered 401: Authorization: this token is not known\n",
	} {
		var errb bytes.Buffer
		m := NewMain(strings.NewReader(""), &bytes.Buffer{}, &errb)
		code := m.Run(context.Background(), []string{"watch", "--server", base, "--token", "not-a-token-0123456789", "--lang", lang, "--data", dir})
		m.Close()
		if code != 5 || errb.String() != says {
			t.Errorf("watch with an unknown token, %s: exit %d, %q; want 5, %q", lang, code, errb.String(), says)
		}
	}
}
