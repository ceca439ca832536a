package tables

import (
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/projections"
)

// Grade is what ranks an item within its figure besides stars, in a language: its CNNTTB level,
// funding, kind of trade event or platform ("" when the figure ranks nothing of these).
func Grade(a domain.Attrs, lang string) string {
	switch {
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

// lastDay is the last day an item counts, for a validity that ends before until (NoDate for one
// without an end).
func lastDay(until domain.Date) domain.Date {
	if until == domain.Forever {
		return domain.NoDate
	}
	return until.AddDays(-1)
}

// source names the log prefix an answer was read from, in a language ("" for none).
func source(pv checkpoint.Provenance, lang string) string {
	if pv.Size == 0 {
		return ""
	}
	return Label{"nguồn: ", "source: "}.In(lang) + LogPrefix(pv, lang)
}

// LogPrefix names the log prefix pv in a language: "4.519 mục ghi đầu của sổ cái, mã băm gốc …",
// "the first 4,519 entries of the log, root hash …". The tables' source and the command line's
// source sentence both say it so.
func LogPrefix(pv checkpoint.Provenance, lang string) string {
	return fmt.Sprintf(Label{"%s mục ghi đầu của sổ cái, mã băm gốc %s", "the first %s entries of the log, root hash %s"}.In(lang),
		i18n.Int(lang, int64(pv.Size)), base64.StdEncoding.EncodeToString(pv.Root))
}

// SourceSentence is the sentence naming the log prefix an answer was read from and whether a
// signed checkpoint was published for it, as it closes a report or a reconciliation; "" for none.
func SourceSentence(pv checkpoint.Provenance, lang string) string {
	if pv.Size == 0 {
		return ""
	}
	signed := Label{"chưa có điểm kiểm chứng đã ký cho đúng số mục ghi này", "no signed checkpoint was published for exactly this size"}
	if pv.Checkpoint != "" {
		signed = Label{"có điểm kiểm chứng đã ký (ocopledger checkpoint, GET /v1/checkpoints)", "a signed checkpoint was published for it (ocopledger checkpoint, GET /v1/checkpoints)"}
	}
	return Label{"Nguồn: ", "Source: "}.In(lang) + LogPrefix(pv, lang) + "; " + signed.In(lang) + "."
}

// Explain columns (the order of the row Explain builds).
const (
	exNum = iota
	exItem
	exName
	exSynthetic
	exStars
	exGrade
	exDecision
	exFrom
	exUntil
	exProducer
	exProducerKind
	exCommune
	exDistrict
	exProvince
	exPositions
	exIDs
	exSources
)

var explainColumns = []Column{
	{Label{"#", "#"}, Count},
	{Label{"mã", "item"}, Text},
	{Label{"tên", "name"}, Text},
	{Label{"dữ liệu giả lập", "synthetic"}, Text},
	{Label{"số sao", "stars"}, Stars},
	{Label{"cấp/loại", "level/kind"}, Text},
	{Label{"quyết định", "decision"}, Text},
	{Label{"từ ngày", "from"}, Date},
	{Label{"đến ngày", "until"}, Date},
	{Label{"chủ thể", "producer"}, Text},
	{Label{"loại chủ thể", "producer type"}, Text},
	{Label{"xã, phường", "commune"}, Text},
	{Label{"huyện", "district"}, Text},
	{Label{"tỉnh", "province"}, Text},
	{Label{"vị trí các mục ghi", "entry positions"}, Text},
	{Label{"mã các mục ghi", "entry IDs"}, Text},
	{Label{"văn bản nguồn", "source documents"}, Text},
}

// Explain is the table of the items that make up a figure (projections.Explain, or a page of
// them: projections.ExplainPage, next the cursor of the page after) on q.AsOf as known at
// q.KnownAt (zero: now), read from the log prefix pv; total is the figure's value, the number of
// its items. A row an item with every column: the place split in three, the entries behind it
// with their positions, IDs and source documents.
func Explain(f domain.Figure, items []projections.ExplainItem, total int64, next string, q domain.Query, pv checkpoint.Provenance, lang string) *Table {
	t := &Table{Name: f.ID, Day: q.AsOf, Lang: lang, Columns: explainColumns, text: explainText, next: next}
	t.Title = fmt.Sprintf(t.t("%s — %s: %d, ngày %s, %s", "%s — %s: %d, on %s, %s"),
		f.ID, f.Label(lang), total, q.AsOf.Format(lang), KnownAtText(q.KnownAt, lang))
	t.Source = source(pv, lang)
	yes := t.t("có", "yes")
	for i, it := range items {
		var seqs, ids, sources []string
		for _, e := range it.Events {
			seqs = append(seqs, fmt.Sprintf("#%d %s", e.Sequence, e.Type))
			ids = append(ids, e.ID)
			if e.Source != "" && !slices.Contains(sources, e.Source) {
				sources = append(sources, e.Source)
			}
		}
		var synthetic, kind any
		if it.Attrs.Synthetic {
			synthetic = yes
		}
		if it.Attrs.ProducerKind != "" {
			kind = it.Attrs.ProducerKind.Label(lang)
		}
		a := it.Attrs.Address
		t.Rows = append(t.Rows, Row{int64(i + 1), it.Item, it.Attrs.Name, synthetic, int64(it.Attrs.Stars), Grade(it.Attrs, lang),
			it.Attrs.Decision, it.From, lastDay(it.Until), it.Attrs.Producer, kind, a.Commune, a.District, a.Province,
			strings.Join(seqs, "; "), strings.Join(ids, "; "), strings.Join(sources, "; ")})
	}
	return t
}

// explainText is explain's text: the title, then a line an item with the place in one column
// and the grade (stars or level) in another, and the cursor of the next page if there is one.
func explainText(w io.Writer, t *Table, o Options) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", t.Title); err != nil {
		return err
	}
	str := func(i int) func(Row) string { return func(r Row) string { return cellText(Text, r[i], t.Lang) } }
	g := NewGrid(w, t, []TextColumn{
		{Label{"#", "#"}, func(r Row) string { return cellText(Count, r[exNum], t.Lang) }},
		{Label{"MÃ", "ITEM"}, str(exItem)},
		{Label{"TÊN", "NAME"}, func(r Row) string {
			if r[exSynthetic] != nil {
				return cellText(Text, r[exName], t.Lang) + t.t(" [giả lập]", " [synthetic]")
			}
			return cellText(Text, r[exName], t.Lang)
		}},
		{Label{"SAO/CẤP", "STARS/LEVEL"}, func(r Row) string {
			if s := cellText(Stars, r[exStars], t.Lang); s != "" {
				return s + "★"
			}
			return cellText(Text, r[exGrade], t.Lang)
		}},
		{Label{"QUYẾT ĐỊNH", "DECISION"}, str(exDecision)},
		{Label{"TỪ", "FROM"}, func(r Row) string { return cellText(Date, r[exFrom], t.Lang) }},
		{Label{"ĐẾN", "UNTIL"}, func(r Row) string {
			if s := cellText(Date, r[exUntil], t.Lang); s != "" {
				return s
			}
			return "—"
		}},
		{Label{"CHỦ THỂ", "PRODUCER"}, str(exProducer)},
		{Label{"ĐỊA CHỈ", "PLACE"}, func(r Row) string {
			return strings.Trim(strings.Join([]string{str(exCommune)(r), str(exDistrict)(r), str(exProvince)(r)}, ", "), ", ")
		}},
		{Label{"BÚT TOÁN", "ENTRIES"}, str(exPositions)},
	}, false)
	for _, r := range t.Rows {
		g.Row(r)
	}
	if t.next != "" {
		g.Line(fmt.Sprintf(t.t("… trang sau: --after %s", "… next page: --after %s"), t.next))
	}
	return g.Close()
}

