package projections_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// zeroEvent is the zero value of an event type of the catalogue, as Decode builds it.
func zeroEvent(t testing.TB, typ string) domain.Event {
	t.Helper()
	e, err := domain.Decode(typ, 1, []byte(`{}`))
	if err != nil {
		t.Fatalf("Decode(%s, {}): %v", typ, err)
	}
	return e
}

// randomEvent returns an event of type typ with every field filled at random, found by
// reflection: a field added to an event is filled without a change here.
func randomEvent(t testing.TB, r *rand.Rand, typ string) domain.Event {
	t.Helper()
	v := reflect.New(reflect.TypeOf(zeroEvent(t, typ))).Elem()
	fill(t, r, v, typ)
	return v.Interface().(domain.Event)
}

var dateType = reflect.TypeFor[domain.Date]()

// fill sets v to a random value: nil, empty and full slices, maps and pointers; empty, long and
// non-UTF-8 strings; extreme numbers and dates.
func fill(t testing.TB, r *rand.Rand, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(randomString(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.Int, reflect.Int64, reflect.Int32:
		var n int64
		switch {
		case v.Type() == dateType:
			n = int64([]domain.Date{domain.NoDate, domain.Forever, 0, domain.MustDate(2025, 8, 7), domain.Date(r.Int32() - r.Int32())}[r.IntN(5)])
		case v.Kind() == reflect.Int32:
			n = int64(r.Int32() - r.Int32())
		default:
			n = []int64{0, 4, -1, math.MaxInt64, math.MinInt64, r.Int64() >> r.IntN(64), -r.Int64() >> r.IntN(64)}[r.IntN(7)]
		}
		v.SetInt(n)
	case reflect.Float64:
		v.SetFloat([]float64{0, 78, 69.99, math.Copysign(0, -1), math.Inf(1), math.MaxFloat64, r.NormFloat64() * 1e6}[r.IntN(7)])
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Fatalf("%s.%s is unexported: the binary encoding cannot see it", path, f.Name)
			}
			fill(t, r, v.Field(i), path+"."+f.Name)
		}
	case reflect.Pointer:
		if r.IntN(3) > 0 {
			p := reflect.New(v.Type().Elem())
			fill(t, r, p.Elem(), path)
			v.Set(p)
		}
	case reflect.Slice:
		switch k := r.IntN(4); {
		case k == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		case k > 1 && v.Type().Elem().Kind() == reflect.Uint8:
			b := make([]byte, r.IntN(300))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			v.SetBytes(b)
		case k > 1:
			n := 1 + r.IntN(4)
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range s.Len() {
				fill(t, r, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
			v.Set(s)
		}
	case reflect.Map:
		if k := r.IntN(4); k > 0 {
			m := reflect.MakeMap(v.Type())
			for range (k - 1) * r.IntN(6) {
				key, val := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
				fill(t, r, key, path+" key")
				fill(t, r, val, path+" value")
				m.SetMapIndex(key, val)
			}
			v.Set(m)
		}
	default:
		t.Fatalf("%s is a %s, which this test cannot fill: teach fill (and AppendBinary) this kind", path, v.Type())
	}
}

func randomString(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return ""
	case 1:
		return "Quảng Ngãi"
	case 2:
		return strings.Repeat("Tỏi Lý Sơn ", 1+r.IntN(40)) // past 127 bytes: a two-byte length
	case 3:
		return string([]byte{0xff, 0xfe, byte(r.Uint32()), 0}) // not UTF-8: kept byte for byte
	}
	return fmt.Sprintf("p-%d", r.Uint32())
}

