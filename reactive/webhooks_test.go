package reactive

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
)

const secret = "a-secret-of-the-receiver-0123456789"

var fastRetry = RetryPolicy{MaxRetries: 2, Initial: 20 * time.Millisecond, Max: 40 * time.Millisecond, Multiplier: 2}

// startWebhooks runs the webhooks on s with their API on a local server.
func startWebhooks(t *testing.T, s *eventstore.Store, retry RetryPolicy) (*Webhooks, string) {
	t.Helper()
	return startWebhooksAPI(t, s, retry, nil)
}

// startWebhooksAPI is startWebhooks with the API's errors answered by writeError.
func startWebhooksAPI(t *testing.T, s *eventstore.Store, retry RetryPolicy, writeError func(http.ResponseWriter, *http.Request, error)) (*Webhooks, string) {
	t.Helper()
	ctx := testContext(t)
	w, err := NewWebhooks(ctx, WebhooksConfig{Store: s, Retry: retry, Timeout: 2 * time.Second, SyncEvery: 50 * time.Millisecond, Instance: t.Name(), Logger: testLogger()})
	if err != nil {
		t.Fatalf("NewWebhooks: %v", err)
	}
	mux := http.NewServeMux()
	w.Mount(mux, nil, writeError)
	api := httptest.NewServer(mux)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		api.Close()
	})
	return w, api.URL
}

func call(t *testing.T, method, url string, body any) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, url, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func subscribe(t *testing.T, api, url string, f Filter) string {
	t.Helper()
	status, out := call(t, "POST", api+"/v1/webhooks", map[string]any{"url": url, "filter": f, "secret": secret})
	if status != http.StatusCreated {
		t.Fatalf("POST /v1/webhooks: status %d, want 201: %v", status, out)
	}
	if _, ok := out["secret"]; ok {
		t.Errorf("the API showed the secret: %v", out)
	}
	checkSchema(t, "WebhookSubscription", out)
	return out["id"].(string)
}

