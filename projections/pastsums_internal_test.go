package projections

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// TestPastSumsMatchTheDeltas checks the past sums of a breakdown against the plain sum of the
// deltas before n with a day on or before the day asked, for random deltas whose lags cluster
// as a ledger's do (within days of their recording, an expiry years ahead, late recordings
// years behind) and for random (n, day): with blocks of a few deltas, merged or not, read
// while more deltas arrive.
func TestPastSumsMatchTheDeltas(t *testing.T) {
	for round := range 12 {
		func() {
			defer set(&snapshotEvery, 1+round*37)()
			defer set(&pastBlock, 1+round%5*3)()
			defer set(&pastBudget, []int{1 << 20, 2000, 0}[round%3])()
			r := rand.New(rand.NewSource(int64(round)))
			x := newIndex()
			ft := newFacetTables()
			for i := range 7 {
				ft.places = append(ft.places, domain.Address{Commune: fmt.Sprintf("xã %d", i), Province: "Quảng Ngãi"})
			}
			v := newValuation(domain.DimCommune, "vi", "", domain.NewUnitMap())
			split := -1
			for f := range figures {
				if v.figs[f] {
					split = f
					break
				}
			}
			if split < 0 {
				t.Fatal("no figure is split by commune")
			}
			day0 := dayIndex(domain.MustDate(2015, 1, 1))
			seq, rec := uint32(0), day0
			addSome := func(k int) {
				for range k {
					seq++
					rec += r.Intn(2)
					x.addClockNS(uint64(seq), int64(rec+10957)*24*3600*1e9)
					for range 1 + r.Intn(3) {
						lag := []int{0, -r.Intn(20), 1095 + r.Intn(30), -400 - r.Intn(2000), r.Intn(400)}[r.Intn(5)]
						fig := split
						if r.Intn(4) == 0 {
							fig = r.Intn(len(figures))
						}
						d := int8(1)
						if r.Intn(3) == 0 {
							d = -1
						}
						x.addDelta(delta{seq: seq, place: uint32(1 + r.Intn(len(ft.places))), day: uint16(max(rec+lag, 0)), fig: uint8(fig), d: d})
					}
				}
				x.lastSeq = uint64(seq)
			}
			addSome(300)
			v.build(x, ft)
			for q := range 300 {
				switch q {
				case 100:
					addSome(50) // deltas the valuation has not summed yet
				case 150:
					// Another valuation extends the blocks the two share; this one sums the
					// deltas again, with a commune more or not.
					if round%2 == 0 {
						ft.places = append(ft.places, domain.Address{Commune: "xã mới", Province: "Quảng Ngãi"})
					}
					addSome(80)
					w := newValuation(domain.DimStars, "vi", "", domain.NewUnitMap())
					w.build(x, ft)
					w.sumsUpTo(x, ft, x.n, day0, make([][]int64, len(figures)))
					v.build(x, ft)
				case 200:
					addSome(30)
				}
				n, day := r.Intn(x.n+1), day0-30+r.Intn(rec-day0+1200)
				got := make([][]int64, len(figures))
				v.sumsUpTo(x, ft, n, day, got)
				want := make([][]int64, len(figures))
				x.each(0, n, func(d delta) {
					if v.figs[d.fig] && int(d.day) <= day {
						k := v.value(ft, d)
						for len(want[d.fig]) <= int(k) {
							want[d.fig] = append(want[d.fig], 0)
						}
						want[d.fig][k] += int64(d.d)
					}
				})
				for f := range figures {
					for k := range max(len(got[f]), len(want[f])) {
						var g, w int64
						if k < len(got[f]) {
							g = got[f][k]
						}
						if k < len(want[f]) {
							w = want[f][k]
						}
						if g != w {
							t.Fatalf("round %d question %d: figure %s, %s, deltas before %d, days ≤ %d: past sums %d, the deltas %d", round, q, figures[f].ID, v.values[k], n, day, g, w)
						}
					}
				}
			}
		}()
	}
}
