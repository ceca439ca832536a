package httpapi

import (
	"net/http"

	"github.com/ocopledger/ocopledger/domain"
)

// A ledger whose log does not extend the history it knows (see ledger.CheckHistory) answers
// nothing from it: every route but the health, readiness, metrics and the API document answers
// the mismatch (503, code history_mismatch), /readyz says why it is not ready, and the metric
// ocopledger_history_mismatch is 1.

// SetHistoryError records that the log does not extend the known history (err), or that it does
// again (nil).
func (s *Server) SetHistoryError(err error) {
	if err == nil {
		s.histErr.Store(nil)
		return
	}
	s.histErr.Store(&err)
}

// HistoryError is the mismatch recorded by SetHistoryError, or nil.
func (s *Server) HistoryError() error {
	if e := s.histErr.Load(); e != nil {
		return *e
	}
	return nil
}

// stillAnswers are the routes that answer while the history does not match.
var stillAnswers = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/v1/openapi.json": true}

// refuseOnMismatch answers the history mismatch instead of h, while there is one.
func (s *Server) refuseOnMismatch(rt Route, h http.Handler) http.Handler {
	if stillAnswers[rt.Path] {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.HistoryError(); err != nil {
			// 503 rather than the code's 409: the request is fine, the ledger cannot answer it.
			WriteError(w, r, nil, withStatus(http.StatusServiceUnavailable, domain.CodeHistoryMismatch, err))
			return
		}
		h.ServeHTTP(w, r)
	})
}