// checkSchema checks that an answer of the webhook API has the fields the OpenAPI document
// (httpapi/openapi.json) gives its schema: every required one, and no other.
func checkSchema(t *testing.T, schema string, v map[string]any) {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
				Required   []string                   `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	s, ok := doc.Components.Schemas[schema]
	if !ok {
		t.Fatalf("the OpenAPI document has no schema %s", schema)
	}
	for k := range v {
		if _, ok := s.Properties[k]; !ok {
			t.Errorf("the API answers %s, which the OpenAPI schema %s does not have: %v", k, schema, v)
		}
	}
	for _, k := range s.Required {
		if _, ok := v[k]; !ok {
			t.Errorf("the OpenAPI schema %s requires %s, which the API does not answer: %v", schema, k, v)
		}
	}
}

func TestWebhookRetriesThenDeliversOnceSigned(t *testing.T) {
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	w, api := startWebhooks(t, s, fastRetry)
	rcv := newReceiver(t, secret, 2, false)
	id := subscribe(t, api, rcv.srv.URL, Filter{})

	e1 := mustRecord(t, l, certified("toi-ly-son", domain.MustDate(2024, 3, 1)))
	eventually(t, 10*time.Second, "the event accepted after two failures", func() bool { return rcv.count(e1.ID) == 1 })

	// The same delivery queued again (a fan-out replayed after its dedupe window, say) is not
	// sent again: the delivery log has its success.
	m := message.NewMessage(watermill.NewUUID(), []byte(`{}`))
	d := deliveryID(id, e1.ID)
	for k, v := range map[string]string{nats.MsgIdHdr: "replay-" + d, mdDelivery: d, mdSubscription: id, mdEventID: e1.ID, mdSequence: "1"} {
		m.Metadata.Set(k, v)
	}
	if err := w.pub.Publish(SubjectQueue+id, m); err != nil {
		t.Fatal(err)
	}
	// Deliveries to one subscription keep the log's order: once e2 is in, the replay was handled.
	e2 := mustRecord(t, l, certified("hanh-tim", domain.MustDate(2024, 5, 2)))
	eventually(t, 10*time.Second, "the second event", func() bool { return rcv.count(e2.ID) == 1 })

	if got := rcv.count(e1.ID); got != 1 {
		t.Errorf("event %s accepted %d times, want exactly once", e1.ID, got)
	}
	rcv.mu.Lock()
	tries, bad := rcv.tries[e1.ID], rcv.badSig
	first := rcv.accepted[0]
	rcv.mu.Unlock()
	if tries != 3 {
		t.Errorf("event %s was POSTed %d times, want 3 (two failures, one success)", e1.ID, tries)
	}
	if bad != 0 {
		t.Errorf("%d requests had a signature that does not verify with the secret", bad)
	}
	if first.Delivery != d || first.Sequence != "1" || first.Envelope.ID != e1.ID || first.Envelope.Type != domain.TypeOCOPCertified ||
		first.Envelope.Stream != "product.toi-ly-son" || first.Envelope.Sequence != 1 || len(first.Envelope.Data) == 0 {
		t.Errorf("delivered %+v; want delivery %s of event %s at sequence 1 with its data", first, d, e1.ID)
	}

	status, out := call(t, "GET", api+"/v1/webhooks/"+id+"/deliveries", nil)
	if status != http.StatusOK {
		t.Fatalf("deliveries: status %d", status)
	}
	var failed, ok int
	for _, a := range out["deliveries"].([]any) {
		a := a.(map[string]any)
		checkSchema(t, "WebhookDelivery", a)
		if a["event_id"] != e1.ID {
			continue
		}
		if a["ok"] == true {
			ok++
			if a["status"] != float64(204) {
				t.Errorf("successful attempt logged with status %v, want 204", a["status"])
			}
		} else {
			failed++
			if a["status"] != float64(500) || !strings.Contains(a["error"].(string), "500") {
				t.Errorf("failed attempt logged as %v", a)
			}
		}
		if _, has := a["latency_ms"]; !has || a["at"] == "" {
			t.Errorf("attempt without time or latency: %v", a)
		}
	}
	if failed != 2 || ok != 1 {
		t.Errorf("delivery log of %s: %d failed and %d ok attempts, want 2 and 1", e1.ID, failed, ok)
	}
}

func TestWebhookPoisonDoesNotBlockHealthyAndFiltersSelect(t *testing.T) {
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	// Slow retries: the failing endpoint takes well over a second per event.
	_, api := startWebhooks(t, s, RetryPolicy{MaxRetries: 2, Initial: 300 * time.Millisecond, Max: 300 * time.Millisecond, Multiplier: 1})
	healthy := newReceiver(t, secret, 0, false)
	broken := newReceiver(t, secret, 0, true)
	onlyCNNTTB := newReceiver(t, secret, 0, false)
	onlyToi := newReceiver(t, secret, 0, false)
	subscribe(t, api, healthy.srv.URL, Filter{})
	brokenID := subscribe(t, api, broken.srv.URL, Filter{})
	subscribe(t, api, onlyCNNTTB.srv.URL, Filter{Types: []string{domain.TypeCNNTTBRecognized}})
	subscribe(t, api, onlyToi.srv.URL, Filter{Streams: []string{"product.toi-*"}})

	var ids []string
	for _, e := range []domain.Event{
		certified("toi-ly-son", domain.MustDate(2024, 3, 1)),
		certified("hanh-tim", domain.MustDate(2024, 5, 2)),
		recognized("bo-kho-thu-ba", domain.LevelProvince, 2024, domain.MustDate(2024, 10, 1)),
	} {
		ids = append(ids, mustRecord(t, l, e).ID)
	}
	eventually(t, 10*time.Second, "all events at the healthy endpoint", func() bool { return len(healthy.acceptedIDs()) == 3 })
	_, out := call(t, "GET", api+"/v1/webhooks/poison", nil)
	if n := len(out["poison"].([]any)); n == 3 {
		t.Errorf("the failing endpoint had used up all its retries before the healthy one got its events: it blocked them")
	}
	if got := strings.Join(healthy.acceptedIDs(), ","); got != strings.Join(ids, ",") {
		t.Errorf("healthy endpoint got %s, want %s in log order", got, strings.Join(ids, ","))
	}

	var poison []any
	eventually(t, 15*time.Second, "three deliveries in the poison queue", func() bool {
		status, out := call(t, "GET", api+"/v1/webhooks/poison", nil)
		poison, _ = out["poison"].([]any)
		return status == http.StatusOK && len(poison) == 3
	})
	for i, p := range poison {
		p := p.(map[string]any)
		checkSchema(t, "WebhookPoisoned", p)
		if p["subscription"] != brokenID || p["event_id"] != ids[i] || !strings.Contains(p["reason"].(string), "500") {
			t.Errorf("poison[%d] = %v; want event %s of %s with the endpoint's 500 as reason", i, p, ids[i], brokenID)
		}
		if ev, _ := p["event"].(map[string]any); ev == nil || ev["id"] != ids[i] {
			t.Errorf("poison[%d] does not carry the event envelope: %v", i, p["event"])
		}
	}
	broken.mu.Lock()
	for _, id := range ids {
		if broken.tries[id] != 3 {
			t.Errorf("failing endpoint got event %s %d times, want 3 (1 + 2 retries)", id, broken.tries[id])
		}
	}
	broken.mu.Unlock()

	// Filters: types and stream prefixes.
	eventually(t, 5*time.Second, "filtered deliveries", func() bool {
		return len(onlyCNNTTB.acceptedIDs()) == 1 && len(onlyToi.acceptedIDs()) == 1
	})
	if got := onlyCNNTTB.acceptedIDs(); got[0] != ids[2] {
		t.Errorf("type filter delivered %v, want only %s", got, ids[2])
	}
	if got := onlyToi.acceptedIDs(); got[0] != ids[0] {
		t.Errorf("stream prefix filter delivered %v, want only %s", got, ids[0])
	}
	// A last event for everyone: the filtered ones got nothing else before it.
	last := mustRecord(t, l, recognized("toi-den", domain.LevelProvince, 2024, domain.MustDate(2024, 10, 2))).ID
	eventually(t, 5*time.Second, "the last event", func() bool { return onlyCNNTTB.count(last) == 1 })
	if got := onlyToi.acceptedIDs(); len(got) != 1 {
		t.Errorf("stream filter product.toi-* delivered %v, want only %s", got, ids[0])
	}
}

func TestWebhookAPI(t *testing.T) {
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	_, api := startWebhooks(t, s, fastRetry)
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"url": "ftp://example.org/x", "secret": secret}, "url"},
		{map[string]any{"url": "example.org/hook", "secret": secret}, "url"},
		{map[string]any{"url": "https://example.org/hook", "secret": "short"}, "secret"},
		{map[string]any{"url": "https://example.org/hook", "secret": secret, "filter": map[string]any{"types": []string{"ocop.nonsense"}}}, "filter.types[0]"},
		{map[string]any{"url": "https://example.org/hook", "secret": secret, "filter": map[string]any{"streams": []string{"pro*duct"}}}, "filter.streams[0]"},
		{map[string]any{"url": "https://example.org/hook", "secret": secret, "colour": "red"}, "colour"},
		{map[string]any{"url": 3, "secret": secret}, "url"},
		{map[string]any{"url": "https://example.org/hook", "secret": secret, "filter": []string{"ocop.certified"}}, "filter"},
		{map[string]any{"url": "https://example.org/hook", "secret": secret, "filter": map[string]any{"types": "ocop.certified"}}, "filter.types"},
	} {
		status, out := call(t, "POST", api+"/v1/webhooks", c.body)
		e, _ := out["error"].(map[string]any)
		if status != http.StatusBadRequest || e == nil || e["code"] != "invalid" || e["field"] != c.field || e["message"] == "" {
			t.Errorf("POST %v: %d %v; want 400 invalid on field %q", c.body, status, out, c.field)
		}
	}
	mustRecord(t, l, certified("toi-ly-son", domain.MustDate(2024, 3, 1)))
	id := subscribe(t, api, "https://example.org/hook", Filter{Types: []string{domain.TypeOCOPExpired}, Streams: []string{"product.*"}})

	status, out := call(t, "GET", api+"/v1/webhooks/"+id, nil)
	if status != 200 || out["status"] != StatusActive || out["from_sequence"] != float64(1) || out["url"] != "https://example.org/hook" {
		t.Errorf("GET: %d %v", status, out)
	}
	status, out = call(t, "GET", api+"/v1/webhooks", nil)
	if list, _ := out["webhooks"].([]any); status != 200 || len(list) != 1 {
		t.Errorf("list: %d %v", status, out)
	}
	status, out = call(t, "POST", api+"/v1/webhooks/"+id+"/disable", nil)
	if status != 200 || out["status"] != StatusDisabled || out["disabled_at"] == nil {
		t.Errorf("disable: %d %v", status, out)
	}
	if strings.Contains(func() string { b, _ := json.Marshal(out); return string(b) }(), secret) {
		t.Errorf("the API showed the secret")
	}
	for _, path := range []string{"/v1/webhooks/wh_nope", "/v1/webhooks/../etc", "/v1/webhooks/wh_nope/deliveries"} {
		if status, out := call(t, "GET", api+path, nil); status != http.StatusNotFound {
			t.Errorf("GET %s: %d %v, want 404", path, status, out)
		}
	}
	if status, _ := call(t, "GET", api+"/v1/webhooks/"+id+"/deliveries?limit=0", nil); status != http.StatusBadRequest {
		t.Errorf("limit=0: %d, want 400", status)
	}
}

// callRaw sends body as it is, with headers given as name, value pairs.
func callRaw(t *testing.T, method, url, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: the answer is not JSON: %v", method, url, err)
	}
	return resp.StatusCode, out
}

// vietnamese reports whether s has one of the letters of Vietnamese that English lacks.
func vietnamese(s string) bool {
	return strings.ContainsAny(strings.ToLower(s), "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
}

// The webhook API answers errors as the rest of the API does when it is mounted as
// `ocopledger serve` mounts it (with httpapi.WriteError): the same body, Vietnamese unless the
// request asks for English (?lang=en or Accept-Language), English always in message_en.
func TestWebhookAPIErrorsInBothLanguages(t *testing.T) {
	s := mustOpenStore(t)
	_, api := startWebhooksAPI(t, s, fastRetry, func(w http.ResponseWriter, r *http.Request, err error) {
		httpapi.WriteError(w, r, nil, err)
	})
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		code, field              string
		vi, en                   string // the whole message, when the case checks it
	}{
		{name: "a URL without http(s)", method: "POST", path: "/v1/webhooks", body: `{"url": "ftp://example.org/x", "secret": "` + secret + `"}`,
			status: 400, code: "invalid", field: "url",
			vi: `url: "ftp://example.org/x" phải bắt đầu bằng http:// hoặc https://`, en: `url: "ftp://example.org/x" must start with http:// or https://`},
		{name: "a URL that cannot be read", method: "POST", path: "/v1/webhooks", body: `{"url": "https://exa mple.org/x", "secret": "` + secret + `"}`,
			status: 400, code: "invalid", field: "url"},
		{name: "malformed JSON", method: "POST", path: "/v1/webhooks", body: `{"url": "https://example.org/hook",}`,
			status: 400, code: "invalid", field: "",
			vi: "nội dung gửi lên không phải là JSON hợp lệ: lỗi ở byte 36", en: "the body is not valid JSON: the error is at byte 36"},
		{name: "JSON cut short", method: "POST", path: "/v1/webhooks", body: `{"url": "https://example.org/hook"`, status: 400, code: "invalid"},
		{name: "an empty body", method: "POST", path: "/v1/webhooks", body: ``, status: 400, code: "invalid"},
		{name: "a list, not an object", method: "POST", path: "/v1/webhooks", body: `[]`, status: 400, code: "invalid"},
		{name: "a number for the URL", method: "POST", path: "/v1/webhooks", body: `{"url": 3}`, status: 400, code: "invalid", field: "url",
			vi: "url: phải là chữ trong dấu ngoặc kép", en: "url: must be text in quotes"},
		{name: "a short secret", method: "POST", path: "/v1/webhooks", body: `{"url": "https://example.org/hook", "secret": "short"}`,
			status: 400, code: "invalid", field: "secret"},
		{name: "a stream that is not one", method: "POST", path: "/v1/webhooks", body: `{"url": "https://example.org/hook", "secret": "` + secret + `", "filter": {"streams": ["product"]}}`,
			status: 400, code: "invalid", field: "filter.streams[0]"},
		{name: "an unknown webhook", method: "GET", path: "/v1/webhooks/wh_nope", status: 404, code: "not_found",
			vi: `không có webhook "wh_nope"`, en: `no webhook "wh_nope"`},
		{name: "disabling an unknown webhook", method: "POST", path: "/v1/webhooks/wh_nope/disable", status: 404, code: "not_found"},
		{name: "the deliveries of an unknown webhook", method: "GET", path: "/v1/webhooks/wh_nope/deliveries", status: 404, code: "not_found"},
		{name: "a limit out of range", method: "GET", path: "/v1/webhooks/poison?limit=0", status: 400, code: "invalid", field: "limit"},
	} {
		for _, how := range []struct{ lang, query, acceptLanguage string }{
			{"vi", "", ""},
			{"vi", "", "vi-VN,vi;q=0.9,en;q=0.8"},
			{"en", "lang=en", ""},
			{"en", "", "en-US,en;q=0.9"},
		} {
			path := c.path
			if how.query != "" {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				path += sep + how.query
			}
			var hdr []string
			if how.acceptLanguage != "" {
				hdr = []string{"Accept-Language", how.acceptLanguage}
			}
			status, out := callRaw(t, c.method, api+path, c.body, hdr...)
			e, _ := out["error"].(map[string]any)
			field, _ := e["field"].(string)
			msg, _ := e["message"].(string)
			msgEN, _ := e["message_en"].(string)
			what := fmt.Sprintf("%s (%s %q %q)", c.name, how.lang, how.query, how.acceptLanguage)
			if status != c.status || e["code"] != c.code || field != c.field {
				t.Errorf("%s: got %d %v, want %d %s naming %q", what, status, out, c.status, c.code, c.field)
				continue
			}
			if msgEN == "" || c.en != "" && msgEN != c.en {
				t.Errorf("%s: message_en %q, want %q", what, msgEN, c.en)
			}
			switch {
			case how.lang == "en" && msg != msgEN:
				t.Errorf("%s: answered %q, want the English %q", what, msg, msgEN)
			case how.lang == "vi" && (msg == msgEN || !vietnamese(msg)):
				t.Errorf("%s: the Vietnamese message is not Vietnamese: %q (English %q)", what, msg, msgEN)
			case how.lang == "vi" && c.vi != "" && msg != c.vi:
				t.Errorf("%s: message\n got %q\nwant %q", what, msg, c.vi)
			}
		}
	}
}

