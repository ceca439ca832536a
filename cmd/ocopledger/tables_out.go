package main

import (
	"context"
	"errors"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/pflag"
)

// tableFlags are the output options of the commands that answer with a table.
type tableFlags struct{ tables.Output }

// register registers the output flags (--csv too with csvAlias); their descriptions are the
// catalogue's.
func (o *tableFlags) register(fs *pflag.FlagSet, csvAlias bool) {
	fs.StringVar(&o.Format, "format", "", "")
	fs.StringVar(&o.Sep, "sep", ",", "")
	fs.StringVar(&o.Out, "out", "", "")
	if csvAlias {
		fs.BoolVar(&o.CSV, "csv", false, "")
	}
}

// parse reads the format (--json too) and the renderers' options.
func (o *tableFlags) parse(m *Main) (tables.Format, tables.Options, error) {
	out := o.Output
	out.JSON = m.JSON
	f, opts, err := out.Parse(m.Out)
	if errors.Is(err, tables.ErrTwoFormats) {
		err = clihelp.Usagef("give one of --format, --csv and --json")
	}
	return f, opts, err
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
		return m.node().Provenance(ctx, p, size)
	}}, format)
	if err != nil {
		return format, err
	}
	return format, o.Write(m.Out, a, format, opts)
}
