package domain_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
)

// at is when the entries of these tests are recorded: 07/08/2025 09:00 in Vietnam.
var at = t0

// TestGateFarFutureDates is issue 14's first case: a recognition of the 2099 round issued on
// 01/05/2099, and a certificate decided on 01/01/2099, recorded in 2025, are refused at the gate
// with the field named, in both languages.
func TestGateFarFutureDates(t *testing.T) {
	r := cnnttb(domain.LevelProvince, 2099, "CN-2099", "2099-05-01")
	err := domain.ValidateAt(r, at)
	wantError(t, err, refused{code: domain.CodeInvalid, field: "issued_on", msg: "01/05/2099 is after 07/08/2025"})
	if vi := i18n.Localize(err, "vi"); !strings.Contains(vi, "issued_on: ngày 01/05/2099 muộn hơn ngày 07/08/2025") {
		t.Errorf("Vietnamese: %q", vi)
	}
	c := cert4("1/QĐ-UBND", "2099-01-01")
	wantError(t, domain.ValidateAt(c, at), refused{code: domain.CodeInvalid, field: "decision.date", msg: "01/01/2099"})
}

// TestGateDatesAgainstTheDayOfRecording: a fact is dated at the latest the day after the day it
// is recorded (DateLeeway); a fair, a reorganisation and the expiry a notice announces may lie
// further ahead, by what DaysAhead says.
func TestGateDatesAgainstTheDayOfRecording(t *testing.T) {
	today := domain.DateOf(at)
	iso := func(d domain.Date) string { return d.String() }
	for _, tc := range []struct {
		name  string
		e     domain.Event
		field string // "": accepted
	}{
		{"decision today", cert4("1/QĐ-UBND", iso(today)), ""},
		{"decision tomorrow (leeway)", cert4("1/QĐ-UBND", iso(today.AddDays(1))), ""},
		{"decision the day after tomorrow", cert4("1/QĐ-UBND", iso(today.AddDays(2))), "decision.date"},
		{"opened next week", salesPointOpened("sp", domain.FundingPrivate, iso(today.AddDays(7))), "opened_on"},
		{"closed next month", salesPointClosed("sp", iso(today.AddMonths(1))), "closed_on"},
		{"fair in ten months", fairHeld("f", domain.KindProvincialFair, iso(today.AddMonths(10))), ""},
		{"fair in two years", fairHeld("f", domain.KindProvincialFair, iso(today.AddMonths(24))), "start_date"},
		{"listing tomorrow+1", listed("l", "shopee", false, "", "b", iso(today.AddDays(2))), "listed_on"},
		{"expiry recorded before the day", expired("1/QĐ-UBND", iso(today.AddDays(3))), "expired_on"},
		{"notice of an expiry 30 days on", domain.OCOPExpiryNoticed{ProductID: "p", Certificate: "1", ExpiresOn: today.AddDays(30), NoticedOn: today}, ""},
		{"notice sent tomorrow+1", domain.OCOPExpiryNoticed{ProductID: "p", Certificate: "1", ExpiresOn: today.AddDays(30), NoticedOn: today.AddDays(2)}, "noticed_on"},
		{"report dated next year", domain.ReportFiled{ReportID: "r", DocumentNumber: "1/SCT", Title: "Báo cáo", Issuer: "Sở Công Thương",
			Date: today.AddMonths(12), AsOf: today, Figures: map[string]int64{"ocop.valid": 1}}, "date"},
		{"reorganisation effective in six months", domain.UnitsMerged{ReorganisationID: "r", Effective: today.AddMonths(6), LegalBasis: "NQ",
			Units: []domain.UnitMapping{{OldCommune: "a", OldProvince: "b", NewCommune: "c", NewProvince: "d"}}}, ""},
		{"producer changed next week", domain.ProducerChanged{ProducerID: "p", Name: "Tên mới", Effective: today.AddDays(7)}, "effective"},
		{"amendment to a decision in 2099", amend("e1", cert4("1/QĐ-UBND", "2099-01-01")), "replacement.decision.date"},
		{"amendment within the day", amend("e1", cert4("1/QĐ-UBND", iso(today))), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := domain.ValidateAt(tc.e, at)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantError(t, err, refused{code: domain.CodeInvalid, field: tc.field, msg: "the day this entry is recorded"})
		})
	}
}