// binaryRoundTrip encodes e after a prefix, checks the prefix is kept, and decodes it again.
func binaryRoundTrip(t testing.TB, e domain.Event) domain.Event {
	t.Helper()
	prefix := []byte("kept")
	b, err := projections.AppendBinary(prefix[:len(prefix):len(prefix)], e)
	if err != nil {
		t.Fatalf("AppendBinary(%s): %v", e.EventType(), err)
	}
	if !bytes.HasPrefix(b, prefix) {
		t.Fatalf("AppendBinary(%s) overwrote the bytes it appends to: %q", e.EventType(), b)
	}
	got, err := projections.DecodeBinary(e.EventType(), b[len(prefix):])
	if err != nil {
		t.Fatalf("DecodeBinary(%s): %v\nbytes %x", e.EventType(), err, b[len(prefix):])
	}
	if !reflect.DeepEqual(got, e) {
		t.Fatalf("the binary round trip of %s changed it:\n got %#v\nwant %#v", e.EventType(), got, e)
	}
	return got
}

// Every type of the catalogue round-trips exactly, whatever its fields hold.
func TestBinaryRoundTripsEveryType(t *testing.T) {
	for _, typ := range domain.EventTypes() {
		t.Run(typ, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(typ))))
			binaryRoundTrip(t, zeroEvent(t, typ))
			for range 300 {
				binaryRoundTrip(t, randomEvent(t, r, typ))
			}
		})
	}
}

// What domain.Decode reads from JSON (the examples of docs/events.md) comes back the same, and so
// do the events of random valid histories, whose figures are then the same.
func TestBinaryRoundTripsDecodedEvents(t *testing.T) {
	payloads := docPayloads(t)
	for _, typ := range domain.EventTypes() {
		if len(payloads[typ]) == 0 {
			t.Errorf("no JSON example of %s", typ)
		}
		for _, p := range payloads[typ] {
			e, err := domain.Decode(typ, 1, []byte(p))
			if err != nil {
				t.Fatalf("Decode(%s): %v", typ, err)
			}
			binaryRoundTrip(t, e)
		}
	}
	for seed := int64(1); seed <= 10; seed++ {
		g := newHistoryGen(seed)
		for len(g.log) < 150 {
			g.step()
		}
		streams := map[string][2][]domain.Recorded{}
		for _, rec := range g.log {
			s := streams[rec.Stream]
			s[0] = append(s[0], rec)
			rec.Event = binaryRoundTrip(t, rec.Event)
			s[1] = append(s[1], rec)
			streams[rec.Stream] = s
		}
		for stream, s := range streams {
			want, got := domain.Contributions(domain.Effective(s[0])), domain.Contributions(domain.Effective(s[1]))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("seed %d, %s: the contributions of the decoded events differ:\n got %+v\nwant %+v", seed, stream, got, want)
			}
		}
	}
}

// A type without a codec is cached as its JSON (format 2), and comes back the same (but for the
// spacing within raw JSON); so does every type, whose cache a build with fewer codecs may have
// written.
func TestBinaryJSONFormatRoundTrips(t *testing.T) {
	for typ, ps := range docPayloads(t) {
		for _, p := range ps {
			e, err := domain.Decode(typ, 1, []byte(p))
			if err != nil {
				t.Fatalf("Decode(%s): %v", typ, err)
			}
			b, err := projections.AppendJSONFormat(nil, e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := projections.DecodeBinary(typ, b)
			if err != nil {
				t.Fatalf("DecodeBinary(%s, JSON format): %v", typ, err)
			}
			// Exact but for the spacing within raw JSON (an amendment's replacement), which
			// encoding/json compacts.
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(e)
			if reflect.TypeOf(got) != reflect.TypeOf(e) || !bytes.Equal(gb, wb) {
				t.Fatalf("the JSON-format round trip of %s changed it:\n got %#v\nwant %#v", typ, got, e)
			}
		}
	}
	if _, err := projections.DecodeBinary(domain.TypeOCOPExpired, []byte("\x02{\"product_id\":1}")); err == nil || !strings.Contains(err.Error(), "product_id") {
		t.Errorf("DecodeBinary of bad JSON in format 2 = %v; want an error naming the field", err)
	}
}

// docPayloads returns the JSON examples of docs/events.md, by the event type they are under.
func docPayloads(t testing.TB) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	heading := regexp.MustCompile("(?m)^### `([a-z0-9_.]+)`")
	sections := heading.Split(string(raw), -1)
	names := heading.FindAllStringSubmatch(string(raw), -1)
	block := regexp.MustCompile("(?s)```json\n(.*?)```")
	for i, n := range names {
		for _, m := range block.FindAllStringSubmatch(sections[i+1], -1) {
			out[n[1]] = append(out[n[1]], m[1])
		}
	}
	return out
}

