package tables

import (
	"fmt"
	"io"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// Kind is what a column holds, which decides how each renderer writes its cells.
type Kind int

const (
	Text    Kind = iota // string
	Integer             // int64 that may be negative: a value, a difference
	Count               // int64, never negative: a position, a row number, a number of days
	Date                // domain.Date: a civil day, written dd/mm/yyyy (yyyy-mm-dd in English)
	Instant             // time.Time: a moment, written in Vietnam's time
	Stars               // int64 3, 4 or 5: an OCOP star rating, a number in files
)

// Label is a text in Vietnamese and in English.
type Label struct{ VI, EN string }

// In returns the label in a language ("en" for English, Vietnamese otherwise).
func (l Label) In(lang string) string {
	if lang == "en" {
		return l.EN
	}
	return l.VI
}

// Column is a column of a table: its header and the kind of its cells.
type Column struct {
	Head Label
	Kind Kind
}

// Row is a row of a table, one value a column: string for Text, int64 for Integer, Count and
// Stars, domain.Date for Date, time.Time for Instant; nil (or a zero Date or Stars, a zero time)
// leaves the cell empty.
type Row []any

// Table is a typed table in a language, with what the command line prints around it.
type Table struct {
	// Name names the table in file names and as the sheet's name: "ocop.valid", "expiring"…
	Name string
	// Day is the day the answer is for, in file names (zero: none).
	Day domain.Date
	// Lang is the language of the headers and of the cells' words: "vi" or "en".
	Lang string
	// Title says what the table answers: the figure, the day, the knowledge time. It is the
	// first line of the text and the first row of the XLSX sheet.
	Title string
	// Source names the log prefix the answer was read from (size, root, checkpoint), "" when
	// the answer names none; the XLSX sheet carries it after the title.
	Source  string
	Columns []Column
	Rows    []Row

	// text writes the command line's text form (nil: a grid of every column).
	text func(w io.Writer, t *Table, o Options) error
	// next is the cursor of the next page of a table that is a page ("": none).
	next string
}

// Options are the renderers' options.
type Options struct {
	// Sep separates the fields of CSV: ',' (the default) or ';', which Excel expects where the
	// decimal separator is a comma, as in Vietnam.
	Sep rune
}

// t picks the Vietnamese or English wording for the table's language.
func (t *Table) t(vi, en string) string { return Label{vi, en}.In(t.Lang) }

// integer reads an integer cell (nil for an empty one).
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case uint64:
		return int64(n), true
	}
	return 0, false
}

// cellText is a cell as words in a language, the form of the text and of CSV; "" for an empty
// cell. It does not neutralise formulas (CSV does).
func cellText(k Kind, v any, lang string) string {
	switch k {
	case Date:
		d, ok := v.(domain.Date)
		if !ok || !d.Valid() || d == 0 {
			return ""
		}
		return d.Format(lang)
	case Instant:
		tm, ok := v.(time.Time)
		if !ok || tm.IsZero() {
			return ""
		}
		return FileInstant(tm, lang)
	case Integer, Count, Stars:
		n, ok := integer(v)
		if !ok || k == Stars && n == 0 {
			return ""
		}
		return fmt.Sprint(n)
	}
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// FileInstant writes a moment in Vietnam's time as spreadsheets read it: dd/mm/yyyy hh:mm:ss in
// Vietnamese, yyyy-mm-dd hh:mm:ss in English.
func FileInstant(t time.Time, lang string) string {
	t = t.In(domain.Vietnam)
	if lang == "en" {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("02/01/2006 15:04:05")
}

// InstantText writes a moment in Vietnam's time as the command line says it ("bây giờ" / "now" for
// the zero time): hh:mm:ss dd/mm/yyyy in Vietnamese, yyyy-mm-dd hh:mm:ss +07:00 in English.
func InstantText(t time.Time, lang string) string {
	if t.IsZero() {
		return Label{"bây giờ", "now"}.In(lang)
	}
	t = t.In(domain.Vietnam)
	if lang == "en" {
		return t.Format("2006-01-02 15:04:05 -07:00")
	}
	return t.Format("15:04:05 02/01/2006")
}

// KnownAtText says as of when the ledger was read: "as known now" for the zero time, or "as
// known at" the moment.
func KnownAtText(t time.Time, lang string) string {
	if t.IsZero() {
		return Label{"theo sổ cái hiện nay", "as known now"}.In(lang)
	}
	return Label{"theo sổ cái tại ", "as known at "}.In(lang) + InstantText(t, lang)
}
