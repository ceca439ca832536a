package httpapi

import (
	"net/http"

	"github.com/ocopledger/ocopledger/domain"
)

// Catalogue is what GET /v1/catalogue returns: the domain's descriptor tables (event types,
// figures and their groups, breakdown dimensions, enumerations) with their labels in both
// languages, so that the dashboard and other clients keep no lists of their own.
type Catalogue struct {
	EventTypes   []CatalogueEventType   `json:"event_types"`
	FigureGroups []CatalogueFigureGroup `json:"figure_groups"`
	Figures      []CatalogueFigure      `json:"figures"`
	Dimensions   []domain.Dimension     `json:"dimensions"`
	Enumerations []domain.Enumeration   `json:"enumerations"`
}

// CatalogueEventType is an event type of the catalogue.
type CatalogueEventType struct {
	Type   string       `json:"type"`
	Schema int          `json:"schema"`
	Label  domain.Label `json:"label"`
}

// CatalogueFigureGroup is a heading of figures and the figures under it, in the report's order.
type CatalogueFigureGroup struct {
	ID      string       `json:"id"`
	Label   domain.Label `json:"label"`
	Figures []string     `json:"figures"`
}

// CatalogueFigure is a figure's definition with the group it is shown in.
type CatalogueFigure struct {
	domain.Figure
	Group string `json:"group"`
}

// NewCatalogue builds the catalogue from the domain's tables.
func NewCatalogue() Catalogue {
	c := Catalogue{Dimensions: domain.DimensionDescriptors(), Enumerations: domain.Enumerations()}
	for _, t := range domain.EventTypeDescriptors() {
		c.EventTypes = append(c.EventTypes, CatalogueEventType{t.Name, t.Schema, t.Label})
	}
	for _, g := range domain.FigureGroups() {
		cg := CatalogueFigureGroup{ID: g.ID, Label: g.Label, Figures: []string{}}
		for _, f := range domain.Figures() {
			if f.Group == g.ID {
				cg.Figures = append(cg.Figures, f.ID)
			}
		}
		c.FigureGroups = append(c.FigureGroups, cg)
	}
	for _, f := range domain.Figures() {
		c.Figures = append(c.Figures, CatalogueFigure{f, f.Group})
	}
	return c
}

func (s *Server) handleCatalogue(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NewCatalogue())
}
