package demo

import (
	"fmt"

	"github.com/ocopledger/ocopledger/domain"
)

// merger records the 01/07/2025 reorganisation: the former Lý Sơn district became đặc khu Lý Sơn
// (NQ 1677/NQ-UBTVQH15), and an illustrative mapping of a few other communes the demo's addresses
// use, labelled as such.
func (g *generator) merger() {
	var known []domain.UnitMapping
	for _, c := range []string{"xã An Vĩnh", "xã An Hải", "xã An Bình"} {
		known = append(known, domain.UnitMapping{OldCommune: c, OldDistrict: "huyện Lý Sơn", OldProvince: qn, NewCommune: "đặc khu Lý Sơn", NewProvince: qn})
	}
	g.add(domain.UnitsMerged{ReorganisationID: "nq202-2025", Effective: domain.MergerDate,
		LegalBasis: "Nghị quyết 202/2025/QH15 (hợp nhất tỉnh Kon Tum và tỉnh Quảng Ngãi); Nghị quyết 1677/NQ-UBTVQH15 (sắp xếp đơn vị hành chính cấp xã)",
		Units:      known}, clock(domain.MergerDate, 10*60), "NQ 202/2025/QH15; NQ 1677/NQ-UBTVQH15")

	m := func(oldC, oldD, oldP, newC string) domain.UnitMapping {
		return domain.UnitMapping{OldCommune: oldC, OldDistrict: oldD, OldProvince: oldP, NewCommune: newC, NewProvince: qn}
	}
	g.add(domain.UnitsMerged{ReorganisationID: "nq1677-2025-minh-hoa", Effective: domain.MergerDate,
		LegalBasis: "Nghị quyết 1677/NQ-UBTVQH15 – ánh xạ minh họa cho dữ liệu demo, không phải danh mục chính thức (dữ liệu giả lập)",
		Units: []domain.UnitMapping{
			m("xã Bình Hải", "huyện Bình Sơn", qn, "xã Vạn Tường"),
			m("xã Bình Trị", "huyện Bình Sơn", qn, "xã Vạn Tường"),
			m("xã Tịnh Phong", "huyện Sơn Tịnh", qn, "xã Thọ Phong"),
			m("xã Tịnh Thọ", "huyện Sơn Tịnh", qn, "xã Thọ Phong"),
			m("phường Trần Hưng Đạo", "thành phố Quảng Ngãi", qn, "phường Cẩm Thành"),
			m("phường Nghĩa Chánh", "thành phố Quảng Ngãi", qn, "phường Cẩm Thành"),
			m("xã Ia Tơi", "huyện Ia H'Drai", kt, "xã Ia Tơi"),
			m("xã Ia Dom", "huyện Ia H'Drai", kt, "xã Ia Tơi"),
		}}, clock(domain.MergerDate, 10*60+5), sourceSynthetic)
}

// report records Công văn 470/SCT-QLTM with the figures it states, at 16:00 on its day.
func (g *generator) report() {
	g.add(domain.ReportFiled{ReportID: ReportID(), DocumentNumber: ReportNumber,
		Title:     "Báo cáo tình hình thực hiện Chương trình mỗi xã một sản phẩm giai đoạn 2021-2025 trên địa bàn tỉnh Quảng Ngãi",
		Issuer:    "Sở Công Thương tỉnh Quảng Ngãi",
		Recipient: "Cục Quản lý và Phát triển thị trường trong nước – Bộ Công Thương",
		Date:      ReportDate, AsOf: ReportDate, PeriodFrom: domain.ReportPeriodStart, Figures: ReportFigures()},
		clock(ReportDate, 16*60), "Công văn 470/SCT-QLTM ngày 07/08/2025 của Sở Công Thương tỉnh Quảng Ngãi")
}

