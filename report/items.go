package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// Grade is what ranks an item within its figure, in a language: its stars, CNNTTB level, funding,
// kind of trade event or platform ("" when the figure ranks nothing).
func Grade(a domain.Attrs, lang string) string {
	switch {
	case a.Stars > 0:
		return fmt.Sprintf("%d★", a.Stars)
	case a.Level != "":
		return a.Level.Label(lang)
	case a.Funding != "":
		return a.Funding.Label(lang)
	case a.EventKind != "":
		return a.EventKind.Label(lang)
	case a.Platform != "":
		return a.Platform.Label(lang)
	}
	return ""
}

// LastDay is the last day an item counts, for a validity that ends before until ("" for one
// without an end), in a language's date form.
func LastDay(until domain.Date, lang string) string {
	if until == domain.Forever {
		return ""
	}
	return until.AddDays(-1).Format(lang)
}

// ItemsCSV writes the items that make up a figure (projections.Explain) as CSV for the auditors'
// spreadsheets: a header in the language, then one line an item with every column — the place
// split in three, the entries behind it with their IDs and source documents — preceded by a byte
// order mark and with CRLF line ends, which Excel needs to read UTF-8 Vietnamese. Dates are in
// the language's form (dd/mm/yyyy in Vietnamese).
func ItemsCSV(w io.Writer, items []projections.ExplainItem, lang string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := []string{"#", "mã", "tên", "dữ liệu giả lập", "sao/cấp", "quyết định", "từ ngày", "đến ngày", "chủ thể", "loại chủ thể",
		"xã, phường", "huyện", "tỉnh", "vị trí các mục ghi", "mã các mục ghi", "văn bản nguồn"}
	yes := "có"
	if lang == "en" {
		head = []string{"#", "item", "name", "synthetic", "stars/level", "decision", "from", "until", "producer", "producer type",
			"commune", "district", "province", "entry positions", "entry IDs", "source documents"}
		yes = "yes"
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for i, it := range items {
		var seqs, ids, sources []string
		for _, e := range it.Events {
			seqs = append(seqs, fmt.Sprintf("#%d %s", e.Sequence, e.Type))
			ids = append(ids, e.ID)
			if e.Source != "" && !slices.Contains(sources, e.Source) {
				sources = append(sources, e.Source)
			}
		}
		synthetic, kind := "", ""
		if it.Attrs.Synthetic {
			synthetic = yes
		}
		if it.Attrs.ProducerKind != "" {
			kind = it.Attrs.ProducerKind.Label(lang)
		}
		a := it.Attrs.Address
		row := []string{strconv.Itoa(i + 1), it.Item, it.Attrs.Name, synthetic, Grade(it.Attrs, lang), it.Attrs.Decision,
			it.From.Format(lang), LastDay(it.Until, lang), it.Attrs.Producer, kind, a.Commune, a.District, a.Province,
			strings.Join(seqs, "; "), strings.Join(ids, "; "), strings.Join(sources, "; ")}
		// Column # is the only number (ours, never negative); every other column is text.
		for c := 1; c < len(row); c++ {
			row[c] = TextCell(row[c])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TextCell makes a text cell of a CSV safe to open in a spreadsheet: text that starts with = + - @,
// a tab or a carriage return would be read as a formula (CSV injection), so it gets a leading single
// quote, as OWASP advises; the spreadsheet shows the text as written. Numbers must not go through it.
func TextCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
