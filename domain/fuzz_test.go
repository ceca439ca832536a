package domain_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
)

// Fuzzing the gate and everything behind it: no function of domain may panic on anything that
// decodes. Run one at a time, e.g.
//
//	go test -run '^$' -fuzz '^FuzzDecide$' -fuzztime 20s -parallel 1 ./domain/
//
// The corpus under testdata/fuzz/ keeps what earlier runs found, and runs with every go test.

// fuzzHistories are generated logs that respect every rule (property_test.go), one per seed,
// built once: the history a fuzzed event is decided against.
var fuzzHistories = sync.OnceValue(func() [][]domain.Recorded {
	out := make([][]domain.Recorded, 8)
	for i := range out {
		out[i] = generate(uint64(i + 1))
	}
	return out
})

// streamOf returns the entries of log in stream s, in log order.
func streamOf(log []domain.Recorded, s string) []domain.Recorded {
	var out []domain.Recorded
	for _, r := range log {
		if r.Stream == s {
			out = append(out, r)
		}
	}
	return out
}

// fuzzSeedPayloads are payloads to start from: the catalogue's good examples, the events of a
// generated history (whose IDs the generated histories share), and the extreme ones of issue 14.
func fuzzSeedPayloads(tb testing.TB) (out []struct {
	typ  string
	data []byte
}) {
	add := func(typ string, data []byte) {
		out = append(out, struct {
			typ  string
			data []byte
		}{typ, data})
	}
	for _, typ := range domain.EventTypes() {
		add(typ, []byte(goodPayloads[typ]))
	}
	for i, r := range fuzzHistories()[0] {
		if i%3 == 0 || r.Type == domain.TypeEventAmended || r.Type == domain.TypeEventRetracted {
			b, err := json.Marshal(r.Event)
			if err != nil {
				tb.Fatal(err)
			}
			add(r.Type, b)
		}
	}
	far := strings.NewReplacer(`"2025-`, `"2099-`, `"2023-`, `"2100-`, `"2024-`, `"1990-`, `: 2024`, `: 2099`, `: 2023`, `: 2100`)
	for _, typ := range domain.EventTypes() {
		add(typ, []byte(far.Replace(goodPayloads[typ])))
		add(typ, []byte(strings.ReplaceAll(goodPayloads[typ], `"2025-`, `"9999-12-31", "x": "`)))
	}
	add(domain.TypeCNNTTBRecognized, []byte(`{"product_id":"c1","product_name":"Bò khô","producer_name":"Thu Ba","level":"province",`+
		`"round_year":2099,"certificate":"CN-1","issued_on":"2099-05-01","address":{"province":"Quảng Ngãi"}}`))
	add(domain.TypeOCOPCertified, []byte(`{"product_id":"p1","product_name":"Tỏi","producer_id":"x","producer_name":"X","producer_kind":"enterprise",`+
		`"product_set":"I.4b","stars":4,"score":1e308,"decision":{"number":"1","date":"2099-01-01","authority":"province"},"address":{"province":"Q\u0000"}}`))
	add(domain.TypeReportFiled, []byte(`{"report_id":"r","document_number":"1","title":"t\xff","issuer":"i","date":"2025-08-07","as_of":"2025-08-07","figures":{"ocop.valid":9223372036854775807}}`))
	return out
}

// FuzzDecide decodes an arbitrary payload of any event type and decides it against a generated
// history of its stream: Decide never panics, refuses only with a clerk's error (invalid or
// conflict, translatable), and what it accepts is valid and folds without failing, giving the
// same contributions incrementally and from scratch.
func FuzzDecide(f *testing.F) {
	types := domain.EventTypes()
	index := map[string]int{}
	for i, t := range types {
		index[t] = i
	}
	for i, p := range fuzzSeedPayloads(f) {
		f.Add(uint8(i), uint8(index[p.typ]), p.data)
	}
	f.Fuzz(func(t *testing.T, seed, typ uint8, payload []byte) {
		e, err := domain.Decode(types[int(typ)%len(types)], 1, payload)
		if err != nil {
			return
		}
		log := fuzzHistories()[int(seed)%len(fuzzHistories())]
		hist := streamOf(log, e.Stream())
		got, err := domain.Decide(hist, e)
		if err != nil {
			if c := domain.ErrorCode(err); c != domain.CodeInvalid && c != domain.CodeConflict {
				t.Fatalf("Decide refused %s with code %s: %v", e.EventType(), c, err)
			}
			_ = i18n.Localize(err, "vi")
			return
		}
		if len(got) != 1 {
			t.Fatalf("Decide accepted %s yielding %d events", e.EventType(), len(got))
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("Decide accepted an event Validate refuses: %v", err)
		}
		next := append(append([]domain.Recorded(nil), hist...), domain.Recorded{ID: "fuzz", Type: e.EventType(), Stream: e.Stream(),
			Version: uint64(len(hist) + 1), Sequence: uint64(len(log) + 1), RecordedAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Event: e})
		checkFolds(t, e.Stream(), next)
	})
}

