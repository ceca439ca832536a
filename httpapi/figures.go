package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
)

// FiguresAnswer answers a figures query: GET /v1/figures and `ocopledger figures --json` alike.
type FiguresAnswer struct {
	projections.Result
	// Provenance: the log prefix the figures were read from (its size is Position).
	Provenance checkpoint.Provenance `json:"provenance"`
}

// AnswerFigures assembles the answer to a figures query — every figure and the breakdowns by
// dims (labelled in lang), read at one knowledge time (the clock's when q asks as known now),
// with the provenance of the log prefix they were read from. The API and the command line both
// answer with it.
func AnswerFigures(ctx context.Context, p *projections.Projection, q domain.Query, dims []string, lang string,
	provenance func(context.Context, uint64) checkpoint.Provenance) (FiguresAnswer, error) {
	res, err := p.FiguresBy(ctx, q, dims, lang)
	if err != nil {
		return FiguresAnswer{}, err
	}
	return FiguresAnswer{res, provenance(ctx, res.Position)}, nil
}

func (s *Server) handleFigures(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "as_of", "known_at", "from", "by", "lang", "format", "sep")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fq, err := s.figureQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dims, lang, err := dimensions(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, opts, err := tableFormat(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := AnswerFigures(r.Context(), s.cfg.Projection, fq, dims, lang, s.provenanceOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format.File() {
		s.writeTable(w, r, tables.Figures(a.Result, fq, a.Provenance, lang), format, opts)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func dimensions(q query) ([]string, string, error) {
	lang, err := q.lang()
	if err != nil {
		return nil, "", err
	}
	by := q.get("by")
	if by == "" {
		return nil, lang, nil
	}
	var out []string
	for _, d := range strings.Split(by, ",") {
		d = strings.TrimSpace(d)
		ok := false
		for _, k := range domain.Dimensions() {
			ok = ok || k == d
		}
		if !ok {
			return nil, "", domain.Invalid("by", "%q is not a dimension; give one or more of %s, separated by commas", d, strings.Join(domain.Dimensions(), ", "))
		}
		out = append(out, d)
	}
	return out, lang, nil
}

// figureResponse answers GET /v1/figures/{id}.
type figureResponse struct {
	Figure   domain.Figure               `json:"figure"`
	Label    string                      `json:"label"`
	Value    int64                       `json:"value"`
	AsOf     domain.Date                 `json:"as_of"`
	KnownAt  time.Time                   `json:"known_at"`
	From     domain.Date                 `json:"from"`
	Position uint64                      `json:"position"`
	By       map[string]map[string]int64 `json:"by,omitempty"` // dimension → value → count
	Items    []projections.ExplainItem   `json:"items,omitempty"`
	// Warnings name the entries up to Position the figure leaves out (see projections.Result).
	Warnings []projections.Quarantined `json:"warnings,omitempty"`
	// Provenance: the log prefix the answer was read from (its size is Position).
	Provenance checkpoint.Provenance `json:"provenance"`
}

// unknownFigure is the 404 of a figure ID that is not one of domain.Figures, listing them.
func unknownFigure(id string) error {
	var ids []string
	for _, f := range domain.Figures() {
		ids = append(ids, f.ID)
	}
	err := domain.NotFound("%q is not a figure ID; known figures: %s", id, strings.Join(ids, ", "))
	err.Field, err.Value = "figure", id
	return err
}

func (s *Server) figureCommon(w http.ResponseWriter, r *http.Request, extra ...string) (figureResponse, query, bool) {
	id := r.PathValue("id")
	f, ok := domain.LookupFigure(id)
	if !ok {
		s.fail(w, r, unknownFigure(id))
		return figureResponse{}, query{}, false
	}
	q, err := params(r, append([]string{"as_of", "known_at", "from", "lang"}, extra...)...)
	if err != nil {
		s.fail(w, r, err)
		return figureResponse{}, query{}, false
	}
	fq, err := s.figureQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return figureResponse{}, query{}, false
	}
	lang, err := q.lang()
	if err != nil {
		s.fail(w, r, err)
		return figureResponse{}, query{}, false
	}
	res := s.cfg.Projection.Figures(fq)
	return figureResponse{Figure: f, Label: f.Label(lang), Value: res.Figures[id], AsOf: res.AsOf, KnownAt: res.KnownAt,
		From: res.From, Position: res.Position, Warnings: res.Warnings, Provenance: s.provenanceOf(r.Context(), res.Position)}, q, true
}

func (s *Server) handleFigure(w http.ResponseWriter, r *http.Request) {
	resp, q, ok := s.figureCommon(w, r, "by")
	if !ok {
		return
	}
	dims, lang, err := dimensions(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fq := domain.Query{AsOf: resp.AsOf, KnownAt: resp.KnownAt, From: resp.From}
	for _, d := range dims {
		if resp.By == nil {
			resp.By = map[string]map[string]int64{}
		}
		b, err := s.cfg.Projection.Breakdown(r.Context(), fq, d, lang)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		resp.By[d] = b[resp.Figure.ID]
		if resp.By[d] == nil {
			s.fail(w, r, domain.Invalid("by", "%s cannot be broken down by %s; it can by: %s", resp.Figure.ID, d, strings.Join(resp.Figure.Dims, ", ")))
			return
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handleExplain(w http.ResponseWriter, r *http.Request) {
	resp, q, ok := s.figureCommon(w, r, "format", "sep", "limit", "after")
	if !ok {
		return
	}
	format, opts, err := tableFormat(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, paged, err := s.explainPage(w, r, resp, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case paged && !format.File():
		writeJSON(w, http.StatusOK, explainPageResponse{resp, page.Items, page.Next})
		return
	case !format.File():
		s.streamExplain(w, r, resp)
		return
	}
	fq := domain.Query{AsOf: resp.AsOf, KnownAt: resp.KnownAt, From: resp.From}
	items := page.Items
	if !paged {
		if items, err = s.cfg.Projection.Explain(r.Context(), resp.Figure.ID, fq); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	lang, _ := q.lang() // checked by figureCommon
	s.writeTable(w, r, tables.Explain(resp.Figure, items, resp.Value, page.Next, fq, resp.Provenance, lang), format, opts)
}

// timelineResponse answers GET /v1/figures/{id}/timeline.
type timelineResponse struct {
	Figure  string              `json:"figure"`
	From    domain.Date         `json:"from"`
	To      domain.Date         `json:"to"`
	Step    string              `json:"step"`
	KnownAt time.Time           `json:"known_at"`
	Period  domain.Date         `json:"period_from"`
	Points  []projections.Point `json:"points"`
	// Warnings name the entries the figures leave out (see projections.Result).
	Warnings []projections.Quarantined `json:"warnings,omitempty"`
}

func (s *Server) handleTimeline(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := domain.LookupFigure(id); !ok {
		s.fail(w, r, unknownFigure(id))
		return
	}
	q, err := params(r, "from", "to", "step", "known_at", "period_from", "format", "sep")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := domain.DateOf(s.cfg.Now())
	to, err := q.date("to", today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, err := q.date("from", domain.ReportPeriodStart)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	known, err := q.knownAt("known_at")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	period, err := q.date("period_from", domain.ReportPeriodStart)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	step := q.get("step")
	if step == "" {
		step = "month"
	}
	format, opts, err := tableFormat(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pts, err := s.cfg.Projection.Timeline(id, from, to, step, known, period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format.File() {
		lang, _ := q.lang() // checked by params
		f, _ := domain.LookupFigure(id)
		s.writeTable(w, r, tables.Timeline(f, pts, from, to, step, known, lang), format, opts)
		return
	}
	writeJSON(w, http.StatusOK, timelineResponse{Figure: id, From: from, To: to, Step: step, KnownAt: known, Period: period, Points: pts,
		Warnings: s.cfg.Projection.QuarantinedAt(known)})
}

func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "as_of", "known_at", "from", "vs", "format", "sep")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fq, err := s.figureQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if q.get("known_at") == "" {
		fq.KnownAt = fq.AsOf.EndOfDay() // what a report filed that day could know
	}
	vs, err := q.knownAt("vs")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, opts, err := tableFormat(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.cfg.Projection.Diff(r.Context(), fq, vs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv := s.provenanceOf(r.Context(), max(res.Positions[0], res.Positions[1]))
	if format.File() {
		lang, _ := q.lang() // checked by params
		s.writeTable(w, r, tables.Diff(res, pv, lang), format, opts)
		return
	}
	if res.Changes == nil {
		res.Changes = []projections.Change{}
	}
	writeJSON(w, http.StatusOK, struct {
		projections.DiffResult
		// Provenance: the log prefix the later of the two answers was read from (the earlier is a
		// prefix of it).
		Provenance checkpoint.Provenance `json:"provenance"`
	}{res, pv})
}

// expiringResponse answers GET /v1/expiring.
type expiringResponse struct {
	AsOf   domain.Date          `json:"as_of"`
	Within int                  `json:"within"`
	Items  []projections.Expiry `json:"items"`
}

func (s *Server) handleExpiring(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "as_of", "known_at", "within", "format", "sep")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fq, err := s.figureQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	within, err := q.uint("within", 30)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if within > 3660 {
		s.fail(w, r, domain.Invalid("within", "%d days is not a window: give 0 to 3660 days", within))
		return
	}
	format, opts, err := tableFormat(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.cfg.Projection.Expiring(r.Context(), fq, int(within))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format.File() {
		lang, _ := q.lang() // checked by params
		pv := s.provenanceOf(r.Context(), s.cfg.Projection.Figures(fq).Position)
		s.writeTable(w, r, tables.Expiring(items, fq, int(within), pv, lang), format, opts)
		return
	}
	if items == nil {
		items = []projections.Expiry{}
	}
	writeJSON(w, http.StatusOK, expiringResponse{AsOf: fq.AsOf, Within: int(within), Items: items})
}

func (s *Server) handleDefinitions(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"figures":     domain.Figures(),
		"event_types": domain.EventTypes(),
		"dimensions":  domain.Dimensions(),
	})
}

func (s *Server) handleRebuild(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Rebuild == nil {
		s.fail(w, r, withStatus(http.StatusNotImplemented, domain.CodeInternal,
			domain.Internal("this server cannot rebuild its read models")))
		return
	}
	end, err := s.cfg.Store.LastSequence(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.ready.Store(false)
	if err := s.cfg.Rebuild(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Warn("read models reset; rebuilding from the log", "by", IdentityFrom(r.Context()), "until", end)
	go s.awaitReady(s.runCtx(r.Context()), end)
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "rebuilding", "until": end, "ready": "/readyz"})
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "up"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	// A rebuild the server did not ask for (read models found broken) counts as well.
	st := s.cfg.Projection.Status()
	rebuilding := s.cfg.Projection.Rebuilding()
	ready := s.Ready() && !rebuilding
	body := map[string]any{"ready": ready, "rebuilding": rebuilding, "checkpoint": st.Checkpoint, "head": s.hub.head()}
	// A ledger whose disk is full cannot record: not ready, so that a load balancer sends
	// entries to an instance that can take them and an operator's probe sees why.
	if err := s.storageProblem(); err != nil {
		ready = false
		body["ready"], body["storage"] = false, storageReason(r, err)
	}
	if err := s.HistoryError(); err != nil {
		ready = false
		body["ready"], body["reason"] = false, errorDetail{Code: domain.ErrorCode(err), Message: i18n.Localize(err, errorLang(r)), MessageEN: err.Error()}
	}
	degraded(body, st)
	if !ready {
		writeJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// storageProblem says whether the store can write appends now (nil without a store).
func (s *Server) storageProblem() error {
	if s.cfg.Store == nil {
		return nil
	}
	return s.cfg.Store.CheckStorage()
}

// storageReason is why /readyz says the ledger cannot record, in the reader's language.
func storageReason(r *http.Request, err error) string {
	return i18n.Localize(ledger.StoreError(err), errorLang(r))
}
