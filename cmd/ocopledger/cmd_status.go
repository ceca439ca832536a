package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/spf13/cobra"
)

// status: how far the read models have come, and the entries of the log they leave out.

func newStatusCmd(m *Main) *cobra.Command {
	return m.command("status", func(c *cobra.Command, args []string) error { return runStatus(c.Context(), m, args) })
}

// statusJSON is the JSON form of ocopledger status.
type statusJSON struct {
	Checkpoint     uint64                    `json:"checkpoint"`
	Degraded       bool                      `json:"degraded"`
	Unacknowledged int                       `json:"unacknowledged"`
	Quarantined    []projections.Quarantined `json:"quarantined"`
	Judge          string                    `json:"judge"`
	// Scrub: the log read again against its Merkle tree (size, checked, missing, changed).
	Scrub ledger.ScrubReport `json:"scrub"`
}

func runStatus(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		return usagef("status takes no arguments")
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	st := p.Status()
	qs := p.Quarantined()
	// Every entry the read models applied is read again and compared with the log's Merkle tree:
	// an entry damaged or changed in the store since is named (exit 6).
	var scrub ledger.ScrubReport
	if m.ledger != nil {
		n, err := p.TreeSize()
		if err != nil {
			return err
		}
		bar := progress.New(m.Err, progress.Options{Label: m.t("đọc lại sổ cái", "reading the log again")})
		scrub, err = m.ledger.Scrub(ctx, n, p.Leaves, bar.Update)
		bar.Done()
		if err != nil {
			return err
		}
	}
	if m.JSON {
		if qs == nil {
			qs = []projections.Quarantined{}
		}
		if err := m.printJSON(statusJSON{Checkpoint: st.Checkpoint, Degraded: st.Unacknowledged > 0, Unacknowledged: st.Unacknowledged,
			Quarantined: qs, Judge: projections.Judge(), Scrub: scrub}); err != nil {
			return err
		}
		return scrub.Err()
	}
	fmt.Fprintf(m.Out, m.t("Số liệu đã áp dụng sổ cái đến vị trí %d.\n", "The read models have applied the log up to position %d.\n"), st.Checkpoint)
	if scrub.Size > 0 && scrub.Err() == nil {
		fmt.Fprintf(m.Out, m.t("Đã đọc lại %d mục ghi của sổ cái: tất cả đúng như cây Merkle của sổ cái xác nhận.\n",
			"Read the log's %d entries again: every one is as the log's Merkle tree holds it.\n"), scrub.Size)
	}
	if len(qs) == 0 {
		fmt.Fprintln(m.Out, m.t("Không có mục ghi nào bị cách ly.", "No entry is quarantined."))
	} else {
		fmt.Fprintf(m.Out, m.t("%d mục ghi bị cách ly (không tính vào số liệu), %d chưa được xác nhận:\n\n",
			"%d entries quarantined (left out of the figures), %d not acknowledged:\n\n"), len(qs), st.Unacknowledged)
		m.printQuarantined(m.Out, qs)
	}
	return scrub.Err()
}

// printQuarantined lists quarantined entries as a table: position, record, type, reason.
func (m *Main) printQuarantined(w io.Writer, qs []projections.Quarantined) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, m.t("VỊ TRÍ\tHỒ SƠ\tLOẠI\tLÝ DO", "POS\tSTREAM\tTYPE\tREASON"))
	for _, q := range qs {
		reason := q.ReasonIn(m.Lang)
		if a := q.Acknowledged; a != nil {
			reason += fmt.Sprintf(m.t(" [đã xác nhận ở vị trí %d bởi %s]", " [acknowledged at position %d by %s]"), a.Position, a.Actor)
		}
		typ := q.Type
		if typ == "" {
			typ = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", q.Position, q.Stream, typ, reason)
	}
	tw.Flush()
}

// printWarnings says which quarantined entries the figures above leave out.
func (m *Main) printWarnings(w io.Writer, qs []projections.Quarantined) {
	if len(qs) == 0 {
		return
	}
	fmt.Fprintf(w, m.t("\nCảnh báo: số liệu không tính %d mục ghi bị cách ly (xem ocopledger status):\n",
		"\nWarning: the figures leave out %d quarantined entries (see ocopledger status):\n"), len(qs))
	m.printQuarantined(w, qs)
}
