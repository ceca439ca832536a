package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The gate: whatever the ledger accepts stays for ever, so every value a rule computes with is
// bounded where it enters. Validate checks an event on its own (text, the era of its dates, years,
// scores, counts); ValidateAt adds the one bound that needs the time of recording: a fact is not
// dated after the day it is recorded, except the few facts planned ahead (EventType.Ahead).

// EraStart is the first day a fact of the programme may bear. The oldest records the ledger is
// built to hold are the CNNTTB rounds of 2012 (demo, docs) and of 2014 (synth); OCOP starts in
// 2018. 01/01/2001 admits them all with room for older provincial registers, and keeps clear of
// 01/01/2000, the zero Date that a date left out decodes to (read as missing).
var EraStart = MustDate(2001, 1, 1)

// lastDay is the last date NewDate accepts.
var lastDay = MustDate(MaxYear, 12, 31)

// DateLeeway is how many days after the day of recording (in Vietnam) a date may lie: one, so
// that a clerk whose clock runs a few hours ahead around midnight is not refused.
const DateLeeway = 1

// DaysAhead returns how many days after the day of recording a date of the given event type and
// field (its JSON name, "start_date") may lie: DateLeeway for a fact that has happened. The few
// facts planned ahead list their dates in their EventType's Ahead; every other date (a nested
// one, such as a decision's, included) is of a fact that has already happened when it is
// recorded: a decision, an opening, a closing, an expiry, a listing.
func DaysAhead(eventType, field string) int {
	if t, ok := eventIndex[eventType]; ok {
		if n, ok := t.Ahead[field]; ok {
			return n
		}
	}
	return DateLeeway
}

// ValidateAt is Validate for an entry recorded at the instant at (the ledger gives the time it
// records the entry with, or its clock's now): the event on its own, and none of its dates after
// the day of at in Vietnam by more than DaysAhead allows. An amendment's replacement is checked
// the same way, its fields named "replacement.…".
func ValidateAt(e Event, at time.Time) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if a, ok := e.(EventAmended); ok {
		r, err := a.Decoded()
		if err != nil {
			return prefixField("replacement", err)
		}
		return prefixField("replacement", checkNotAhead(r, DateOf(at)))
	}
	return checkNotAhead(e, DateOf(at))
}

func checkNotAhead(e Event, today Date) error {
	return walkDates(reflect.ValueOf(e), "", func(parent, name string, d Date) error {
		if !d.Valid() || d == 0 {
			return nil
		}
		days := DateLeeway
		if parent == "" {
			days = DaysAhead(e.EventType(), name)
		}
		if d <= today.AddDays(days) {
			return nil
		}
		if days == DateLeeway {
			return Invalid(join(parent, name), "%s is after %s, the day this entry is recorded: record a fact once it has happened", d.VN(), today.VN())
		}
		return Invalid(join(parent, name), "%s is more than %d days after %s, the day this entry is recorded", d.VN(), days, today.VN())
	})
}

// checkEra checks a date that is given: a real day within the programme's era.
func checkEra(field string, d Date) error {
	switch {
	case d == Forever:
		return Invalid(field, "9999-12-31 means \"no end\"; give the date itself")
	case d < EraStart:
		return Invalid(field, "%s is before %s: the ledger holds no fact of the programme dated earlier", d.VN(), EraStart.VN())
	case d > lastDay:
		return Invalid(field, "%s is after %s, the last day the ledger can hold", d.VN(), lastDay.VN())
	}
	return nil
}

// checkYear checks a year of the programme (a round of recognition).
func checkYear(field string, y int) error {
	if y < EraStart.Year() || y > MaxYear {
		return Invalid(field, "%d is not a year of the programme: give a year from %d to %d", y, EraStart.Year(), MaxYear)
	}
	return nil
}

// MaxCount is the largest count a report may state for a figure: far above anything one
// province counts, low enough that no sum of counts overflows.
const MaxCount = 10_000_000

// Text limits that hold for every text field, beside the tighter ones of each field.
const (
	maxLine  = 1000 // characters of a one-line field
	maxNotes = 4000 // characters of a free-text field
)

// notes are the free-text fields, which may hold line breaks and tabs (a reason seen quotes one);
// every other text is one line.
var notes = map[string]bool{"reason": true, "reason_detail": true, "note": true, "reason_seen": true}

