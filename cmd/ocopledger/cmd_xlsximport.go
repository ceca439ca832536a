package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
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
	c := &cobra.Command{
		Use: "import " + m.t("TỆP.xlsx|TỆP.csv --kind LOẠI [--dry-run] | --template LOẠI --out TỆP.xlsx",
			"FILE.xlsx|FILE.csv --kind KIND [--dry-run] | --template KIND --out FILE.xlsx"),
		Short: m.t("nhập một bảng Excel hoặc CSV (phụ lục quyết định OCOP, danh sách điểm bán): kiểm tra mọi dòng, chỉ ghi khi tất cả hợp lệ",
			"import an Excel or CSV table (an OCOP decision's annex, a list of sales points): every row checked, stored only when all are valid"),
		Long: m.t(`Đọc trang đầu tiên của tệp .xlsx (hoặc tệp .csv), tìm dòng tiêu đề của bảng (bên dưới các dòng
tiêu đề gộp ô và các thông tin ghi một lần như "Số quyết định: 1425/QĐ-UBND"), kiểm tra mọi dòng theo
đúng các quy định của lệnh record và liệt kê mọi lỗi cùng lúc, mỗi lỗi với số dòng và tên cột. Không
ghi gì nếu còn một dòng lỗi. Nhập lại cùng một tệp không ghi thêm gì. Các loại bảng và cột: docs/import.md.
Mã thoát: 0 đã nhập (hoặc đã có từ trước), 2 có dòng lỗi (không ghi gì), 1 lỗi khác.`,
			`Reads the first sheet of an .xlsx file (or a .csv file), finds the table's header row (below merged
title rows and the values given once above it, such as the decision's number), checks every row by the rules
of the record command and lists every error at once, each with its row number and column. Nothing is
stored while one row is wrong. Importing the same file again stores nothing new. Kinds and columns:
docs/import.md. Exit codes: 0 imported (or already present), 2 rows with errors (nothing stored), 1 other.`),
		Example: `  ocopledger import phu-luc-1425.xlsx --kind ocop-decision --dry-run
  ocopledger import phu-luc-1425.xlsx --kind ocop-decision
  ocopledger import --template ocop-decision --out mau-quyet-dinh.xlsx`,
		RunE: func(c *cobra.Command, args []string) error { return runImport(c.Context(), m, o, args) },
	}
	fs := c.Flags()
	kinds := strings.Join(importer.KindIDs(), ", ")
	fs.StringVar(&o.kind, "kind", "", m.t("loại bảng: ", "the kind of table: ")+kinds)
	fs.BoolVar(&o.dryRun, "dry-run", false, m.t("chỉ kiểm tra, không ghi gì", "check only; store nothing"))
	fs.StringVar(&o.template, "template", "", m.t("ghi một tệp mẫu trống của loại bảng này (cùng --out)", "write a blank template of this kind (with --out)"))
	fs.StringVar(&o.out, "out", "", m.t("tệp .xlsx để ghi mẫu", "the .xlsx file to write the template to"))
	fs.StringVar(&o.actor, "actor", envOr("USER", "cli"), m.t("người ghi các mục này", "who records the entries"))
	fs.BoolVar(&o.partial, "partial", false, m.t("ghi các dòng hợp lệ dù còn dòng lỗi; các dòng lỗi được ghi ra tệp --rejects để sửa và nhập lại",
		"store the valid rows even when others have errors; the rows with errors go to the --rejects file to fix and import again"))
	fs.StringVar(&o.rejects, "rejects", "", m.t("tệp .xlsx ghi các dòng lỗi (cùng tiêu đề, thêm cột lỗi); mặc định với --partial: TỆP-loi.xlsx",
		"the .xlsx file for the rows with errors (the same header plus an error column); default with --partial: FILE-loi.xlsx"))
	fs.StringVar(&o.source, "source", "", m.t("văn bản làm căn cứ (mặc định: tên tệp)", "the source document (default: the file's name)"))
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
