package httpapi

import "github.com/ocopledger/ocopledger/projections"

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
