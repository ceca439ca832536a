package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
)

// Write writes the report in a format — text, md, json or pdf (an A4 print in the layout of the
// Công văn) — with source, the sentence naming the log prefix its figures were read from ("" for
// none), under the text and the Markdown and in the PDF.
func Write(w io.Writer, f Facts, lang, format, source string) error {
	if format == "pdf" {
		return RenderPDF(w, f, lang, source)
	}
	if err := Render(w, f, lang, format); err != nil {
		return err
	}
	return footer(w, format, source)
}

// footer writes source under a text or Markdown answer.
func footer(w io.Writer, format, source string) error {
	if format == "json" || source == "" {
		return nil
	}
	prefix := "\n"
	if format == "md" {
		prefix = "\n---\n"
	}
	_, err := fmt.Fprint(w, prefix+source+"\n")
	return err
}

// Histories reads the history of a record (ledger.Ledger does).
type Histories interface {
	History(ctx context.Context, stream string) ([]domain.Recorded, uint64, error)
}

// LookupFiled finds the filed report with a document number (470/SCT-QLTM) or report ID
// (470-SCT-QLTM) in the ledger h (nil: no ledger, so no report); when its record holds no
// report.filed entry, the error names the record and how to file one.
func LookupFiled(ctx context.Context, h Histories, docOrID string) (Filed, error) {
	stream := domain.KindReport + "." + domain.ReportIDFor(docOrID)
	var hist []domain.Recorded
	if h != nil {
		var err error
		if hist, _, err = h.History(ctx, stream); err != nil {
			return Filed{}, err
		}
	}
	filed, ok := FindFiled(hist)
	if !ok {
		return filed, domain.NotFound("no report %s in the ledger (no report.filed entry in %s); record it with: ocopledger record report.filed", docOrID, stream)
	}
	return filed, nil
}

// ReconcileWithHistory is Reconcile with the history it was read from (cl.ForReport): the
// provenance of both answers and the proof that the report's log is a prefix of today's.
func ReconcileWithHistory(ctx context.Context, p *projections.Projection, cl *checkpoint.Log, filed Filed) (Reconciliation, error) {
	r, err := Reconcile(ctx, p, filed)
	if err != nil {
		return r, err
	}
	h, err := cl.ForReport(ctx, p, filed.Sequence, r.Positions[0], r.Positions[1])
	r.History = h
	return r, err
}

// WriteReconciliation writes a reconciliation in a format (RenderReconciliation) with, under
// the text and the Markdown, the sentence naming the log it was read from and whether the
// report's log is a prefix of today's (from its History, a checkpoint.ReportHistory).
func WriteReconciliation(w io.Writer, r Reconciliation, lang, format string) error {
	if err := RenderReconciliation(w, r, lang, format); err != nil || format == "json" {
		return err
	}
	h, _ := r.History.(checkpoint.ReportHistory)
	if err := footer(w, format, tables.SourceSentence(h.Now, lang)); err != nil {
		return err
	}
	if h.Consistency == nil {
		return nil
	}
	t := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	verdict := t("KHÔNG kiểm chứng được", "does NOT verify")
	if h.Consistent {
		verdict = t("đã kiểm chứng", "verified")
	}
	_, err := fmt.Fprintf(w, t("Sổ cái %d mục ghi mà báo cáo dựa vào là phần đầu của sổ cái hiện nay (%d mục ghi): bằng chứng nhất quán %s (ocopledger prove --from %d --to %d).\n",
		"The log of %d entries the report was filed against is a prefix of today's (%d entries): consistency proof %s (ocopledger prove --from %d --to %d).\n"),
		h.Consistency.OldSize, h.Consistency.NewSize, verdict, h.Consistency.OldSize, h.Consistency.NewSize)
	return err
}

// Err is the refusal (a conflict) of a report that did not match the ledger at filing time,
// naming the figures that did not; nil when it matched.
func (r Reconciliation) Err() error {
	if r.MatchedAtFiling {
		return nil
	}
	var ids []string
	for _, c := range r.Figures {
		if c.Status == StatusMismatchAtFiling {
			ids = append(ids, c.Figure)
		}
	}
	return domain.Conflict("report %s did not match the ledger at filing time: %s", r.Filed.Report.DocumentNumber, strings.Join(ids, ", "))
}