// binaryLayouts pins, for each format byte, a digest of the encodings of fixed random events of
// each type. A digest that changes means the layout of that type changed: bump binaryFormat in
// binary.go, so that caches written before are refused, and pin the new digests under it.
var binaryLayouts = map[byte]map[string]string{
	1: {
		"admin.units_merged":                 "51f4f18956c86249",
		"cnnttb.expired":                     "ef2660902606649c",
		"cnnttb.recognized":                  "1ca99f1564441ad9",
		"correction.amended":                 "ee860a14cc120e88",
		"correction.quarantine_acknowledged": "832477db62aaf8b9",
		"correction.retracted":               "e6787526a639313c",
		"listing.created":                    "ac071f266fc1d1a6",
		"listing.removed":                    "96edc6708607dff2",
		"ocop.certified":                     "9342c3687645e32f",
		"ocop.expired":                       "423fd2e05a905862",
		"ocop.expiry_noticed":                "4b2e981c3e0bb52c",
		"ocop.potential_5star":               "504e2e89f82252ab",
		"ocop.reevaluated":                   "ace2631bdb0b3890",
		"ocop.revoked":                       "cff5fa7fe792e917",
		"producer.changed":                   "b9069f7d2bc714bc",
		"producer.registered":                "b63cf869b8c588ae",
		"report.filed":                       "b0f1818256e219d2",
		"salespoint.closed":                  "8a6c69a22dc6f534",
		"salespoint.opened":                  "e48f672070e452cb",
		"trade_event.held":                   "7596699fe4da0f20",
		"trade_event.participation":          "188454c29b4d4b61",
	},
}

func TestBinaryLayoutIsPinned(t *testing.T) {
	for _, typ := range domain.EventTypes() {
		h := fnv.New64a()
		h.Write([]byte(typ))
		r := rand.New(rand.NewPCG(h.Sum64(), 7))
		digest := sha256.New()
		format := byte(0)
		for range 20 {
			b, err := projections.AppendBinary(nil, randomEvent(t, r, typ))
			if err != nil {
				t.Fatalf("AppendBinary(%s): %v", typ, err)
			}
			format = b[0]
			digest.Write(b)
		}
		got := hex.EncodeToString(digest.Sum(nil)[:8])
		want, ok := binaryLayouts[format][typ]
		switch {
		case !ok:
			t.Errorf("%s (format %d) has no pinned layout: add %q: %q to binaryLayouts[%d]", typ, format, typ, got, format)
		case got != want:
			t.Errorf("the binary layout of %s changed under format %d (digest %s, pinned %s): bump binaryFormat and pin the new digests under it",
				typ, format, got, want)
		}
	}
}

// The layout of the primitives, written out: a format byte, strings as a length and bytes, a
// date as a zigzag varint, nil as 0.
func TestBinaryLayoutOfAnEvent(t *testing.T) {
	e := domain.ProducerChanged{ProducerID: "ps", Kind: "household", Effective: 1}
	b, err := projections.AppendBinary(nil, e)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{1, 2, 'p', 's', 0, 9, 'h', 'o', 'u', 's', 'e', 'h', 'o', 'l', 'd', 0, 2}
	if !bytes.Equal(b, want) {
		t.Errorf("AppendBinary(%+v)\n got %v\nwant %v", e, b, want)
	}
}

// foreignEvent satisfies Event but is not of the catalogue.
type foreignEvent struct{ domain.EventRetracted }