// TestGateEra: the programme's records start on EraStart; an open end is not a date.
func TestGateEra(t *testing.T) {
	if got := domain.EraStart.String(); got != "2001-01-01" {
		t.Fatalf("EraStart = %s; docs/events.md states 2001-01-01", got)
	}
	wantError(t, domain.ValidateAt(cert3("1/QĐ-UBND", "2000-12-31"), at), refused{code: domain.CodeInvalid, field: "decision.date", msg: "before 01/01/2001"})
	wantError(t, domain.ValidateAt(cert3("1/QĐ-UBND", "1990-01-01"), at), refused{code: domain.CodeInvalid, field: "decision.date", msg: "before 01/01/2001"})
	if err := domain.ValidateAt(cnnttb(domain.LevelProvince, 2001, "CN-1", "2001-01-01"), at); err != nil {
		t.Errorf("the first day of the era is refused: %v", err)
	}
	c := cert3("1/QĐ-UBND", "2023-01-01")
	c.Decision.Date = domain.Forever
	wantError(t, c.Validate(), refused{code: domain.CodeInvalid, field: "decision.date", msg: "no end"})
	for _, y := range []int{2000, 1990, 2101, -5, 1 << 40} {
		r := cnnttb(domain.LevelProvince, y, "CN-1", "2023-05-01")
		wantError(t, r.Validate(), refused{code: domain.CodeInvalid, field: "round_year", msg: "not a year of the programme"})
	}
	rep := domain.ReportFiled{ReportID: "r", DocumentNumber: "1/SCT", Title: "Báo cáo", Issuer: "Sở", Date: day("2025-08-07"), AsOf: day("2025-08-07"),
		PeriodFrom: day("1995-01-01"), Figures: map[string]int64{"ocop.valid": 1}}
	wantError(t, rep.Validate(), refused{code: domain.CodeInvalid, field: "period_from"})
	rep.PeriodFrom = day("2025-09-01")
	wantError(t, rep.Validate(), refused{code: domain.CodeInvalid, field: "period_from", msg: "after the day the figures are counted"})
	rep.PeriodFrom, rep.Figures["ocop.valid"] = day("2021-01-01"), domain.MaxCount+1
	wantError(t, rep.Validate(), refused{code: domain.CodeInvalid, field: "figures.ocop.valid", msg: "not a count"})
}

// TestGateText: text is refused, never rewritten, when it holds what a clerk cannot see or the
// ledger cannot keep faithfully; the field is named.
func TestGateText(t *testing.T) {
	for _, tc := range []struct {
		name, text, msg string
		ok              bool
	}{
		{"NUL", "Tỏi\x00Lý Sơn", "control character (U+0000)", false},
		{"escape", "Tỏi\x1b[31m", "control character (U+001B)", false},
		{"DEL", "Tỏi\x7f", "control character (U+007F)", false},
		{"C1", "Tỏi\u0085", "control character (U+0085)", false},
		{"bidi override", "Tỏi \u202eLý Sơn", "control character (U+202E)", false},
		{"tab", "Tỏi\tLý Sơn", "control character (U+0009)", false},
		{"line break", "Tỏi\nLý Sơn", "line break", false},
		{"invalid UTF-8", "T\xf4i", "not UTF-8", false},
		{"overlong", strings.Repeat("a", 1001), "longer than", false},
		{"Vietnamese", "Tỏi Lý Sơn — đặc sản “đảo”", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cert3("1/QĐ-UBND", "2023-01-01")
			c.Address.Detail = tc.text
			err := c.Validate()
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantError(t, err, refused{code: domain.CodeInvalid, field: "address.detail", msg: tc.msg})
		})
	}
	// Free text may hold lines; a reason of several paragraphs is kept as written.
	r := retract("product.toi-ly-son", "e1")
	r.Reason = "Nhập nhầm.\r\n\tXem công văn số 12."
	if err := r.Validate(); err != nil {
		t.Errorf("a reason of several lines is refused: %v", err)
	}
	r.Reason = "Nhập nhầm\x00"
	wantError(t, r.Validate(), refused{code: domain.CodeInvalid, field: "reason", msg: "U+0000"})
	u := domain.UnitsMerged{ReorganisationID: "r", Effective: day("2025-07-01"), LegalBasis: "NQ",
		Units: []domain.UnitMapping{{OldCommune: "a", OldProvince: "b", NewCommune: "c", NewProvince: "d"}, {OldCommune: "a", OldDistrict: "x\x01", OldProvince: "b", NewCommune: "c", NewProvince: "d"}}}
	wantError(t, u.Validate(), refused{code: domain.CodeInvalid, field: "units[1].old_district"})
	rep := domain.ReportFiled{ReportID: "r", DocumentNumber: "1/SCT", Title: "Báo cáo", Issuer: "Sở", Date: day("2025-08-07"), AsOf: day("2025-08-07"),
		Figures: map[string]int64{"ocop.valid\x00": 1}}
	wantError(t, rep.Validate(), refused{code: domain.CodeInvalid, field: "figures", msg: "U+0000"})
	wantError(t, domain.CheckLine("source", "QĐ\x00", 100), refused{code: domain.CodeInvalid, field: "source"})
	// A text behind a pointer (an address given only when it changes) is read too, and a
	// decision's fields are named within it.
	ch := domain.ProducerChanged{ProducerID: "p", Address: &domain.Address{Commune: "Lý\u202eSơn", Province: "Quảng Ngãi"}, Effective: day("2024-01-01")}
	wantError(t, ch.Validate(), refused{code: domain.CodeInvalid, field: "address.commune", msg: "U+202E"})
	c := cert3("", "2023-01-01")
	wantError(t, c.Validate(), refused{code: domain.CodeInvalid, field: "decision.number", msg: "is empty"})
	c = cert3("1/QĐ-UBND", "2023-01-01")
	c.Decision.Authority = "ubnd_xa"
	wantError(t, c.Validate(), refused{code: domain.CodeInvalid, field: "decision.authority", msg: "not a known"})
}

