package importer_test

import (
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/importer"
)

// Every kind's template: the three sheets, the Vietnamese headers of its table, a drop-down on
// every column that takes a closed set of values (enumerations, stars, yes/no), and a line of the
// instructions for every column (test).
func TestTemplates(t *testing.T) {
	dropDowns := map[string][]string{
		"ocop-decision":  {"Cơ quan ban hành", "Loại hình chủ thể", "Bộ sản phẩm", "Số sao", "Dữ liệu mẫu"},
		"cnnttb":         {"Cấp công nhận", "Dữ liệu mẫu"},
		"salespoints":    {"Loại địa điểm", "Nguồn kinh phí", "Dữ liệu mẫu"},
		"participations": {"Loại hoạt động", "Dữ liệu mẫu"},
		"listings":       {"Sàn TMĐT", "Sản phẩm OCOP", "Dữ liệu mẫu"},
	}
	for _, k := range importer.Kinds() {
		f, err := importer.Template(k)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(f.GetSheetList(), ","); got != "Bảng,Hướng dẫn,Danh mục" {
			t.Errorf("%s: sheets %s", k.ID, got)
		}
		lists, _ := f.GetCols("Danh mục")
		var named []string
		for _, c := range lists {
			named = append(named, c[0])
		}
		if strings.Join(named, ",") != strings.Join(dropDowns[k.ID], ",") {
			t.Errorf("%s: drop-downs for %v; want %v", k.ID, named, dropDowns[k.ID])
		}
		dvs, err := f.GetDataValidations("Bảng")
		if err != nil || len(dvs) != len(dropDowns[k.ID]) {
			t.Errorf("%s: %d data validations, %v; want %d", k.ID, len(dvs), err, len(dropDowns[k.ID]))
		}
		help, _ := f.GetRows("Hướng dẫn")
		text := ""
		for _, r := range help {
			text += strings.Join(r, "|") + "\n"
		}
		for _, c := range k.Columns {
			if !strings.Contains(text, c.VI+"|"+c.EN) {
				t.Errorf("%s: the instructions do not explain the column %s", k.ID, c.VI)
			}
		}
		if !strings.Contains(text, "Ghi mỗi dòng một "+k.RowVI) {
			t.Errorf("%s: instructions:\n%s", k.ID, text)
		}
		f.Close()
	}
}
