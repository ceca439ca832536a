package importer

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ocopledger/ocopledger/domain"
)

// KindFor is the kind of table id names; an error for field (--kind, ?kind) lists the known kinds.
func KindFor(field, id string) (*Kind, error) {
	k, ok := LookupKind(id)
	if !ok {
		return nil, domain.Invalid(field, "%q is not a kind of table; known kinds: %s", id, strings.Join(KindIDs(), ", "))
	}
	return k, nil
}

// FieldError is an error of this package (reading a file, writing a template) as an invalid value
// of field, in a language.
func FieldError(field string, err error, lang string) error {
	return &domain.Error{Code: domain.CodeInvalid, Field: field, Message: Message(err, lang), Err: err}
}

// JSON is the outcome as `ocopledger import --json` writes it: the counts, and each row error in
// lang and in English.
func (o Outcome) JSON(lang string) any {
	type rowErr struct {
		Row       int    `json:"row"`
		Column    string `json:"column,omitempty"`
		Message   string `json:"message"`
		MessageEN string `json:"message_en"`
	}
	errs := []rowErr{}
	for _, e := range o.Errors {
		errs = append(errs, rowErr{e.Row, e.Column, e.Message(lang), e.Message("en")})
	}
	return struct {
		Outcome
		Errors []rowErr `json:"errors"`
	}{o, errs}
}

// WriteText writes the outcome as text, in a language: the table of row errors (row, column, the
// clerk's sentence), then the counts, unless rows had errors and none was to be stored
// (partial false).
func (o Outcome) WriteText(w io.Writer, lang string, partial bool) error {
	t := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	if len(o.Errors) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, t("Dòng\tCột\tLỗi", "Row\tColumn\tError"))
		for _, e := range o.Errors {
			row := ""
			if e.Row > 0 {
				row = fmt.Sprint(e.Row)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", row, e.Column, e.Message(lang))
		}
		if err := tw.Flush(); err != nil || !partial {
			return err
		}
	}
	verb, stored := t("đã ghi", "stored"), o.Stored
	if o.DryRun {
		verb, stored = t("sẽ ghi (chạy thử, chưa ghi gì)", "would store (dry run: nothing stored)"), o.Entries-o.Present
	}
	_, err := fmt.Fprintf(w, t("%s: %d dòng, %d mục ghi; %s %d, đã có từ trước %d\n", "%s: %d rows, %d entries; %s %d, already present %d\n"),
		o.Kind, o.Rows, o.Entries, verb, stored, o.Present)
	return err
}

// Err is the refusal (invalid: exit code 2) of an import with row errors, nil without: what was
// stored (partial: the valid rows, unless a dry run), and where the rows with errors were written
// (rejects, "" when they were not).
func (o Outcome) Err(partial bool, rejects string) error {
	if len(o.Errors) == 0 {
		return nil
	}
	n, rows := len(o.Errors), o.Rows-o.Valid
	switch stored := partial && !o.DryRun; {
	case stored && rejects != "":
		return domain.Invalid("", "%d errors in %d rows; the valid rows were stored; the rows with errors are in %s, to fix and import again", n, rows, rejects)
	case stored:
		return domain.Invalid("", "%d errors in %d rows; the valid rows were stored", n, rows)
	case rejects != "":
		return domain.Invalid("", "%d errors in the table; nothing was stored; the rows with errors are in %s, to fix and import again", n, rejects)
	default:
		return domain.Invalid("", "%d errors in the table; nothing was stored", n)
	}
}
