package tables

import (
	"io"

	"github.com/ocopledger/ocopledger/domain"
)

// Format is a form a table is written in.
type Format string

const (
	FormatText Format = "text"
	FormatJSON Format = "json" // the answer's own JSON, written by its command or endpoint
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// ParseFormat reads a format option given as field (--format, ?format=): one of allowed.
func ParseFormat(field, s string, allowed ...Format) (Format, error) {
	names := ""
	for i, f := range allowed {
		if Format(s) == f {
			return f, nil
		}
		if i > 0 {
			names += ", "
		}
		names += string(f)
	}
	return "", domain.Invalid(field, "%q is not a format of this answer: give one of %s", s, names)
}

// File says whether the format is a file for spreadsheets (CSV or XLSX).
func (f Format) File() bool { return f == FormatCSV || f == FormatXLSX }

// ContentType is the media type of a file format.
func (f Format) ContentType() string {
	switch f {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatJSON:
		return "application/json; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// FileName is the name a table's file is downloaded as: the table's name and day, e.g.
// ocop.valid_2025-08-07.xlsx.
func (t *Table) FileName(f Format) string {
	name := sheetName(t.Name)
	if t.Day.Valid() && t.Day != 0 {
		name += "_" + t.Day.String()
	}
	return name + "." + string(f)
}

// Write writes the table in a format: text, CSV or XLSX (JSON is the answer's own, not a table's).
func Write(w io.Writer, t *Table, f Format, o Options) error {
	switch f {
	case FormatCSV:
		return WriteCSV(w, t, o)
	case FormatXLSX:
		return WriteXLSX(w, t, o)
	case FormatText:
		return WriteText(w, t, o)
	}
	return domain.Invalid("format", "%q is not a format of a table: give text, csv or xlsx", string(f))
}
