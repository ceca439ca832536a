package importer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/importer"
	"github.com/xuri/excelize/v2"
)

// examples are the rows of the committed example files docs/examples/<kind>.xlsx (clean) and
// <kind>-errors.xlsx, filled into the kind's template. Only the decision's values given once
// (B2:B4 of the template) and the table's rows are written.
var examples = map[string]struct {
	once       []any
	clean, bad [][]any
}{
	"ocop-decision": {
		// Clean on an empty ledger and on the demo's: the records are synthetic copies ("-mau")
		// of real products, under a synthetic decision.
		once: []any{"9001/QĐ-UBND", "25/12/2023", "UBND tỉnh"},
		clean: [][]any{
			{"toi-ly-son-mau", "Tỏi Lý Sơn", "phu-sinh-mau", "Công ty TNHH Thương mại và Dịch vụ Phú Sinh", "doanh nghiệp", "I.4b – Gia vị khác", 78, 4, "", "", "huyện Lý Sơn", "Quảng Ngãi", "có"},
			{"mach-nha-mantoza-mau", "Mạch nha Quảng Ngãi đường Mantoza", "nha-quang-ngai-mau", "Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi", "doanh nghiệp", "I.6 – Bánh, mứt, kẹo, đồ ăn nhẹ", 82.5, 4, "", "", "", "Quảng Ngãi", "có"},
			{"muoi-tre-sahu-mau", "Muối tre SAHU", "muoi-sahu-mau", "Công ty TNHH MTV Muối SAHU", "doanh nghiệp", "I.4b – Gia vị khác", 85, 4, "", "", "", "Quảng Ngãi", "có"},
		},
		bad: [][]any{
			{"toi-ly-son", "Tỏi Lý Sơn", "phu-sinh", "Công ty TNHH Phú Sinh", "doanh nghiệp", "I.4b", 78, 2, "", "đặc khu Lý Sơn", "", "Quảng Ngãi"},
			{"mach-nha", "Mạch nha", "mantoza", "HTX Mantoza", "hợp tác xã", "I.6", 78, "bốn", "", "xã Tịnh Ấn", "", "Quảng Ngãi"},
			{"ruou-bau-da", "Rượu Bàu Đá", "bau-da", "HTX Bàu Đá", "hợp tác xã", "I.6", 95, 4, "", "", "", "Quảng Ngãi"},
			{"nuoc-mam", "Nước mắm", "sa-huynh", "Công ty Sa Huỳnh", "doanh nghiệp", "Z.9", 78, 4, "", "", "", "Quảng Ngãi"},
			{"dau-phong", "Đậu phộng", "co-so-a", "Cơ sở A", "công ty", "I.2", 78, 4, "", "", "", "Quảng Ngãi"},
			{"", "Bánh tráng", "co-so-b", "Cơ sở B", "doanh nghiệp", "I.6", 78, 4, "", "", "", "Quảng Ngãi"},
			{"banh-it", "", "co-so-c", "Cơ sở C", "doanh nghiệp", "I.6", 78, 4, "", "", "", "Quảng Ngãi"},
			{"Cá bống sông Trà", "Cá bống", "co-so-d", "Cơ sở D", "doanh nghiệp", "I.5", 78, 4, "", "", "", "Quảng Ngãi"},
			{"mi-gao", "Mì gạo", "co-so-e", "Cơ sở E", "doanh nghiệp", "I.2", 78, 4, "", "", "", ""},
			{"tra-xanh", "Trà xanh", "co-so-f", "Cơ sở F", "doanh nghiệp", "I.7", "bảy mươi", 4, "", "", "", "Quảng Ngãi"},
			{"tra-xanh-2", "Trà xanh", "co-so-f", "", "doanh nghiệp", "I.7", 75, 4, "", "", "", "Quảng Ngãi"},
			{"mien-dong", "Miến dong", "", "Cơ sở G", "doanh nghiệp", "I.2", 75, 4, "", "", "", "Quảng Ngãi"},
			{"sam-dat", "Sâm đất", "co-so-h", "Cơ sở H", "doanh nghiệp", "I.1", 75, 4, "", "", "", "Quảng Ngãi"},
			{"sam-dat", "Sâm đất", "co-so-h", "Cơ sở H", "doanh nghiệp", "I.1", 75, 4, "", "", "", "Quảng Ngãi"},
		},
	},
	"cnnttb": {
		once: []any{"cấp tỉnh", 2024, "2150/QĐ-UBND (dữ liệu mẫu)", "20/11/2024"},
		clean: [][]any{
			{"nuoc-mam-muoi-quy", "Nước mắm cốt Mười Quý", "Chủ thể mẫu A (dữ liệu mẫu)", "", "xã mẫu (dữ liệu mẫu)", "", "Quảng Ngãi", "có"},
			{"mat-mia-mien-xanh", "Mật mía Miền Xanh", "Chủ thể mẫu B (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
			{"com-tao-spirulina", "Cốm tảo xoắn Spirulina", "Chủ thể mẫu C (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
			{"ca-bong-song-tra", "Cá bống sông Trà Hương Vị Mới", "Chủ thể mẫu D (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
		},
		bad: [][]any{
			{"Bò khô Thu Ba", "Bò khô Thu Ba", "Chủ thể mẫu A (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
			{"binh-ly-que", "", "Chủ thể mẫu B (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
			{"ca-vat-tho-cam", "Cà vạt thổ cẩm", "", "", "", "", "Quảng Ngãi", "có"},
			{"an-tra", "Bộ sản phẩm Ấn Trà", "Chủ thể mẫu C (dữ liệu mẫu)", "", "", "", "", "có"},
			{"nhang-que", "Bộ sản phẩm nhang quế", "Chủ thể mẫu D (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "chắc chắn"},
			{"dong-trung-ha-thao", "Đông trùng hạ thảo sấy thăng hoa", "Chủ thể mẫu E (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
			{"dong-trung-ha-thao", "Đông trùng hạ thảo sấy thăng hoa", "Chủ thể mẫu E (dữ liệu mẫu)", "", "", "", "Quảng Ngãi", "có"},
		},
	},
	"participations": {
		once: []any{"hc-mau-2024", "Hội chợ OCOP mẫu 2024 (dữ liệu mẫu)", "hội chợ cấp tỉnh", "20/11/2024", "24/11/2024", "Quảng trường mẫu (dữ liệu mẫu)", "Sở Công Thương", "Quảng Ngãi"},
		clean: [][]any{
			{"phu-sinh", "Công ty TNHH TM&DV Phú Sinh — Tỏi Lý Sơn", "có"},
			{"thu-ba", "Công ty TNHH SX&TM Thu Ba — Thịt bò khô Thu Ba", "có"},
			{"dori", "CTCP DORI — Tỏi đen Lý Sơn DORI", "có"},
			{"muoi-sahu", "Công ty TNHH MTV Muối SAHU — Muối tre SAHU", "có"},
		},
		bad: [][]any{
			{"Phú Sinh", "Công ty TNHH TM&DV Phú Sinh", "có"},
			{"thu-ba", "", "có"},
			{"dori", "CTCP DORI", "có"},
			{"dori", "CTCP DORI", "có"},
			{"", "HTX nấm Đức Nhuận", "có"},
		},
	},
	"listings": {
		clean: [][]any{
			{"qnt-toi-ly-son", "Sàn TMĐT Quảng Ngãi (quangngaitrade.gov.vn)", "Tỏi Lý Sơn", "có", "toi-ly-son", "phu-sinh", "Công ty TNHH TM&DV Phú Sinh", "10/03/2025", "", "", "có"},
			{"shopee-muoi-tre-sahu", "Shopee", "Muối tre SAHU", "có", "muoi-tre-sahu", "muoi-sahu", "Công ty TNHH MTV Muối SAHU", "15/04/2025", "", "", "có"},
			{"voso-nhang-que", "Voso", "Nhang quế Trà Bồng", "có", "nhang-que-tra-bong", "huong-que-tra-bong", "Công ty TNHH Hương Quế Trà Bồng", "02/05/2025", "30/09/2025", "hết hợp đồng gian hàng (dữ liệu mẫu)", "có"},
		},
		bad: [][]any{
			{"amz-toi", "Amazon", "Tỏi Lý Sơn", "có", "toi-ly-son", "phu-sinh", "Công ty TNHH TM&DV Phú Sinh", "10/03/2025", "", "", "có"},
			{"qnt-bo-kho", "Sàn TMĐT Quảng Ngãi (quangngaitrade.gov.vn)", "Thịt bò khô Thu Ba", "có", "bo-kho-thu-ba", "thu-ba", "Công ty TNHH SX&TM Thu Ba", "31/13/2025", "", "", "có"},
			{"qnt-yen-chung", "Sàn TMĐT Quảng Ngãi (quangngaitrade.gov.vn)", "Yến chưng Kon Tum", "có", "", "yen-sao-kon-tum", "Công ty TNHH Yến sào Kon Tum", "10/03/2025", "", "", "có"},
			{"shopee-vang-sim", "Shopee", "Vang sim rừng Măng Đen", "có", "vang-sim-mang-den", "sim-thien-son", "Công ty TNHH MTV Sim Thiên Sơn", "10/03/2025", "01/03/2025", "", "có"},
			{"postmart-chuoi-say", "Postmart", "Chuối sấy Joy", "chưa rõ", "chuoi-say-joy", "apanax", "Công ty TNHH APANAX", "10/03/2025", "", "", "có"},
			{"tiki-mit-say", "Tiki", "Mít sấy OHJOY!", "có", "mit-say-ohjoy", "", "Công ty TNHH APANAX", "10/03/2025", "", "", "có"},
			{"lazada-ca-phe", "", "", "", "", "", "", "", "15/06/2025", "", ""},
		},
	},
	"salespoints": {
		clean: [][]any{
			{"dgt-ly-son", "Điểm bán OCOP Lý Sơn", "khu, điểm du lịch, nhà hàng, khách sạn", "xã hội hóa 100%", "HTX Lý Sơn", "", "đặc khu Lý Sơn", "", "Quảng Ngãi", "15/08/2025"},
			{"dgt-sa-huynh", "Điểm bán OCOP Sa Huỳnh", "làng nghề", "Nhà nước hỗ trợ (tỉnh)", "Công ty Sa Huỳnh", "", "phường Sa Huỳnh", "", "Quảng Ngãi", "01/09/2025", "30/09/2025", "hết hợp đồng thuê"},
		},
		bad: [][]any{
			{"dgt-1", "Điểm 1", "chợ đêm", "xã hội hóa 100%", "HTX", "", "", "", "Quảng Ngãi", "15/08/2025"},
			{"dgt-2", "Điểm 2", "làng nghề", "ngân hàng", "HTX", "", "", "", "Quảng Ngãi", "15/08/2025"},
			{"dgt-3", "Điểm 3", "làng nghề", "xã hội hóa 100%", "HTX", "", "", "", "Quảng Ngãi", "31/02/2025"},
			{"dgt-4", "Điểm 4", "làng nghề", "xã hội hóa 100%", "HTX", "", "", "", "", "15/08/2025"},
			{"dgt-5", "", "làng nghề", "xã hội hóa 100%", "HTX", "", "", "", "Quảng Ngãi", ""},
		},
	},
}

// writeExample fills a kind's template with rows and saves it.
func writeExample(t *testing.T, k *importer.Kind, once []any, rows [][]any, path string) {
	t.Helper()
	f, err := importer.Template(k)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, v := range once {
		cell, _ := excelize.CoordinatesToCellName(2, i+2)
		if err := f.SetCellValue("Bảng", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	header := len(once) + 3
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, header+1+i)
		if err := f.SetSheetRow("Bảng", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestWriteExamples writes docs/examples/ again when OCOPLEDGER_WRITE_EXAMPLES=1; the command's
// tests import the committed files.
func TestWriteExamples(t *testing.T) {
	if os.Getenv("OCOPLEDGER_WRITE_EXAMPLES") != "1" {
		t.Skip("set OCOPLEDGER_WRITE_EXAMPLES=1 to write docs/examples/ again")
	}
	for id, ex := range examples {
		k := importer.LookupKindMust(id)
		writeExample(t, k, ex.once, ex.clean, filepath.Join("..", "docs", "examples", id+".xlsx"))
		writeExample(t, k, ex.once, ex.bad, filepath.Join("..", "docs", "examples", id+"-errors.xlsx"))
	}
}
