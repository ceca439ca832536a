// Package importer brings a clerk's spreadsheet (XLSX or CSV) into the ledger: it finds the header
// row of a kind's table, turns every row into the events it records, checks every one of them by
// the rules `ocopledger record` applies, reports every error at once with its row and column, and
// stores nothing unless every row is valid. Entry IDs are derived from the document and the row's
// identity, so importing the same file again stores nothing new.
package importer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// Item is one event a row records, decoded and ready to check.
type Item struct {
	Row   int // the row's number in the sheet, as the spreadsheet shows it
	ID    string
	Event domain.Event
	// Shared: the event is given by every row of a group (a trade event by its participations)
	// and stands whether or not the row that first gave it has errors.
	Shared bool
}

// RowError is what is wrong with a row: its number, the header of the column at fault (empty
// when no one column is), and the error (a domain error, or one of this package's).
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Field  string `json:"field,omitempty"` // the event field the column fills (a JSON path)
	Err    error  `json:"-"`
}

// Message is the clerk's sentence for the error in a language ("vi" or "en").
func (e RowError) Message(lang string) string {
	var m *message
	if errors.As(e.Err, &m) {
		return m.in(lang)
	}
	var de *domain.Error
	if errors.As(e.Err, &de) {
		bare := *de
		bare.Field = "" // the column says which field
		return i18n.Localize(&bare, lang)
	}
	return i18n.Localize(e.Err, lang)
}

// Sentence is the error as the clerk reads it: "Dòng 14, cột 'Số sao': …".
func (e RowError) Sentence(lang string) string {
	switch {
	case e.Row == 0:
		return e.Message(lang)
	case e.Column == "" && lang == "vi":
		return fmt.Sprintf("Dòng %d: %s", e.Row, e.Message(lang))
	case e.Column == "":
		return fmt.Sprintf("Row %d: %s", e.Row, e.Message(lang))
	case lang == "vi":
		return fmt.Sprintf("Dòng %d, cột '%s': %s", e.Row, e.Column, e.Message(lang))
	}
	return fmt.Sprintf("Row %d, column '%s': %s", e.Row, e.Column, e.Message(lang))
}

// Message is an error of this package (reading a file, writing a template) in a language; any
// other error as i18n gives it.
func Message(err error, lang string) string { return RowError{Err: err}.Message(lang) }

// message is an error of this package, in both languages.
type message struct{ vi, en string }

func (m *message) Error() string { return m.en }
func (m *message) in(lang string) string {
	if lang == "vi" {
		return m.vi
	}
	return m.en
}

func msg(vi, en string, args ...any) *message {
	return &message{fmt.Sprintf(vi, args...), fmt.Sprintf(en, args...)}
}

// Batch is a parsed document: its items in order, and what is wrong with its rows.
type Batch struct {
	Kind   *Kind
	Source string // the document, as each entry records it ("QĐ 1425/QĐ-UBND", or the file name)
	Rows   int    // data rows read
	Items  []Item
	Errors []RowError
	header map[int]string // the header of each kind column as the file writes it
	head   int            // the index of the header row in the table (-1: none found)
}

// ReadFile reads an XLSX or CSV file as a table of cell texts (raw: Excel dates as serials).
func ReadFile(path string) ([][]string, error) {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		b, err := readAll(path)
		if err != nil {
			return nil, err
		}
		return ReadCSV(bytes.NewReader(b))
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, msg("không đọc được tệp %s như một bảng tính Excel (.xlsx): %v", "cannot read %s as an Excel workbook (.xlsx): %v", filepath.Base(path), err)
	}
	defer f.Close()
	return readWorkbook(f)
}

// ReadXLSX reads the first sheet of an XLSX workbook.
func ReadXLSX(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, msg("không đọc được bảng tính Excel (.xlsx): %v", "cannot read the Excel workbook (.xlsx): %v", err)
	}
	defer f.Close()
	return readWorkbook(f)
}

func readWorkbook(f *excelize.File) ([][]string, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, msg("bảng tính không có trang nào", "the workbook has no sheet")
	}
	return f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
}