// checkFolds folds a stream's history incrementally (refolding at corrections, as the projections
// do) and from scratch; both give the same contributions.
func checkFolds(t *testing.T, stream string, hist []domain.Recorded) {
	t.Helper()
	f := domain.NewFold(stream)
	for i, r := range hist {
		if !f.Apply(r) {
			f = domain.Refold(stream, hist[:i+1])
		}
	}
	inc, full := f.Contributions(), domain.Refold(stream, hist).Contributions()
	for _, c := range full {
		if _, ok := domain.LookupFigure(c.Figure); !ok {
			t.Fatalf("stream %s contributes to %q, a figure that does not exist (the read models index figures by their place)", stream, c.Figure)
		}
	}
	ref := domain.Contributions(domain.Effective(hist))
	if !reflect.DeepEqual(inc, full) && !(len(inc) == 0 && len(full) == 0) {
		t.Fatalf("stream %s: folding event by event gives\n%+v\nrefolding gives\n%+v", stream, inc, full)
	}
	if !reflect.DeepEqual(full, ref) && !(len(full) == 0 && len(ref) == 0) {
		t.Fatalf("stream %s: Refold gives\n%+v\nContributions(Effective) gives\n%+v", stream, full, ref)
	}
}

// FuzzFold folds stored entries that were never checked (written before the gate, or published
// past it): lines of "<type> <payload>", decoded without Validate, each in its own stream or all
// in the first one's. Nothing panics, both ways of folding agree, every figure counts each item at
// most once, and each entry decided on the entries before it is refused or accepted, no worse.
func FuzzFold(f *testing.F) {
	seeds := fuzzSeedPayloads(f)
	for i := 0; i+3 < len(seeds); i += 3 {
		var b strings.Builder
		for _, p := range seeds[i : i+4] {
			fmt.Fprintf(&b, "%s %s\n", p.typ, bytes.ReplaceAll(p.data, []byte("\n"), nil))
		}
		f.Add(b.String(), i%2 == 0)
	}
	// A certificate of 7 stars, stored past the gate.
	f.Add(domain.TypeOCOPCertified+` {"product_id":"p","product_name":"P","producer_id":"x","producer_name":"X","producer_kind":"enterprise","product_set":"I.1","stars":7,"decision":{"number":"1","date":"2024-03-01","authority":"province"},"address":{"province":"Gia Lai"}}`, false)
	// A reorganisation into an empty commune, and a product recorded without one.
	f.Add(domain.TypeUnitsMerged+` {"reorganisation_id":"r","effective":"2025-07-01","legal_basis":"NQ","units":[{"old_commune":"a","old_province":"Gia Lai","new_commune":"","new_province":"x"}]}`+"\n"+
		domain.TypeOCOPCertified+` {"product_id":"p","product_name":"P","producer_id":"x","producer_name":"X","producer_kind":"enterprise","product_set":"I.1","stars":4,"decision":{"number":"1","date":"2024-03-01","authority":"province"},"address":{"province":"Gia Lai"}}`, false)
	f.Fuzz(func(t *testing.T, lines string, oneStream bool) {
		var log []domain.Recorded
		versions := map[string]uint64{}
		for i, line := range strings.Split(lines, "\n") {
			typ, payload, _ := strings.Cut(line, " ")
			e, err := domain.Decode(typ, 1, []byte(payload))
			if err != nil {
				continue
			}
			stream := e.Stream()
			if oneStream && len(log) > 0 {
				stream = log[0].Stream
			}
			versions[stream]++
			log = append(log, domain.Recorded{ID: fmt.Sprintf("e%d", i+1), Type: typ, Stream: stream, Version: versions[stream],
				Sequence: uint64(len(log) + 1), RecordedAt: t0.Add(time.Duration(i) * time.Hour), Event: e})
		}
		for s := range versions {
			h := streamOf(log, s)
			checkFolds(t, s, h)
			// Deciding on a history of such entries refuses or accepts; it never fails otherwise.
			for i, r := range h {
				if r.Event.Stream() == s {
					if _, err := domain.Decide(h[:i], r.Event); err != nil {
						if c := domain.ErrorCode(err); c != domain.CodeInvalid && c != domain.CodeConflict {
							t.Fatalf("Decide on stored entries refused with code %s: %v", c, err)
						}
					}
				}
			}
		}
		for _, d := range []domain.Date{domain.MustDate(2025, 8, 7), domain.MustDate(2099, 12, 31), domain.MustDate(domain.MinYear, 1, 1)} {
			ev := domain.Evaluate(log, domain.Query{AsOf: d, KnownAt: t0.Add(2 * time.Hour)})
			for fig, cs := range ev.Items {
				seen := map[string]bool{}
				for _, c := range cs {
					if seen[c.Item] {
						t.Fatalf("%s counts item %s twice", fig, c.Item)
					}
					seen[c.Item] = true
					for _, dim := range domain.Dimensions() {
						_ = ev.Units.Dimension(dim, c.Attrs, "vi")
					}
				}
			}
		}
	})
}

