package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/importer"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/tables"
)

// importOptions are import's options: the file's import (its path is the argument), or the
// template to write.
type importOptions struct {
	importer.File
	template, out string
}

func newImportCmd(m *Main) *cobra.Command {
	o := &importOptions{}
	return m.Command(clihelp.Spec{Path: "import", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.Kind, "kind", "", i18n.Flag(m.Lang, "import", "kind", strings.Join(importer.KindIDs(), ", ")))
			fs.BoolVar(&o.DryRun, "dry-run", false, "")
			fs.StringVar(&o.template, "template", "", "")
			fs.StringVar(&o.out, "out", "", "")
			fs.StringVar(&o.Actor, "actor", cmp.Or(os.Getenv("USER"), "cli"), "")
			fs.BoolVar(&o.Partial, "partial", false, "")
			fs.StringVar(&o.Rejects, "rejects", "", "")
			fs.StringVar(&o.Source, "source", "", "")
		},
		Run: func(ctx context.Context, args []string) error { return runImport(ctx, m, o, args) }})
}

func runImport(ctx context.Context, m *Main, o *importOptions, args []string) error {
	if o.template != "" {
		k, err := importer.KindFor("template", o.template)
		if err != nil {
			return err
		}
		if o.out == "" || len(args) > 0 {
			return clihelp.Usagef("import --template needs --out FILE.xlsx and no other file")
		}
		if err := importer.WriteTemplateFile(k, o.out); err != nil {
			return importer.FieldError("out", err, m.Lang)
		}
		fmt.Fprintf(m.Out, m.T("đã ghi mẫu %s vào %s\n", "wrote the %s template to %s\n"), k.ID, o.out)
		return nil
	}
	if len(args) != 1 {
		return clihelp.Usagef("import takes one file (.xlsx or .csv), got %d", len(args))
	}
	bar := progress.New(m.Err, progress.Options{Label: m.T("ghi các dòng", "storing the rows")})
	f := o.File
	f.Path, f.Progress = args[0], func(done, total int) { bar.Update(uint64(done), uint64(total)) }
	out, rejects, err := f.Import(ctx, func() (*ledger.Ledger, error) { return m.node().Ledger(ctx) }, m.Lang)
	bar.Done()
	if err != nil {
		return err
	}
	if m.JSON {
		err = tables.WriteJSON(m.Out, out.JSON(m.Lang))
	} else {
		err = out.WriteText(m.Out, m.Lang, o.Partial)
	}
	return cmp.Or(err, out.Err(o.Partial, rejects))
}