func TestAppendBinaryRefuses(t *testing.T) {
	ret := domain.EventRetracted{TargetStream: "product.x", TargetID: "e1", Reason: "r"}
	for _, c := range []struct {
		e    domain.Event
		want string
	}{
		{nil, "the event is nil"},
		{&ret, "*domain.EventRetracted has no binary encoding"},
		{foreignEvent{ret}, "projections_test.foreignEvent has no binary encoding"},
	} {
		b, err := projections.AppendBinary([]byte("kept"), c.e)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AppendBinary(%T) = %v; want an error saying %q", c.e, err, c.want)
		}
		if string(b) != "kept" {
			t.Errorf("AppendBinary(%T) returned %q after refusing; want the bytes unchanged", c.e, b)
		}
	}
}

func TestDecodeBinaryRefuses(t *testing.T) {
	enc := func(e domain.Event) []byte {
		b, err := projections.AppendBinary(nil, e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	expired := enc(domain.OCOPExpired{ProductID: "p", Certificate: "c", ExpiredOn: 9})
	joined := enc(domain.TradeEventParticipation{TradeEventID: "t", BusinessID: "b", BusinessName: "n"})
	report := enc(domain.ReportFiled{ReportID: "r", Figures: map[string]int64{"a": 1, "b": 2}})
	for _, c := range []struct {
		name, typ string
		b         []byte
		want      string
	}{
		{"unknown type", "ocop.awarded", expired, `"ocop.awarded" is not a known event type`},
		{"empty", domain.TypeOCOPExpired, nil, "empty input"},
		{"format 0", domain.TypeOCOPExpired, append([]byte{0}, expired[1:]...), "format 0 is not known; this build reads formats 1 and 2"},
		{"format 3", domain.TypeOCOPExpired, append([]byte{3}, expired[1:]...), "format 3 is not known"},
		{"truncated string", domain.TypeOCOPExpired, expired[:2], "truncated: a string of 1 bytes at byte 2 runs past the end (2 bytes)"},
		{"truncated number", domain.TypeOCOPExpired, append(expired[:5:5], 0x80), "truncated: a number at byte 5"},
		{"left over", domain.TypeOCOPExpired, append(expired[:len(expired):len(expired)], 0), "1 bytes left over after the event, from byte 6"},
		{"another type's bytes", domain.TypeOCOPExpired, joined, "bytes left over"},
		{"not a flag", domain.TypeTradeEventJoined, append(joined[:len(joined)-1:len(joined)-1], 2), "byte 7 is 2, not a flag (0 or 1)"},
		{"number too long", domain.TypeOCOPExpired, append(expired[:5:5], bytes.Repeat([]byte{0xff}, 11)...), "the number at byte 5 overflows 64 bits"},
		{"date past 32 bits", domain.TypeOCOPExpired, append(expired[:5:5], 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "is not a date"},
		{"too many items", domain.TypeReportFiled, append(report[:10:10], 0xff, 0x01), "a list of 254 items at byte 10 cannot fit in the 0 bytes left"},
		{"keys out of order", domain.TypeReportFiled, bytes.Replace(report, []byte{1, 'a', 2, 1, 'b'}, []byte{1, 'b', 2, 1, 'a'}, 1), `the key "a" at byte 14 is out of order or repeated`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := projections.DecodeBinary(c.typ, c.b)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("DecodeBinary(%s, %x) = %v, %v; want an error saying %q", c.typ, c.b, e, err, c.want)
			}
			if e != nil {
				t.Errorf("DecodeBinary returned %#v with its error; want nil", e)
			}
		})
	}
}

// Every strict prefix of an encoding is refused: a cut-off entry never passes for a whole one.
func TestDecodeBinaryRefusesTruncatedInput(t *testing.T) {
	for _, typ := range domain.EventTypes() {
		r := rand.New(rand.NewPCG(2, uint64(len(typ))))
		for range 20 {
			b, err := projections.AppendBinary(nil, randomEvent(t, r, typ))
			if err != nil {
				t.Fatal(err)
			}
			for i := range len(b) {
				if e, err := projections.DecodeBinary(typ, b[:i]); err == nil {
					t.Fatalf("DecodeBinary(%s) accepted the first %d of %d bytes: %#v", typ, i, len(b), e)
				}
			}
		}
	}
}

// Random bytes, and encodings with random bytes changed, never make DecodeBinary panic; what it
// accepts encodes again to bytes that decode to the same event.
func TestDecodeBinaryGarbage(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	types := domain.EventTypes()
	for range 20000 {
		typ := types[r.IntN(len(types))]
		var b []byte
		if r.IntN(2) == 0 {
			b = make([]byte, r.IntN(64))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
		} else {
			b, _ = projections.AppendBinary(nil, randomEvent(t, r, typ))
			for range 1 + r.IntN(3) {
				b[r.IntN(len(b))] = byte(r.Uint32())
			}
		}
		checkDecodeIsStable(t, typ, b)
	}
}

func checkDecodeIsStable(t *testing.T, typ string, b []byte) {
	t.Helper()
	e, err := projections.DecodeBinary(typ, b)
	if err != nil {
		return
	}
	b1, err := projections.AppendBinary(nil, e)
	if err != nil {
		t.Fatalf("DecodeBinary(%s, %x) gave %#v, which AppendBinary refuses: %v", typ, b, e, err)
	}
	e2, err := projections.DecodeBinary(typ, b1)
	if err != nil {
		t.Fatalf("DecodeBinary(%s) of its own re-encoding %x: %v", typ, b1, err)
	}
	if b2, _ := projections.AppendBinary(nil, e2); !bytes.Equal(b1, b2) { // bytes, not DeepEqual: garbage may hold NaN
		t.Fatalf("DecodeBinary(%s) is not stable:\n%x\n%x", typ, b1, b2)
	}
}

func FuzzDecodeBinary(f *testing.F) {
	types := domain.EventTypes()
	payloads := docPayloads(f)
	for i, typ := range types {
		e, err := domain.Decode(typ, 1, []byte(payloads[typ][0]))
		if err != nil {
			f.Fatal(err)
		}
		b, _ := projections.AppendBinary(nil, e)
		f.Add(uint8(i), b)
	}
	f.Fuzz(func(t *testing.T, i uint8, b []byte) {
		checkDecodeIsStable(t, types[int(i)%len(types)], b)
	})
}

// benchPayloads are the events most read models read most (the payloads of the benchmarks of
// domain.DecodeBinary before the format moved here, so that the figures compare).
var benchPayloads = []struct{ typ, json string }{
	{domain.TypeOCOPCertified, `{"product_id":"mach-nha-mantoza","product_name":"Mạch nha Quảng Ngãi đường Mantoza",
		"producer_id":"nha-may-nha-quang-ngai","producer_name":"Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi",
		"producer_kind":"enterprise","product_set":"I.6","stars":4,"score":78,
		"decision":{"number":"1425/QĐ-UBND","date":"2023-12-25","authority":"province","issuer":"UBND tỉnh Quảng Ngãi"},
		"address":{"commune":"phường Trần Phú","district":"thành phố Quảng Ngãi","province":"Quảng Ngãi"}}`},
	{domain.TypeListingCreated, `{"listing_id":"qnt-toi-ly-son","platform":"quangngaitrade","product_name":"Tỏi Lý Sơn","product_id":"toi-ly-son","ocop":true,
		"business_id":"phu-sinh","business_name":"Công ty TNHH TM&DV Phú Sinh","listed_on":"2022-04-01"}`},
	{domain.TypeTradeEventJoined, `{"trade_event_id":"hc-qn-2024","business_id":"phu-sinh","business_name":"Công ty TNHH TM&DV Phú Sinh"}`},
}

func BenchmarkDecodeBinary(b *testing.B) {
	for _, p := range benchPayloads {
		e, err := domain.Decode(p.typ, 1, []byte(p.json))
		if err != nil {
			b.Fatal(err)
		}
		enc, err := projections.AppendBinary(nil, e)
		if err != nil {
			b.Fatal(err)
		}
		typ := p.typ
		b.Run(typ, func(b *testing.B) {
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := projections.DecodeBinary(typ, enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendBinary(b *testing.B) {
	for _, p := range benchPayloads {
		e, err := domain.Decode(p.typ, 1, []byte(p.json))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p.typ, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 1024)
			for b.Loop() {
				if buf, err = projections.AppendBinary(buf[:0], e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