// Mounted without an error writer (as in these tests), the webhook API still answers errors in
// the API's shape: message in Vietnamese, message_en in English.
func TestWebhookAPIErrorsWithoutAWriter(t *testing.T) {
	s := mustOpenStore(t)
	_, api := startWebhooks(t, s, fastRetry)
	status, out := callRaw(t, "POST", api+"/v1/webhooks", `{"url": "", "secret": "`+secret+`"}`)
	e, _ := out["error"].(map[string]any)
	if status != 400 || e["code"] != "invalid" || e["field"] != "url" ||
		e["message"] != "url: đang để trống: hãy ghi địa chỉ http(s) sẽ nhận các sự kiện" ||
		e["message_en"] != "url: is empty: give the http(s) address that receives the events" {
		t.Errorf("got %d %v", status, out)
	}
	status, out = callRaw(t, "GET", api+"/v1/webhooks/wh_nope", "")
	e, _ = out["error"].(map[string]any)
	if _, hasField := e["field"]; status != 404 || e["code"] != "not_found" || hasField || e["message"] != `không có webhook "wh_nope"` {
		t.Errorf("got %d %v", status, out)
	}
}

func TestFilterMatch(t *testing.T) {
	for _, c := range []struct {
		f           Filter
		typ, stream string
		want        bool
	}{
		{Filter{}, "ocop.certified", "product.a", true},
		{Filter{Types: []string{"ocop.expired"}}, "ocop.certified", "product.a", false},
		{Filter{Types: []string{"ocop.expired", "ocop.certified"}}, "ocop.certified", "product.a", true},
		{Filter{Streams: []string{"product.a"}}, "ocop.certified", "product.ab", false},
		{Filter{Streams: []string{"product.a*"}}, "ocop.certified", "product.ab", true},
		{Filter{Streams: []string{"cnnttb.*"}}, "ocop.certified", "product.ab", false},
		{Filter{Types: []string{"ocop.certified"}, Streams: []string{"cnnttb.*"}}, "ocop.certified", "product.ab", false},
		{Filter{Streams: []string{"*"}}, "x", "anything", true},
	} {
		if got := c.f.Match(c.typ, c.stream); got != c.want {
			t.Errorf("%+v.Match(%s, %s) = %v, want %v", c.f, c.typ, c.stream, got, c.want)
		}
	}
}

func TestWebhookTwoInstancesDeliverEachEventOnce(t *testing.T) {
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	_, api := startWebhooks(t, s, fastRetry)
	startWebhooks(t, s, fastRetry) // a second instance on the same cluster
	rcv := newReceiver(t, secret, 1, false)
	subscribe(t, api, rcv.srv.URL, Filter{})
	var ids []string
	for i := range 6 {
		ids = append(ids, mustRecord(t, l, certified(fmt.Sprintf("san-pham-%d", i), domain.MustDate(2024, 3, 1+i))).ID)
	}
	eventually(t, 15*time.Second, "six events delivered", func() bool { return len(rcv.acceptedIDs()) >= 6 })
	if got := strings.Join(rcv.acceptedIDs(), ","); got != strings.Join(ids, ",") {
		t.Errorf("two instances delivered %s; want each event once, in log order: %s", got, strings.Join(ids, ","))
	}
}
