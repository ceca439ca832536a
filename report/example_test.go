package report_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/report"
)

func ExampleNumber() {
	for _, n := range []int64{2, 48, 1400} {
		fmt.Println(report.Number(n, "vi"), report.Number(n, "en"))
	}
	// Output:
	// 02 2
	// 48 48
	// 1.400 1,400
}

func ExampleRender() {
	f := report.Facts{
		AsOf:        domain.MustDate(2025, 8, 7),
		KnownAt:     domain.MustDate(2025, 8, 7).EndOfDay(),
		PeriodStart: domain.ReportPeriodStart,
		Figures: map[string]int64{"salespoints.open": 23, "salespoints.open.state": 9,
			"salespoints.open.ministry": 2, "salespoints.open.private": 14},
	}
	var b bytes.Buffer
	if err := report.Render(&b, f, "vi", "text"); err != nil {
		fmt.Println(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "Số liệu") || strings.HasPrefix(line, "Toàn tỉnh") {
			fmt.Println(line)
		}
	}
	// Output:
	// Số liệu tính đến ngày 07/08/2025, theo sổ cái tại thời điểm 23:59:59 ngày 07/08/2025.
	// Toàn tỉnh Quảng Ngãi có 23 điểm giới thiệu và bán sản phẩm OCOP; trong đó, Nhà nước hỗ trợ 09 điểm (Bộ Công Thương hỗ trợ 02 điểm) và 14 điểm xã hội hóa 100%.
}
