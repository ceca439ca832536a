package httpapi_test

import (
	"encoding/json"
	"testing"
	"time"
)

// A 201 answer gives the time the entry was recorded, as the log holds it (not the zero time),
// and a retry with the same Idempotency-Key gives the original's.
func TestRecordAnswersRecordedAt(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	before := time.Now()
	r := e.do("POST", "/v1/events/ocop.certified", recorderToken, cert("toi-when", 4, "2024-03-01"), "Idempotency-Key", "when-1")
	if r.Status != 201 {
		t.Fatalf("got %d %s, want 201", r.Status, r.Body)
	}
	var pos struct {
		Sequence   uint64    `json:"sequence"`
		RecordedAt time.Time `json:"recorded_at"`
	}
	if err := json.Unmarshal(r.Body, &pos); err != nil {
		t.Fatal(err)
	}
	if pos.RecordedAt.Before(before.Add(-time.Second)) || pos.RecordedAt.After(time.Now().Add(time.Second)) {
		t.Fatalf("recorded_at %v is not the time of recording (between %v and now): %s", pos.RecordedAt, before, r.Body)
	}
	var page struct {
		Events []struct {
			RecordedAt time.Time `json:"recorded_at"`
		} `json:"events"`
	}
	if err := json.Unmarshal(e.get("/v1/log?from=1&limit=1", viewerToken).Body, &page); err != nil || len(page.Events) != 1 {
		t.Fatalf("log page: %v %+v", err, page)
	}
	if !page.Events[0].RecordedAt.Equal(pos.RecordedAt) {
		t.Errorf("201 says recorded_at %v, the log says %v", pos.RecordedAt, page.Events[0].RecordedAt)
	}

	again := e.do("POST", "/v1/events/ocop.certified", recorderToken, cert("toi-when", 4, "2024-03-01"), "Idempotency-Key", "when-1")
	var dup struct {
		RecordedAt time.Time `json:"recorded_at"`
		Duplicate  bool      `json:"duplicate"`
	}
	if err := json.Unmarshal(again.Body, &dup); err != nil || again.Status != 200 || !dup.Duplicate {
		t.Fatalf("retry: %d %s", again.Status, again.Body)
	}
	if !dup.RecordedAt.Equal(pos.RecordedAt) {
		t.Errorf("retry says recorded_at %v, want the original %v", dup.RecordedAt, pos.RecordedAt)
	}
}
