package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

const (
	adminToken    = "admin-token-0123456789"
	recorderToken = "recorder-token-0123456789"
	viewerToken   = "viewer-token-0123456789"
)

var testTokens = []httpapi.Token{
	{Token: adminToken, Role: "admin", Identity: "ana"},
	{Token: recorderToken, Role: "recorder", Identity: "ruby"},
	{Token: viewerToken, Role: "viewer", Identity: "victor"},
}

// testEnv is a real store (embedded JetStream in a temp dir), real bbolt read models and the
// API on a real loopback port.
type testEnv struct {
	t      testing.TB
	ctx    context.Context
	Store  *eventstore.Store
	Ledger *ledger.Ledger
	Proj   *projections.Projection
	Srv    *httpapi.Server
	HTTP   *httptest.Server
	URL    string

	projOnce sync.Once
	wg       sync.WaitGroup
}

type envOpt struct {
	tokens      []httpapi.Token
	publicRead  bool
	noProj      bool // do not run the projection (tests of readiness start it themselves)
	heartbeat   time.Duration
	beforeStart func(*testEnv)
	ring        int
	rebuild     func(context.Context) error // the server's Rebuild; default: does nothing
	natsURL     string                      // connect the store to this server instead of embedding one
	slow        time.Duration               // the server's SlowConsumer
}

func newEnv(tb testing.TB, o envOpt) *testEnv {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := tb.TempDir()
	cfg := eventstore.Config{DataDir: filepath.Join(dir, "js")}
	if o.natsURL != "" {
		cfg = eventstore.Config{NatsURL: o.natsURL}
	}
	st, err := eventstore.Open(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := projections.Open(filepath.Join(dir, "rm.db"), projections.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	e := &testEnv{t: tb, ctx: ctx, Store: st, Ledger: ledger.New(st, nil), Proj: p}
	if o.beforeStart != nil {
		o.beforeStart(e)
	}
	auth, err := httpapi.NewAuth(o.tokens, o.publicRead)
	if err != nil {
		tb.Fatal(err)
	}
	if o.rebuild == nil {
		o.rebuild = func(context.Context) error { return nil }
	}
	e.Srv = httpapi.New(httpapi.Config{Ledger: e.Ledger, Projection: p, Auth: auth, Heartbeat: o.heartbeat, RingSize: o.ring,
		Rebuild: o.rebuild, SlowConsumer: o.slow})
	e.HTTP = httptest.NewServer(e.Srv.Handler())
	e.URL = e.HTTP.URL
	e.wg.Add(1)
	go func() { defer e.wg.Done(); e.Srv.Run(ctx) }()
	if !o.noProj {
		e.StartProjection()
	}
	tb.Cleanup(func() {
		e.HTTP.CloseClientConnections()
		e.HTTP.Close()
		cancel()
		e.wg.Wait()
		p.Close()
		st.Close()
	})
	return e
}

func (e *testEnv) StartProjection() {
	e.projOnce.Do(func() {
		e.wg.Add(1)
		go func() { defer e.wg.Done(); e.Proj.Run(e.ctx, e.Ledger) }()
	})
}

func (e *testEnv) lastSeq() uint64 {
	e.t.Helper()
	n, err := e.Store.LastSequence(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitApplied waits until the read models hold everything in the log.
func (e *testEnv) waitApplied() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := e.Proj.WaitFor(ctx, e.lastSeq()); err != nil {
		e.t.Fatal(err)
	}
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
	return m
}

// errField returns error.code and error.field of an error response.
func (r resp) errFields(t testing.TB) (string, string) {
	t.Helper()
	m := r.json(t)
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", r.Body)
	}
	f, _ := e["field"].(string)
	return e["code"].(string), f
}

func (e *testEnv) do(method, path, token string, body []byte, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, e.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (e *testEnv) get(path, token string) resp { return e.do("GET", path, token, nil) }

// cert is the payload of an ocop.certified event (synthetic product).
func cert(product string, stars int, date string) []byte {
	auth := map[int]string{3: "district", 4: "province", 5: "ministry"}[stars]
	if auth == "" {
		auth = "district"
	}
	if date >= "2025-07-06" && stars < 5 {
		auth = "province"
	}
	b, _ := json.Marshal(map[string]any{
		"product_id": product, "product_name": "Sản phẩm thử " + product, "producer_id": "p-" + product,
		"producer_name": "Chủ thể thử", "producer_kind": "enterprise", "product_set": "I.4b", "stars": stars,
		"decision":  map[string]any{"number": "1/QĐ-" + product, "date": date, "authority": auth},
		"address":   map[string]any{"district": "huyện Lý Sơn", "province": "Quảng Ngãi"},
		"synthetic": true,
	})
	return b
}

// record posts an event as the recorder and fails the test unless it is stored.
func (e *testEnv) record(typ string, payload []byte, hdr ...string) httpapi.Envelope {
	e.t.Helper()
	r := e.do("POST", "/v1/events/"+typ, recorderToken, payload, hdr...)
	if r.Status != 201 {
		e.t.Fatalf("POST %s: got %d %s, want 201", typ, r.Status, r.Body)
	}
	var pos struct {
		Sequence uint64 `json:"sequence"`
		ID       string `json:"id"`
	}
	json.Unmarshal(r.Body, &pos)
	return httpapi.Envelope{Sequence: pos.Sequence, ID: pos.ID, Type: typ}
}

// sseMsg is one Server-Sent Event.
type sseMsg struct {
	ID, Event, Data string
}

// sseClient reads a stream into a channel.
type sseClient struct {
	msgs     chan sseMsg
	comments chan string
	cancel   context.CancelFunc
	done     chan struct{}
}

func (e *testEnv) subscribe(path, token, lastID string) *sseClient {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.ctx)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		e.t.Fatal(err)
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		cancel()
		e.t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	c := &sseClient{msgs: make(chan sseMsg, 1024), comments: make(chan string, 64), cancel: cancel, done: make(chan struct{})}
	connected := make(chan struct{})
	go func() {
		defer close(c.done)
		defer res.Body.Close()
		readSSE(res.Body, func(m sseMsg) { c.msgs <- m }, func(s string) {
			select {
			case <-connected:
			default:
				close(connected)
			}
			select {
			case c.comments <- s:
			default:
			}
		})
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		e.t.Fatal("the stream sent nothing on connecting")
	}
	e.t.Cleanup(c.Close)
	return c
}

func (c *sseClient) Close() { c.cancel(); <-c.done }

func readSSE(r io.Reader, msg func(sseMsg), comment func(string)) {
	br := bufio.NewReader(r)
	var m sseMsg
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if m.ID != "" || m.Data != "" {
				msg(m)
			}
			m = sseMsg{}
		case strings.HasPrefix(line, ":"):
			comment(strings.TrimSpace(line[1:]))
		case strings.HasPrefix(line, "id: "):
			m.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			m.Event = line[7:]
		case strings.HasPrefix(line, "data: "):
			m.Data = line[6:]
		}
	}
}

// next returns the next message, failing after a timeout.
func (c *sseClient) next(t testing.TB) sseMsg {
	t.Helper()
	select {
	case m := <-c.msgs:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10 s")
	}
	return sseMsg{}
}

// none checks that no message comes within d.
func (c *sseClient) none(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case m := <-c.msgs:
		t.Fatalf("unexpected message %+v", m)
	case <-time.After(d):
	}
}

func seqs(ms []sseMsg) string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return fmt.Sprint(ids)
}
