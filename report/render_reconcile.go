package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
)

// MaxListed is how many counted items a text or Markdown reconciliation lists under a figure
// that did not match at filing; JSON lists them all.
const MaxListed = 50

// RenderReconciliation writes a reconciliation as text, md or json, in Vietnamese (vi) or
// English (en). A report that did not match the ledger at filing is flagged at the top, loudly.
func RenderReconciliation(w io.Writer, r Reconciliation, lang, format string) error {
	if err := checkOutput(lang, format); err != nil {
		return err
	}
	if format == "json" {
		return writeJSON(w, r)
	}
	ew := &errWriter{w: w}
	md := format == "md"
	t := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	rep := r.Filed.Report
	date := func(d domain.Date) string { return d.Format(lang) }

	title := fmt.Sprintf(t("Đối chiếu báo cáo %s ngày %s với sổ cái", "Reconciliation of report %s of %s with the ledger"), rep.DocumentNumber, date(rep.Date))
	if md {
		ew.printf("# %s\n\n", title)
	} else {
		ew.printf("%s\n", strings.ToUpper(title))
	}
	line := func(s string) {
		if md {
			ew.printf("%s  \n", s)
		} else {
			ew.printf("%s\n", s)
		}
	}
	line(rep.Title)
	line(fmt.Sprintf(t("Số liệu tính đến ngày %s; số liệu theo kỳ (hội chợ, phiên chợ, hội nghị) tính từ ngày %s.", "Figures as of %s; period figures (fairs, market sessions, conferences) counted from %s."), date(r.AsOf), date(r.PeriodStart)))
	amended := ""
	if r.Filed.AmendedBy != "" {
		amended = fmt.Sprintf(t(", đã đính chính bởi bút toán %s", ", corrected by entry %s"), r.Filed.AmendedBy)
	}
	line(fmt.Sprintf(t("Báo cáo được ghi vào sổ cái lúc %s (bút toán %s, vị trí %s%s); sổ cái lúc đó đến vị trí %s, hiện nay đến vị trí %s (%s).",
		"The report was recorded in the ledger at %s (entry %s, position %s%s); the ledger then reached position %s, now position %s (%s)."),
		instant(r.KnownAtFiling, lang), r.Filed.EventID, plain(int64(r.Filed.Sequence), lang), amended,
		plain(int64(r.Positions[0]), lang), plain(int64(r.Positions[1]), lang), instant(r.KnownNow, lang)))
	ew.printf("\n")

	// The verdict, loud when the filed report did not match the books.
	if !r.MatchedAtFiling {
		msg := fmt.Sprintf(t("SAI LỆCH: BÁO CÁO ĐÃ GỬI KHÔNG KHỚP VỚI SỔ CÁI TẠI THỜI ĐIỂM GỬI — %d/%d SỐ LIỆU KHÁC VỚI SỔ CÁI",
			"MISMATCH: THE FILED REPORT DID NOT MATCH THE LEDGER AT FILING TIME — %d OF %d FIGURES DIFFER FROM THE BOOKS"), r.Mismatches, len(r.Figures))
		if md {
			ew.printf("> **⚠ %s**\n\n", msg) // a blank line ends the quote
		} else {
			bar := strings.Repeat("!", 78)
			ew.printf("%s\n!!! %s\n%s\n", bar, msg, bar)
		}
	} else {
		msg := fmt.Sprintf(t("Báo cáo khớp với sổ cái tại thời điểm gửi: %d/%d số liệu.", "The report matched the ledger at filing time: %d of %d figures."), len(r.Figures), len(r.Figures))
		if md {
			msg = "**" + msg + "**"
		}
		ew.printf("%s\n", msg)
	}
	if r.Changed > 0 {
		ew.printf(t("%d số liệu đã thay đổi do các bút toán ghi sau khi gửi báo cáo.\n", "%d figures have changed through entries recorded after the report was filed.\n"), r.Changed)
	}
	if len(r.Unchecked) > 0 {
		ew.printf(t("Không đối chiếu được (mã số liệu không rõ): %s\n", "Not checked (unknown figure IDs): %s\n"), strings.Join(r.Unchecked, ", "))
	}
	ew.printf("\n")

	status := func(s Status) string {
		switch s {
		case StatusMismatchAtFiling:
			return t("SAI LỆCH KHI GỬI", "MISMATCH AT FILING")
		case StatusChangedSince:
			return t("đã thay đổi sau khi gửi", "changed since")
		}
		return t("khớp", "ok")
	}
	head := []string{t("SỐ LIỆU", "FIGURE"), t("BÁO CÁO", "STATED"), t("SỔ CÁI LÚC GỬI", "LEDGER AT FILING"), t("SỔ CÁI HIỆN NAY", "LEDGER NOW"), t("TÌNH TRẠNG", "STATUS")}
	if md {
		ew.printf("| %s |\n|---|--:|--:|--:|---|\n", strings.Join(head, " | "))
		for _, c := range r.Figures {
			st := status(c.Status)
			if c.Status == StatusMismatchAtFiling {
				st = "**" + st + "**"
			}
			ew.printf("| `%s` | %s | %s | %s | %s |\n", c.Figure, plain(c.Stated, lang), plain(c.AtFiling, lang), plain(c.Now, lang), st)
		}
	} else {
		rows := [][]string{head}
		for _, c := range r.Figures {
			rows = append(rows, []string{c.Figure, plain(c.Stated, lang), plain(c.AtFiling, lang), plain(c.Now, lang), status(c.Status)})
		}
		ew.printf("%s", table(rows))
	}

	// The details of every difference.
	for _, c := range r.Figures {
		if c.Status == StatusOK {
			continue
		}
		f, _ := domain.LookupFigure(c.Figure)
		if md {
			ew.printf("\n## `%s` — %s\n", c.Figure, f.Label(lang))
		} else {
			ew.printf("\n%s — %s\n", c.Figure, f.Label(lang))
		}
		bullet := "  "
		if md {
			bullet = ""
		}
		if c.Status == StatusMismatchAtFiling {
			if md {
				ew.printf("\n")
			}
			ew.printf(t("%sSAI LỆCH KHI GỬI: báo cáo nêu %s; sổ cái lúc gửi đếm %s mục (chênh lệch %s).\n", "%sMISMATCH AT FILING: the report stated %s; the ledger at filing counted %s items (difference %s).\n"),
				bullet, plain(c.Stated, lang), plain(int64(len(c.Counted)), lang), signed(int64(len(c.Counted))-c.Stated, lang))
			if md {
				ew.printf("\n")
			}
			for i, it := range c.Counted {
				if i == MaxListed {
					ew.printf(t("%s  … và %d mục khác (xem --format json)\n", "%s  … and %d more (see --format json)\n"), bullet, len(c.Counted)-MaxListed)
					break
				}
				ew.printf("%s%d. %s\n", map[bool]string{true: "", false: "    "}[md], i+1, describeItem(it, lang))
			}
			if c.Now == c.Stated {
				if md {
					ew.printf("\n")
				}
				ew.printf(t("%sSổ cái hiện nay cho đúng số đã báo cáo: phần chênh lệch do các bút toán ghi sau khi gửi (dưới đây).\n",
					"%sThe ledger now gives the stated figure: the difference lies in entries recorded after filing (below).\n"), bullet)
			}
		}
		if len(c.Since) > 0 {
			if md {
				ew.printf("\n")
			}
			ew.printf(t("%sBút toán ghi sau khi gửi làm thay đổi số liệu (%s → %s):\n", "%sEntries recorded after filing that change it (%s → %s):\n"),
				bullet, plain(c.AtFiling, lang), plain(c.Now, lang))
			if md {
				ew.printf("\n")
			}
			for _, e := range c.Since {
				src := ""
				if e.Source != "" {
					src = t(", nguồn: ", ", source: ") + e.Source
				}
				if md {
					ew.printf("- **%s** `%s` %s `%s`, %s %s, %s %s%s\n", signed(e.Delta, lang), e.ID, e.Type, e.Stream,
						t("vị trí", "position"), plain(int64(e.Sequence), lang), t("ghi lúc", "recorded"), instant(e.RecordedAt, lang), src)
				} else {
					ew.printf("    %s  %s %s  %s  %s %s  %s %s%s\n", signed(e.Delta, lang), t("bút toán", "entry"), e.ID, e.Type, e.Stream,
						"#"+plain(int64(e.Sequence), lang), t("ghi lúc", "recorded"), instant(e.RecordedAt, lang), src)
				}
			}
		}
	}
	return ew.err
}

