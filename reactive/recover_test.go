package reactive

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

// A panic in a webhook delivery (injected through OnAttempt, which runs inside the handler) is
// recovered: logged with its stack, counted, and the delivery retried like a failure; the
// process goes on and the event is delivered.
func TestWebhookHandlerPanicIsRecovered(t *testing.T) {
	ctx := testContext(t)
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	logs := &syncBuffer{}
	var panics, attempts atomic.Int32
	w, err := NewWebhooks(ctx, WebhooksConfig{Store: s, Retry: fastRetry, Timeout: 2 * time.Second, SyncEvery: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
		OnAttempt: func(Attempt) {
			if attempts.Add(1) == 1 {
				panic("a bug in the first attempt")
			}
		},
		OnPanic: func(part string) {
			if part == "webhooks.deliver" {
				panics.Add(1)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Mount(mux, nil, nil)
	api := httptest.NewServer(mux)
	defer api.Close()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	rcv := newReceiver(t, secret, 1, false) // the first attempt fails anyway: the panic loses no success
	subscribe(t, api.URL, rcv.srv.URL, Filter{})
	e := mustRecord(t, l, certified("toi-ly-son", domain.MustDate(2024, 3, 1)))
	eventually(t, 10*time.Second, "the event delivered after the panic", func() bool { return rcv.count(e.ID) == 1 })
	if panics.Load() != 1 {
		t.Errorf("OnPanic saw %d panics of the deliverer, want 1", panics.Load())
	}
	log := logs.String()
	if !strings.Contains(log, `msg="recovered a panic" part=webhooks.deliver panic="a bug in the first attempt"`) || !strings.Contains(log, "recover_test.go") {
		t.Errorf("the panic is not logged with its stack:\n%s", log)
	}
}

// A sweep of the expiry notifier that panics (injected through OnSweep) is recovered and retried;
// the next sweep records what is due.
func TestNotifierSweepPanicIsRecovered(t *testing.T) {
	ctx := testContext(t)
	s := mustOpenStore(t)
	l := ledger.New(s, nil)
	mustRecord(t, l, certified("sap-het-han", domain.MustDate(2022, 8, 20))) // notice due on 07/08/2025
	p := mustOpenProjection(t)
	if err := p.CatchUp(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	var calls, panics atomic.Int32
	sweeps := make(chan SweepResult, 4)
	n := NewNotifier(NotifierConfig{Ledger: l, Projection: p, Now: func() time.Time { return reportDay }, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		OnSweep: func(r SweepResult, err error) {
			if calls.Add(1) == 1 {
				panic("a bug after the first sweep")
			}
			sweeps <- r
		},
		OnPanic: func(string) { panics.Add(1) }})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- n.Run(rctx) }()
	defer func() { stop(); <-done }()
	select {
	case r := <-sweeps:
		if r.Today != domain.DateOf(reportDay) {
			t.Errorf("sweep after the panic: %+v", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no sweep after the panic within 20 s")
	}
	// The first sweep recorded the notice before the panic; the retry did not record it twice.
	hist, _, err := l.History(ctx, "product.sap-het-han")
	if err != nil {
		t.Fatal(err)
	}
	notices := 0
	for _, r := range hist {
		if r.Type == domain.TypeOCOPExpiryNoticed {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d notices recorded, want 1", notices)
	}
	if panics.Load() != 1 || !strings.Contains(logs.String(), `part=expiry-notifier panic="a bug after the first sweep"`) {
		t.Errorf("panics counted %d, log:\n%s", panics.Load(), logs.String())
	}
}

// A round of the figure feed that panics (injected through its clock) is recovered, and the feed
// publishes the next changes.
func TestFigureFeedPanicIsRecovered(t *testing.T) {
	var calls, panics atomic.Int32
	e := newFeedEnv(t, FigureFeedConfig{OnPanic: func(string) { panics.Add(1) }}, func() time.Time {
		if calls.Add(1) == 1 {
			panic("a bug in the first round")
		}
		return reportDay
	})
	mustRecord(t, e.ledger, certified("toi-ly-son", domain.MustDate(2025, 1, 10)))
	eventually(t, 10*time.Second, "the panic", func() bool { return panics.Load() == 1 })
	pos := mustRecord(t, e.ledger, certified("tra-sam", domain.MustDate(2025, 1, 11)))
	eventually(t, 10*time.Second, "the next change in the stream", func() bool { return len(e.stored()["ocop.valid"]) == 1 })
	if c := e.stored()["ocop.valid"][0]; c.Position != pos.Sequence || c.New != 2 {
		t.Errorf("after the panic: %+v, want → 2 at %d", c, pos.Sequence)
	}
	if !strings.Contains(e.logs.String(), `part=figure-feed panic="a bug in the first round"`) {
		t.Errorf("the panic is not logged:\n%s", e.logs.String())
	}
}

// A panic in the message callback a subscriber gives a consumer (it runs on a NATS goroutine) is
// recovered by guarded consumers: logged, counted, and the message delivered again.
func TestGuardedConsumerRecoversACallbackPanic(t *testing.T) {
	ctx := testContext(t)
	s := mustOpenStore(t)
	js := s.JetStream()
	if _, err := ensureStream(ctx, js, jetstream.StreamConfig{Name: "GUARD_TEST", Subjects: []string{"guard.>"}}); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	var panics atomic.Int32
	init := guarded(durable("GUARD_TEST", func(context.Context, string) (jetstream.ConsumerConfig, error) {
		return jetstream.ConsumerConfig{Durable: "guard", AckPolicy: jetstream.AckExplicitPolicy, AckWait: time.Minute}, nil
	}), slog.New(slog.NewTextHandler(logs, nil)), "test.consumer", func(string) { panics.Add(1) })
	c, _, err := init(ctx, js, "guard.x")
	if err != nil {
		t.Fatal(err)
	}
	var deliveries atomic.Int32
	acked := make(chan struct{})
	cc, err := c.Consume(func(m jetstream.Msg) {
		if deliveries.Add(1) == 1 {
			out := make(chan int)
			close(out)
			out <- 1 // send on closed channel, as watermill-nats may
		}
		m.Ack()
		close(acked)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Stop()
	if _, err := js.Publish(ctx, "guard.x", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-acked:
	case <-time.After(10 * time.Second):
		t.Fatal("the message was not delivered again after the panic")
	}
	if panics.Load() != 1 || deliveries.Load() != 2 || !strings.Contains(logs.String(), `part=test.consumer panic="send on closed channel"`) {
		t.Errorf("panics %d, deliveries %d, log:\n%s", panics.Load(), deliveries.Load(), logs.String())
	}
}
