package demo

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/ocopledger/ocopledger/domain"
)

// cnnProduct is a product recognised as a typical rural industrial product (CNNTTB).
type cnnProduct struct {
	id, name, producer string
	addr               domain.Address
	synthetic          bool
	recs               []cnnRec
}

type cnnRec struct {
	level domain.CNNTTBLevel
	round int
}

var levelCode = map[domain.CNNTTBLevel]string{domain.LevelProvince: "T", domain.LevelRegion: "KV", domain.LevelNational: "QG"}

// issued returns the day a certificate of the round is issued: province in August–September of
// the round's year, region in October–November, national in April–May of the next year.
func (g *generator) issued(level domain.CNNTTBLevel, round int) domain.Date {
	switch level {
	case domain.LevelRegion:
		return d(round, 10, 20).AddDays(g.rng.Intn(30))
	case domain.LevelNational:
		return d(round+1, 4, 1).AddDays(g.rng.Intn(60))
	}
	return d(round, 8, 1).AddDays(g.rng.Intn(45))
}

// cnnttb generates the CNNTTB rounds 2012, 2014 … 2024 at province, region and national level, in
// the numbers of the report: distinct products ever recognised (160 / 42 / 17) and still valid on
// 07/08/2025 (31 = 17 of 2022 + 14 of 2024 / 14 / 2).
func (g *generator) cnnttb() {
	target := ReportFigures()
	var all []*cnnProduct
	n := 0
	synth := func() *cnnProduct {
		n++
		prov := qn
		if g.rng.Intn(10) < 4 {
			prov = kt
		}
		districts := districtsQN
		if prov == kt {
			districts = districtsKT
		}
		p := &cnnProduct{id: fmt.Sprintf("gl-cn-%04d", n), name: fmt.Sprintf("Sản phẩm CNNTTB mẫu CN-%04d (dữ liệu giả lập)", n),
			producer: fmt.Sprintf("Cơ sở CNNT mẫu CS-%04d (dữ liệu giả lập)", n), addr: addr("", pick(g.rng, districts), prov), synthetic: true}
		all = append(all, p)
		return p
	}
	real := func(id, name, producer string, a domain.Address) *cnnProduct {
		if producer == "" {
			producer = "Chủ thể sản phẩm " + name + " (tên chủ thể giả lập)"
		}
		p := &cnnProduct{id: id, name: name, producer: producer, addr: a}
		all = append(all, p)
		return p
	}

	// Still valid: the 2022 and 2024 provincial rounds; the regional ones of those rounds; the
	// two national ones the report names.
	thuBa := real("bo-kho-thu-ba", "Bò khô Thu Ba", "Công ty TNHH Sản xuất và Thương mại Thu Ba", addr("", "thành phố Quảng Ngãi", qn))
	dato := real("tra-sam-day-ngoc-linh-dato", "Trà sâm dây Ngọc Linh DATO", "", addr("", "", kt))
	p22 := []*cnnProduct{thuBa, dato}
	for len(p22) < 17 {
		p22 = append(p22, synth())
	}
	var p24 []*cnnProduct
	for _, name := range []string{"Bộ bình ly quế", "Cà vạt thổ cẩm", "Mật mía Miền Xanh", "Nước mắm cốt Mười Quý",
		"Cốm tảo xoắn Spirulina", "Cá bống sông Trà Hương Vị Mới", "Bộ sản phẩm Ấn Trà", "Bộ sản phẩm nhang quế",
		"Đông trùng hạ thảo sấy thăng hoa"} {
		p24 = append(p24, real("cn-"+slug(name), name, "", addr("", "", qn)))
	}
	for len(p24) < int(target["cnnttb.valid.province"])-len(p22) {
		p24 = append(p24, synth())
	}
	for _, p := range p22 {
		p.recs = append(p.recs, cnnRec{domain.LevelProvince, 2022})
	}
	for _, p := range p24 {
		p.recs = append(p.recs, cnnRec{domain.LevelProvince, 2024})
	}
	// Regional, still valid: 9 of the 2022 round (with the two national ones), the rest of 2024
	// (synthetic products only: the demo claims no regional title for a real product it does not know of).
	validRegion := int(target["cnnttb.valid.region"])
	for _, p := range p22[:9] {
		p.recs = append(p.recs, cnnRec{domain.LevelRegion, 2022})
	}
	for _, p := range p24[9 : 9+validRegion-9] {
		p.recs = append(p.recs, cnnRec{domain.LevelRegion, 2024})
	}
	thuBa.recs = append(thuBa.recs, cnnRec{domain.LevelNational, 2022})
	dato.recs = append(dato.recs, cnnRec{domain.LevelNational, 2022})
	// A few of the 2022 winners had won an earlier round too.
	for _, p := range p22[10:14] {
		p.recs = append([]cnnRec{{domain.LevelProvince, 2018}}, p.recs...)
	}

	// No longer valid: the rounds 2012–2020, with the rest of the products ever recognised.
	oldRounds := []int{2012, 2014, 2016, 2018, 2020}
	oldProvince := int(target["cnnttb.recognized.province"]) - len(p22) - len(p24)
	oldRegion := int(target["cnnttb.recognized.region"] - target["cnnttb.valid.region"])
	oldNational := int(target["cnnttb.recognized.national"] - target["cnnttb.valid.national"])
	var old []*cnnProduct
	for i := 0; i < oldProvince; i++ {
		p := synth()
		round := oldRounds[i*len(oldRounds)/oldProvince]
		p.recs = append(p.recs, cnnRec{domain.LevelProvince, round})
		old = append(old, p)
	}
	// Spread the regional winners over the old products (so over the rounds), and the national
	// winners over the regional ones: exactly oldRegion and oldNational of them.
	for i := 0; i < oldRegion; i++ {
		p := old[i*len(old)/oldRegion]
		p.recs = append(p.recs, cnnRec{domain.LevelRegion, p.recs[0].round})
		if (i+1)*oldNational/oldRegion > i*oldNational/oldRegion {
			p.recs = append(p.recs, cnnRec{domain.LevelNational, p.recs[0].round})
		}
	}
	// Some old winners won the provincial title again four years later (still before 2022).
	for i, p := range old {
		if r := p.recs[0].round; i%9 == 4 && r <= 2016 {
			p.recs = append(p.recs, cnnRec{domain.LevelProvince, r + 4})
		}
	}

	for _, p := range all {
		g.recordCNNTTB(p)
	}
}