// describeItem writes a counted item on one line: name, producer, decision, validity, entry.
func describeItem(it Item, lang string) string {
	var b strings.Builder
	b.WriteString(it.Item)
	if it.Name != "" {
		b.WriteString(" — " + it.Name)
	}
	if it.Producer != "" {
		b.WriteString(" (" + it.Producer + ")")
	}
	if it.Synthetic {
		b.WriteString(map[bool]string{false: " [dữ liệu mô phỏng]", true: " [synthetic]"}[lang == "en"])
	}
	if it.Decision != "" {
		b.WriteString(" · " + it.Decision)
	}
	if lang == "en" {
		b.WriteString(" · from " + it.From.Format(lang))
		if it.Until != domain.Forever {
			b.WriteString(" to " + it.Until.AddDays(-1).Format(lang))
		}
		b.WriteString(" · entry " + it.EventID)
	} else {
		b.WriteString(" · từ " + it.From.VN())
		if it.Until != domain.Forever {
			b.WriteString(" đến " + it.Until.AddDays(-1).VN())
		}
		b.WriteString(" · bút toán " + it.EventID)
	}
	return b.String()
}

// table lays rows out in columns: the first and last left-aligned, the numbers between
// right-aligned, widths counted in letters (Vietnamese headings hold multi-byte letters).
func table(rows [][]string) string {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				b.WriteString(c + pad)
			case i == len(r)-1:
				b.WriteString("  " + c)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
