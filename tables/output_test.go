package tables_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/tables"
)

// The format comes from --format or one of its older forms, never two of them; a bad one is
// refused naming its option.
func TestOutputParse(t *testing.T) {
	for _, c := range []struct {
		o     tables.Output
		want  tables.Format
		sep   rune
		field string // of the error; "-" for ErrTwoFormats
	}{
		{o: tables.Output{}, want: tables.FormatText, sep: ','},
		{o: tables.Output{Format: "xlsx", Sep: ";"}, want: tables.FormatXLSX, sep: ';'},
		{o: tables.Output{CSV: true}, want: tables.FormatCSV, sep: ','},
		{o: tables.Output{JSON: true, Sep: "semicolon"}, want: tables.FormatJSON, sep: ';'},
		{o: tables.Output{Format: "pdf"}, field: "format"},
		{o: tables.Output{Format: "pdf", JSON: true}, field: "format"}, // what the format is, first
		{o: tables.Output{Format: "csv", JSON: true}, field: "-"},
		{o: tables.Output{CSV: true, JSON: true}, field: "-"},
		{o: tables.Output{Sep: "\t"}, field: "sep"},
	} {
		f, opts, err := c.o.Parse(&bytes.Buffer{})
		switch {
		case c.field == "-" && !errors.Is(err, tables.ErrTwoFormats):
			t.Errorf("%+v: %v; want ErrTwoFormats", c.o, err)
		case c.field != "" && c.field != "-" && domain.ErrorField(err) != c.field:
			t.Errorf("%+v: %v; want an error on field %s", c.o, err, c.field)
		case c.field == "" && (err != nil || f != c.want || opts.Sep != c.sep):
			t.Errorf("%+v: %s, %q, %v; want %s, %q", c.o, f, opts.Sep, err, c.want, c.sep)
		}
	}
}

// Write writes the table in its format, or the answer's own JSON, to --out or the standard output.
func TestOutputWrite(t *testing.T) {
	a := tables.Answer{Value: map[string]string{"figure": "ocop.valid", "note": "<&>"}, Table: func() *tables.Table { return explainTable(t, "en") }}
	var std bytes.Buffer
	if err := (tables.Output{}).Write(&std, a, tables.FormatJSON, tables.Options{}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"figure\": \"ocop.valid\",\n  \"note\": \"<&>\"\n}\n"; std.String() != want {
		t.Errorf("JSON %q; want %q", std.String(), want)
	}
	path := filepath.Join(t.TempDir(), "valid.csv")
	opts := tables.Options{Sep: ';'}
	if err := (tables.Output{Out: path}).Write(nil, a, tables.FormatCSV, opts); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := tables.Write(&want, explainTable(t, "en"), tables.FormatCSV, opts); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("--out %s: %q, %v; want %q", path, got, err, want.Bytes())
	}
}
