package tables

import (
	"fmt"
	"text/tabwriter"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/i18n"
)

// Demo is the answer of demo: what was loaded, and the figures of Công văn 470 against the
// ledger's, with the entries that changed them since.
func Demo(c demo.Comparison, lang string) Reply {
	t := &text{lang: lang}
	if st := c.Loaded; st.Recorded == 0 {
		t.f("Dữ liệu demo đã có đủ trong sổ cái (%d bút toán): không ghi thêm gì.\n",
			"The demo is already in the ledger (%d entries): nothing new was stored.\n", st.Entries)
	} else {
		t.f("Đã ghi %d bút toán demo (%d đã có từ trước) trong %s, %d lần ghi.\n",
			"Recorded %d demo entries (%d were already there) in %s, %d appends.\n",
			st.Recorded, st.Skipped, i18n.Duration(lang, st.Elapsed), st.Appends)
	}
	day := c.AsOf.Format(lang)
	t.f("\nCông văn %s — số liệu ngày %s\n\n", "\nCông văn %s — figures of %s\n\n", c.Report, day)
	tw := tabwriter.NewWriter(t, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, Label{"MÃ SỐ LIỆU\tNỘI DUNG\tBÁO CÁO\tSỔ CÁI, biết đến %s\tSỔ CÁI, biết đến nay\t\n",
		"FIGURE\tLABEL\tREPORT\tLEDGER, known on %s\tLEDGER, known now\t\n"}.In(lang), day)
	mark := func(ok bool) string {
		if ok {
			return "✓"
		}
		return "≠"
	}
	for _, f := range c.Figures {
		fmt.Fprintf(tw, "%s\t%s\t%6s\t%6s %s\t%6s %s\t\n", f.ID, f.Label, i18n.Int(lang, f.Report), i18n.Int(lang, f.KnownThen), mark(f.Match),
			i18n.Int(lang, f.KnownNow), mark(f.KnownNow == f.Report))
	}
	tw.Flush()
	if len(c.Changes) > 0 {
		t.f("\nSố liệu ngày %s thay đổi do các bút toán ghi sau khi nộp báo cáo:\n",
			"\nFigures of %s changed by entries recorded after the report was filed:\n", day)
	}
	for _, ch := range c.Changes {
		fmt.Fprintf(t, "  %s: %s → %s\n", ch.Figure, i18n.Int(lang, ch.Before), i18n.Int(lang, ch.After))
		for _, e := range ch.Entries {
			fmt.Fprintf(t, "    %+d  #%d %s  %s %s  %s\n", e.Delta, e.Sequence, InstantText(e.RecordedAt, lang), e.Type, e.Stream, e.Source)
		}
	}
	return Reply{c, t.String()}
}