// checkValues checks every text field of an event (struct fields, lists, map keys): valid UTF-8,
// no control characters (a line break or tab only in the free-text fields), no text beyond the
// limits. Text is refused, never rewritten.
func checkValues(e Event) error {
	return walkTexts(reflect.ValueOf(e), "")
}

// CheckLine checks a one-line text that is not part of an event (the source document of an
// entry, say) as checkValues checks the text of an event, with at most max characters.
func CheckLine(field, s string, max int) error {
	if err := checkClean("", field, s, false); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > max {
		return Invalid(field, "is longer than %d characters", max)
	}
	return nil
}

// checkClean checks the text s of the field parent.name (the path is built only for an error).
func checkClean(parent, name, s string, multiline bool) error {
	n := 0
	for i := 0; i < len(s); n++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			i++ // printable ASCII, most of the text: nothing to decode
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return Invalid(join(parent, name), "holds bytes that are not UTF-8 text; send the text encoded as UTF-8")
		}
		i += size
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return Invalid(join(parent, name), "holds a line break at character %d; this field is one line", n+1)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
			// C0 and C1 controls (NUL included), DEL, and the bidirectional overrides that make text
			// display otherwise than it reads.
			return Invalid(join(parent, name), "holds an invisible control character (%s) at character %d; remove it", fmt.Sprintf("%U", r), n+1)
		}
	}
	limit := maxLine
	if multiline {
		limit = maxNotes
	}
	if n > limit {
		return Invalid(join(parent, name), "is longer than %d characters", limit)
	}
	return nil
}

// The gate reads every text and date of an event. Which fields hold them is worked out once per
// type (a plan: no reflection over the other fields, no lookup per value), then walkTexts and
// walkDates read them in the order of the fields, with the JSON path of the value holding each
// (parent: "", "decision", "units[2]") and its JSON name ("date"); the full path is built
// (join) only for an error. The keys of a map are read as the map's own text field; raw JSON is
// not entered (an amendment's replacement is checked when decoded); a pointer is entered when it
// points to a struct, a list when it holds structs.

// plan is what the gate reads of a struct type: its fields that are texts or dates or hold some,
// in declaration order.
type plan struct{ steps []step }

type step struct {
	index int
	name  string // the JSON name
	kind  stepKind
	notes bool  // a text field that may hold line breaks and tabs
	sub   *plan // the struct a nested, pointer or list step holds
}

type stepKind uint8

const (
	stepText    stepKind = iota // a string (of any named string type)
	stepDate                    // a Date
	stepKeys                    // a map whose keys are texts
	stepNested                  // a struct
	stepPointer                 // a pointer to a struct
	stepList                    // a slice of structs
)

var (
	dateType = reflect.TypeFor[Date]()
	plans    sync.Map // reflect.Type → *plan
)

// planOf returns the plan of a struct type, worked out once.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := buildPlan(t, map[reflect.Type]*plan{})
	plans.Store(t, p)
	return p
}

// buildPlan works out the plan of struct type t; seen holds the plans under construction, so
// that a type that holds itself is planned once.
func buildPlan(t reflect.Type, seen map[reflect.Type]*plan) *plan {
	if p, ok := seen[t]; ok {
		return p
	}
	p := &plan{}
	seen[t] = p
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		s := step{index: i, name: name}
		switch ft := f.Type; {
		case ft == dateType:
			s.kind = stepDate
		case ft.Kind() == reflect.String:
			s.kind, s.notes = stepText, notes[name]
		case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String:
			s.kind, s.notes = stepKeys, notes[name]
		case ft.Kind() == reflect.Struct:
			s.kind, s.sub = stepNested, buildPlan(ft, seen)
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			s.kind, s.sub = stepPointer, buildPlan(ft.Elem(), seen)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			s.kind, s.sub = stepList, buildPlan(ft.Elem(), seen)
		default:
			continue // a number, a flag, raw JSON: nothing the gate reads here
		}
		p.steps = append(p.steps, s)
	}
	return p
}

// structOf returns v as a struct (an event may be given by pointer), or false.
func structOf(v reflect.Value) (reflect.Value, bool) {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v, v.Kind() == reflect.Struct
}