var expiringColumns = []Column{
	{Label{"ngày cuối", "last day"}, Date},
	{Label{"số ngày còn lại", "days left"}, Count},
	{Label{"chỉ tiêu", "figure"}, Text},
	{Label{"mã", "item"}, Text},
	{Label{"sản phẩm", "product"}, Text},
	{Label{"số sao", "stars"}, Stars},
	{Label{"cấp", "level"}, Text},
	{Label{"quyết định", "decision"}, Text},
	{Label{"ngày cấp", "issued"}, Date},
	{Label{"chủ thể", "producer"}, Text},
	{Label{"tỉnh", "province"}, Text},
}

// Expiring is the table of the certificates valid on q.AsOf that end within the next days,
// soonest first (projections.Expiring).
func Expiring(items []projections.Expiry, q domain.Query, days int, pv checkpoint.Provenance, lang string) *Table {
	t := &Table{Name: "expiring", Day: q.AsOf, Lang: lang, Columns: expiringColumns, text: expiringText}
	t.Title = fmt.Sprintf(t.t("%d chứng nhận hết hiệu lực trong %d ngày kể từ %s", "%d certificates end within %d days of %s"), len(items), days, q.AsOf.Format(lang))
	// The text form says no knowledge time; the files do, beside the source.
	t.Source = strings.TrimSuffix(KnownAtText(q.KnownAt, lang)+"; "+source(pv, lang), "; ")
	for _, e := range items {
		var level any
		if e.Attrs.Level != "" {
			level = e.Attrs.Level.Label(lang)
		}
		t.Rows = append(t.Rows, Row{e.LastDay, int64(e.DaysLeft), e.Figure, e.Item, e.Attrs.Name, int64(e.Attrs.Stars), level,
			e.Attrs.Decision, e.Issued, e.Attrs.Producer, e.Attrs.Address.Province})
	}
	return t
}

// expiringText is expiring's text: the title, then a line a certificate.
func expiringText(w io.Writer, t *Table, o Options) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", t.Title); err != nil {
		return err
	}
	str := func(i int) func(Row) string { return func(r Row) string { return cellText(Text, r[i], t.Lang) } }
	g := NewGrid(w, t, []TextColumn{
		{Label{"NGÀY CUỐI", "LAST DAY"}, func(r Row) string { return cellText(Date, r[0], t.Lang) }},
		{Label{"CÒN", "LEFT"}, func(r Row) string { return fmt.Sprintf(t.t("%s ngày", "%s days"), cellText(Count, r[1], t.Lang)) }},
		{Label{"LOẠI", "KIND"}, str(2)},
		{Label{"SẢN PHẨM", "PRODUCT"}, str(4)},
		{Label{"QUYẾT ĐỊNH", "DECISION"}, str(7)},
		{Label{"CHỦ THỂ", "PRODUCER"}, str(9)},
	}, false)
	for _, r := range t.Rows {
		g.Row(r)
	}
	return g.Close()
}
