package main

import (
	"encoding/json"
	"io"
	"os"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// tableFlags are the output options of the commands that answer with a table.
type tableFlags struct {
	format, sep, out string
	csv              bool // --csv, the older name of --format csv (explain)
}

func (o *tableFlags) register(m *Main, fs *pflag.FlagSet, csvAlias bool) {
	fs.StringVar(&o.format, "format", "", m.t(
		"dạng kết quả: text (văn bản), csv, xlsx (Excel) hoặc json",
		"the form of the answer: text, csv, xlsx (Excel) or json"))
	fs.StringVar(&o.sep, "sep", ",", m.t(
		"dấu phân cách các cột của CSV: , hoặc ; (Excel cài đặt tiếng Việt cần ;)",
		"the separator of CSV fields: , or ; (Excel set to a Vietnamese locale needs ;)"))
	fs.StringVar(&o.out, "out", "", m.t(
		"ghi kết quả vào tệp này thay vì in ra (bắt buộc với --format xlsx khi in ra màn hình)",
		"write the answer to this file instead of printing it (needed for --format xlsx on a terminal)"))
	if csvAlias {
		fs.BoolVar(&o.csv, "csv", false, m.t(
			"như --format csv: danh sách dạng CSV (UTF-8, mở được bằng Excel), mỗi đối tượng một dòng, đủ mọi cột",
			"as --format csv: the list as CSV (UTF-8, opens in Excel), one item a line, every column"))
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
