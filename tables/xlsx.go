package tables

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/xuri/excelize/v2"
)

// XLSX layout: the title (and source) in the first row, the headers in the second, frozen with
// an auto-filter, the rows below.
const (
	titleRow  = 1
	headerRow = 2
)

// Number formats of the cells: Excel stores dates and moments as numbers, shown by their format.
const (
	dateFormat    = "dd/mm/yyyy"
	instantFormat = "dd/mm/yyyy hh:mm:ss"
)

// WriteXLSX writes the table as an Excel workbook of one sheet, named after the table: the title in
// row 1, the headers in row 2 (frozen, with an auto-filter), a row of the table a row below.
// Dates and moments are real dates with a dd/mm/yyyy format (moments in Vietnam's time), stars,
// counts and integers are numbers, text is stored as text; text that starts like a formula
// (= + - @ tab CR) is stored as text with Excel's quote prefix, so that editing the cell does not
// turn it into a formula either. The workbook's properties carry the title and source too. The
// same table gives the same bytes.
func WriteXLSX(w io.Writer, t *Table, o Options) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(t.Name)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	title := t.Title
	if t.Source != "" {
		title += " — " + t.Source
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: t.Title, Description: t.Source, Creator: "ocopledger",
		Language: Label{"vi-VN", "en-GB"}.In(t.Lang),
		Created:  "2006-09-16T00:00:00Z", Modified: "2006-09-16T00:00:00Z"}); err != nil {
		return err
	}
	widths := make([]int, len(t.Columns))
	set := func(col, row int, v any, style int) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	if err := set(1, titleRow, title, st.title); err != nil {
		return err
	}
	for i, c := range t.Columns {
		h := c.Head.In(t.Lang)
		widths[i] = utf8.RuneCountInString(h)
		if err := set(i+1, headerRow, h, st.header); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		for i, c := range t.Columns {
			v, style, shown := xlsxCell(c.Kind, row[i], t.Lang, st)
			if v == nil {
				continue
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(shown))
			if err := set(i+1, headerRow+1+r, v, style); err != nil {
				return err
			}
		}
	}
	for i, n := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, float64(min(max(n, 4), 60)+2)); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(t.Columns) > 0 {
		last, err := excelize.CoordinatesToCellName(len(t.Columns), headerRow+max(len(t.Rows), 1))
		if err != nil {
			return err
		}
		if err := f.AutoFilter(sheet, fmt.Sprintf("A%d:%s", headerRow, last), nil); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// styles are the workbook's cell styles.
type styles struct{ title, header, date, instant, quoted int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	df, inf := dateFormat, instantFormat
	for _, x := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}},
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.date, &excelize.Style{CustomNumFmt: &df}},
		{&s.instant, &excelize.Style{CustomNumFmt: &inf}},
		// Distinct from every other style, so that the quote prefix set below is its own.
		{&s.quoted, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left"}}},
	} {
		if *x.id, err = f.NewStyle(x.style); err != nil {
			return s, err
		}
	}
	// excelize's Style has no quote prefix; its style sheet does.
	yes := true
	f.Styles.CellXfs.Xf[s.quoted].QuotePrefix = &yes
	return s, nil
}

// xlsxCell is the value a cell of a kind is stored with, its style and its width in characters
// as shown (nil: an empty cell).
func xlsxCell(k Kind, v any, lang string, st styles) (any, int, string) {
	switch k {
	case Date:
		d, ok := v.(domain.Date)
		if !ok || !d.Valid() || d == 0 {
			return nil, 0, ""
		}
		y, m, day := d.YMD()
		return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC), st.date, "dd/mm/yyyy"
	case Instant:
		tm, ok := v.(time.Time)
		if !ok || tm.IsZero() {
			return nil, 0, ""
		}
		// Excel has no time zones: the wall clock in Vietnam.
		l := tm.In(domain.Vietnam)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC), st.instant, "dd/mm/yyyy hh:mm:ss"
	case Integer, Count, Stars:
		n, ok := integer(v)
		if !ok || k == Stars && n == 0 {
			return nil, 0, ""
		}
		return n, 0, fmt.Sprint(n)
	}
	s := cellText(Text, v, lang)
	if s == "" {
		return nil, 0, ""
	}
	if live(s) {
		return s, st.quoted, s
	}
	return s, 0, s
}

// sheetName makes a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if s == "" {
		s = "ocopledger"
	}
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
