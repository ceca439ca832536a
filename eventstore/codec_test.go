package eventstore

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// codecSamples are messages as encode writes them and as other writers or
// corruption could leave them.
func codecSamples(t testing.TB) [][]byte {
	rec := time.Date(2025, 7, 1, 8, 30, 0, 123456789, time.UTC)
	bodies := []body{
		{ID: "e1", Type: "ocop.certified", Schema: 1, Stream: "product.p1", Version: 1, RecordedAt: rec,
			Actor: "sct-qng", Source: "Công văn 470/SCT-QLTM", CorrelationID: "c-1",
			Data: json.RawMessage(`{"product_id":"p1","stars":4,"address":{"province":"Tỉnh mẫu (giả lập)"},"list":[1,2.5,-3e2,true,false,null,"x"]}`)},
		{ID: "e2", Type: "t", Schema: 1, Stream: "a.b", Version: 18446744073709551615, RecordedAt: rec.Truncate(time.Second), Backfilled: true,
			Data: json.RawMessage(`{}`)},
		{ID: `quo"te\back`, Type: "t\n\t\u2028", Schema: 7, Stream: "a.b", Version: 2, RecordedAt: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			Actor: "bad \xff utf8", Source: "<html> & \x01", Data: json.RawMessage(`"just a string with \"escapes\" \u00e9"`)},
		{Data: json.RawMessage(`[ ]`)},
		{Data: json.RawMessage(`12.5e-3`)},
		{Data: json.RawMessage(`true`)},
		{},
	}
	var out [][]byte
	for _, b := range bodies {
		enc, err := encode(b)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, enc)
	}
	for _, s := range []string{
		`{}`, ` { } `, "\t{\n}\r\n", `{"id":"x"}`, `{"id" : "x" , "version" : 3 }`,
		`{"id":"x","unknown":{"a":[1,{"b":null}],"c":"\u0041"},"more":[],"n":-0.5e+7}`,
		`{"ID":"x"}`, `{"Data":{}}`, `{"recorded_AT":"2025-01-01T00:00:00Z"}`, `{"ſource":"x"}`, `{"\u0069d":"x"}`, `{"idé":"x"}`,
		`{"id":"a","id":"b"}`, `{"data":{},"data":[1]}`,
		`{"id":null}`, `{"data":null}`, `{"schema":null}`, `{"recorded_at":null}`, `{"backfilled":null}`,
		`{"schema":1.0}`, `{"schema":1e2}`, `{"schema":-0}`, `{"schema":-12}`, `{"schema":01}`, `{"schema":"1"}`,
		`{"schema":999999999999999999999}`, `{"schema":123456789012345678}`,
		`{"version":-1}`, `{"version":-0}`, `{"version":18446744073709551616}`, `{"version":99999999999999999999}`, `{"version":1.5}`,
		`{"backfilled":true}`, `{"backfilled":false}`, `{"backfilled":"true"}`, `{"backfilled":1}`, `{"backfilled":tru}`,
		`{"recorded_at":"2025-07-01T08:30:00+07:00"}`, `{"recorded_at":"2025-07-01T08:30:00.5Z"}`, `{"recorded_at":"2025-07-01"}`,
		`{"recorded_at":"2025-07-01T08:30:00\u005a"}`, `{"recorded_at":1}`, `{"recorded_at":"2025-13-01T08:30:00Z"}`,
		`{"id":1}`, `{"id":true}`, `{"id":{}}`, `{"id":["x"]}`, `{"id":"\ud83d\ude00"}`, `{"id":"\ud83d"}`, "{\"id\":\"\xed\xa0\x80\"}",
		`{"data":"x"}`, `{"data":1}`, `{"data":-}`, `{"data":01}`, `{"data":1.}`, `{"data":1e}`, `{"data":.5}`, `{"data":{"a"}}`,
		`{"data":{"a":1,}}`, `{"data":[1,]}`, `{"data":[1 2]}`, `{"data":{"a":1 "b":2}}`, `{"data":"\x01"}`, `{"data":"\q"}`, `{"data":"\u12"}`,
		`{"data":{}}x`, `{"data":{}} {}`, `{"data":{}`, `{"data"`, `{"data":`, `{`, `}`, ``, ` `, `[]`, `null`, `"x"`, `1`,
		`{"id":"x",}`, `{,"id":"x"}`, `{"id":"x" "type":"y"}`, `{"id" "x"}`, `{id:"x"}`, `{"id":'x'}`,
		`{"data":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`,
		`{"data":` + strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat("}", 100) + `}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// checkDecodeFast fails unless decodeFast, where it accepts data, decodes
// exactly what encoding/json decodes.
func checkDecodeFast(t *testing.T, data []byte) (fast bool) {
	t.Helper()
	var got body
	if !decodeFast(data, &got) {
		return false
	}
	var want body
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("decodeFast accepts %q, encoding/json refuses it: %v", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeFast(%q) = %#v, encoding/json gives %#v", data, got, want)
	}
	return true
}

func TestDecodeFastMatchesEncodingJSON(t *testing.T) {
	samples := codecSamples(t)
	fast := 0
	for _, data := range samples {
		if checkDecodeFast(t, data) {
			fast++
		}
	}
	t.Logf("%d of %d samples decoded by the fast path", fast, len(samples))
	// What encode writes always takes the fast path.
	for _, data := range samples[:6] { // the 7th has null data
		var b body
		if !decodeFast(data, &b) {
			t.Errorf("encode's output %s is not decoded by the fast path", data)
		}
	}
}

// decode names what is wrong with a message that is not an event, in encoding/json's words for
// what does not decode, and never fails.
func TestDecodeUnreadable(t *testing.T) {
	good := `{"id":"e","type":"t","schema":1,"stream":"a.b","version":3,"data":{}}`
	for _, c := range []struct{ data, subject, version, reason string }{
		{`{"data":{}`, "ocop.events.a.b", "1", "its body does not decode: "},
		{`{"schema":1.5}`, "ocop.events.a.b", "1", "its body does not decode: "},
		{`[]`, "ocop.events.a.b", "1", "its body does not decode: "},
		{`garbage`, "ocop.events.a.b", "", "its body does not decode: "},
		{`{"type":"t","schema":1,"stream":"a.b","version":3,"data":{}}`, "ocop.events.a.b", "3", "its id is missing"},
		{`{"id":"e","schema":1,"stream":"a.b","version":3,"data":{}}`, "ocop.events.a.b", "3", "its type is missing"},
		{`{"id":"e","type":"t","schema":1,"version":3,"data":{}}`, "ocop.events.a.b", "3", "its stream is missing"},
		{`{"id":"e","type":"t","schema":1,"stream":"a.b","data":{}}`, "ocop.events.a.b", "3", "its version is missing"},
		{`{"id":"e","type":"t","schema":1,"stream":"a.b","version":3}`, "ocop.events.a.b", "3", "its data is missing"},
		{good, "ocop.events.a.c", "3", `its body names stream "a.b" but it is stored on subject "ocop.events.a.c"`},
		{good, "ocop.events.a.bc", "3", `its body names stream "a.b"`},
		{good, "ocop.eventsXa.b", "3", `its body names stream "a.b"`},
		{good, "ocop.events.a.b", "", `its Ocop-Version header "" is not its version 3`},
		{good, "ocop.events.a.b", "4", `its Ocop-Version header "4" is not its version 3`},
	} {
		at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		e := decode([]byte(c.data), 9, at, c.subject, c.version)
		if !strings.Contains(e.Unreadable, c.reason) || e.Sequence != 9 || !e.AppendedAt.Equal(at) ||
			e.Stream != strings.TrimPrefix(c.subject, SubjectPrefix) || string(e.Body) != c.data || e.ID != "" || e.Type != "" {
			t.Errorf("decode(%s on %s, version %q) = %+v; want unreadable: %s", c.data, c.subject, c.version, e, c.reason)
		}
	}
	if e := decode([]byte(good), 9, time.Time{}, "ocop.events.a.b", "3"); e.Unreadable != "" || e.ID != "e" || e.Version != 3 {
		t.Errorf("decode(%s) = %+v, want the event", good, e)
	}
	// The reason for what does not decode is encoding/json's.
	var b body
	want := json.Unmarshal([]byte(`{"schema":1.5}`), &b)
	if e := decode([]byte(`{"schema":1.5}`), 9, time.Time{}, "ocop.events.a.b", "1"); !strings.HasSuffix(e.Unreadable, want.Error()) {
		t.Errorf("reason %q, want encoding/json's %v", e.Unreadable, want)
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, data := range codecSamples(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecodeFast(t, data) })
}

func BenchmarkDecode(b *testing.B) {
	data := codecSamples(b)[0]
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if e := decode(data, 1, time.Time{}, "ocop.events.product.p1", "1"); e.Unreadable != "" {
				b.Fatal(e.Unreadable)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var body body
			if err := json.Unmarshal(data, &body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
