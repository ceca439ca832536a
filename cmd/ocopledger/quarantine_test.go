package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
)

// serveHeld is serveOnLoopback keeping the serve's Main, whose store the test publishes through;
// stop stops the server (once) and waits for it.
func serveHeld(t *testing.T, dir string) (base string, m *Main, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	m = NewMain(strings.NewReader(""), io.Discard, &logs)
	code := make(chan int, 1)
	go func() {
		c := m.Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--instance", "test"})
		m.Close() // the data directory is free once stop returns
		code <- c
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case c := <-code:
			if c != 0 {
				t.Errorf("serve exit code %d after a stop; log:\n%s", c, logs.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	}
	t.Cleanup(stop)
	re := regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/`)
	waitFor(t, "the start line", func() bool { return re.MatchString(logs.String()) })
	base = "http://" + re.FindStringSubmatch(logs.String())[1]
	waitFor(t, "/readyz", func() bool {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	return base, m, stop
}

// call makes an API request with a token and returns the status and body.
func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// Garbage published on the log's subjects, and an entry appended past the gate with a
// recognition dated 2099, stop nothing: serve's read models keep up with the entries after them
// and leave those two out, naming them (position, reason) in the log, /readyz, /metrics, the
// figures' warnings and ocopledger status, until an admin acknowledges them; figures and a
// rebuild give the same figures and the same quarantine.
func TestPoisonEntriesDoNotStopTheLedger(t *testing.T) {
	const recorder = "recorder-token-0123456789"
	t.Setenv("OCOPLEDGER_TOKENS", serveAdminToken+":admin:ana,"+recorder+":recorder:ruby")
	dir := t.TempDir()
	base, m, stop := serveHeld(t, dir)
	ctx := context.Background()
	certify := func(id string) {
		t.Helper()
		body := strings.ReplaceAll(strings.ReplaceAll(servePayload, "toi-serve", id), "GL-1/QĐ", "GL-"+id+"/QĐ")
		if code, b := call(t, "POST", base+"/v1/events/ocop.certified", recorder, body); code != 201 {
			t.Fatalf("POST ocop.certified: %d %s", code, b)
		}
	}
	certify("toi-a") // position 1

	// Position 2: garbage, published through the store's own NATS connection.
	if _, err := m.node().Opened().Conn().Request("ocop.events.product.evil2", []byte("garbage"), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	// Position 3: a recognition dated 2099, appended directly (bypassing the gate).
	far := `{"product_id":"far-future","product_name":"Sản phẩm thử","producer_name":"Cơ sở thử","level":"province",` +
		`"round_year":2099,"certificate":"VD-2099/QĐ-UBND","issued_on":"2099-05-01","address":{"province":"Quảng Ngãi"}}`
	if _, err := m.node().Opened().Append(ctx, "cnnttb.far-future", 0, eventstore.Proposed{ID: "far-1", Type: "cnnttb.recognized", Schema: 1,
		Data: json.RawMessage(far), Actor: "intruder"}); err != nil {
		t.Fatal(err)
	}
	certify("toi-b") // position 4: the read models keep up past the poison

	var figs struct {
		Position uint64                    `json:"position"`
		Figures  map[string]int64          `json:"figures"`
		Warnings []projections.Quarantined `json:"warnings"`
	}
	waitFor(t, "the figures to include position 4", func() bool {
		_, b := call(t, "GET", base+"/v1/figures?as_of=2025-08-07", recorder, "")
		return json.Unmarshal(b, &figs) == nil && figs.Position == 4
	})
	if figs.Figures["ocop.valid"] != 2 || figs.Figures["cnnttb.valid"] != 0 {
		t.Errorf("figures %v, want 2 valid OCOP certificates and no CNNTTB", figs.Figures)
	}
	checkNamed := func(where string, qs []projections.Quarantined) {
		t.Helper()
		if len(qs) != 2 || qs[0].Position != 2 || qs[0].Stream != "product.evil2" || qs[0].Subject != "ocop.events.product.evil2" ||
			!strings.Contains(qs[0].Reason, "not an entry of the ledger") ||
			qs[1].Position != 3 || qs[1].Type != "cnnttb.recognized" || !strings.Contains(qs[1].Reason, "2099") {
			t.Errorf("%s: %+v, want positions 2 (garbage) and 3 (2099) named with their reasons", where, qs)
		}
	}
	checkNamed("/v1/figures warnings", figs.Warnings)
	var one struct {
		Value    int64                     `json:"value"`
		Warnings []projections.Quarantined `json:"warnings"`
	}
	_, b := call(t, "GET", base+"/v1/figures/ocop.valid?as_of=2025-08-07", recorder, "")
	if err := json.Unmarshal(b, &one); err != nil || one.Value != 2 {
		t.Errorf("/v1/figures/ocop.valid: %s", b)
	}
	checkNamed("/v1/figures/ocop.valid warnings", one.Warnings)
	for _, path := range []string{"/v1/figures/ocop.valid/timeline?from=2025-01-01&to=2025-08-07", "/v1/figures/ocop.valid/explain?as_of=2025-08-07",
		"/v1/diff?as_of=2025-08-07&known_at=2020-01-01"} {
		code, b := call(t, "GET", base+path, recorder, "")
		var w struct {
			Warnings []projections.Quarantined `json:"warnings"`
		}
		if err := json.Unmarshal(b, &w); code != 200 || err != nil {
			t.Errorf("%s: %d %s", path, code, b)
		}
		checkNamed(path+" warnings", w.Warnings)
	}

	// The log answers 200 and names the garbage.
	code, b := call(t, "GET", base+"/v1/log?from=1", recorder, "")
	var page struct {
		Events []eventstore.Envelope `json:"events"`
	}
	if err := json.Unmarshal(b, &page); code != 200 || err != nil || len(page.Events) != 4 ||
		page.Events[1].Sequence != 2 || page.Events[1].Stream != "product.evil2" || !strings.Contains(page.Events[1].Unreadable, "its body does not decode") {
		t.Fatalf("/v1/log: %d %s", code, b)
	}

	// Ready, but degraded, with the count; the metrics say the same.
	readyz := func() map[string]any {
		code, b := call(t, "GET", base+"/readyz", "", "")
		var r map[string]any
		if code != 200 || json.Unmarshal(b, &r) != nil {
			t.Fatalf("/readyz: %d %s", code, b)
		}
		return r
	}
	if r := readyz(); r["ready"] != true || r["degraded"] != true || r["quarantined"] != 2.0 || r["unacknowledged"] != 2.0 {
		t.Errorf("/readyz %v, want ready, degraded, 2 quarantined", r)
	}
	fams := scrapeMetrics(t, base)
	for _, c := range []struct {
		name   string
		labels []string
	}{{"ocopledger_quarantined_entries", nil}, {"ocopledger_quarantined_unacknowledged", nil},
		{"ocopledger_appends_total", []string{"type", "ocop.certified", "status", "201"}}} {
		if v, ok := gaugeOrCounter(fams, c.name, c.labels...); !ok || v != 2 {
			t.Errorf("/metrics: %s%v = %v (present %v), want 2", c.name, c.labels, v, ok)
		}
	}

	// Acknowledgements: an admin's only, each position once; degraded until all are.
	ack := func(token string, pos int) (int, []byte) {
		return call(t, "POST", base+"/v1/events/correction.quarantine_acknowledged", token,
			fmt.Sprintf(`{"position":%d,"reason_seen":"không phải là một mục ghi","note":"đã khóa cổng NATS"}`, pos))
	}
	if code, b := ack(serveAdminToken, 1); code != 400 || !bytes.Contains(b, []byte(`"field":"position"`)) {
		t.Errorf("acknowledging an entry that is not quarantined: %d %s", code, b)
	}
	if code, b := ack(recorder, 2); code != 403 {
		t.Errorf("a recorder acknowledges: %d %s", code, b)
	}
	if code, b := ack(serveAdminToken, 2); code != 201 {
		t.Fatalf("an admin acknowledges: %d %s", code, b)
	}
	if code, b := ack(serveAdminToken, 2); code != 409 {
		t.Errorf("the same position again: %d %s", code, b)
	}
	waitFor(t, "the acknowledgement", func() bool { return readyz()["unacknowledged"] == 1.0 })
	if r := readyz(); r["degraded"] != true {
		t.Errorf("/readyz %v with one entry unacknowledged", r)
	}
	if code, b := ack(serveAdminToken, 3); code != 201 {
		t.Fatalf("an admin acknowledges: %d %s", code, b)
	}
	waitFor(t, "the second acknowledgement", func() bool { return readyz()["degraded"] == false })
	if r := readyz(); r["quarantined"] != 2.0 || r["unacknowledged"] != 0.0 || r["ready"] != true {
		t.Errorf("/readyz %v after both acknowledgements", r)
	}
	stop()

	// The command line, on the same data: status, log, figures, rebuild.
	run := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		c := NewMain(strings.NewReader(""), &out, &errOut)
		defer c.Close()
		code := c.Run(ctx, append(args, "--data", dir))
		return code, out.String() + errOut.String()
	}
	status := func() tables.StatusJSON {
		t.Helper()
		code, out := run("status", "--json")
		var st tables.StatusJSON
		if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
			t.Fatalf("status --json: exit %d\n%s", code, out)
		}
		return st
	}
	st := status()
	checkNamed("status --json", st.Quarantined)
	if st.Degraded || st.Unacknowledged != 0 || st.Quarantined[0].Acknowledged == nil || st.Quarantined[0].Acknowledged.Actor != "ana" ||
		st.Quarantined[1].Acknowledged == nil {
		t.Errorf("status --json: %+v, want both acknowledged by ana", st)
	}
	if code, out := run("status", "--lang", "en"); code != 0 || !strings.Contains(out, "2 entries quarantined") ||
		!regexp.MustCompile(`(?m)^2\s+product\.evil2\s+-\s+the message stored at position 2 is not an entry`).MatchString(out) ||
		!strings.Contains(out, "acknowledged at position 5 by ana") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	if code, out := run("log"); code != 0 || !regexp.MustCompile(`(?m)^2\s.*\(không đọc được\)\s+product\.evil2\s+its body does not decode`).MatchString(out) {
		t.Errorf("log: exit %d\n%s", code, out)
	}
	if code, out := run("figures", "--as-of", "2025-08-07", "--json"); code != 0 ||
		!strings.Contains(out, `"warnings"`) || !strings.Contains(out, `"position": 3`) {
		t.Errorf("figures --json: exit %d\n%s", code, out)
	}
	if code, out := run("figures", "--as-of", "2025-08-07"); code != 0 || !strings.Contains(out, "không tính 2 mục ghi bị cách ly") {
		t.Errorf("figures: exit %d\n%s", code, out)
	}
	before := st.Quarantined
	if code, out := run("rebuild"); code != 0 {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	if after := status().Quarantined; !jsonEqual(after, before) {
		t.Errorf("a rebuild quarantines %+v, serve %+v", after, before)
	}
	if code, out := run("figures", "--as-of", "2025-08-07", "--json"); code != 0 || !strings.Contains(out, `"ocop.valid": 2`) {
		t.Errorf("figures after the rebuild: exit %d\n%s", code, out)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
