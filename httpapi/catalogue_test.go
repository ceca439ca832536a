package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
)

// GET /v1/catalogue answers without a token with the domain's tables and their labels.
func TestCatalogue(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	r := e.get("/v1/catalogue", "")
	if r.Status != 200 {
		t.Fatalf("GET /v1/catalogue without a token: %d %s", r.Status, r.Body)
	}
	var c struct {
		EventTypes []struct {
			Type  string       `json:"type"`
			Label domain.Label `json:"label"`
		} `json:"event_types"`
		FigureGroups []struct {
			ID      string       `json:"id"`
			Label   domain.Label `json:"label"`
			Figures []string     `json:"figures"`
		} `json:"figure_groups"`
		Figures []struct {
			ID    string `json:"id"`
			VI    string `json:"vi"`
			Group string `json:"group"`
		} `json:"figures"`
		Dimensions []struct {
			ID    string       `json:"id"`
			Label domain.Label `json:"label"`
			Enum  string       `json:"enum"`
		} `json:"dimensions"`
		Enumerations []struct {
			ID     string `json:"id"`
			Values []struct {
				Value any          `json:"value"`
				Label domain.Label `json:"label"`
			} `json:"values"`
		} `json:"enumerations"`
	}
	if err := json.Unmarshal(r.Body, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.EventTypes) != len(domain.EventTypes()) {
		t.Errorf("%d event types, want %d", len(c.EventTypes), len(domain.EventTypes()))
	}
	for _, et := range c.EventTypes {
		if et.Type == domain.TypeOCOPCertified && et.Label.VI != "Cấp chứng nhận OCOP" {
			t.Errorf("ocop.certified is labelled %+v", et.Label)
		}
	}
	inGroup := 0
	for _, g := range c.FigureGroups {
		inGroup += len(g.Figures)
		if g.Label.VI == "" || g.Label.EN == "" {
			t.Errorf("group %s has no label", g.ID)
		}
	}
	if inGroup != len(domain.Figures()) || len(c.Figures) != len(domain.Figures()) {
		t.Errorf("%d figures in groups, %d listed; want %d", inGroup, len(c.Figures), len(domain.Figures()))
	}
	if len(c.Dimensions) != len(domain.Dimensions()) || c.Dimensions[0].ID != domain.DimStars {
		t.Errorf("dimensions %+v; want the domain's %v", c.Dimensions, domain.Dimensions())
	}
	found := false
	for _, en := range c.Enumerations {
		for _, v := range en.Values {
			if en.ID == domain.EnumFunding && v.Value == "private" {
				found = v.Label.VI == "xã hội hóa 100%"
			}
		}
	}
	if !found {
		t.Errorf("the funding 'private' is not labelled with the domain's wording")
	}
}