// ReadCSV reads comma- or semicolon-separated text, with or
// without a byte-order mark.
func ReadCSV(r io.Reader) ([][]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	// The separator: whichever of ';' and ',' the first lines hold more of (title lines have
	// neither, decimal commas make a few).
	head := b
	for i, n := 0, 0; i < len(b); i++ {
		if b[i] == '\n' {
			if n++; n == 20 {
				head = b[:i]
				break
			}
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, msg("tệp CSV không đọc được: %v", "the CSV file cannot be read: %v", err)
	}
	return rows, nil
}

// normHeader is a header as compared: NFC, lower case, single spaces, without a trailing "*" or
// a note in parentheses, with spaces around "/" and "," removed.
func normHeader(s string) string {
	s = fold(s)
	if i := strings.Index(s, "("); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.TrimRight(s, " *:")
	s = strings.ReplaceAll(s, " /", "/")
	s = strings.ReplaceAll(s, "/ ", "/")
	s = strings.ReplaceAll(s, " ,", ",")
	return s
}

// fold is text as compared: NFC, lower case, single spaces.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(s)), " "))
}

// tidy is a cell's text as stored: NFC, trimmed, single spaces.
func tidy(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// column returns the index of the kind's column a header names, or -1.
func (k *Kind) column(header string) int {
	h := normHeader(header)
	if h == "" {
		return -1
	}
	for i, c := range k.Columns {
		if normHeader(c.VI) == h || normHeader(c.EN) == h {
			return i
		}
		for _, a := range c.Aliases {
			if normHeader(a) == h {
				return i
			}
		}
	}
	return -1
}

// Parse finds the kind's header row in a table (below any title rows and the document's values
// given once, such as "Số quyết định: 1425/QĐ-UBND"), reads every row below it into items and
// decodes and validates each by the domain's rules. It touches no ledger; Check does.
func Parse(k *Kind, table [][]string, source string) *Batch {
	b := &Batch{Kind: k, Source: source, head: -1}
	head, cols := -1, map[int]int{} // sheet column index → kind column index
	for r, row := range table {
		found := map[int]int{}
		keys := 0
		for i, cell := range row {
			if c := k.column(cell); c >= 0 {
				if _, dup := found[c]; dup {
					continue
				}
				found[c] = i
				if k.Columns[c].Key {
					keys++
				}
			}
		}
		if keys == countKeys(k) && len(found) >= 2 {
			head = r
			for c, i := range found {
				cols[i] = c
			}
			break
		}
	}
	if head < 0 {
		var want []string
		for _, c := range k.Columns {
			if c.Key {
				want = append(want, "'"+c.VI+"'")
			}
		}
		b.Errors = append(b.Errors, RowError{Err: msg("không tìm thấy dòng tiêu đề của bảng: cần các cột %s (xem docs/import.md hoặc tạo mẫu bằng ocopledger import --template %s)",
			"no header row found: the table needs the columns %s (see docs/import.md, or write a template with ocopledger import --template %s)", strings.Join(want, ", "), k.ID)})
		return b
	}
	b.head = head
	once := onceValues(k, table[:head])
	// The header of each column as the file writes it, for the errors.
	header := map[int]string{}
	for i, c := range cols {
		header[c] = tidy(table[head][i])
	}
	b.header = header
	seen := map[string]int{}              // entry ID → the row that gave it first
	shared := map[string]map[string]any{} // entry ID of a shared event → its payload
	for r := head + 1; r < len(table); r++ {
		row := table[r]
		if blank(row) {
			continue
		}
		b.Rows++
		line := r + 1
		doc := map[string]any{}
		given := map[int]bool{}
		bad := false
		for i, cell := range row {
			c, ok := cols[i]
			if !ok || strings.TrimSpace(cell) == "" {
				continue
			}
			v := value(k.Columns[c], cell)
			if m := notANumber(k.Columns[c], v); m != nil {
				b.Errors = append(b.Errors, RowError{Row: line, Column: header[c], Field: k.Columns[c].Field, Err: m})
				bad = true
			}
			set(doc, k.Columns[c].Field, v)
			given[c] = true
		}
		for c, v := range once {
			if !given[c] {
				set(doc, k.Columns[c].Field, v)
			}
		}
		if bad {
			continue
		}
		for _, p := range k.events(doc) {
			id := entryID(k.ID, p.typ, p.identity)
			if prev, dup := seen[id]; dup {
				switch {
				case p.shared && reflect.DeepEqual(shared[id], p.payload):
					// the same details again on another row: recorded once
				case p.shared:
					b.Errors = append(b.Errors, RowError{Row: line, Err: msg("thông tin của hoạt động (tên, loại, ngày, địa điểm…) khác với dòng %d: mọi dòng của cùng một hoạt động phải ghi giống nhau",
						"the trade event's details (name, kind, dates, venue…) differ from row %d: every row of one event must give them alike", prev)})
				default:
					b.Errors = append(b.Errors, RowError{Row: line, Column: header[keyColumn(k)], Field: k.Columns[keyColumn(k)].Field, Err: &message{
						fmt.Sprintf("trùng với dòng %d: mỗi %s chỉ ghi một lần trong một văn bản", prev, k.RowVI),
						fmt.Sprintf("repeats row %d: a document lists each %s once", prev, k.RowEN)}})
				}
				continue
			}
			seen[id] = line
			if p.shared {
				shared[id] = p.payload
			}
			data, err := json.Marshal(p.payload)
			if err != nil {
				b.Errors = append(b.Errors, RowError{Row: line, Err: err})
				continue
			}
			e, err := domain.DecodeValid(p.typ, 1, norm.NFC.Bytes(data))
			if err != nil {
				b.Errors = append(b.Errors, rowError(k, header, line, err))
				continue
			}
			b.Items = append(b.Items, Item{Row: line, ID: id, Event: e, Shared: p.shared})
		}
	}
	if b.Rows == 0 {
		b.Errors = append(b.Errors, RowError{Row: head + 1, Err: msg("bảng không có dòng dữ liệu nào dưới dòng tiêu đề", "the table has no data row below its header row")})
	}
	return b
}

func countKeys(k *Kind) int {
	n := 0
	for _, c := range k.Columns {
		if c.Key {
			n++
		}
	}
	return n
}

// keyColumn is the index of the column that identifies a row (the first key column).
func keyColumn(k *Kind) int {
	for i, c := range k.Columns {
		if c.Key {
			return i
		}
	}
	return 0
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// onceValues reads the values given once for the document above the header row: a cell
// "Số quyết định: 1425/QĐ-UBND", or a cell "Số quyết định" followed by the value in the next
// non-empty cell of its row.
func onceValues(k *Kind, rows [][]string) map[int]any {
	out := map[int]any{}
	for _, row := range rows {
		for i := 0; i < len(row); i++ {
			cell := row[i]
			label, val, colon := strings.Cut(cell, ":")
			c := k.column(label)
			if c < 0 || !k.Columns[c].Once {
				continue
			}
			val = strings.TrimSpace(val)
			if !colon || val == "" {
				for j := i + 1; j < len(row); j++ {
					if strings.TrimSpace(row[j]) != "" {
						val, i = row[j], j
						break
					}
				}
			}
			if strings.TrimSpace(val) != "" {
				out[c] = value(k.Columns[c], val)
			}
		}
	}
	return out
}

var leadingInt = regexp.MustCompile(`^\s*(\d+)\s*(sao|★|\*)?\s*$`)

// value is a cell's text as the JSON value of its field. What cannot be read is passed on as
// text, so that the domain's decoder says what is wrong with it.
func value(c Column, cell string) any {
	s := tidy(cell)
	switch c.Kind {
	case num:
		if f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	case stars:
		if m := leadingInt.FindStringSubmatch(strings.ToLower(s)); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				return n
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e6 {
			return int(f)
		}
	case date:
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 2958466 {
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return t.Format(time.DateOnly)
			}
		}
	case enum:
		if v, ok := enumValue(c.Enum, s); ok {
			return v
		}
	case whole:
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e6 {
			return int(f)
		}
	case yesNo:
		switch fold(s) {
		case "có", "x", "yes", "true", "1", "đúng":
			return true
		case "không", "no", "false", "0", "sai":
			return false
		}
	}
	return s
}

// notANumber says that a number column holds text that is not a number.
func notANumber(c Column, v any) *message {
	s, isText := v.(string)
	switch {
	case !isText:
		return nil
	case c.Kind == stars:
		return msg("%q không phải là số sao: ghi 3, 4 hoặc 5", "%q is not a number of stars: write 3, 4 or 5", s)
	case c.Kind == num:
		return msg("%q không phải là một số: ghi điểm như 78 hoặc 78,5", "%q is not a number: write the score as 78 or 78.5", s)
	case c.Kind == whole:
		return msg("%q không phải là một năm: ghi như 2024", "%q is not a year: write it as 2024", s)
	case c.Kind == yesNo:
		return msg("%q không phải là có hay không: ghi 'có' hoặc để trống", "%q is not yes or no: write 'có' (yes) or leave it empty", s)
	}
	return nil
}

// enumValue finds the value of an enumeration a cell names: by its value, its Vietnamese or
// English label, or "value – label" (what the template's drop-downs offer).
func enumValue(id, s string) (string, bool) {
	names := enumNames(id)
	if names == nil {
		return "", false
	}
	f := fold(s)
	for _, sep := range []string{" – ", " - "} {
		if code, _, ok := strings.Cut(f, sep); ok {
			if v, ok := names.codes[code]; ok {
				return v, true
			}
		}
	}
	v, ok := names.all[f]
	return v, ok
}

// names are the values of an enumeration by their folded value (codes), and by their folded
// value and labels (all).
type names struct{ codes, all map[string]string }

var (
	namesMu sync.Mutex
	namesOf = map[string]*names{}
)

// enumNames returns the names of an enumeration (nil if there is none), folded once.
func enumNames(id string) *names {
	namesMu.Lock()
	defer namesMu.Unlock()
	if n, ok := namesOf[id]; ok {
		return n
	}
	e, ok := domain.LookupEnumeration(id)
	if !ok {
		return nil
	}
	n := &names{codes: map[string]string{}, all: map[string]string{}}
	for _, v := range slices.Backward(e.Values) { // the first value that a name fits wins
		code := fmt.Sprint(v.Value)
		n.codes[fold(code)] = code
		for _, name := range []string{v.Label.EN, v.Label.VI, code} {
			n.all[fold(name)] = code
		}
	}
	namesOf[id] = n
	return n
}

// rowError places a domain error in the column of the field it names.
func rowError(k *Kind, header map[int]string, line int, err error) RowError {
	var de *domain.Error
	if !errors.As(err, &de) || de.Field == "" {
		return RowError{Row: line, Err: err}
	}
	best, bestLen := -1, 0
	for i, c := range k.Columns {
		switch {
		case c.Field == de.Field, strings.TrimPrefix(c.Field, "event.") == de.Field: // event.*: the trade event of participations
			return RowError{Row: line, Column: headerOf(k, header, i), Field: de.Field, Err: err}
		case strings.HasPrefix(de.Field, c.Field+".") && len(c.Field) > bestLen,
			strings.HasPrefix(c.Field, de.Field+".") && best < 0:
			best, bestLen = i, len(c.Field)
		}
	}
	if best >= 0 {
		return RowError{Row: line, Column: headerOf(k, header, best), Field: de.Field, Err: err}
	}
	return RowError{Row: line, Field: de.Field, Err: err}
}

func headerOf(k *Kind, header map[int]string, c int) string {
	if h, ok := header[c]; ok {
		return h
	}
	return k.Columns[c].VI
}

// Outcome is what checking or storing a batch found.
type Outcome struct {
	Kind    string     `json:"kind"`
	Rows    int        `json:"rows"`    // data rows read
	Valid   int        `json:"valid"`   // rows without an error
	Entries int        `json:"entries"` // entries the valid rows record
	Stored  int        `json:"stored"`
	Present int        `json:"already_present"` // entries recorded before (same key, same content)
	Errors  []RowError `json:"-"`
	DryRun  bool       `json:"dry_run,omitempty"`
	// Rejected are the rows with an error as the file holds them, below the rows above its
	// table (title, values given once) and its header row, each with its errors in a last
	// column (RejectColumn): a table to fix and import again. Nil when every row is valid.
	Rejected [][]string `json:"-"`
}

// Options say how to import a table.
type Options struct {
	Source string // the document, as each entry records it (default: the kind's ID)
	Actor  string // who records the entries
	// DryRun checks everything against the ledger and stores nothing.
	DryRun bool
	// Partial stores the valid rows even when others have errors; a row stores all its entries
	// or none.
	Partial bool
	// Progress, if not nil, is told how many of the entries to store are stored.
	Progress func(done, total int)
}

// Check checks every item against the ledger as `record` would (its history, and the items of
// the same record earlier in the batch) and adds what is wrong to b.Errors. The histories of
// the records are read once for the whole table. It stores nothing; the ledger batch it
// returns holds the items that passed, ready to commit.
func (b *Batch) Check(ctx context.Context, l *ledger.Ledger, actor string) (lb *ledger.Batch, present int, err error) {
	var streams []string
	seen := map[string]bool{}
	for _, it := range b.Items {
		if s := it.Event.Stream(); !seen[s] {
			seen[s] = true
			streams = append(streams, s)
		}
	}
	lb, err = l.NewBatch(ctx, streams)
	if err != nil {
		return nil, 0, err
	}
	bad := b.badRows()
	mark, row := 0, 0
	for _, it := range b.Items {
		if it.Row != row {
			mark, row = lb.Mark(), it.Row
		}
		if bad[it.Row] && !it.Shared {
			continue // a row stores all its entries or none
		}
		dup, err := lb.Check(ctx, it.Event, b.meta(it, actor))
		var de *domain.Error
		if err != nil && !errors.As(err, &de) {
			return nil, present, err
		}
		if err != nil {
			re := rowError(b.Kind, b.header, it.Row, err)
			if re.Column == "" && de.Code == domain.CodeConflict {
				re.Column, re.Field = headerOf(b.Kind, b.header, keyColumn(b.Kind)), b.Kind.Columns[keyColumn(b.Kind)].Field
			}
			b.Errors = append(b.Errors, re)
			bad[it.Row] = true
			lb.Rollback(mark)
			continue
		}
		if dup {
			present++
		}
		if it.Shared {
			mark = lb.Mark() // the row's own entries follow
		}
	}
	return lb, present, nil
}

// badRows are the rows with an error.
func (b *Batch) badRows() map[int]bool {
	bad := map[int]bool{}
	for _, e := range b.Errors {
		bad[e.Row] = true
	}
	return bad
}

func (b *Batch) meta(it Item, actor string) ledger.Meta {
	return ledger.Meta{ID: it.ID, Actor: actor, Source: b.Source}
}

// Import parses and checks a table and — unless o.DryRun, and only when every row is valid or
// o.Partial — stores the entries of its valid rows.
func Import(ctx context.Context, l *ledger.Ledger, k *Kind, table [][]string, o Options) (Outcome, error) {
	if o.Source == "" {
		o.Source = k.ID
	}
	b := Parse(k, table, o.Source)
	out := Outcome{Kind: k.ID, Rows: b.Rows, DryRun: o.DryRun}
	var lb *ledger.Batch
	if len(b.Items) > 0 {
		var err error
		if lb, out.Present, err = b.Check(ctx, l, o.Actor); err != nil {
			return out, err
		}
	}
	sortErrors(b.Errors)
	out.Errors = b.Errors
	bad := b.badRows()
	delete(bad, 0)
	out.Valid = b.Rows - len(bad)
	if lb != nil {
		out.Entries = lb.Len() + out.Present
	}
	if len(bad) > 0 {
		out.Rejected = b.rejected(table, bad)
	}
	if lb == nil || o.DryRun || len(b.Errors) > 0 && !o.Partial {
		return out, nil
	}
	var pf func(int)
	if o.Progress != nil {
		pf = func(n int) { o.Progress(n, lb.Len()) }
	}
	stored, present, err := lb.Commit(ctx, pf)
	out.Stored, out.Present = stored, out.Present+present
	var ee *ledger.EntryError
	if errors.As(err, &ee) {
		for _, it := range b.Items {
			if it.ID == ee.ID {
				return out, fmt.Errorf("%s: %w", RowError{Row: it.Row}.Sentence("en"), ee.Err)
			}
		}
	}
	return out, err
}

// rejected returns the rows above the table, its header row and the rows with an error, as
// the table holds them, each of the latter with its errors in a last column.
func (b *Batch) rejected(table [][]string, bad map[int]bool) [][]string {
	if b.head < 0 {
		return nil
	}
	width := 0
	for _, row := range table {
		width = max(width, len(row))
	}
	pad := func(row []string, last string) []string {
		out := append(append(make([]string, 0, width+1), row...), make([]string, width-len(row))...)
		return append(out, last)
	}
	msgs := map[int][]string{}
	for _, e := range b.Errors {
		msgs[e.Row] = append(msgs[e.Row], e.sentenceInRow())
	}
	var out [][]string
	for r := 0; r < len(table); r++ {
		switch {
		case r < b.head:
			out = append(out, pad(table[r], ""))
		case r == b.head:
			out = append(out, pad(table[r], RejectColumn))
		case bad[r+1]:
			out = append(out, pad(table[r], strings.Join(msgs[r+1], "; ")))
		}
	}
	return out
}

// RejectColumn is the header of the column a file of rejected rows adds for their errors.
const RejectColumn = "Lỗi cần sửa"

// sentenceInRow is the error as the file of rejects writes it in its row: the column and the
// clerk's sentence, in Vietnamese.
func (e RowError) sentenceInRow() string {
	if e.Column == "" {
		return e.Message("vi")
	}
	return fmt.Sprintf("cột '%s': %s", e.Column, e.Message("vi"))
}

// sortErrors orders errors by row; the errors of one row stay in the order they were found.
func sortErrors(es []RowError) {
	slices.SortStableFunc(es, func(a, b RowError) int { return cmp.Compare(a.Row, b.Row) })
}

func readAll(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, msg("không đọc được tệp %s: %v", "cannot read %s: %v", filepath.Base(path), err)
	}
	return b, nil
}
