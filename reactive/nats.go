package reactive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
)

// Names of the JetStream resources of this package. None of them holds ledger history.
const (
	BucketWebhooks     = "OCOP_WEBHOOKS"
	StreamQueue        = "OCOP_WEBHOOK_QUEUE"
	StreamDeliveries   = "OCOP_DELIVERIES"
	StreamPoison       = "OCOP_POISON"
	StreamFigures      = "OCOP_FIGURES"
	ConsumerWebhooks   = "ocop-webhooks"
	SubjectQueue       = "ocop.webhook."
	SubjectDeliveries  = "ocop.deliveries."
	SubjectPoison      = "ocop.poison."
	SubjectFigures     = "ocop.figures."
	consumerPerWebhook = "ocop-webhook-"
)

// Metadata keys of the watermill messages (sent as NATS headers).
const (
	mdDelivery     = "ocop_delivery"
	mdSubscription = "ocop_subscription"
	mdEventID      = "ocop_event_id"
	mdEventType    = "ocop_event_type"
	mdSequence     = "ocop_sequence"
	mdAttempt      = "ocop_attempt"
	mdJSSequence   = "js_sequence"
	mdJSDelivered  = "js_delivered"
	mdJSTimestamp  = "js_timestamp"
)

func replicasOf(s *eventstore.Store) int {
	if r := s.Config().Replicas; r > 0 {
		return r
	}
	return 1
}

// ensureStream creates a stream or brings an existing one to cfg (several instances may race:
// both end with the same configuration).
func ensureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	st, err := retryUnanswered(ctx, func(ctx context.Context) (jetstream.Stream, error) { return js.CreateOrUpdateStream(ctx, cfg) })
	if err != nil {
		return nil, fmt.Errorf("reactive: stream %s: %w", cfg.Name, err)
	}
	return st, nil
}

// retryUnanswered asks again, a few times, a request about a stream that goes unanswered
// (eventstore.RetryUnanswered).
func retryUnanswered[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	return eventstore.RetryUnanswered(ctx, f)
}

// Envelope is an event as webhooks receive it: the ledger's wire type, the same JSON as a line
// of `ocopledger export`.
type Envelope = ledger.Entry

// unmarshaler turns JetStream messages into watermill messages. Unlike the default one it never
// fails (a nil message would crash the subscriber), takes the UUID from Nats-Msg-Id when the
// message was not published by watermill, and adds the stream sequence, delivery count and
// timestamp as metadata.
type unmarshaler struct{}

var _ wmjs.Unmarshaler = unmarshaler{}

func (unmarshaler) Unmarshal(m jetstream.Msg) (*message.Message, error) {
	hdr := m.Headers()
	id := hdr.Get(wmnats.WatermillUUIDHdr)
	if id == "" {
		id = hdr.Get(nats.MsgIdHdr)
	}
	md := message.Metadata{}
	for k, v := range hdr {
		switch k {
		case wmnats.WatermillUUIDHdr, nats.MsgIdHdr:
			continue
		}
		if len(v) > 0 {
			md.Set(k, v[0])
		}
	}
	if meta, err := m.Metadata(); err == nil {
		md.Set(mdJSSequence, strconv.FormatUint(meta.Sequence.Stream, 10))
		md.Set(mdJSDelivered, strconv.FormatUint(meta.NumDelivered, 10))
		md.Set(mdJSTimestamp, meta.Timestamp.UTC().Format(time.RFC3339Nano))
		if id == "" {
			id = "seq-" + strconv.FormatUint(meta.Sequence.Stream, 10)
		}
	}
	wm := message.NewMessage(id, m.Data())
	wm.Metadata = md
	return wm, nil
}

// sharedConnSubscriber keeps the router from closing the store's NATS connection: the watermill
// JetStream subscriber drains its connection on Close, and ours is the event store's. The
// subscriptions themselves end with their context.
type sharedConnSubscriber struct{ *wmjs.Subscriber }

func (sharedConnSubscriber) Close() error { return nil }

