package demo

import (
	"fmt"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// Districts before 01/07/2025, for synthetic addresses and district decisions.
var (
	districtsQN = []string{"thành phố Quảng Ngãi", "thị xã Đức Phổ", "huyện Bình Sơn", "huyện Sơn Tịnh", "huyện Tư Nghĩa",
		"huyện Nghĩa Hành", "huyện Mộ Đức", "huyện Ba Tơ", "huyện Minh Long", "huyện Sơn Hà", "huyện Sơn Tây", "huyện Trà Bồng", "huyện Lý Sơn"}
	districtsKT = []string{"thành phố Kon Tum", "huyện Đăk Glei", "huyện Ngọc Hồi", "huyện Đăk Tô", "huyện Kon Plông",
		"huyện Kon Rẫy", "huyện Đăk Hà", "huyện Sa Thầy", "huyện Tu Mơ Rông", "huyện Ia H'Drai"}
	productSets = []domain.ProductSet{"I.1", "I.2", "I.2", "I.3", "I.4a", "I.4b", "I.5", "I.5", "I.6", "I.6", "I.6", "I.7", "I.8",
		"II.1", "II.2", "II.3", "III.1", "III.3", "III.3", "III.4", "IV.1", "IV.3", "IV.4", "V.2", "VI.1"}
	producerKinds = []domain.ProducerKind{"enterprise", "enterprise", "cooperative", "cooperative", "cooperative",
		"cooperative_group", "household", "household", "household"}
)

const (
	qn = "Quảng Ngãi"
	kt = "Kon Tum"
)

// ministryRenamed is when Bộ NN&PTNT became Bộ Nông nghiệp và Môi trường (decisions …/QĐ-BNNMT).
var ministryRenamed = domain.MustDate(2025, 3, 1)

type producer struct {
	id, name  string
	kind      domain.ProducerKind
	addr      domain.Address
	synthetic bool
	first     time.Time // when the first entry about one of its products was recorded
	left      int       // synthetic: products still to give it
}

func (p *producer) seen(at time.Time) {
	if p.first.IsZero() || at.Before(p.first) {
		p.first = at
	}
}

type cert struct {
	decision domain.Decision
	stars    domain.Stars
}

type product struct {
	id, name  string
	set       domain.ProductSet
	prod      *producer
	addr      domain.Address
	synthetic bool
	certs     []cert
}

func (p *product) last() cert { return p.certs[len(p.certs)-1] }

// issuerName names the body that decides on an OCOP product of addr on day d.
func issuerName(a domain.Authority, addr domain.Address, d domain.Date) string {
	switch a {
	case domain.AuthorityMinistry:
		if d >= ministryRenamed {
			return "Bộ Nông nghiệp và Môi trường"
		}
		return "Bộ Nông nghiệp và Phát triển nông thôn"
	case domain.AuthorityProvince:
		if d >= domain.MergerDate || addr.Province == qn {
			return "UBND tỉnh Quảng Ngãi"
		}
		return "UBND tỉnh Kon Tum"
	}
	if addr.District == "" {
		return "" // the demo does not know which district
	}
	return "UBND " + addr.District
}

// decision returns the (synthetic, "GL-") decision certifying s stars on day d for a product of
// addr: the authority the rules name for that day, one decision per issuer and day.
func (g *generator) decision(s domain.Stars, d domain.Date, addr domain.Address) domain.Decision {
	a := domain.AuthoritiesFor(s, d)[0]
	issuer := issuerName(a, addr, d)
	key := string(a) + "|" + issuer + "|" + addr.Province + "|" + d.String()
	if dec, ok := g.decisions[key]; ok {
		return dec
	}
	g.decNo++
	suffix := "QĐ-UBND"
	if a == domain.AuthorityMinistry {
		suffix = "QĐ-BNN"
		if d >= ministryRenamed {
			suffix = "QĐ-BNNMT"
		}
	}
	dec := domain.Decision{Number: fmt.Sprintf("GL-%04d/%s", g.decNo, suffix), Date: d, Authority: a, Issuer: issuer}
	g.decisions[key] = dec
	return dec
}

func (g *generator) score(p *product, s domain.Stars) float64 {
	if !p.synthetic {
		return 0 // the demo does not know the real scores
	}
	return float64(20*int(s)-10) + float64(g.rng.Intn(40))/2 // 3★ 50–69.5, 4★ 70–89.5
}

func sourceOf(p *product, dec domain.Decision) string {
	if p.synthetic {
		return sourceSynthetic
	}
	if len(dec.Number) > 3 && dec.Number[:3] == "GL-" {
		return "QĐ " + dec.Number + " (số hiệu, ngày giả lập; sản phẩm thật theo tài liệu công khai)"
	}
	return "QĐ " + dec.Number + " ngày " + dec.Date.VN() + " của " + dec.Issuer
}

func (g *generator) certify(p *product, s domain.Stars, dec domain.Decision) *pending {
	e := domain.OCOPCertified{ProductID: p.id, ProductName: p.name, ProducerID: p.prod.id, ProducerName: p.prod.name,
		ProducerKind: p.prod.kind, ProductSet: p.set, Stars: s, Score: g.score(p, s), Decision: dec, Address: p.addr, Synthetic: p.synthetic}
	p.certs = append(p.certs, cert{dec, s})
	at := g.at(dec.Date, 20)
	p.prod.seen(at)
	return g.add(e, at, sourceOf(p, dec))
}

func (g *generator) reevaluate(p *product, s domain.Stars, dec domain.Decision) *pending {
	old := p.last()
	outcome := domain.OutcomeKeep
	if s > old.stars {
		outcome = domain.OutcomeUpgrade
	} else if s < old.stars {
		outcome = domain.OutcomeDowngrade
	}
	e := domain.OCOPReevaluated{ProductID: p.id, Supersedes: old.decision.Number, Outcome: outcome, Stars: s,
		Score: g.score(p, s), Decision: dec}
	p.certs = append(p.certs, cert{dec, s})
	return g.add(e, g.at(dec.Date, 20), sourceOf(p, dec))
}

// lapse records that the product's last certificate was not re-evaluated: sometimes the notice
// to the producer 30+ days before, usually the expiry itself.
func (g *generator) lapse(p *product) {
	c := p.last()
	exp := domain.OCOPValidUntil(c.decision.Date)
	if g.rng.Intn(10) < 6 {
		on := exp.AddDays(-domain.OCOPNoticeDays - g.rng.Intn(15))
		g.add(domain.OCOPExpiryNoticed{ProductID: p.id, Certificate: c.decision.Number, ExpiresOn: exp, NoticedOn: on},
			g.at(on, 3), sourceOf(p, c.decision))
	}
	if g.rng.Intn(10) < 8 && exp <= ReportDate {
		g.add(domain.OCOPExpired{ProductID: p.id, Certificate: c.decision.Number, ExpiredOn: exp}, g.at(exp, 15), sourceOf(p, c.decision))
	}
}

var revocationReasons = []domain.RevocationReason{"failed_criteria", "quality_violation", "ceased_operating", "ceased_operating", "voluntary"}

func (g *generator) revoke(p *product, d domain.Date, reason domain.RevocationReason, detail string, at time.Time) *pending {
	c := p.last()
	issuer := c.decision.Issuer
	a := c.decision.Authority
	if d >= domain.MergerDate && a == domain.AuthorityDistrict {
		a, issuer = domain.AuthorityProvince, "UBND tỉnh Quảng Ngãi"
	}
	g.decNo++
	dec := domain.Decision{Number: fmt.Sprintf("GL-%04d/QĐ-UBND", g.decNo), Date: d, Authority: a, Issuer: issuer}
	if at.IsZero() {
		at = g.at(d, 20)
	}
	src := sourceSynthetic
	if !p.synthetic {
		src = sourceOf(p, dec)
	}
	return g.add(domain.OCOPRevoked{ProductID: p.id, Certificate: c.decision.Number, Reason: reason, Decision: dec, ReasonDetail: detail}, at, src)
}

// ---- the real products of the domain brief (§4) ----

type realStep struct {
	stars  domain.Stars
	date   domain.Date
	number string // "" : a synthetic GL- number
	issuer string
}

type realProduct struct {
	id, name, producer string
	set                domain.ProductSet
	addr               *domain.Address // nil: the producer's
	steps              []realStep      // a certification, then re-evaluations
	potential5         domain.Date
}

func d(y, m, day int) domain.Date { return domain.MustDate(y, m, day) }

func addr(commune, district, province string) domain.Address {
	return domain.Address{Commune: commune, District: district, Province: province}
}

// realProducers: names as in the brief; where the brief names none, the name says it is made up.
func realProducers() []*producer {
	unknown := func(id, brand string, kind domain.ProducerKind, a domain.Address) *producer {
		return &producer{id: id, name: "Chủ thể sản phẩm " + brand + " (tên chủ thể giả lập)", kind: kind, addr: a}
	}
	return []*producer{
		{id: "nha-quang-ngai", name: "Nhà máy Nha Quảng Ngãi – Chi nhánh Công ty cổ phần đường Quảng Ngãi", kind: "enterprise", addr: addr("", "thành phố Quảng Ngãi", qn)},
		{id: "phu-sinh", name: "Công ty TNHH Thương mại và Dịch vụ Phú Sinh", kind: "enterprise", addr: addr("", "huyện Lý Sơn", qn)},
		{id: "dori", name: "Công ty cổ phần DORI", kind: "enterprise", addr: addr("", "", qn)},
		{id: "thu-ba", name: "Công ty TNHH Sản xuất và Thương mại Thu Ba", kind: "enterprise", addr: addr("", "thành phố Quảng Ngãi", qn)},
		{id: "hkd-dang-van-trinh", name: "Hộ kinh doanh Đặng Văn Trịnh", kind: "household", addr: addr("", "huyện Bình Sơn", qn)},
		{id: "ninh-truong", name: "Công ty TNHH MTV Nấm dược liệu Ninh Trương", kind: "enterprise", addr: addr("", "huyện Sơn Tịnh", qn)},
		{id: "huong-que-tra-bong", name: "Công ty TNHH Hương Quế Trà Bồng", kind: "enterprise", addr: addr("", "huyện Trà Bồng", qn)},
		{id: "htx-nam-duc-nhuan", name: "Hợp tác xã nấm Đức Nhuận", kind: "cooperative", addr: addr("xã Đức Nhuận", "huyện Mộ Đức", qn)},
		{id: "muoi-sahu", name: "Công ty TNHH MTV Muối SAHU", kind: "enterprise", addr: addr("", "thị xã Đức Phổ", qn)},
		unknown("muoi-quy", "Nước mắm Mười Quý", "household", addr("", "", qn)),
		unknown("tho-cam-y-hoa", "Túi xách thổ cẩm Y Hòa", "cooperative_group", domain.Address{Detail: "Làng Teng", District: "huyện Ba Tơ", Province: qn}),
		unknown("thanh-co-quang-ngai", "Điểm du lịch Thành cổ Quảng Ngãi", "enterprise", addr("", "thành phố Quảng Ngãi", qn)),
		unknown("lang-go-co", "Làng Gò Cỏ", "cooperative_group", addr("", "thị xã Đức Phổ", qn)),
		{id: "htx-bon-van", name: "Hợp tác xã Bốn Vân", kind: "cooperative", addr: addr("", "", qn)},
		{id: "htx-nn-binh-hai", name: "Hợp tác xã Nông nghiệp Bình Hải", kind: "cooperative", addr: addr("xã Bình Hải", "huyện Bình Sơn", qn)},
		{id: "htx-nn-dong-tien", name: "Hợp tác xã Nông nghiệp Đồng Tiến", kind: "cooperative", addr: addr("xã Ia Tơi", "huyện Ia H'Drai", kt)},
		{id: "htx-se-san", name: "Hợp tác xã Sê San", kind: "cooperative", addr: addr("", "", kt)},
		{id: "htx-dv-nn-dak-kan", name: "Hợp tác xã Dịch vụ Nông nghiệp Đăk Kan", kind: "cooperative", addr: addr("xã Đăk Kan", "huyện Ngọc Hồi", kt)},
		unknown("nem-ninh-to", "Nem Ninh Tô", "household", addr("", "", kt)),
		{id: "htx-hoa-nam", name: "Hợp tác xã Hoa Nam", kind: "cooperative", addr: addr("", "huyện Kon Rẫy", kt)},
		unknown("ga-dak-koi", "Gà thả vườn Đăk Kôi", "cooperative_group", addr("xã Đăk Kôi", "huyện Kon Rẫy", kt)),
		{id: "vingin", name: "Công ty cổ phần Vingin", kind: "enterprise", addr: addr("", "", kt)},
		unknown("pylo-mang-den", "Rượu thảo mộc PyLo Măng Đen", "enterprise", addr("", "huyện Kon Plông", kt)),
		{id: "sim-thien-son", name: "Công ty TNHH MTV Sim Thiên Sơn", kind: "enterprise", addr: addr("", "huyện Kon Plông", kt)},
		{id: "apanax", name: "Công ty TNHH APANAX", kind: "enterprise", addr: addr("", "", kt)},
		{id: "yen-sao-kon-tum", name: "Công ty TNHH Yến sào Kon Tum", kind: "enterprise", addr: addr("", "", kt)},
	}
}

// realProducts: the brief's stars on 07/08/2025, with made-up (GL-) decisions except the two it names.
func realProducts() []realProduct {
	c := func(s domain.Stars, dt domain.Date) realStep { return realStep{stars: s, date: dt} }
	qd2361 := realStep{stars: 5, date: d(2025, 6, 26), number: "2361/QĐ-BNNMT", issuer: "Bộ Nông nghiệp và Môi trường"}
	lySon := addr("xã An Vĩnh", "huyện Lý Sơn", qn)
	iaToi := addr("xã Ia Tơi", "huyện Ia H'Drai", kt)
	products := []realProduct{
		{id: "mach-nha-mantoza", name: "Mạch nha Quảng Ngãi đường Mantoza", producer: "nha-quang-ngai", set: "I.6",
			steps: []realStep{{stars: 4, date: d(2023, 12, 25), number: "1425/QĐ-UBND", issuer: "UBND tỉnh Quảng Ngãi"}, qd2361}},
		{id: "toi-ly-son", name: "Tỏi Lý Sơn", producer: "phu-sinh", set: "I.4b", addr: &lySon,
			steps: []realStep{c(4, d(2022, 8, 10)), qd2361}},
		{id: "toi-den-co-don", name: "Tỏi đen cô đơn", producer: "phu-sinh", set: "I.4b", steps: []realStep{c(4, d(2023, 4, 10))}},
		{id: "toi-ly-son-dori", name: "Tỏi Lý Sơn DORI", producer: "dori", set: "I.4b", steps: []realStep{c(4, d(2024, 3, 25))}},
		{id: "toi-den-ly-son-dori", name: "Tỏi đen Lý Sơn DORI", producer: "dori", set: "I.4b", steps: []realStep{c(4, d(2024, 3, 25))}},
		{id: "thit-bo-kho-thu-ba", name: "Thịt bò khô Thu Ba", producer: "thu-ba", set: "I.5", steps: []realStep{c(3, d(2020, 11, 25)), c(4, d(2023, 9, 25))}},
		{id: "luc-binh-gom-my-thien", name: "Lục bình gốm Mỹ Thiện", producer: "hkd-dang-van-trinh", set: "IV.2", steps: []realStep{c(4, d(2023, 10, 10))}},
		{id: "dong-trung-ha-thao-sonita", name: "Đông trùng hạ thảo Sonita", producer: "ninh-truong", set: "III.1", steps: []realStep{c(4, d(2024, 6, 25))}},
		{id: "nhang-que-tra-bong", name: "Nhang quế Trà Bồng", producer: "huong-que-tra-bong", set: "IV.4", steps: []realStep{c(4, d(2022, 10, 10))}},
		{id: "tinh-dau-que-tra-bong", name: "Tinh dầu quế", producer: "huong-que-tra-bong", set: "III.4", steps: []realStep{c(4, d(2023, 6, 10))}},
		{id: "nam-linh-chi-duc-nhuan", name: "Nấm linh chi", producer: "htx-nam-duc-nhuan", set: "III.3", steps: []realStep{c(4, d(2024, 9, 25))}},
		{id: "muoi-tre-sahu", name: "Muối tre SAHU", producer: "muoi-sahu", set: "I.4b", steps: []realStep{c(4, d(2023, 12, 25))}},
		{id: "nuoc-mam-cot-muoi-quy", name: "Nước mắm cốt đặc biệt Mười Quý", producer: "muoi-quy", set: "I.4a", steps: []realStep{c(3, d(2021, 9, 25)), c(4, d(2024, 6, 25))}},
		{id: "tui-xach-tho-cam-y-hoa", name: "Túi xách thổ cẩm Y Hòa", producer: "tho-cam-y-hoa", set: "IV.3", steps: []realStep{c(3, d(2021, 5, 25)), c(4, d(2023, 12, 25))}},
		{id: "diem-du-lich-thanh-co-quang-ngai", name: "Điểm du lịch Thành cổ Quảng Ngãi", producer: "thanh-co-quang-ngai", set: "VI.2", steps: []realStep{c(4, d(2024, 12, 25))}},
		{id: "lang-go-co", name: "Làng Gò Cỏ", producer: "lang-go-co", set: "VI.1", steps: []realStep{c(3, d(2023, 8, 25))}},
		{id: "tinh-bot-nghe-bon-van", name: "Tinh bột nghệ", producer: "htx-bon-van", set: "III.3", steps: []realStep{c(3, d(2024, 4, 10))}},
		{id: "hanh-tim-binh-hai", name: "Hành tím Bình Hải", producer: "htx-nn-binh-hai", set: "I.1", steps: []realStep{c(3, d(2023, 11, 10))}},
		{id: "banh-trang-ca-com-sesan", name: "Bánh tráng cá cơm SESAN", producer: "htx-se-san", set: "I.6", steps: []realStep{c(3, d(2024, 2, 25))}},
		{id: "gao-daka", name: "Gạo DAKA", producer: "htx-dv-nn-dak-kan", set: "I.2", steps: []realStep{c(3, d(2023, 3, 25))}},
		{id: "nem-ninh-to", name: "Nem Ninh Tô", producer: "nem-ninh-to", set: "I.5", steps: []realStep{c(3, d(2022, 12, 10))}},
		{id: "ca-phe-dak-rve", name: "Cà phê Đăk Rve", producer: "htx-hoa-nam", set: "I.8", steps: []realStep{c(3, d(2024, 10, 10))}},
		{id: "ga-tha-vuon-dak-koi", name: "Gà thả vườn Đăk Kôi", producer: "ga-dak-koi", set: "I.3", steps: []realStep{c(3, d(2023, 6, 25))}},
		{id: "ruou-sam-ngoc-linh-k5-premium", name: "Rượu Sâm Ngọc Linh K5 Premium", producer: "vingin", set: "II.1", steps: []realStep{c(4, d(2023, 5, 10))}, potential5: d(2024, 11, 20)},
		{id: "quoc-tuu-k5", name: "Quốc tửu K5", producer: "vingin", set: "II.1", steps: []realStep{c(4, d(2023, 5, 10))}, potential5: d(2024, 11, 20)},
		{id: "ruou-thao-moc-pylo-mang-den", name: "Rượu thảo mộc PyLo Măng Đen", producer: "pylo-mang-den", set: "II.1", steps: []realStep{c(4, d(2024, 5, 25))}},
		{id: "vang-sim-rung-mang-den", name: "Vang sim rừng Măng Đen", producer: "sim-thien-son", set: "II.3", steps: []realStep{c(4, d(2023, 9, 10))}},
		{id: "chuoi-say-joy", name: "Chuối sấy Joy", producer: "apanax", set: "I.6", steps: []realStep{c(4, d(2024, 8, 10))}},
		{id: "mit-say-ohjoy", name: "Mít sấy OHJOY!", producer: "apanax", set: "I.6", steps: []realStep{c(4, d(2024, 8, 10))}},
		{id: "yen-chung-kon-tum", name: "Yến chưng Kon Tum", producer: "yen-sao-kon-tum", set: "II.2", steps: []realStep{c(4, d(2022, 12, 25))}},
	}
	for i := 1; i <= 4; i++ {
		products = append(products, realProduct{id: fmt.Sprintf("nhung-huou-dong-tien-%d", i),
			name: fmt.Sprintf("Nhung hươu Đồng Tiến (sản phẩm %d/4)", i), producer: "htx-nn-dong-tien", set: "III.1",
			addr: &iaToi, steps: []realStep{c(4, d(2023, 7, 25))}})
	}
	return products
}

// ocop generates the OCOP certifications: the real products, then synthetic ones in the numbers
// that make the report's stock figures come out.
func (g *generator) ocop() {
	byStars := map[domain.Stars]int64{}
	for _, p := range realProducers() {
		g.producers[p.id] = p
		g.prodOrder = append(g.prodOrder, p)
	}
	for _, rp := range realProducts() {
		pr := g.producers[rp.producer]
		p := &product{id: rp.id, name: rp.name, set: rp.set, prod: pr, addr: pr.addr}
		if rp.addr != nil {
			p.addr = *rp.addr
		}
		for i, s := range rp.steps {
			dec := g.decision(s.stars, s.date, p.addr)
			if s.number != "" {
				dec = domain.Decision{Number: s.number, Date: s.date, Authority: domain.AuthoritiesFor(s.stars, s.date)[0], Issuer: s.issuer}
			}
			if i == 0 {
				g.certify(p, s.stars, dec)
			} else {
				g.reevaluate(p, s.stars, dec)
			}
		}
		if rp.potential5.Valid() && rp.potential5 != 0 {
			g.decNo++
			g.add(domain.OCOPPotentialFiveStar{ProductID: p.id, Date: rp.potential5,
				Decision: fmt.Sprintf("GL-%04d/QĐ-UBND", g.decNo),
				Note:     "tiềm năng 5 sao, đề nghị Trung ương đánh giá (số hiệu, ngày giả lập)"},
				g.at(rp.potential5, 10), sourceSynthetic)
		}
		byStars[p.last().stars]++
	}
	target := ReportFigures()
	if byStars[5] != target["ocop.valid.stars5"] {
		panic(fmt.Sprintf("demo: %d real 5★ products, the report states %d", byStars[5], target["ocop.valid.stars5"]))
	}
	need4 := int(target["ocop.valid.stars4"] - byStars[4])
	need3 := int(target["ocop.valid.stars3"] - byStars[3])

	// One 3★ product the report counted is revoked by a decision of 28/07/2025 entered only on
	// 10/09/2025 (see late): it is one of the 3★ products valid on 07/08/2025 as then known.
	p := g.newSynthProduct(kt)
	p.addr.District, p.prod.addr.District = "huyện Sa Thầy", "huyện Sa Thầy"
	g.certify(p, 3, g.decision(3, d(2023, 5, 25), p.addr))
	g.revokedLate = p
	need3--

	const lapsed, revoked = 110, 18
	var plan []byte
	for _, n := range []struct {
		kind byte
		n    int
	}{{'4', need4}, {'3', need3}, {'l', lapsed}, {'r', revoked}} {
		for i := 0; i < n.n; i++ {
			plan = append(plan, n.kind)
		}
	}
	g.rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	for _, k := range plan {
		prov := qn
		if g.rng.Intn(10) < 4 {
			prov = kt
		}
		p := g.newSynthProduct(prov)
		switch k {
		case '3', '4':
			g.validOnReportDay(p, domain.Stars(k-'0'))
			g.validSynthetic = append(g.validSynthetic, p)
		case 'l':
			g.lapsedBeforeReport(p)
		case 'r':
			g.revokedBeforeReport(p)
		}
	}
}

var (
	firstCertificate = d(2018, 6, 1)  // the demo's programme starts its certifications here
	lastBatch        = d(2025, 6, 30) // the last synthetic decisions before the report
)

// validOnReportDay gives p a certificate of s stars valid on the report's day, sometimes after
// an earlier certificate that was re-evaluated or that lapsed.
func (g *generator) validOnReportDay(p *product, s domain.Stars) {
	from := ReportDate.AddMonths(-domain.OCOPValidityMonths).AddDays(15)
	cur := g.dateIn(from, lastBatch)
	cur = sessionDate(cur, from, lastBatch)
	switch r := g.rng.Intn(100); {
	case r < 30: // re-evaluated at the end of an earlier certificate
		prev := cur.AddMonths(-31 - g.rng.Intn(5))
		if prev < firstCertificate {
			break
		}
		ps := s
		if s == 3 && g.rng.Intn(100) < 15 {
			ps = 4 // lowered
		} else if s == 4 && g.rng.Intn(2) == 0 {
			ps = 3 // raised
		}
		g.certify(p, ps, g.decision(ps, prev, p.addr))
		g.reevaluate(p, s, g.decision(s, cur, p.addr))
		return
	case r < 42: // an earlier certificate lapsed; certified anew later
		old := cur.AddMonths(-domain.OCOPValidityMonths - 2 - g.rng.Intn(10))
		if old < firstCertificate {
			break
		}
		g.certify(p, 3, g.decision(3, old, p.addr))
		g.lapse(p)
	}
	g.certify(p, s, g.decision(s, cur, p.addr))
}

// lapsedBeforeReport certifies p and lets it lapse before the report's day (sometimes after one
// re-evaluation).
func (g *generator) lapsedBeforeReport(p *product) {
	s := domain.Stars(3)
	if g.rng.Intn(100) < 12 {
		s = 4
	}
	latest := ReportDate.AddMonths(-domain.OCOPValidityMonths).AddDays(-10)
	if g.rng.Intn(100) < 30 {
		first := g.dateIn(firstCertificate, d(2019, 5, 31))
		first = sessionDate(first, firstCertificate, d(2019, 5, 31))
		g.certify(p, s, g.decision(s, first, p.addr))
		re := first.AddMonths(32 + g.rng.Intn(3))
		if re > latest {
			re = latest
		}
		g.reevaluate(p, s, g.decision(s, re, p.addr))
	} else {
		c := sessionDate(g.dateIn(firstCertificate, latest), firstCertificate, latest)
		g.certify(p, s, g.decision(s, c, p.addr))
	}
	g.lapse(p)
}

// revokedBeforeReport certifies p and revokes it before the report's day.
func (g *generator) revokedBeforeReport(p *product) {
	s := domain.Stars(3)
	if g.rng.Intn(100) < 20 {
		s = 4
	}
	c := sessionDate(g.dateIn(d(2019, 1, 1), d(2024, 6, 30)), d(2019, 1, 1), d(2024, 6, 30))
	g.certify(p, s, g.decision(s, c, p.addr))
	r := c.AddMonths(6 + g.rng.Intn(24))
	if end := domain.OCOPValidUntil(c).AddDays(-1); r > end {
		r = end
	}
	if r > lastBatch {
		r = lastBatch
	}
	reason := pick(g.rng, revocationReasons)
	g.revoke(p, r, reason, "", time.Time{})
}

func (g *generator) newSynthProduct(prov string) *product {
	g.synthProducts++
	n := g.synthProducts
	code := "QN"
	if prov == kt {
		code = "KT"
	}
	pr := g.synthProducer(prov)
	return &product{id: fmt.Sprintf("gl-%s-%04d", lower(code), n), name: fmt.Sprintf("Sản phẩm OCOP mẫu %s-%04d (dữ liệu giả lập)", code, n),
		set: pick(g.rng, productSets), prod: pr, addr: pr.addr, synthetic: true}
}

// synthProducer gives the next synthetic producer of a province: each has one to three products.
func (g *generator) synthProducer(prov string) *producer {
	if cur := g.currentProducer[prov]; cur != nil && cur.left > 0 {
		cur.left--
		return cur
	}
	n := 0
	for _, p := range g.prodOrder {
		if p.synthetic {
			n++
		}
	}
	n++
	districts := districtsQN
	if prov == kt {
		districts = districtsKT
	}
	p := &producer{id: fmt.Sprintf("gl-ct-%04d", n), name: fmt.Sprintf("Chủ thể OCOP mẫu CT-%04d (dữ liệu giả lập)", n),
		kind: pick(g.rng, producerKinds), addr: addr("", pick(g.rng, districts), prov), synthetic: true, left: g.rng.Intn(3)}
	g.producers[p.id] = p
	g.prodOrder = append(g.prodOrder, p)
	if g.currentProducer == nil {
		g.currentProducer = map[string]*producer{}
	}
	g.currentProducer[prov] = p
	return p
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// registerProducers records each producer the history names, just before the first entry about
// one of its products; a few synthetic cooperative groups later become cooperatives.
func (g *generator) registerProducers() {
	changed := 0
	for _, p := range g.prodOrder {
		if p.first.IsZero() {
			continue
		}
		src := sourceSynthetic
		if !p.synthetic {
			src = "Hồ sơ chủ thể OCOP (sản phẩm, chủ thể theo tài liệu công khai)"
		}
		g.add(domain.ProducerRegistered{ProducerID: p.id, Name: p.name, Kind: p.kind, Address: p.addr, Synthetic: p.synthetic},
			p.first.Add(-time.Hour), src)
		if p.synthetic && p.kind == "cooperative_group" && changed < 6 {
			on := domain.DateOf(p.first).AddDays(200 + g.rng.Intn(300))
			if on < ReportDate.AddDays(-30) {
				changed++
				g.add(domain.ProducerChanged{ProducerID: p.id, Kind: "cooperative", Effective: on}, g.at(on, 10), sourceSynthetic)
			}
		}
	}
}
