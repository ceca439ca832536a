package httpapi

import (
	"encoding/json"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// degraded adds to a /readyz answer the entries the read models leave out: the ledger stays
// ready (it records and answers), and says it is degraded while one is not acknowledged.
func degraded(body map[string]any, st projections.Status) {
	if st.Quarantined == 0 {
		return
	}
	body["degraded"] = st.Unacknowledged > 0
	body["quarantined"] = st.Quarantined
	body["unacknowledged"] = st.Unacknowledged
	body["status"] = "ocopledger status"
}

// checkQuarantined refuses an acknowledgement of a position the read models have applied and do
// not quarantine (a position they have not reached yet is left to them: the acknowledgement
// then counts if the entry is quarantined). The payload is checked in full when it is recorded.
func (s *Server) checkQuarantined(body []byte) error {
	var ack struct {
		Position uint64 `json:"position"`
	}
	if json.Unmarshal(body, &ack) != nil || ack.Position == 0 || ack.Position > s.cfg.Projection.Checkpoint() {
		return nil
	}
	for _, q := range s.cfg.Projection.Quarantined() {
		if q.Position == ack.Position {
			return nil
		}
	}
	err := domain.Invalid("position", "the entry at position %d is not quarantined: nothing to acknowledge (ocopledger status lists the quarantined entries)", ack.Position)
	err.Value = ack.Position
	return err
}
