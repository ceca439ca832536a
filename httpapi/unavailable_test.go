package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// When the NATS server the ledger is connected to goes away (as during a leader election, when
// no one answers), an append answers 503 "unavailable" with Retry-After within 2 s, in the
// clerk's words, instead of waiting 30 s for a 500.
func TestAppendWithBrokerGoneAnswers503(t *testing.T) {
	srv := storetest.RunServer(t)
	e := newEnv(t, envOpt{tokens: testTokens, natsURL: srv.ClientURL()})
	if r := e.do("POST", "/v1/events/ocop.certified", recorderToken, cert("toi-a", 4, "2024-01-01")); r.Status != 201 {
		t.Fatalf("POST with the server up: %d %s", r.Status, r.Body)
	}
	srv.Shutdown()
	srv.WaitForShutdown()
	for _, lang := range []string{"vi", "en"} {
		start := time.Now()
		r := e.do("POST", "/v1/events/ocop.certified?lang="+lang, recorderToken, cert("toi-b", 4, "2024-01-01"))
		took := time.Since(start)
		code, _ := r.errFields(t)
		if r.Status != 503 || code != "unavailable" || r.Header.Get("Retry-After") != "2" {
			t.Errorf("POST with the server gone (%s): %d %q, Retry-After %q; want 503 unavailable, Retry-After 2 (%s)",
				lang, r.Status, code, r.Header.Get("Retry-After"), r.Body)
		}
		if took > 2*time.Second {
			t.Errorf("POST with the server gone took %s, want at most 2 s", took)
		}
		want := map[string]string{"vi": "tạm thời chưa nhận mục ghi", "en": "record this entry again in a few seconds"}[lang]
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("POST with the server gone (%s) says %s, want it to say %q", lang, r.Body, want)
		}
	}
}