// recordCNNTTB records a product's recognitions in date order, and the expiry of some of those
// that ended before the report.
func (g *generator) recordCNNTTB(p *cnnProduct) {
	type item struct {
		on domain.Date
		e  domain.Event
	}
	var items []item
	for _, r := range p.recs {
		g.cnnNo++
		on := g.issued(r.level, r.round)
		number := fmt.Sprintf("GL-%03d/%d/CNNTTB-%s", g.cnnNo, r.round, levelCode[r.level])
		items = append(items, item{on, domain.CNNTTBRecognized{ProductID: p.id, ProductName: p.name, ProducerName: p.producer,
			Level: r.level, RoundYear: r.round, Certificate: number, IssuedOn: on, Address: p.addr, Synthetic: p.synthetic}})
		if until := domain.CNNTTBValidUntil(on); until <= ReportDate && g.rng.Intn(2) == 0 {
			items = append(items, item{until, domain.CNNTTBExpired{ProductID: p.id, Level: r.level, Certificate: number, ExpiredOn: until}})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].on < items[j].on })
	src := sourceSynthetic
	if !p.synthetic {
		src = "Chứng nhận CNNTTB (sản phẩm thật; số chứng nhận, ngày cấp giả lập)"
	}
	for _, it := range items {
		g.add(it.e, g.at(it.on, 25), src)
	}
}

// slug turns a Vietnamese name into an id: "Mật mía Miền Xanh" → "mat-mia-mien-xanh".
func slug(s string) string {
	s = strings.ToLower(strings.NewReplacer("Đ", "d", "đ", "d").Replace(s))
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
