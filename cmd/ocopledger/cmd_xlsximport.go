package main

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/importer"
	"github.com/ocopledger/ocopledger/internal/progress"
)

type importOptions struct {
	kind     string
	dryRun   bool
	template string
	out      string
	actor    string
	source   string
	partial  bool
	rejects  string
}

func newImportCmd(m *Main) *cobra.Command {
	o := &importOptions{}
	c := m.command("import", func(c *cobra.Command, args []string) error { return runImport(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.kind, "kind", "", i18n.Flag(m.Lang, "import", "kind", strings.Join(importer.KindIDs(), ", ")))
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.StringVar(&o.template, "template", "", "")
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.actor, "actor", envOr("USER", "cli"), "")
	fs.BoolVar(&o.partial, "partial", false, "")
	fs.StringVar(&o.rejects, "rejects", "", "")
	fs.StringVar(&o.source, "source", "", "")
	return c
}

func runImport(ctx context.Context, m *Main, o *importOptions, args []string) error {
	if o.template != "" {
		k, err := importer.KindFor("template", o.template)
		if err != nil {
			return err
		}
		if o.out == "" || len(args) > 0 {
			return usagef("import --template needs --out FILE.xlsx and no other file")
		}
		if err := importer.WriteTemplateFile(k, o.out); err != nil {
			return importer.FieldError("out", err, m.Lang)
		}
		fmt.Fprintf(m.Out, m.t("đã ghi mẫu %s vào %s\n", "wrote the %s template to %s\n"), k.ID, o.out)
		return nil
	}
	if len(args) != 1 {
		return usagef("import takes one file (.xlsx or .csv), got %d", len(args))
	}
	k, err := importer.KindFor("kind", o.kind)
	if err != nil {
		return err
	}
	table, err := importer.ReadFile(args[0])
	if err != nil {
		return importer.FieldError("file", err, m.Lang)
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	source := cmp.Or(o.source, filepath.Base(args[0]))
	if o.partial && o.rejects == "" {
		o.rejects = strings.TrimSuffix(args[0], filepath.Ext(args[0])) + "-loi.xlsx"
	}
	bar := progress.New(m.Err, progress.Options{Label: m.t("ghi các dòng", "storing the rows")})
	out, err := importer.Import(ctx, l, k, table, importer.Options{Source: source, Actor: o.actor, DryRun: o.dryRun, Partial: o.partial,
		Progress: func(done, total int) { bar.Update(uint64(done), uint64(total)) }})
	bar.Done()
	if err != nil {
		return err
	}
	rejects := ""
	if o.rejects != "" && out.Rejected != nil {
		if err := importer.WriteRejects(out.Rejected, o.rejects); err != nil {
			return importer.FieldError("rejects", err, m.Lang)
		}
		rejects = o.rejects
	}
	if m.JSON {
		err = m.printJSON(out.JSON(m.Lang))
	} else {
		err = out.WriteText(m.Out, m.Lang, o.partial)
	}
	return cmp.Or(err, out.Err(o.partial, rejects))
}
