package reactive

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// testLogger logs to stderr when REACTIVE_DEBUG is set.
func testLogger() *slog.Logger {
	if os.Getenv("REACTIVE_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// mustOpenStore runs an in-process JetStream in a temporary directory.
func mustOpenStore(tb testing.TB) *eventstore.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("open the event store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustOpenProjection(tb testing.TB) *projections.Projection {
	tb.Helper()
	p, err := projections.Open(tb.TempDir()+"/readmodels.db", projections.Options{})
	if err != nil {
		tb.Fatalf("open projection: %v", err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

func testContext(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or the deadline passes.
func eventually(tb testing.TB, within time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %s: still waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// certified is a synthetic 4★ certificate decided by the province on the given day.
func certified(product string, decided domain.Date) domain.OCOPCertified {
	return domain.OCOPCertified{ProductID: product, ProductName: "Sản phẩm " + product + " (synthetic)",
		ProducerID: "p-" + product, ProducerName: "(synthetic)", ProducerKind: "enterprise", ProductSet: "I.4b", Stars: 4,
		Decision: domain.Decision{Number: "1425/QĐ-UBND-" + product, Date: decided, Authority: domain.AuthorityProvince},
		Address:  domain.Address{Province: "Quảng Ngãi"}, Synthetic: true}
}

func recognized(product string, level domain.CNNTTBLevel, round int, issued domain.Date) domain.CNNTTBRecognized {
	return domain.CNNTTBRecognized{ProductID: product, ProductName: "CNNTTB " + product + " (synthetic)", ProducerName: "(synthetic)",
		Level: level, RoundYear: round, Certificate: "GCN-" + product, IssuedOn: issued,
		Address: domain.Address{Province: "Quảng Ngãi"}, Synthetic: true}
}

func mustRecord(tb testing.TB, l *ledger.Ledger, e domain.Event) ledger.Position {
	tb.Helper()
	pos, err := l.RecordEvent(context.Background(), e, ledger.Meta{Actor: "test"})
	if err != nil {
		tb.Fatalf("record %s: %v", e.EventType(), err)
	}
	return pos
}

// receiver is a webhook endpoint on 127.0.0.1: it fails the first failFirst requests for each
// event (or every request when failAlways) and keeps what it accepted.
type receiver struct {
	srv        *httptest.Server
	secret     string
	failFirst  int
	failAlways bool

	mu       sync.Mutex
	tries    map[string]int // event ID → requests
	accepted []received
	badSig   int
}

type received struct {
	EventID, Delivery, Sequence string
	Envelope                    Envelope
}

func newReceiver(tb testing.TB, secret string, failFirst int, failAlways bool) *receiver {
	r := &receiver{secret: secret, failFirst: failFirst, failAlways: failAlways, tries: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	tb.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	id := req.Header.Get("X-Ocop-Event-Id")
	r.tries[id]++
	if !hmac.Equal([]byte(req.Header.Get("X-Ocop-Signature")), []byte(Sign(r.secret, body))) {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if r.failAlways || r.tries[id] <= r.failFirst {
		http.Error(w, "not now", http.StatusInternalServerError)
		return
	}
	var env Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.accepted = append(r.accepted, received{EventID: id, Delivery: req.Header.Get("X-Ocop-Delivery"), Sequence: req.Header.Get("X-Ocop-Sequence"), Envelope: env})
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) acceptedIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.accepted {
		out = append(out, a.EventID)
	}
	return out
}

func (r *receiver) count(id string) int {
	n := 0
	for _, a := range r.acceptedIDs() {
		if a == id {
			n++
		}
	}
	return n
}