// FuzzDates: parsing, formatting and arithmetic of dates never fail, and they agree with the
// calendar: what parses prints back to itself; month arithmetic is monotonic and keeps the day or
// takes the month's last; day arithmetic undoes itself.
func FuzzDates(f *testing.F) {
	for _, s := range []string{"2025-08-07", "07/08/2025", "2099-05-01", "2100-12-31", "1990-01-01", "2024-02-29", "2025-02-29",
		"9999-12-31", "0000-00-00", "-1--1--1", "99999999999999999999-1-1", " 2025-8-7 ", "31/12/2100", "1/1/1990", "2025-08-07T10:00:00+07:00", "now"} {
		f.Add(s, 2025, 8, 7, 36, int32(9000))
	}
	f.Add("", math.MaxInt, math.MinInt, 0, math.MinInt, int32(math.MinInt32))
	f.Add("", 2100, 12, 31, math.MaxInt, int32(math.MaxInt32))
	f.Fuzz(func(t *testing.T, s string, y, m, d, n int, raw int32) {
		if dt, err := domain.ParseDate(s); err == nil {
			if back, err := domain.ParseDate(dt.String()); err != nil || back != dt {
				t.Fatalf("ParseDate(%q) = %s, which reads back as %s (%v)", s, dt, back, err)
			}
			if back, err := domain.ParseDate(dt.VN()); err != nil || back != dt {
				t.Fatalf("ParseDate(%q) = %s, whose VN form %s reads back as %s (%v)", s, dt, dt.VN(), back, err)
			}
		}
		var jd domain.Date
		_ = jd.UnmarshalJSON([]byte(s))
		_, _ = domain.ParseKnownAt(s)
		if dt, err := domain.NewDate(y, m, d); err == nil {
			if gy, gm, gd := dt.YMD(); gy != y || gm != m || gd != d {
				t.Fatalf("NewDate(%d, %d, %d).YMD() = %d, %d, %d", y, m, d, gy, gm, gd)
			}
			checkArithmetic(t, dt, n)
		}
		checkArithmetic(t, domain.Date(raw), n)
	})
}

func checkArithmetic(t *testing.T, d domain.Date, n int) {
	t.Helper()
	a, b := d.AddMonths(n), d.AddDays(n)
	_, _, _, _ = d.String(), d.VN(), d.Time(), d.EndOfDay()
	_, _ = domain.OCOPValidUntil(d), domain.CNNTTBValidUntil(d)
	_ = domain.DateOf(d.Time())
	if !d.Valid() {
		if a != d || b != d {
			t.Fatalf("%d (an open end) moved: AddMonths %d, AddDays %d", d, a, b)
		}
		return
	}
	if n > -1e6 && n < 1e6 && d > domain.NoDate+2e6 && d < domain.Forever-2e6 {
		if back := b.AddDays(-n); back != d {
			t.Fatalf("%s + %d days - %d days = %s", d, n, n, back)
		}
		if n < 1e5 && n > -1e5 {
			next := d.AddMonths(n + 1)
			if next < a || a.AddDays(31) < next {
				t.Fatalf("%s: +%d months = %s, +%d months = %s: not a month apart", d, n, a, n+1, next)
			}
			if _, _, day := d.YMD(); a.Valid() {
				if _, _, ad := a.YMD(); ad > day {
					t.Fatalf("%s + %d months = %s: the day grew", d, n, a)
				}
			}
		}
	}
	if to := domain.CNNTTBValidTo(d); to.Valid() && to < d {
		t.Fatalf("CNNTTBValidTo(%s) = %s, before the issue", d, to)
	}
}

