package tables

import (
	"encoding/json"
	"errors"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// Output is where and how the command line writes an answer: its options --format (one of
// Formats, the default text) or its older forms --csv and --json, --sep and --out (a file; ""
// for the standard output).
type Output struct {
	Format, Sep, Out string
	CSV, JSON        bool
}

// ErrTwoFormats is the format given twice: with --format, --csv and --json, more than one.
var ErrTwoFormats = errors.New("give one of --format, --csv and --json")

// Formats are the formats of an answer on the command line.
var Formats = []Format{FormatText, FormatCSV, FormatXLSX, FormatJSON}

// Parse reads the format and the renderers' options. An XLSX file is not written to std when
// it is a terminal.
func (o Output) Parse(std io.Writer) (Format, Options, error) {
	f, n := FormatText, 0
	if o.Format != "" {
		var err error
		if f, err = ParseFormat("format", o.Format, Formats...); err != nil {
			return "", Options{}, err
		}
		n++
	}
	if o.CSV {
		f, n = FormatCSV, n+1
	}
	if o.JSON {
		f, n = FormatJSON, n+1
	}
	if n > 1 {
		return "", Options{}, ErrTwoFormats
	}
	if f == FormatXLSX && o.Out == "" && isTerminal(std) {
		return "", Options{}, domain.Invalid("out", "an XLSX file cannot be shown on a terminal: give --out FILE.xlsx, or redirect the output to a file")
	}
	sep, err := ParseSep("sep", o.Sep)
	return f, Options{Sep: sep}, err
}

// Write writes the answer in format f (its value for JSON, its table otherwise) to the file Out,
// named once complete (userfile.Write), or to std.
func (o Output) Write(std io.Writer, a Answer, f Format, opts Options) error {
	return userfile.Write("out", o.Out, std, func(w io.Writer) error {
		if f == FormatJSON {
			return WriteJSON(w, a.Value)
		}
		return Write(w, a.Table(), f, opts)
	})
}

// WriteJSON writes v as indented JSON, as the command line's --json answers are written.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// isTerminal says whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
