package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

var update = flag.Bool("update", false, "rewrite openapi.json with the schemas generated from the domain's tables")

// The request schemas of the event bodies, the event-type parameter and the catalogue's schema
// in openapi.json are generated from the domain's descriptor tables (the event structs, by
// reflection, and the enumerations); the rest of the document is written by hand. After a change
// to an event, a figure or an enumeration: go test ./httpapi -run TestOpenAPIIsGenerated -update
func TestOpenAPIIsGenerated(t *testing.T) {
	const path = "openapi.json"
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := generateOpenAPI(have)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(have, want) {
		t.Errorf("httpapi/openapi.json is not what the generator makes from the domain's tables: run\n\tgo test ./httpapi -run TestOpenAPIIsGenerated -update\n%s", firstDiff(have, want))
	}
	if !bytes.Equal(httpapi.OpenAPI(), have) {
		t.Errorf("the served document is not httpapi/openapi.json")
	}
}

// Every event type has a request schema, required fields are those the gate requires, and
// enumerations list their values.
func TestOpenAPIEventSchemas(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Title      string                     `json:"title"`
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, et := range domain.EventTypeDescriptors() {
		s, ok := doc.Components.Schemas[et.GoType.Name()]
		if !ok || s.Title != et.Name {
			t.Errorf("no request schema %s for %s", et.GoType.Name(), et.Name)
		}
	}
	cert := doc.Components.Schemas["OCOPCertified"]
	if !strings.Contains(strings.Join(cert.Required, ","), "product_id,product_name") || strings.Contains(strings.Join(cert.Required, ","), "score") {
		t.Errorf("OCOPCertified requires %v; want product_id, product_name… and not the optional score", cert.Required)
	}
	if got := compactJSON(cert.Properties["stars"]); !strings.Contains(got, `"enum":[3,4,5]`) {
		t.Errorf("OCOPCertified.stars = %s; want the enum 3, 4, 5", got)
	}
	if got := string(cert.Properties["product_set"]); !strings.Contains(got, `"I.4b"`) {
		t.Errorf("OCOPCertified.product_set = %s; want the product sets", got)
	}
}