// walkTexts checks every text of v (see checkClean), stopping at the first fault.
func walkTexts(v reflect.Value, parent string) error {
	v, ok := structOf(v)
	if !ok {
		return nil
	}
	return planOf(v.Type()).texts(v, parent)
}

func (s *step) texts(fv reflect.Value, parent string) error {
	switch s.kind {
	case stepText:
		return checkClean(parent, s.name, fv.String(), s.notes)
	case stepKeys:
		if fv.Len() == 0 {
			return nil
		}
		keys := make([]string, 0, fv.Len())
		for _, k := range fv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := checkClean(parent, s.name, k, s.notes); err != nil {
				return err
			}
		}
	case stepPointer:
		if fv.IsNil() {
			return nil
		}
		return s.sub.texts(fv.Elem(), join(parent, s.name))
	case stepNested:
		return s.sub.texts(fv, join(parent, s.name))
	case stepList:
		for i := 0; i < fv.Len(); i++ {
			if err := s.sub.texts(fv.Index(i), join(parent, s.name)+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *plan) texts(v reflect.Value, parent string) error {
	for i := range p.steps {
		if err := p.steps[i].texts(v.Field(p.steps[i].index), parent); err != nil {
			return err
		}
	}
	return nil
}

// walkDates calls fn for every date of v, stopping at the first error.
func walkDates(v reflect.Value, parent string, fn func(parent, name string, d Date) error) error {
	v, ok := structOf(v)
	if !ok {
		return nil
	}
	return planOf(v.Type()).dates(v, parent, fn)
}

func (p *plan) dates(v reflect.Value, parent string, fn func(parent, name string, d Date) error) error {
	for i := range p.steps {
		s := &p.steps[i]
		fv := v.Field(s.index)
		var err error
		switch s.kind {
		case stepDate:
			err = fn(parent, s.name, Date(fv.Int()))
		case stepPointer:
			if !fv.IsNil() {
				err = s.sub.dates(fv.Elem(), join(parent, s.name), fn)
			}
		case stepNested:
			err = s.sub.dates(fv, join(parent, s.name), fn)
		case stepList:
			for i := 0; i < fv.Len() && err == nil; i++ {
				err = s.sub.dates(fv.Index(i), join(parent, s.name)+"["+strconv.Itoa(i)+"]", fn)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// join is the JSON path of the field name within parent.
func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// checkScore checks an evaluation score out of 100, which must fit the stars; 0 means not given.
func checkScore(field string, score float64, s Stars) error {
	if score == 0 {
		return nil
	}
	if score < 0 || score > 100 || math.IsNaN(score) {
		return Invalid(field, "%g is not a score: scores run from 0 to 100", score)
	}
	if got := StarsFromScore(score); got != s {
		return Invalid(field, "a score of %g gives %d stars, not %d (3★ 50–<70, 4★ 70–<90, 5★ ≥90)", score, int(got), int(s))
	}
	return nil
}

// checkUTF8 refuses a payload that is not UTF-8, naming the field whose text holds the bad bytes.
// It reads the raw bytes: encoding/json would silently replace them with U+FFFD.
func checkUTF8(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	// Mark each bad byte with a noncharacter, decode, and find the string that holds the mark.
	const mark = "\uFDD0"
	var fixed bytes.Buffer
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n <= 1 {
			fixed.WriteString(mark)
		} else {
			fixed.Write(data[:n])
		}
		data = data[n:]
	}
	var doc any
	field := ""
	if json.Unmarshal(fixed.Bytes(), &doc) == nil {
		field = findMark(doc, "", mark)
	}
	return Invalid(field, "holds bytes that are not UTF-8 text; send the text encoded as UTF-8")
}

// findMark returns the JSON path of the first string (or key: then the path of its object) in doc
// that contains mark.
func findMark(doc any, path, mark string) string {
	switch x := doc.(type) {
	case string:
		if strings.Contains(x, mark) {
			return path
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if strings.Contains(k, mark) {
				return path
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if f := findMark(x[k], p, mark); f != "" {
				return f
			}
		}
	case []any:
		for i, el := range x {
			if f := findMark(el, fmt.Sprintf("%s[%d]", path, i), mark); f != "" {
				return f
			}
		}
	}
	return ""
}
