package tables

import (
	"fmt"
	"io"
	"time"

	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/projections"
)

// Rebuilt is what a rebuild of the read models from the log did, as `ocopledger rebuild --json`
// writes it.
func Rebuilt(st projections.Status, took time.Duration) any {
	return map[string]any{"events": st.Checkpoint, "seconds": took.Seconds(), "unknown_types": st.Unknown,
		"quarantined": st.Quarantined, "unacknowledged": st.Unacknowledged}
}

// WriteRebuilt writes what a rebuild did in a language: how many events in how long, and the
// event types this version does not know.
func WriteRebuilt(w io.Writer, st projections.Status, took time.Duration, lang string) {
	rate := ""
	if took > 0 {
		rate = i18n.Int(lang, int64(float64(st.Checkpoint)/took.Seconds()))
	}
	fmt.Fprintf(w, Label{"Đã dựng lại số liệu từ %s sự kiện trong %s (%s sự kiện/giây).\n", "Rebuilt the figures from %s events in %s (%s events/s).\n"}.In(lang),
		i18n.Int(lang, int64(st.Checkpoint)), i18n.Duration(lang, took), rate)
	for t, n := range st.Unknown {
		fmt.Fprintf(w, Label{"Cảnh báo: %d sự kiện loại %q chưa được phiên bản này hiểu; hãy nâng cấp ocopledger.\n", "Warning: %d events of type %q are unknown to this version; upgrade ocopledger.\n"}.In(lang), n, t)
	}
}