// late records what the Department learned after filing the report. Four entries change the
// figures of 07/08/2025: a certificate decided on 20/07/2025 and entered on 15/08/2025 (4★ +1), a
// sales point opened on 25/07/2025 and entered on 20/08/2025 (open +1, private +1), the retraction
// of a listing entered twice (listed products −1), a revocation of 28/07/2025 entered on
// 10/09/2025 (3★ −1). The rest do not: a corrected opening date, a fair and a certificate of
// September and October 2025.
func (g *generator) late() {
	// A 4★ certificate decided on 20/07/2025 by the merged province, entered on 15/08/2025.
	p := g.newSynthProduct(kt)
	p.addr = domain.Address{Commune: "xã Ia Tơi", Province: qn} // written after the merger: new unit, no district
	decided := d(2025, 7, 20)
	g.decNo++
	dec := domain.Decision{Number: fmt.Sprintf("GL-%04d/QĐ-UBND", g.decNo), Date: decided, Authority: domain.AuthorityProvince, Issuer: "UBND tỉnh Quảng Ngãi"}
	e := domain.OCOPCertified{ProductID: p.id, ProductName: p.name, ProducerID: p.prod.id, ProducerName: p.prod.name,
		ProducerKind: p.prod.kind, ProductSet: p.set, Stars: 4, Score: 78, Decision: dec, Address: p.addr, Synthetic: true}
	at := clock(d(2025, 8, 15), 9*60+30)
	p.prod.seen(at)
	g.add(e, at, sourceSynthetic+"; quyết định ngày 20/07/2025, nhận được ngày 15/08/2025")

	// A private sales point opened on 25/07/2025, reported on 20/08/2025.
	sp99 := g.openSalesPoint(99, domain.FundingPrivate, "tourist_site", d(2025, 7, 25), clock(d(2025, 8, 20), 10*60))
	sp99.source = sourceSynthetic + "; khai trương ngày 25/07/2025, báo cáo ngày 20/08/2025"

	// A listing entered twice on the provincial platform; the copy is retracted.
	dup := g.lateListing
	g.correct(dup, clock(d(2025, 9, 2), 14*60), sourceSynthetic+"; rà soát sàn TMĐT phát hiện tin đăng trùng", func(id string) domain.Event {
		return domain.EventRetracted{TargetStream: dup.event.Stream(), TargetID: id,
			Reason: "tin đăng nhập trùng: cùng doanh nghiệp, cùng sản phẩm (dữ liệu giả lập)"}
	})

	// A 3★ certificate revoked on 28/07/2025 for a food-safety violation, entered on 10/09/2025.
	rev := g.revoke(g.revokedLate, d(2025, 7, 28), "quality_violation", "vi phạm an toàn thực phẩm (dữ liệu giả lập)", clock(d(2025, 9, 10), 9*60))
	rev.source = sourceSynthetic + "; quyết định thu hồi ngày 28/07/2025, nhận được ngày 10/09/2025"

	// The opening date of a sales point was mistyped: corrected (no figure of 07/08/2025 changes).
	sp := g.amendSalesPoint
	fixed := sp.event.(domain.SalesPointOpened)
	fixed.OpenedOn = fixed.OpenedOn.AddDays(14)
	g.correct(sp, clock(d(2025, 9, 20), 15*60), sourceSynthetic+"; đính chính ngày khai trương", func(id string) domain.Event {
		return domain.EventAmended{TargetStream: sp.event.Stream(), TargetID: id, TargetType: domain.TypeSalesPointOpened,
			Reason: "sai ngày khai trương (dữ liệu giả lập)", Replacement: mustJSON(fixed)}
	})

	// After the report's day: a provincial fair in September, a certificate in October.
	counter := map[domain.TradeEventKind]int{domain.KindProvincialFair: 10}
	g.holdTradeEvent(&tradeEvent{domain.KindProvincialFair, 12, d(2025, 9, 18)}, counter, clock(d(2025, 10, 5), 10*60))
	q := g.newSynthProduct(qn)
	g.decNo++
	dec = domain.Decision{Number: fmt.Sprintf("GL-%04d/QĐ-UBND", g.decNo), Date: d(2025, 10, 15), Authority: domain.AuthorityProvince, Issuer: "UBND tỉnh Quảng Ngãi"}
	at = clock(d(2025, 10, 30), 9*60)
	q.prod.seen(at)
	g.add(domain.OCOPCertified{ProductID: q.id, ProductName: q.name, ProducerID: q.prod.id, ProducerName: q.prod.name,
		ProducerKind: q.prod.kind, ProductSet: q.set, Stars: 3, Score: 61, Decision: dec, Address: q.addr, Synthetic: true}, at, sourceSynthetic)
}