// FuzzRules: the rules give an answer for every rating, date, score and level.
func FuzzRules(f *testing.F) {
	f.Add(4, int32(9000), 75.0, "province")
	f.Add(3, int32(domain.AuthorityReformDate), 50.0, "district")
	f.Add(5, int32(domain.Forever), math.Inf(1), "commune")
	f.Add(-1, int32(math.MinInt32), math.NaN(), "")
	f.Fuzz(func(t *testing.T, stars int, day int32, score float64, level string) {
		s, d := domain.Stars(stars), domain.Date(day)
		as := domain.AuthoritiesFor(s, d)
		if len(as) == 0 {
			t.Fatalf("AuthoritiesFor(%d, %s) names no authority", stars, d)
		}
		if got := domain.StarsFromScore(score); got < 1 || got > 5 {
			t.Fatalf("StarsFromScore(%g) = %d", score, got)
		}
		_ = domain.CNNTTBLevelOpen(domain.CNNTTBLevel(level), d)
		_ = domain.RequiredLowerLevel(domain.CNNTTBLevel(level))
		_ = domain.CNNTTBLevel(level).Label("vi")
		c := domain.OCOPCertified{ProductID: "p", ProductName: "P", ProducerID: "x", ProducerName: "X", ProducerKind: "enterprise",
			ProductSet: "I.1", Stars: s, Score: score, Decision: domain.Decision{Number: "1", Date: d, Authority: as[0]}, Address: domain.Address{Province: "Q"}}
		err := c.Validate()
		if err == nil && (!s.Valid() || !d.Valid() || d < domain.EraStart || math.IsNaN(score)) {
			t.Fatalf("Validate accepts %d stars, score %g, decision dated %d", stars, score, day)
		}
		_ = domain.ValidateAt(c, t0)
		_ = i18n.Localize(err, "vi")
	})
}

// sameEvent compares events as values; an amendment's replacement by what it decodes to (its raw
// JSON is re-escaped by encoding: "&" becomes "\u0026").
func sameEvent(a, b domain.Event) bool {
	x, ok1 := a.(domain.EventAmended)
	y, ok2 := b.(domain.EventAmended)
	if !ok1 || !ok2 {
		return reflect.DeepEqual(a, b)
	}
	rx, err1 := x.Decoded()
	ry, err2 := y.Decoded()
	x.Replacement, y.Replacement = nil, nil
	return err1 == nil && err2 == nil && reflect.DeepEqual(x, y) && reflect.DeepEqual(rx, ry)
}

// FuzzDecodeValid: the gate never panics; what it refuses it refuses with a field-named invalid
// error; what it accepts is valid UTF-8 throughout, survives its own JSON encoding
// unchanged, and is checked against any recording time without failing.
func FuzzDecodeValid(f *testing.F) {
	types := domain.EventTypes()
	index := map[string]int{}
	for i, t := range types {
		index[t] = i
	}
	for i, p := range fuzzSeedPayloads(f) {
		f.Add(uint8(index[p.typ]), p.data, int64(i)*86400*97)
	}
	f.Fuzz(func(t *testing.T, typ uint8, payload []byte, unix int64) {
		name := types[int(typ)%len(types)]
		e, err := domain.DecodeValid(name, 1, payload)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalid {
				t.Fatalf("DecodeValid refused with %T %v; want an invalid *domain.Error", err, err)
			}
			_ = i18n.Localize(err, "vi")
			return
		}
		if !utf8.Valid(payload) {
			t.Fatalf("DecodeValid accepted bytes that are not UTF-8: %q", payload)
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("an accepted %s does not encode: %v", name, err)
		}
		e2, err := domain.DecodeValid(name, 1, b)
		if err != nil {
			t.Fatalf("an accepted %s, encoded, is refused: %v\n%s", name, err, b)
		}
		if b2, _ := json.Marshal(e2); !bytes.Equal(b, b2) || !sameEvent(e, e2) {
			t.Fatalf("an accepted %s changes through JSON:\n%#v\n%#v", name, e, e2)
		}
		at := time.Unix(unix%(200*365*86400), 0)
		if err := domain.ValidateAt(e, at); err != nil && domain.ErrorCode(err) != domain.CodeInvalid {
			t.Fatalf("ValidateAt refused with code %s: %v", domain.ErrorCode(err), err)
		}
	})
}
