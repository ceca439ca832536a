package domain

import "strings"

// UnitMap is the dated mapping of administrative units built from UnitsMerged events: it turns an
// address as recorded into the current commune and the former province, without rewriting it.
type UnitMap struct {
	byOld map[string]UnitMapping // fold(old commune|old district|old province) → mapping
	byNew map[string]string      // fold(new commune) → former province (as recorded, e.g. "Kon Tum")
}

// NewUnitMap returns an empty mapping.
func NewUnitMap() *UnitMap {
	return &UnitMap{byOld: map[string]UnitMapping{}, byNew: map[string]string{}}
}

// Add records a reorganisation's mappings.
func (m *UnitMap) Add(e UnitsMerged) {
	for _, u := range e.Units {
		m.byOld[oldKey(u.OldCommune, u.OldDistrict, u.OldProvince)] = u
		m.byOld[oldKey(u.OldCommune, "", u.OldProvince)] = u
		if _, ok := m.byNew[fold(u.NewCommune)]; !ok {
			m.byNew[fold(u.NewCommune)] = u.OldProvince
		}
	}
}

func oldKey(c, d, p string) string { return fold(c) + "|" + fold(d) + "|" + fold(p) }

// FormerProvince returns the province, before 01/07/2025, of a place as recorded.
func (m *UnitMap) FormerProvince(a Address) FormerProvince {
	p := fold(a.Province)
	switch {
	case strings.Contains(p, "kon tum") || strings.Contains(p, "kontum"):
		return FormerKonTum
	case strings.Contains(p, "quảng ngãi") && a.District != "":
		return FormerQuangNgai
	}
	if c := fold(a.Commune); m != nil && c != "" {
		if old, ok := m.byNew[c]; ok {
			// Commune "" ends the recursion, even for a stored mapping to an empty new commune.
			return m.FormerProvince(Address{Province: old, District: "-"})
		}
	}
	if strings.Contains(p, "quảng ngãi") {
		// A Quảng Ngãi address without a district: before the merger that is still the old province.
		return FormerQuangNgai
	}
	return FormerUnknown
}

// CurrentCommune returns the commune-level unit that a recorded address belongs to today.
func (m *UnitMap) CurrentCommune(a Address) string {
	if m != nil && a.Commune != "" {
		if u, ok := m.byOld[oldKey(a.Commune, a.District, a.Province)]; ok {
			return u.NewCommune
		}
		if u, ok := m.byOld[oldKey(a.Commune, "", a.Province)]; ok {
			return u.NewCommune
		}
	}
	if a.Commune == "" {
		return "(không rõ)"
	}
	return a.Commune
}

// Dimension returns the value of a breakdown dimension for an item's attributes, in a language
// ("" for a dimension that does not exist).
func (m *UnitMap) Dimension(dim string, a Attrs, lang string) string {
	d, ok := dimensionIndex[dim]
	if !ok {
		return ""
	}
	return d.value(m, a, lang)
}
