package domain

import (
	"reflect"
	"sort"
)

// The catalogue: one descriptor table per concept (event types in events.go, figures in
// figures.go, dimensions in dimensions.go, enumerations in values.go). The CLI, the HTTP API,
// its OpenAPI document, the read models and the dashboard read these tables; none keeps a list
// of its own.

// Label is a wording in the ledger's two languages.
type Label struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the label in a language: "en" for English, anything else for Vietnamese.
func (l Label) In(lang string) string {
	if lang == "en" {
		return l.EN
	}
	return l.VI
}

// EventType describes one event type: its stored name and schema version (from the event's own
// methods, never from its Go name), its labels, the Go type its payload decodes to, and the dates
// the gate lets lie ahead of the day of recording.
type EventType struct {
	Name   string       // the stored type name, e.g. "ocop.certified"
	Schema int          // the schema version of its payload
	Label  Label        // what people read in feeds and lists
	GoType reflect.Type // the event struct, e.g. OCOPCertified
	// Ahead lists the top-level date fields (JSON names) that may lie further after the day of
	// recording than DateLeeway, and by how many days at most (see DaysAhead).
	Ahead map[string]int

	decode func(fast func([]byte, any) bool, data []byte) (Event, error)
}

// describe builds the descriptor of the event type T (a struct value type of the catalogue).
func describe[T Event](vi, en string) *EventType {
	var zero T
	return &EventType{
		Name:   zero.EventType(),
		Schema: zero.SchemaVersion(),
		Label:  Label{vi, en},
		GoType: reflect.TypeFor[T](),
		decode: func(fast func([]byte, any) bool, data []byte) (Event, error) {
			v := new(T)
			if fast != nil {
				if fast(data, v) {
					return *v, nil
				}
				*v = zero // fast may have filled v in part
			}
			if err := decodeStd(v, data); err != nil {
				return nil, err
			}
			return *v, nil
		},
	}
}

// ahead sets the dates of the type that may lie ahead of the day of recording.
func (t *EventType) ahead(days map[string]int) *EventType { t.Ahead = days; return t }

// New returns a pointer to a new zero event of the type, for a decoder to fill.
func (t *EventType) New() any { return reflect.New(t.GoType).Interface() }

var eventIndex = func() map[string]*EventType {
	m := make(map[string]*EventType, len(eventTypes))
	for _, t := range eventTypes {
		m[t.Name] = t
	}
	return m
}()

// LookupEventType returns the descriptor of an event type name.
func LookupEventType(name string) (*EventType, bool) {
	t, ok := eventIndex[name]
	return t, ok
}

// EventTypeDescriptors lists the descriptors of every event type, sorted by name.
func EventTypeDescriptors() []*EventType {
	out := append([]*EventType(nil), eventTypes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