// Subscribe hands watermill-nats a context of its own, ended only once no message callback is in
// flight: v2.1.3 closes a subscription's output channel as soon as its context ends, while a
// callback on a NATS goroutine may be sending on it (upstream ThreeDotsLabs/watermill-nats#18; a
// data race, and a "send on closed channel" panic that guarded recovers). When ctx ends the gate
// stops letting callbacks in (a message that comes then is handed back to JetStream), waits for
// those in flight (the router still reads them), then ends the subscription's context.
func (s sharedConnSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	g := newCallbackGate()
	inner, cancel := context.WithCancel(context.WithValue(context.WithoutCancel(ctx), callbackGateKey{}, g))
	out, err := s.Subscriber.Subscribe(inner, topic)
	if err != nil {
		cancel()
		return nil, err
	}
	go func() {
		<-ctx.Done()
		g.closeAndWait(10 * time.Second)
		cancel()
	}()
	return out, nil
}

type callbackGateKey struct{}

// callbackGate counts the message callbacks in flight of one subscription.
type callbackGate struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when closed and n reaches 0
}

func newCallbackGate() *callbackGate { return &callbackGate{idle: make(chan struct{})} }

// enter reports whether a callback may run; each true must be followed by leave.
func (g *callbackGate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.n++
	return true
}

func (g *callbackGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.closed && g.n == 0 {
		close(g.idle)
	}
}

// closeAndWait lets no callback in any more and waits, at most max, for those in flight.
func (g *callbackGate) closeAndWait(max time.Duration) {
	g.mu.Lock()
	g.closed = true
	if g.n == 0 {
		close(g.idle)
	}
	g.mu.Unlock()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-g.idle:
	case <-t.C:
	}
}

// newSubscriber returns a watermill JetStream subscriber on the store's connection whose
// subscriptions bind to the durable consumers init makes.
func newSubscriber(nc *nats.Conn, logger watermill.LoggerAdapter, ackWait time.Duration, init wmjs.ResourceInitializer, nakDelay wmjs.Delay) (message.Subscriber, error) {
	sub, err := wmjs.NewSubscriber(wmjs.SubscriberConfig{
		Conn:                nc,
		Logger:              logger,
		AckWaitTimeout:      ackWait,
		ResourceInitializer: init,
		NakDelay:            nakDelay,
		Unmarshaler:         unmarshaler{},
		ConsumeOptions:      []jetstream.PullConsumeOpt{jetstream.PullMaxMessages(1)},
	})
	if err != nil {
		return nil, err
	}
	return sharedConnSubscriber{sub}, nil
}

// newPublisher returns a watermill JetStream publisher on the store's connection that publishes
// a message on the subject named by the topic. Its metadata go out as headers, so metadata
// "Nats-Msg-Id" makes the stream drop a repeat. Never Close it: it would close the connection.
func newPublisher(nc *nats.Conn, logger watermill.LoggerAdapter) (message.Publisher, error) {
	return wmjs.NewPublisher(wmjs.PublisherConfig{
		Conn:   nc,
		Logger: logger,
		// The publisher publishes on StreamConfig.Name: make it the topic itself.
		ConfigureStream: func(topic string) jetstream.StreamConfig { return jetstream.StreamConfig{Name: topic} },
	})
}

// durable returns a resource initializer that binds to the durable consumer cfg on stream,
// creating it if needed. Several instances binding the same durable share its messages.
func durable(stream string, cfg func(ctx context.Context, topic string) (jetstream.ConsumerConfig, error)) wmjs.ResourceInitializer {
	return func(ctx context.Context, js jetstream.JetStream, topic string) (jetstream.Consumer, func(context.Context, watermill.LoggerAdapter), error) {
		c, err := cfg(ctx, topic)
		if err != nil {
			return nil, nil, err
		}
		cons, err := retryUnanswered(ctx, func(ctx context.Context) (jetstream.Consumer, error) {
			cons, err := js.Consumer(ctx, stream, c.Durable)
			if errors.Is(err, jetstream.ErrConsumerNotFound) {
				cons, err = js.CreateConsumer(ctx, stream, c)
				if errors.Is(err, jetstream.ErrConsumerExists) {
					cons, err = js.Consumer(ctx, stream, c.Durable)
				}
			}
			return cons, err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("reactive: consumer %s on %s: %w", c.Durable, stream, err)
		}
		return cons, nil, nil
	}
}

func wmLogger(l *slog.Logger) watermill.LoggerAdapter {
	// Watermill logs every message at info level: keep that at debug.
	return watermill.NewSlogLoggerWithLevelMapping(l, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