// generateOpenAPI returns the document doc with its generated parts made again from the domain.
func generateOpenAPI(doc []byte) ([]byte, error) {
	var root omap
	if err := json.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	g := &schemaGen{defs: &omap{}, strict: true}
	events := g.events()
	g.strict = false
	catalogue := g.schema(reflect.TypeFor[httpapi.Catalogue]())

	comps := root.get("components").(*omap)
	schemas := comps.get("schemas").(*omap)
	schemas.set("Catalogue", catalogue)
	for _, k := range g.defs.keys {
		schemas.set(k, g.defs.vals[k])
	}
	post := root.get("paths").(*omap).get("/v1/events/{type}").(*omap).get("post").(*omap)
	var names []any
	for _, et := range domain.EventTypeDescriptors() {
		names = append(names, et.Name)
	}
	for _, p := range post.get("parameters").([]any) {
		if p := p.(*omap); p.get("name") == "type" {
			p.set("schema", obj("type", "string", "enum", names))
		}
	}
	body := post.get("requestBody").(*omap)
	body.get("content").(*omap).get("application/json").(*omap).set("schema", obj("oneOf", events))

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// schemaGen makes JSON schemas (OpenAPI 3.0) of Go types by reflection; named struct types of
// the domain become components, referred to by $ref.
type schemaGen struct {
	defs   *omap
	strict bool // objects take no other fields (event bodies: unknown fields are refused)
}

var (
	dateType = reflect.TypeFor[domain.Date]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// events returns the $refs of the request schemas of every event type, defining them.
func (g *schemaGen) events() []any {
	var refs []any
	for _, et := range domain.EventTypeDescriptors() {
		s := g.object(et.GoType)
		s.keys = append([]string{"title", "description"}, s.keys...)
		s.vals["title"] = et.Name
		s.vals["description"] = fmt.Sprintf("%s (%s). Record it with POST /v1/events/%s; see docs/events.md.", et.Label.EN, et.Label.VI, et.Name)
		g.defs.set(et.GoType.Name(), s)
		refs = append(refs, obj("$ref", "#/components/schemas/"+et.GoType.Name()))
	}
	return refs
}

func (g *schemaGen) schema(t reflect.Type) any {
	if e, ok := domain.EnumerationOf(t); ok {
		var vals []any
		for _, v := range e.Values {
			vals = append(vals, v.Value)
		}
		typ := "string"
		if t.Kind() == reflect.Int {
			typ = "integer"
		}
		return obj("type", typ, "description", e.Label.EN+" ("+e.Label.VI+")", "enum", vals)
	}
	switch {
	case t == dateType:
		g.defs.set("Date", obj("type", "string", "pattern", `^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})$`,
			"description", "A civil date in Vietnam: yyyy-mm-dd (ISO) or dd/mm/yyyy. Answers give yyyy-mm-dd.", "example", "2025-08-07"))
		return obj("$ref", "#/components/schemas/Date")
	case t == rawType:
		return obj("type", "object", "description", "a JSON object, kept as written")
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return obj("type", "string")
	case reflect.Bool:
		return obj("type", "boolean")
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint64:
		return obj("type", "integer")
	case reflect.Float64:
		return obj("type", "number")
	case reflect.Slice:
		return obj("type", "array", "items", g.schema(t.Elem()))
	case reflect.Map:
		return obj("type", "object", "additionalProperties", g.schema(t.Elem()))
	case reflect.Interface:
		return obj()
	case reflect.Struct:
		if t.PkgPath() == reflect.TypeFor[domain.Label]().PkgPath() && t.Name() != "" {
			if !g.defs.has(t.Name()) {
				g.defs.set(t.Name(), nil) // placeholder against recursion, and keeps the order
				g.defs.set(t.Name(), g.object(t))
			}
			return obj("$ref", "#/components/schemas/"+t.Name())
		}
		return g.object(t)
	}
	return obj()
}

// object is the schema of a struct: its JSON fields, required when the gate requires them (no
// omitempty, not a flag, not tagged schema:"optional"), and no others.
func (g *schemaGen) object(t reflect.Type) *omap {
	props := &omap{}
	var required []any
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if f.Anonymous && tag == "" {
				walk(f.Type)
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props.set(name, g.schema(f.Type))
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Bool && f.Tag.Get("schema") != "optional" {
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := obj("type", "object", "properties", props)
	if len(required) > 0 {
		s.set("required", required)
	}
	if g.strict {
		s.set("additionalProperties", false)
	}
	return s
}

// omap is a JSON object that keeps the order of its keys, so that the hand-written parts of the
// document stay as written.
type omap struct {
	keys []string
	vals map[string]any
}

func obj(kv ...any) *omap {
	m := &omap{}
	for i := 0; i < len(kv); i += 2 {
		m.set(kv[i].(string), kv[i+1])
	}
	return m
}

func (m *omap) get(k string) any  { return m.vals[k] }
func (m *omap) has(k string) bool { _, ok := m.vals[k]; return ok }

func (m *omap) set(k string, v any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m.vals[k]); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (m *omap) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return err
	}
	o, ok := v.(*omap)
	if !ok {
		return fmt.Errorf("not a JSON object")
	}
	*m = *o
	return nil
}

func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch d := tok.(type) {
	case json.Delim:
		switch d {
		case '{':
			m := &omap{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				m.set(kt.(string), v)
			}
			_, err := dec.Token()
			return m, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
	}
	return tok, nil
}

func compactJSON(b []byte) string {
	var c bytes.Buffer
	_ = json.Compact(&c, b)
	return c.String()
}

// firstDiff shows where two documents first differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n have %s\n want %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d and %d lines", len(la), len(lb))
}
