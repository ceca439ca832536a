package httpapi

import (
	"net/http"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/report"
)

// handleReconcile sets a filed report (a report.filed entry) against the ledger as known when it
// was filed and as known now. {id} is the report ID (470-SCT-QLTM) or its document number,
// escaped (470%2FSCT-QLTM).
func (s *Server) handleReconcile(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r); err != nil {
		s.fail(w, r, err)
		return
	}
	id := domain.ReportIDFor(r.PathValue("id"))
	stream := domain.KindReport + "." + id
	hist, _, err := s.cfg.Ledger.History(r.Context(), stream)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filed, ok := report.FindFiled(hist)
	if !ok {
		err := domain.NotFound("no report %s in the ledger (no report.filed entry in %s)", r.PathValue("id"), stream)
		err.Field, err.Value = "id", id
		s.fail(w, r, err)
		return
	}
	// The read models must hold the filing itself before it can be reconciled.
	if err := s.cfg.Projection.WaitReady(r.Context(), filed.Sequence); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := report.Reconcile(r.Context(), s.cfg.Projection, filed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.cfg.Checkpoints.ForReport(r.Context(), s.cfg.Projection, filed.Sequence, res.Positions[0], res.Positions[1])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res.History = h
	writeJSON(w, http.StatusOK, res)
}
