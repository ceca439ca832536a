package tables

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
)

// WriteCSV writes the table as CSV for spreadsheets: the headers in the table's language, then a line
// a row, fields separated by o.Sep (',' by default), CRLF line ends, preceded by a UTF-8 byte
// order mark — without it Excel reads a CSV file in the computer's legacy code page
// (Windows-1258 on a Vietnamese Windows), which garbles every Vietnamese letter. Dates and
// moments are written in the language's form, numbers as digits, text through TextCell. The
// title is not written: a CSV file holds one table and nothing else.
func WriteCSV(w io.Writer, t *Table, o Options) error {
	sep := o.Sep
	if sep == 0 {
		sep = ','
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.UseCRLF = true
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Head.In(t.Lang)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, r := range t.Rows {
		for i, c := range t.Columns {
			rec[i] = cellText(c.Kind, r[i], t.Lang)
			if c.Kind == Text {
				rec[i] = TextCell(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TextCell makes a text cell of a CSV safe to open in a spreadsheet: text that starts with = + - @,
// a tab or a carriage return would be read as a formula (CSV injection), so it gets a leading single
// quote, as OWASP advises; the spreadsheet shows the text as written. Numbers must not go through it.
func TextCell(s string) string {
	if live(s) {
		return "'" + s
	}
	return s
}

// live says whether a spreadsheet would read text as a formula.
func live(s string) bool { return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) }

// ParseSep reads the CSV separator option: "," or ";", or their names comma and semicolon, easier
// to write in a URL (empty: ",").
func ParseSep(field, s string) (rune, error) {
	switch s {
	case "", ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	}
	return 0, domain.Invalid(field, "%q is not a separator of CSV fields: give , or ; (comma or semicolon)", s)
}
