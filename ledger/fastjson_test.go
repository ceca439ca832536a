package ledger_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/synth"
)

// agree decodes data as an event of type typ the way reads do (the fast parser first, then
// encoding/json for whatever it refuses) and with encoding/json alone, and fails t unless the two
// give the same event or the same error. It reports whether the fast parser accepted data.
func agree(t testing.TB, typ string, data []byte) bool {
	t.Helper()
	return agreeWith(t, ledger.ParseFast, typ, data)
}

// agreeWith is agree with the given fast parser.
func agreeWith(t testing.TB, parse func([]byte, any) bool, typ string, data []byte) bool {
	t.Helper()
	fastOK := false
	probe := func(d []byte, v any) bool {
		fastOK = parse(d, v)
		return fastOK
	}
	got, gotErr := domain.DecodeWith(probe, typ, 1, data)
	want, wantErr := domain.Decode(typ, 1, data)
	switch {
	case fastOK && wantErr != nil:
		t.Errorf("%s %s: the fast parser accepted it, encoding/json refuses it: %v", typ, data, wantErr)
	case fastOK && !reflect.DeepEqual(got, want):
		t.Errorf("%s %s: the fast parser decoded\n%#v\nencoding/json\n%#v", typ, data, got, want)
	case !fastOK && fmt.Sprint(gotErr) != fmt.Sprint(wantErr):
		t.Errorf("%s %s: after the fast parser refused it, error %v; encoding/json alone: %v", typ, data, gotErr, wantErr)
	}
	return fastOK
}

// seedPayloads returns, for every event type, payloads to start from: the synthetic ledger's
// (up to five a type) and the type's zero value with every field present.
func seedPayloads(t testing.TB) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	for _, e := range synth.Generate(synth.Config{Events: 20_000, Provinces: 2, Seed: 7}) {
		typ := e.Event.EventType()
		if len(out[typ]) < 5 {
			b, err := json.Marshal(e.Event)
			if err != nil {
				t.Fatal(err)
			}
			out[typ] = append(out[typ], b)
		}
	}
	for _, typ := range domain.EventTypes() {
		zero, err := domain.Decode(typ, 1, []byte(`{}`))
		if err != nil {
			t.Fatalf("%s {}: %v", typ, err)
		}
		b, err := json.Marshal(zero)
		if err != nil {
			t.Fatal(err)
		}
		out[typ] = append(out[typ], b)
	}
	return out
}

// odd are values put in place of each field: every JSON kind, numbers encoding/json refuses
// for integers, dates that do not exist, escapes, a lone surrogate, invalid UTF-8, nesting.
var odd = []string{
	`null`, `true`, `false`, `0`, `-1`, `3`, `1.5`, `4.0`, `1e2`, `-0`, `1e400`, `9223372036854775808`,
	`-9223372036854775809`, `""`, `"x"`, `"3"`, `"2024-02-30"`, `"2024-02-29"`, `"29/02/2024"`,
	`"31/04/2025"`, `"2025-13-01"`, `"Mạch nha"`, `"M\u1ea1ch nha"`, `"\ud800"`, `"\ud83d\ude00"`,
	"\"\xff\xfe\"", `"a\"b\\c\/d\n"`, `[]`, `[1,2]`, `["a"]`, `{}`, `{"number":"1/QĐ","date":"2024-01-02"}`,
	`{"commune":"xã An Vĩnh","province":"Quảng Ngãi"}`, `{"a":1,"a":2}`, `[{"from":"x","to":"y"}]`,
	`{"ocop.valid":642,"ocop.valid":1}`, `{"ocop.valid":null}`, `{"x":1.5}`,
}

// variants returns payloads made from p: each field renamed in other cases, repeated with its
// value, given each odd value, an unknown field, things after the object, white space.
func variants(p []byte) [][]byte {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(p, &fields); err != nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(fields))
	object := func(kv ...string) []byte {
		return []byte("{" + strings.Join(kv, ",") + "}")
	}
	pairs := func(replace string, with string) []string {
		var kv []string
		for _, k := range keys {
			if k == replace {
				if with != "" {
					kv = append(kv, with)
				}
				continue
			}
			kv = append(kv, fmt.Sprintf("%q:%s", k, fields[k]))
		}
		return kv
	}
	var out [][]byte
	for _, k := range keys {
		v := string(fields[k])
		for _, name := range []string{strings.ToUpper(k), strings.ToUpper(k[:1]) + k[1:], strings.ReplaceAll(k, "_", ""), "\u212a" + k[1:]} {
			out = append(out, object(pairs(k, fmt.Sprintf("%q:%s", name, v))...))
		}
		out = append(out, object(append(pairs("", ""), fmt.Sprintf("%q:%s", k, v))...))
		for _, o := range odd {
			out = append(out, object(pairs(k, fmt.Sprintf("%q:%s", k, o))...))
			out = append(out, object(append(pairs("", ""), fmt.Sprintf("%q:%s", k, o))...))
		}
		out = append(out, object(pairs(k, "")...))
	}
	for _, extra := range []string{`"zzz":1`, `"zzz":{"a":[1,{"b":null}]}`, `"":0`} {
		out = append(out, object(append(pairs("", ""), extra)...))
	}
	for _, tail := range []string{" ", "\n\t", " {}", "}", "x", ",", " null", "\u00a0"} {
		out = append(out, append(append([]byte(nil), p...), tail...))
	}
	out = append(out, []byte(" \n"+string(p)+"\r\n"), []byte(strings.ReplaceAll(string(p), ",", " ,\n ")))
	return out
}

// Whatever the fast parser accepts, encoding/json accepts too and decodes to the same event;
// whatever it refuses gets encoding/json's answer. Real payloads of every type take the fast path.
func TestParseFastAgrees(t *testing.T) {
	seeds := seedPayloads(t)
	fast, total := 0, 0
	for _, typ := range domain.EventTypes() {
		if len(seeds[typ]) == 0 {
			t.Fatalf("no payload of %s to start from", typ)
		}
		for _, p := range seeds[typ] {
			if !agree(t, typ, p) {
				t.Errorf("%s %s: the fast parser refused a payload encoding/json marshalled", typ, p)
			}
			for _, v := range variants(p) {
				total++
				if agree(t, typ, v) {
					fast++
				}
			}
		}
	}
	t.Logf("%d variants, %d of them decoded by the fast parser", total, fast)
	if fast == 0 || fast == total {
		t.Errorf("the variants should be decoded by both paths: %d of %d took the fast one", fast, total)
	}
}

// FuzzParseFastAgrees is TestParseFastAgrees on any input (go test -fuzz FuzzParseFastAgrees
// ./ledger/).
func FuzzParseFastAgrees(f *testing.F) { fuzzAgree(f, ledger.ParseFast) }

// fuzzAgree fuzzes agreeWith parse, from the seed payloads of every type.
func fuzzAgree(f *testing.F, parse func([]byte, any) bool) {
	types := domain.EventTypes()
	seeds := seedPayloads(f)
	for i, typ := range types {
		for _, p := range seeds[typ] {
			f.Add(uint8(i), p)
		}
	}
	f.Fuzz(func(t *testing.T, i uint8, data []byte) {
		agreeWith(t, parse, types[int(i)%len(types)], data)
	})
}
