package httpapi

import (
	"net/http"

	"github.com/ocopledger/ocopledger/metrics"
)

func (s *Server) buildRoutes() []Route {
	r := func(method, path, role, summary string, h http.HandlerFunc) Route {
		return Route{Method: method, Path: path, Role: role, Summary: summary, handler: h}
	}
	routes := []Route{
		r("POST", "/v1/events/{type}", "recorder", "Record an event", s.handleRecord),
		r("POST", "/v1/imports", "recorder", "Import a spreadsheet (XLSX or CSV) of a kind: every row checked, stored only when all are valid (or the valid ones, partial=true)", s.handleImport),
		r("GET", "/v1/log", "viewer", "Read the log, paged", s.handleLog),
		r("GET", "/v1/figures", "viewer", "Every figure on a day, as known at a time", s.handleFigures),
		r("GET", "/v1/figures/{id}", "viewer", "One figure", s.handleFigure),
		r("GET", "/v1/figures/{id}/explain", "viewer", "The items a figure counts and the events behind them", s.handleExplain),
		r("GET", "/v1/figures/{id}/timeline", "viewer", "A figure day by day, week by week or month by month", s.handleTimeline),
		r("GET", "/v1/definitions", "viewer", "Figure definitions, event types and dimensions", s.handleDefinitions),
		r("GET", "/v1/catalogue", "", "Event types, figures, dimensions and enumerations, with their labels in Vietnamese and English", s.handleCatalogue),
		r("GET", "/v1/diff", "viewer", "Figures of a day as known at two times, and the entries in between", s.handleDiff),
		r("GET", "/v1/expiring", "viewer", "Certificates whose validity ends soon", s.handleExpiring),
		r("GET", "/v1/stream/events", "viewer", "Server-Sent Events: the log as it grows, resumable", s.handleStreamEvents),
		r("GET", "/v1/stream/figures", "viewer", "Server-Sent Events: figure changes, resumable", s.handleStreamFigures),
		r("GET", "/v1/reports/{id}/reconcile", "viewer", "A filed report set against the ledger as known at filing and now", s.handleReconcile),
		r("GET", "/v1/checkpoints", "viewer", "The signed checkpoints of the log, oldest first, paged", s.handleCheckpoints),
		r("GET", "/v1/checkpoints/latest", "viewer", "The last signed checkpoint of the log", s.handleLatestCheckpoint),
		r("POST", "/v1/checkpoints/cosignatures", "viewer", "A witness's cosignature of a published checkpoint (C2SP tlog-cosignature), kept for good", s.handleCosignatures),
		r("POST", "/v1/checkpoints", "admin", "Make and publish a signed checkpoint of the log now", s.handleMakeCheckpoint),
		r("GET", "/v1/proofs/inclusion", "viewer", "Proof that an entry is in the log of a signed checkpoint", s.handleInclusionProof),
		r("GET", "/v1/proofs/consistency", "viewer", "Proof that the log of one signed checkpoint is a prefix of another's", s.handleConsistencyProof),
		r("POST", "/v1/admin/rebuild", "admin", "Rebuild the read models from the log", s.handleRebuild),
		r("GET", "/v1/openapi.json", "", "This API's OpenAPI 3.0 document", s.handleOpenAPI),
		r("GET", "/healthz", "", "The process is up", s.handleHealthz),
		r("GET", "/readyz", "", "The read models have caught up with the log", s.handleReadyz),
		r("GET", "/metrics", "", "Prometheus metrics", metrics.Handler(s.cfg.Metrics, s.log.With("part", "metrics")).ServeHTTP),
	}
	return routes
}
