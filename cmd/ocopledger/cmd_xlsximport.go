package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
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
		k, err := importKind(m, o.template, "template")
		if err != nil {
			return err
		}
		if o.out == "" || len(args) > 0 {
			return usagef("import --template needs --out FILE.xlsx and no other file")
		}
		if err := importer.WriteTemplateFile(k, o.out); err != nil {
			return &domain.Error{Code: domain.CodeInvalid, Field: "out", Message: importerMessage(m, err), Err: err}
		}
		fmt.Fprintf(m.Out, m.t("đã ghi mẫu %s vào %s\n", "wrote the %s template to %s\n"), k.ID, o.out)
		return nil
	}
	if len(args) != 1 {
		return usagef("import takes one file (.xlsx or .csv), got %d", len(args))
	}
	k, err := importKind(m, o.kind, "kind")
	if err != nil {
		return err
	}
	table, err := importer.ReadFile(args[0])
	if err != nil {
		return &domain.Error{Code: domain.CodeInvalid, Field: "file", Message: importerMessage(m, err), Err: err}
	}
	l, err := m.Ledger(ctx)
	if err != nil {
		return err
	}
	source := o.source
	if source == "" {
		source = filepath.Base(args[0])
	}
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
	wrote := o.rejects != "" && out.Rejected != nil
	if wrote {
		if err := importer.WriteRejects(out.Rejected, o.rejects); err != nil {
			return &domain.Error{Code: domain.CodeInvalid, Field: "rejects", Message: importerMessage(m, err), Err: err}
		}
	}
	if m.JSON {
		type rowErr struct {
			Row       int    `json:"row"`
			Column    string `json:"column,omitempty"`
			Message   string `json:"message"`
			MessageEN string `json:"message_en"`
		}
		errs := []rowErr{}
		for _, e := range out.Errors {
			errs = append(errs, rowErr{e.Row, e.Column, e.Message(m.Lang), e.Message("en")})
		}
		if err := m.printJSON(struct {
			importer.Outcome
			Errors []rowErr `json:"errors"`
		}{out, errs}); err != nil {
			return err
		}
	} else {
		if len(out.Errors) > 0 {
			printRowErrors(m, out.Errors)
		}
		if len(out.Errors) > 0 && !o.partial {
			return importRefused(m, out, o, wrote)
		}
		verb := m.t("đã ghi", "stored")
		if out.DryRun {
			verb = m.t("sẽ ghi (chạy thử, chưa ghi gì)", "would store (dry run: nothing stored)")
			out.Stored = out.Entries - out.Present
		}
		fmt.Fprintf(m.Out, m.t("%s: %d dòng, %d mục ghi; %s %d, đã có từ trước %d\n", "%s: %d rows, %d entries; %s %d, already present %d\n"),
			k.ID, out.Rows, out.Entries, verb, out.Stored, out.Present)
	}
	return importRefused(m, out, o, wrote)
}

// importRefused is the error (exit code 2) of an import with row errors, nil without: what was
// stored, and where the rows with errors were written.
func importRefused(m *Main, out importer.Outcome, o *importOptions, wrote bool) error {
	if len(out.Errors) == 0 {
		return nil
	}
	n, rows := len(out.Errors), out.Rows-out.Valid
	switch stored := o.partial && !out.DryRun; {
	case stored && wrote:
		return domain.Invalid("", "%d errors in %d rows; the valid rows were stored; the rows with errors are in %s, to fix and import again", n, rows, o.rejects)
	case stored:
		return domain.Invalid("", "%d errors in %d rows; the valid rows were stored", n, rows)
	case wrote:
		return domain.Invalid("", "%d errors in the table; nothing was stored; the rows with errors are in %s, to fix and import again", n, o.rejects)
	default:
		return domain.Invalid("", "%d errors in the table; nothing was stored", n)
	}
}

// printRowErrors prints the table of row errors: row, column, the clerk's sentence.
func printRowErrors(m *Main, errs []importer.RowError) {
	tw := tabwriter.NewWriter(m.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, m.t("Dòng\tCột\tLỗi", "Row\tColumn\tError"))
	for _, e := range errs {
		row := ""
		if e.Row > 0 {
			row = fmt.Sprint(e.Row)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", row, e.Column, e.Message(m.Lang))
	}
	tw.Flush()
}

func importKind(m *Main, id, flag string) (*importer.Kind, error) {
	k, ok := importer.LookupKind(id)
	if !ok {
		return nil, domain.Invalid(flag, "%q is not a kind of table; known kinds: %s", id, strings.Join(importer.KindIDs(), ", "))
	}
	return k, nil
}

// importerMessage is an error of package importer in the command's language.
func importerMessage(m *Main, err error) string {
	return importer.Message(err, m.Lang)
}