// TestDecodeValidRefusesBadUTF8 reads the raw bytes: encoding/json would have turned them into
// U+FFFD and the ledger would have recorded text nobody wrote.
func TestDecodeValidRefusesBadUTF8(t *testing.T) {
	good, err := json.Marshal(cert3("1/QĐ-UBND", "2023-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ bad, field string }{
		{strings.Replace(string(good), "huyện Lý Sơn", "huyện L\xfd S\xf5n", 1), "address.district"},
		{strings.Replace(string(good), "Tỏi", "T\xc3", 1), "product_name"},
		{strings.Replace(string(good), `"stars"`, "\"st\xffars\"", 1), ""},
	} {
		_, err := domain.DecodeValid(domain.TypeOCOPCertified, 1, []byte(tc.bad))
		wantError(t, err, refused{code: domain.CodeInvalid, field: tc.field, msg: "not UTF-8"})
	}
	a := amend("e1", cert3("1/QĐ-UBND", "2023-01-01"))
	a.Replacement = []byte(strings.Replace(string(a.Replacement), "Tỏi", "T\xc3", 1))
	wantError(t, a.Validate(), refused{code: domain.CodeInvalid, field: "product_name", msg: "not UTF-8"})
}

// TestGateRecordedAtZeroIsNotNow guards the contract: ValidateAt needs the time of recording; a
// zero time is a caller's mistake and refuses every dated fact rather than admitting all.
func TestGateRecordedAtZeroIsNotNow(t *testing.T) {
	if err := domain.ValidateAt(cert3("1/QĐ-UBND", "2023-01-01"), time.Time{}); err == nil {
		t.Error("a zero recording time admitted a dated fact")
	}
}

// The position a refusal gives counts characters from 1, as a clerk counts them.
func TestGateTextPosition(t *testing.T) {
	for s, want := range map[string]string{"\x00": "character 1", "ab\x01": "character 3", "Lý\x1b": "character 3", "ậ\n": "character 2"} {
		err := domain.CheckLine("name", s, 100)
		wantError(t, err, refused{code: domain.CodeInvalid, field: "name", msg: want})
	}
}

// Every text field of every event type is checked by its Validate: a NUL in any of them is
// refused, naming that field. A new event type whose Validate forgets checkValues fails here.
func TestGateCoversEveryTextField(t *testing.T) {
	for _, typ := range domain.EventTypes() {
		e, err := domain.Decode(typ, 1, []byte(goodPayloads[typ]))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		ev := reflect.New(reflect.TypeOf(e)).Elem() // addressable: its strings can be set
		ev.Set(reflect.ValueOf(e))
		type text struct {
			path string
			v    reflect.Value
		}
		var texts []text
		var visit func(v reflect.Value, path string)
		visit = func(v reflect.Value, path string) {
			switch v.Kind() {
			case reflect.Pointer:
				if !v.IsNil() {
					visit(v.Elem(), path)
				}
			case reflect.Struct:
				for i := 0; i < v.NumField(); i++ {
					name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
					if path != "" {
						name = path + "." + name
					}
					visit(v.Field(i), name)
				}
			case reflect.Slice:
				if v.Type().Elem().Kind() == reflect.Struct && v.Len() > 0 {
					visit(v.Index(0), path+"[0]")
				}
			case reflect.String:
				texts = append(texts, text{path, v})
			}
		}
		visit(ev, "")
		if len(texts) == 0 {
			t.Fatalf("%s: no text fields found", typ)
		}
		for _, x := range texts {
			was := x.v.String()
			x.v.SetString(was + "\x00")
			got := ev.Interface().(domain.Event).Validate()
			if domain.ErrorField(got) != x.path || got == nil || !strings.Contains(got.Error(), "U+0000") {
				t.Errorf("%s with a NUL in %s: %v", typ, x.path, got)
			}
			x.v.SetString(was)
		}
	}
}
