package main

import (
	"context"
	"encoding/json"
	"io"
	"os"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// tableFlags are the output options of the commands that answer with a table.
type tableFlags struct {
	format, sep, out string
	csv              bool // --csv, the older name of --format csv (explain)
}

// register registers the output flags (--csv too with csvAlias); their descriptions are the
// catalogue's.
func (o *tableFlags) register(fs *pflag.FlagSet, csvAlias bool) {
	fs.StringVar(&o.format, "format", "", "")
	fs.StringVar(&o.sep, "sep", ",", "")
	fs.StringVar(&o.out, "out", "", "")
	if csvAlias {
		fs.BoolVar(&o.csv, "csv", false, "")
	}
}

// parse reads the format — --format, or its older forms --json and --csv — and the renderers'
// options. An XLSX file is not written to a terminal.
func (o *tableFlags) parse(m *Main) (tables.Format, tables.Options, error) {
	f, n := tables.FormatText, 0
	if o.format != "" {
		var err error
		if f, err = tables.ParseFormat("format", o.format, tables.FormatText, tables.FormatCSV, tables.FormatXLSX, tables.FormatJSON); err != nil {
			return "", tables.Options{}, err
		}
		n++
	}
	if o.csv {
		f, n = tables.FormatCSV, n+1
	}
	if m.JSON {
		f, n = tables.FormatJSON, n+1
	}
	if n > 1 {
		return "", tables.Options{}, usagef("give one of --format, --csv and --json")
	}
	if f == tables.FormatXLSX && o.out == "" && isTerminal(m.Out) {
		return "", tables.Options{}, domain.Invalid("out", "an XLSX file cannot be shown on a terminal: give --out FILE.xlsx, or redirect the output to a file")
	}
	sep, err := tables.ParseSep("sep", o.sep)
	return f, tables.Options{Sep: sep}, err
}

// answer writes the answer ask gives, in the form --format asks for (returned), to --out or the
// standard output.
func (o *tableFlags) answer(ctx context.Context, m *Main, ask func(a httpapi.Asker, f tables.Format) (tables.Answer, error)) (tables.Format, error) {
	format, opts, err := o.parse(m)
	if err != nil {
		return format, err
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return format, err
	}
	a, err := ask(httpapi.Asker{Projection: p, Lang: m.Lang, Provenance: func(ctx context.Context, size uint64) checkpoint.Provenance {
		return m.provenance(ctx, p, size)
	}}, format)
	if err != nil {
		return format, err
	}
	if format == tables.FormatJSON {
		return format, o.printJSON(m, a.Value)
	}
	return format, o.write(m, a.Table(), format, opts)
}

// write writes a table in a format (not JSON) to --out or to the standard output.
func (o *tableFlags) write(m *Main, t *tables.Table, f tables.Format, opts tables.Options) error {
	return o.to(m, func(w io.Writer) error { return tables.Write(w, t, f, opts) })
}

// printJSON writes an answer's JSON to --out or to the standard output.
func (o *tableFlags) printJSON(m *Main, v any) error {
	return o.to(m, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	})
}

// to runs write on the file --out (given its name only once complete) or on the standard output.
func (o *tableFlags) to(m *Main, write func(w io.Writer) error) error {
	if o.out == "" {
		return write(m.Out)
	}
	file, err := createPartial("out", o.out)
	if err != nil {
		return err
	}
	defer file.abandon()
	if err := write(file); err != nil {
		return err
	}
	return file.keep()
}

// isTerminal says whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
