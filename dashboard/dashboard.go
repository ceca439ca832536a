// Package dashboard serves the ledger's web page: one HTML page, its stylesheet and script, all
// embedded in the binary so that the page works offline and fetches nothing from elsewhere.
//
// The page reads the HTTP API of the same origin (/v1/figures, /v1/figures/{id}/explain,
// /v1/figures/{id}/timeline, /v1/expiring, /v1/log) and follows its two event streams
// (/v1/stream/events, /v1/stream/figures) to update without a reload. Its wording is Vietnamese
// by default, with an English switch; the labels of figures and of the values they break down by
// come from the domain package (GET /assets/labels.json), so the page and the CLI never disagree.
package dashboard

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

//go:embed assets
var files embed.FS

// contentSecurityPolicy keeps the page to its own origin: no CDN, no remote font, no inline
// script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page at "/" and its assets under "/assets/". Mount it on both patterns,
// e.g. mux.Handle("GET /{$}", h) and mux.Handle("GET /assets/", h).
func Handler() http.Handler {
	sub, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	labels := Labels()
	started := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The binary is the version: revalidate each time, the answers are tiny.
		h.Set("Cache-Control", "no-cache")
		var name string
		switch {
		case r.URL.Path == "/" || r.URL.Path == "":
			name = "index.html"
		case strings.HasPrefix(r.URL.Path, "/assets/"):
			name = path.Clean(strings.TrimPrefix(r.URL.Path, "/assets/"))
		default:
			http.NotFound(w, r)
			return
		}
		if name == "labels.json" {
			h.Set("Content-Type", "application/json; charset=utf-8")
			http.ServeContent(w, r, name, started, bytes.NewReader(labels))
			return
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil || name == "." {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, name, started, bytes.NewReader(b))
	})
}

// Label is a wording in the page's two languages.
type Label struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// labelSet is what GET /assets/labels.json returns.
type labelSet struct {
	Figures []domain.Figure             `json:"figures"`
	Values  map[string]map[string]Label `json:"values"` // dimension → value → label
}

// Labels returns the JSON of the figure definitions (in the report's order) and of the labels
// of the values the page shows: producer kinds, authorities, levels, funding, site types, trade
// event kinds, platforms and product sets.
func Labels() []byte {
	vals := map[string]map[string]Label{}
	add := func(dim, key string, f func(lang string) string) {
		if vals[dim] == nil {
			vals[dim] = map[string]Label{}
		}
		vals[dim][key] = Label{VI: f("vi"), EN: f("en")}
	}
	for _, k := range []domain.ProducerKind{"enterprise", "cooperative", "cooperative_group", "household"} {
		add(domain.DimProducerKind, string(k), k.Label)
	}
	for _, k := range []domain.Authority{domain.AuthorityDistrict, domain.AuthorityProvince, domain.AuthorityMinistry} {
		add(domain.DimAuthority, string(k), k.Label)
	}
	for _, k := range []domain.CNNTTBLevel{domain.LevelDistrict, domain.LevelCommune, domain.LevelProvince, domain.LevelRegion, domain.LevelNational} {
		add(domain.DimLevel, string(k), k.Label)
	}
	for _, k := range []domain.Funding{domain.FundingMinistry, domain.FundingProvince, domain.FundingPrivate} {
		add(domain.DimFunding, string(k), k.Label)
	}
	for _, k := range domain.SiteTypes() {
		add(domain.DimSiteType, string(k), k.Label)
	}
	for _, k := range []domain.TradeEventKind{domain.KindProvincialFair, domain.KindDistrictFair, domain.KindMarketSession, domain.KindConference, domain.KindOutsideFair} {
		add(domain.DimEventKind, string(k), k.Label)
	}
	for _, k := range []domain.Platform{"quangngaitrade", "kontumtrade", "shopee", "voso", "postmart", "lazada", "tiki", "tiktok"} {
		add(domain.DimPlatform, string(k), k.Label)
	}
	for _, k := range []domain.ProductSet{"I.1", "I.2", "I.3", "I.4a", "I.4b", "I.5", "I.6", "I.7", "I.8", "II.1", "II.2", "II.3",
		"III.1", "III.2", "III.3", "III.4", "IV.1", "IV.2", "IV.3", "IV.4", "V.1", "V.2", "V.3", "VI.1", "VI.2", "VI.3"} {
		add(domain.DimProductSet, string(k), k.Label)
	}
	b, err := json.Marshal(labelSet{Figures: domain.Figures(), Values: vals})
	if err != nil {
		panic(err) // plain strings only
	}
	return b
}
