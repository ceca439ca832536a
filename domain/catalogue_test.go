package domain_test

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// The descriptor tables cross-checked, so that the next engineer who adds an entry learns here
// what else it needs.
func TestCatalogueTablesAreComplete(t *testing.T) {
	doc, err := os.ReadFile(eventsDoc)
	if err != nil {
		t.Fatal(err)
	}
	eventType := reflect.TypeFor[domain.Event]()
	for _, et := range domain.EventTypeDescriptors() {
		if et.Label.VI == "" || et.Label.EN == "" {
			t.Errorf("event type %s: give it labels in both languages in events.go (vi %q, en %q)", et.Name, et.Label.VI, et.Label.EN)
		}
		if et.GoType.Kind() != reflect.Struct || !et.GoType.Implements(eventType) {
			t.Errorf("event type %s: its Go type %v is not an event struct", et.Name, et.GoType)
		}
		if !regexp.MustCompile("(?m)^### `" + regexp.QuoteMeta(et.Name) + "`").Match(doc) {
			t.Errorf("event type %s: docs/events.md has no section \"### `%s`\"", et.Name, et.Name)
		}
		if _, ok := et.New().(domain.Event); !ok {
			t.Errorf("event type %s: New() = %T, not an event", et.Name, et.New())
		}
		for field := range et.Ahead {
			if _, ok := jsonFields(et.GoType)[field]; !ok {
				t.Errorf("event type %s: Ahead names %q, which is not a field of %v", et.Name, field, et.GoType)
			}
		}
	}
	groups := map[string]bool{}
	for _, g := range domain.FigureGroups() {
		if g.Label.VI == "" || g.Label.EN == "" {
			t.Errorf("figure group %s: give it labels in both languages", g.ID)
		}
		groups[g.ID] = true
	}
	for _, f := range domain.Figures() {
		if f.VI == "" || f.EN == "" {
			t.Errorf("figure %s: give it labels in both languages in figures.go", f.ID)
		}
		if !groups[f.Group] {
			t.Errorf("figure %s: its group %q is not one of domain.FigureGroups", f.ID, f.Group)
		}
		for _, d := range f.Dims {
			if _, ok := domain.LookupDimension(d); !ok {
				t.Errorf("figure %s: dimension %q is not in the table of dimensions", f.ID, d)
			}
		}
		if !strings.Contains(string(doc), "`"+f.ID+"`") {
			t.Errorf("figure %s: docs/events.md does not name it", f.ID)
		}
	}
	for _, d := range domain.DimensionDescriptors() {
		if d.Label.VI == "" || d.Label.EN == "" {
			t.Errorf("dimension %s: give it labels in both languages in dimensions.go", d.ID)
		}
		if d.Enum != "" {
			if _, ok := domain.LookupEnumeration(d.Enum); !ok {
				t.Errorf("dimension %s: enumeration %q is not in the table of enumerations", d.ID, d.Enum)
			}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("dimension %s: its value function is missing or panics: %v", d.ID, r)
				}
			}()
			d.Value(nil, domain.Attrs{Stars: 4, ProductSet: "I.4b", Address: domain.Address{Province: "Kon Tum"}}, "vi")
		}()
	}
	for _, e := range domain.Enumerations() {
		if e.Label.VI == "" || e.Label.EN == "" || len(e.Values) == 0 || e.GoType == nil {
			t.Errorf("enumeration %s: needs labels in both languages, a Go type and values", e.ID)
		}
		for _, v := range e.Values {
			if v.Label.VI == "" || v.Label.EN == "" {
				t.Errorf("enumeration %s: value %v has no label in one language", e.ID, v.Value)
			}
		}
	}
}

// jsonFields maps the JSON names of a struct's fields to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out[name] = f
	}
	return out
}

// The table lists each type once, under the name its events give, and decodes to its Go type.
func TestEventTypeTableMatchesTheEvents(t *testing.T) {
	seen := map[string]bool{}
	for _, et := range domain.EventTypeDescriptors() {
		if seen[et.Name] {
			t.Errorf("event type %s is listed twice", et.Name)
		}
		seen[et.Name] = true
		e := reflect.New(et.GoType).Elem().Interface().(domain.Event)
		if e.EventType() != et.Name || e.SchemaVersion() != et.Schema {
			t.Errorf("%v says %s@%d, the table %s@%d", et.GoType, e.EventType(), e.SchemaVersion(), et.Name, et.Schema)
		}
		got, err := domain.Decode(et.Name, et.Schema, []byte("{}"))
		if err != nil {
			t.Errorf("Decode(%s, {}): %v", et.Name, err)
		} else if reflect.TypeOf(got) != et.GoType {
			t.Errorf("Decode(%s) gave a %T, want a %v", et.Name, got, et.GoType)
		}
	}
	if len(seen) != len(domain.EventTypes()) {
		t.Errorf("%d types in the table, %d in EventTypes()", len(seen), len(domain.EventTypes()))
	}
}
