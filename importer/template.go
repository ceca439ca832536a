package importer

import (
	"fmt"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/xuri/excelize/v2"
)

// Sheet names of a template.
const (
	sheetTable = "Bảng"
	sheetHelp  = "Hướng dẫn"
	sheetLists = "Danh mục"
)

// templateRows is how many rows of the template get the drop-downs.
const templateRows = 2000

// choices are the values a template's drop-down offers for a column, as the clerk reads them.
func choices(c Column) []string {
	switch c.Kind {
	case stars:
		return []string{"3", "4", "5"}
	case yesNo:
		return []string{"có", "không"}
	case enum:
		e, ok := domain.LookupEnumeration(c.Enum)
		if !ok {
			return nil
		}
		var out []string
		for _, v := range e.Values {
			if c.Enum == domain.EnumProductSet {
				out = append(out, fmt.Sprint(v.Value)+" – "+v.Label.VI)
			} else {
				out = append(out, v.Label.VI)
			}
		}
		return out
	}
	return nil
}

// Template returns a blank workbook for a kind: a title, the values given once (for a
// decision), the header row with drop-downs on the columns that take a closed set of values, an
// instructions sheet and the lists the drop-downs read.
func Template(k *Kind) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheetTable); err != nil {
		return nil, err
	}
	for _, s := range []string{sheetHelp, sheetLists} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	set := func(sheet string, col, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		_ = f.SetCellValue(sheet, cell, v)
	}
	rs := []rune(k.VI)
	title := strings.ToUpper(string(rs[:1])) + string(rs[1:])
	set(sheetTable, 1, 1, title)
	_ = f.SetCellStyle(sheetTable, "A1", "A1", bold)
	row := 2
	var table []Column
	listCol := 0
	dropDown := func(c Column, sqref string) error {
		vals := choices(c)
		if len(vals) == 0 {
			return nil
		}
		listCol++
		set(sheetLists, listCol, 1, c.VI)
		for i, v := range vals {
			set(sheetLists, listCol, i+2, v)
		}
		colName, _ := excelize.ColumnNumberToName(listCol)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = sqref
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheetLists, colName, colName, len(vals)+1))
		dv.SetError(excelize.DataValidationErrorStyleStop, c.VI, "Hãy chọn một giá trị trong danh sách (xem trang "+sheetHelp+").")
		return f.AddDataValidation(sheetTable, dv)
	}
	for _, c := range k.Columns {
		if !c.Above {
			table = append(table, c)
			continue
		}
		set(sheetTable, 1, row, c.VI+":")
		_ = f.SetCellStyle(sheetTable, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), bold)
		if err := dropDown(c, fmt.Sprintf("B%d", row)); err != nil {
			return nil, err
		}
		row++
	}
	header := row + 1
	for i, c := range table {
		set(sheetTable, i+1, header, c.VI)
		name, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheetTable, name, name, float64(max(14, len([]rune(c.VI))+4)))
		if err := dropDown(c, fmt.Sprintf("%s%d:%s%d", name, header+1, name, header+templateRows)); err != nil {
			return nil, err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(table), header)
	_ = f.SetCellStyle(sheetTable, fmt.Sprintf("A%d", header), last, head)
	_ = f.SetPanes(sheetTable, &excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: fmt.Sprintf("A%d", header+1), ActivePane: "bottomLeft"})

	// The instructions.
	set(sheetHelp, 1, 1, "Hướng dẫn nhập "+k.VI+" (ocopledger import --kind "+k.ID+")")
	_ = f.SetCellStyle(sheetHelp, "A1", "A1", bold)
	notes := []string{
		"Ghi mỗi dòng một " + k.RowVI + " bên dưới dòng tiêu đề của trang '" + sheetTable + "'; không đổi tên các cột (tên cột là quy ước, xem docs/import.md).",
		"Ngày ghi theo dạng dd/mm/yyyy (ví dụ 25/12/2023) hoặc để Excel định dạng ngày.",
		"Các cột có danh sách chọn chỉ nhận một giá trị trong danh sách (trang '" + sheetLists + "').",
		"Kiểm tra trước khi ghi: ocopledger import TỆP.xlsx --kind " + k.ID + " --dry-run. Mọi lỗi được liệt kê cùng lúc; không ghi gì khi còn một dòng lỗi. Nhập lại cùng tệp không ghi thêm gì.",
	}
	for i, n := range notes {
		set(sheetHelp, 1, i+2, n)
	}
	r := len(notes) + 3
	for i, h := range []string{"Cột", "Ý nghĩa (tiếng Anh)", "Bắt buộc", "Ví dụ", "Giá trị được chọn"} {
		set(sheetHelp, i+1, r, h)
	}
	_ = f.SetCellStyle(sheetHelp, fmt.Sprintf("A%d", r), fmt.Sprintf("E%d", r), head)
	for _, c := range k.Columns {
		r++
		req := ""
		if c.Key {
			req = "có"
		}
		set(sheetHelp, 1, r, c.VI)
		set(sheetHelp, 2, r, c.EN)
		set(sheetHelp, 3, r, req)
		set(sheetHelp, 4, r, c.Example)
		set(sheetHelp, 5, r, strings.Join(choices(c), "; "))
	}
	_ = f.SetColWidth(sheetHelp, "A", "A", 24)
	_ = f.SetColWidth(sheetHelp, "B", "D", 20)
	_ = f.SetColWidth(sheetHelp, "E", "E", 60)
	f.SetActiveSheet(0)
	return f, nil
}

// WriteTemplateFile writes a kind's blank template to an .xlsx file.
func WriteTemplateFile(k *Kind, path string) error {
	f, err := Template(k)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.SaveAs(path); err != nil {
		return msg("không ghi được tệp %s: %v", "cannot write %s: %v", path, err)
	}
	return nil
}

// WriteRejects writes the rejected rows of an import (Outcome.Rejected: the rows above the table,
// its header row with the error column, and the rows with errors) to an .xlsx file to fix and
// import again; the error column is ignored on import.
func WriteRejects(rows [][]string, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetTable); err != nil {
		return err
	}
	red, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return err
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow(sheetTable, cell, &cells); err != nil {
			return err
		}
		if n := len(row); n > 0 && row[n-1] == RejectColumn {
			last, _ := excelize.CoordinatesToCellName(n, r+1)
			_ = f.SetCellStyle(sheetTable, last, last, red)
			name, _ := excelize.ColumnNumberToName(n)
			_ = f.SetColWidth(sheetTable, name, name, 80)
			_ = f.SetPanes(sheetTable, &excelize.Panes{Freeze: true, YSplit: r + 1, TopLeftCell: fmt.Sprintf("A%d", r+2), ActivePane: "bottomLeft"})
		}
	}
	if err := f.SaveAs(path); err != nil {
		return msg("không ghi được tệp %s: %v", "cannot write %s: %v", path, err)
	}
	return nil
}
