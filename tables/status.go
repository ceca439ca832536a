package tables

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// Status is the answer of status: how far the read models have come, what reading the log again
// against its Merkle tree found, and the quarantined entries.
func Status(st projections.Status, qs []projections.Quarantined, scrub ledger.ScrubReport, lang string) Reply {
	jqs := qs
	if jqs == nil {
		jqs = []projections.Quarantined{}
	}
	out := StatusJSON{st.Checkpoint, st.Unacknowledged > 0, st.Unacknowledged, jqs, projections.Judge(), scrub}
	t := &text{lang: lang}
	t.f("Số liệu đã áp dụng sổ cái đến vị trí %d.\n", "The read models have applied the log up to position %d.\n", st.Checkpoint)
	if scrub.Size > 0 && scrub.Err() == nil {
		t.f("Đã đọc lại %d mục ghi của sổ cái: tất cả đúng như cây Merkle của sổ cái xác nhận.\n",
			"Read the log's %d entries again: every one is as the log's Merkle tree holds it.\n", scrub.Size)
	}
	if len(qs) == 0 {
		t.f("Không có mục ghi nào bị cách ly.\n", "No entry is quarantined.\n")
	} else {
		t.f("%d mục ghi bị cách ly (không tính vào số liệu), %d chưa được xác nhận:\n\n",
			"%d entries quarantined (left out of the figures), %d not acknowledged:\n\n", len(qs), st.Unacknowledged)
		WriteQuarantined(t, qs, lang)
	}
	return Reply{out, t.String()}
}

// StatusJSON is the JSON form of status.
type StatusJSON struct {
	Checkpoint     uint64                    `json:"checkpoint"`
	Degraded       bool                      `json:"degraded"`
	Unacknowledged int                       `json:"unacknowledged"`
	Quarantined    []projections.Quarantined `json:"quarantined"`
	Judge          string                    `json:"judge"`
	// Scrub: the log read again against its Merkle tree (size, checked, missing, changed).
	Scrub ledger.ScrubReport `json:"scrub"`
}

// WriteQuarantined lists quarantined entries as a table: position, record, type, reason.
func WriteQuarantined(w io.Writer, qs []projections.Quarantined, lang string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, Label{"VỊ TRÍ\tHỒ SƠ\tLOẠI\tLÝ DO", "POS\tSTREAM\tTYPE\tREASON"}.In(lang))
	for _, q := range qs {
		reason := q.ReasonIn(lang)
		if a := q.Acknowledged; a != nil {
			reason += fmt.Sprintf(Label{" [đã xác nhận ở vị trí %d bởi %s]", " [acknowledged at position %d by %s]"}.In(lang), a.Position, a.Actor)
		}
		typ := q.Type
		if typ == "" {
			typ = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", q.Position, q.Stream, typ, reason)
	}
	tw.Flush()
}

// WriteQuarantineWarning says which quarantined entries the figures written above leave out.
func WriteQuarantineWarning(w io.Writer, qs []projections.Quarantined, lang string) {
	if len(qs) == 0 {
		return
	}
	fmt.Fprintf(w, Label{"\nCảnh báo: số liệu không tính %d mục ghi bị cách ly (xem ocopledger status):\n",
		"\nWarning: the figures leave out %d quarantined entries (see ocopledger status):\n"}.In(lang), len(qs))
	WriteQuarantined(w, qs, lang)
}
