package reactive

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/prometheus/client_golang/prometheus"
)

// serve's reacting side: three parts to run, the webhook API mounted behind the given role check
// and answering its errors through the given writer, and the delivery metrics registered.
func TestNewPartsMountsTheWebhookAPIAndItsMetrics(t *testing.T) {
	s := mustOpenStore(t)
	reg := prometheus.NewRegistry()
	mux := http.NewServeMux()
	var roles []string
	parts, err := NewParts(testContext(t), PartsConfig{Ledger: ledger.New(s, nil), Projection: mustOpenProjection(t), Mux: mux, Metrics: reg, Instance: "test",
		Require: func(role string, h http.Handler) http.Handler { roles = append(roles, role); return h },
		WriteError: func(w http.ResponseWriter, _ *http.Request, err error) {
			w.WriteHeader(http.StatusTeapot)
			w.Write([]byte(domain.ErrorCode(err)))
		}})
	if err != nil || len(parts) != 3 {
		t.Fatalf("%d parts, %v; want webhooks, figure feed and notifier", len(parts), err)
	}
	if len(roles) == 0 || strings.Join(roles, ",") != strings.Repeat("admin,", len(roles)-1)+"admin" {
		t.Errorf("the webhook API asks for the roles %v, want admin only", roles)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/webhooks/no-such-hook", nil))
	if rec.Code != http.StatusTeapot || rec.Body.String() != string(domain.CodeNotFound) {
		t.Errorf("an unknown webhook: %d %s, want the error writer's answer with not_found", rec.Code, rec.Body.String())
	}
	families, err := reg.Gather()
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	if err != nil || !slices.Contains(names, "ocopledger_webhook_poisoned_total") || !slices.Contains(names, "ocopledger_figure_changes_dropped_total") {
		t.Errorf("metrics registered: %v (%v), want the poisoned deliveries and dropped figure changes", names, err)
	}
}
