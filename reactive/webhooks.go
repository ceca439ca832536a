package reactive

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
)

// RetryPolicy is how a webhook delivery is retried before it goes to the poison queue: attempts
// are 1 + MaxRetries, spaced by an exponential backoff from Initial to Max.
type RetryPolicy struct {
	MaxRetries int
	Initial    time.Duration
	Max        time.Duration
	Multiplier float64
}

// DefaultRetry retries 6 times over about 2 minutes (1s, 2s, 4s, … capped at 1 minute).
var DefaultRetry = RetryPolicy{MaxRetries: 6, Initial: time.Second, Max: time.Minute, Multiplier: 2}

// WebhooksConfig configures Webhooks.
type WebhooksConfig struct {
	Store  *eventstore.Store
	Logger *slog.Logger // nil: silent
	// Instance names this process in the delivery log.
	Instance string
	Retry    RetryPolicy   // zero: DefaultRetry
	Timeout  time.Duration // of one POST; default 10s
	Client   *http.Client  // default: a client with Timeout that does not follow redirects
	// SyncEvery is how often the subscription list is re-read to start or stop deliveries of
	// subscriptions made or disabled elsewhere; default 2s.
	SyncEvery time.Duration
	// DeliveryLogAge is how long the delivery log keeps attempts; default 30 days. A delivery
	// older than that is no longer protected from being sent twice.
	DeliveryLogAge time.Duration
	Now            func() time.Time // default time.Now
	// OnAttempt, if set, is called after each delivery attempt (e.g. to count it in metrics).
	OnAttempt func(Attempt)
	// OnPoisoned, if set, is called when a delivery goes to the poison queue.
	OnPoisoned func(subscription string)
	// OnPanic, if set, is called when a handler panics (it is logged with its stack and the
	// message retried like a failure), e.g. to count it in metrics.
	OnPanic func(part string)
}

// Webhooks stores subscriptions and delivers ledger events to them. Mount its API on a mux and
// run Run; several instances on one cluster share the work.
type Webhooks struct {
	cfg   WebhooksConfig
	log   *slog.Logger
	wlog  watermill.LoggerAdapter
	js    jetstream.JetStream
	subs  *registry
	queue jetstream.Stream
	dlog  jetstream.Stream
	pois  jetstream.Stream
	pub   message.Publisher

	fan           *eventstore.Durable // the ledger's events, once across instances
	queueSub      message.Subscriber
	queueConsumer wmjs.ResourceInitializer
	ackWait       time.Duration
	wake          chan struct{}
}

// NewWebhooks creates (or checks) the bucket and streams of the webhooks.
func NewWebhooks(ctx context.Context, cfg WebhooksConfig) (*Webhooks, error) {
	if cfg.Store == nil {
		return nil, errors.New("reactive: webhooks need a store")
	}
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	if cfg.Retry == (RetryPolicy{}) {
		cfg.Retry = DefaultRetry
	}
	if cfg.Retry.Multiplier < 1 {
		cfg.Retry.Multiplier = 1
	}
	if cfg.Retry.Max < cfg.Retry.Initial {
		cfg.Retry.Max = cfg.Retry.Initial
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.SyncEvery <= 0 {
		cfg.SyncEvery = 2 * time.Second
	}
	if cfg.DeliveryLogAge <= 0 {
		cfg.DeliveryLogAge = 30 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	w := &Webhooks{cfg: cfg, log: cfg.Logger, wlog: wmLogger(cfg.Logger), js: cfg.Store.JetStream(), wake: make(chan struct{}, 1)}
	r := replicasOf(cfg.Store)
	var err error
	if w.subs, err = openRegistry(ctx, w.js, r); err != nil {
		return nil, err
	}
	if w.queue, err = ensureStream(ctx, w.js, jetstream.StreamConfig{
		Name: StreamQueue, Description: "ocopledger webhook deliveries waiting, one subject per subscription",
		Subjects: []string{SubjectQueue + ">"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
		Replicas: r, Duplicates: eventstore.DuplicateWindow,
	}); err != nil {
		return nil, err
	}
	if w.dlog, err = ensureStream(ctx, w.js, jetstream.StreamConfig{
		Name: StreamDeliveries, Description: "ocopledger webhook delivery log: every attempt",
		Subjects: []string{SubjectDeliveries + ">"}, Storage: jetstream.FileStorage, Replicas: r,
		MaxAge: cfg.DeliveryLogAge, AllowDirect: true, Duplicates: eventstore.DuplicateWindow,
	}); err != nil {
		return nil, err
	}
	if w.pois, err = ensureStream(ctx, w.js, jetstream.StreamConfig{
		Name: StreamPoison, Description: "ocopledger webhook deliveries that kept failing",
		Subjects: []string{SubjectPoison + ">"}, Storage: jetstream.FileStorage, Replicas: r,
		Duplicates: eventstore.DuplicateWindow,
	}); err != nil {
		return nil, err
	}
	nc := cfg.Store.Conn()
	if w.pub, err = newPublisher(nc, w.wlog); err != nil {
		return nil, err
	}
	// A delivery may take every attempt's timeout and every backoff: JetStream must not hand the
	// message to another instance meanwhile.
	w.ackWait = time.Duration(cfg.Retry.MaxRetries+1)*cfg.Timeout + time.Duration(float64(cfg.Retry.MaxRetries)*1.2*float64(cfg.Retry.Max)) + 30*time.Second
	// The fan-out's durable position is made now, before the API can take a subscription: a new
	// one starts after the current end, so every subscription (which gets the events after
	// Subscription.FromSequence, never the history) finds its events in it.
	if w.fan, err = cfg.Store.OpenDurable(ctx, eventstore.DurableConfig{Name: ConsumerWebhooks,
		Description: "ocopledger webhooks: fan-out of ledger events", AckWait: time.Minute, Retry: time.Second}); err != nil {
		return nil, err
	}
	w.queueConsumer = durable(StreamQueue, func(_ context.Context, topic string) (jetstream.ConsumerConfig, error) {
		id := topic[len(SubjectQueue):]
		return jetstream.ConsumerConfig{
			Durable: consumerPerWebhook + id, Description: "ocopledger webhook deliveries of " + id,
			FilterSubject: topic, DeliverPolicy: jetstream.DeliverAllPolicy,
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: w.ackWait, MaxAckPending: 1, MaxDeliver: -1, Replicas: r,
		}, nil
	})
	if w.queueSub, err = newSubscriber(nc, w.wlog, w.ackWait, guarded(w.queueConsumer, w.log, "webhooks.deliver", cfg.OnPanic), wmjs.NewStaticDelay(time.Second)); err != nil {
		return nil, err
	}
	return w, nil
}

// deliveryID names the delivery of one event to one subscription.
func deliveryID(subID, eventID string) string { return subID + ":" + eventID }

func eventHash(eventID string) string {
	h := sha256.Sum256([]byte(eventID))
	return hex.EncodeToString(h[:16])
}

// Sign returns the X-Ocop-Signature value of a body: "sha256=" and the hex HMAC-SHA256 keyed with
// the subscription's secret. Receivers compare it with hmac.Equal.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Run delivers events until ctx is done: the fan-out of the ledger and one deliverer per active
// subscription, started and stopped as subscriptions come and go. It returns nil when ctx ends.
//
// Each deliverer is a router of its own: starting, failing or stopping one never touches the
// fan-out or the other subscriptions.
func (w *Webhooks) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fanDone := make(chan error, 1)
	go func() {
		fanDone <- w.fan.Run(ctx, func(e eventstore.Envelope) error { return w.fanout(ctx, e) },
			func(v any) { reportPanic(w.log, "webhooks.fanout", w.cfg.OnPanic, v) })
	}()

	running := map[string]*deliverer{}
	forgotten := map[string]bool{}
	defer func() {
		cancel()
		for _, d := range running {
			d.stop()
		}
		<-fanDone
	}()
	tick := time.NewTicker(w.cfg.SyncEvery)
	defer tick.Stop()
	for {
		err := recovered(w.log, "webhooks.sync", w.cfg.OnPanic, func() error { return w.sync(ctx, running, forgotten) })
		if err != nil && ctx.Err() == nil {
			w.log.Warn("webhooks: sync subscriptions", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-fanDone:
			fanDone <- err // for the deferred wait
			if ctx.Err() != nil {
				return nil
			}
			if err == nil {
				err = errors.New("reactive: the webhook fan-out stopped")
			}
			return err
		case <-tick.C:
		case <-w.wake:
		}
	}
}

func (w *Webhooks) newRouter() (*message.Router, error) {
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, w.wlog)
	if err != nil {
		return nil, err
	}
	r.AddMiddleware(middleware.CorrelationID)
	return r, nil
}

// deliverer is the running router of one subscription.
type deliverer struct {
	router *message.Router
	cancel context.CancelFunc
	done   chan error
}

func (d *deliverer) stop() {
	d.cancel()
	d.router.Close()
	<-d.done
}

func (d *deliverer) stopped() bool {
	select {
	case err := <-d.done:
		d.done <- err
		return true
	default:
		return false
	}
}

// sync starts a deliverer for each active subscription and stops those of disabled ones.
func (w *Webhooks) sync(ctx context.Context, running map[string]*deliverer, forgotten map[string]bool) error {
	subs, err := w.subs.all(ctx)
	if err != nil {
		return err
	}
	var first error
	for id, s := range subs {
		d := running[id]
		if d != nil && d.stopped() {
			d.stop()
			delete(running, id) // it ended on its own (its consumer was lost, say): start again
			d = nil
		}
		switch {
		case s.Status == StatusActive && d == nil:
			d, err := w.startDeliverer(ctx, id)
			if err != nil {
				if first == nil {
					first = fmt.Errorf("webhook %s: %w", id, err)
				}
				continue
			}
			running[id] = d
		case s.Status == StatusDisabled:
			if d != nil {
				d.stop()
				delete(running, id)
			}
			if !forgotten[id] {
				w.forget(ctx, id)
				forgotten[id] = true
			}
		}
	}
	return first
}

func (w *Webhooks) startDeliverer(ctx context.Context, id string) (*deliverer, error) {
	// Make the consumer first: then the router's subscribe only binds it, and a failure here
	// leaves no half-started router behind.
	topic := SubjectQueue + id
	if _, _, err := w.queueConsumer(ctx, w.js, topic); err != nil {
		return nil, err
	}
	r, err := w.newRouter()
	if err != nil {
		return nil, err
	}
	poison, err := middleware.PoisonQueueWithFilter(poisonPublisher{w.pub, w.cfg.OnPoisoned}, SubjectPoison+id, func(err error) bool {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	})
	if err != nil {
		return nil, err
	}
	h := r.AddConsumerHandler("webhooks.deliver."+id, topic, w.queueSub, w.deliver)
	h.AddMiddleware(poison, middleware.Retry{
		MaxRetries: w.cfg.Retry.MaxRetries, InitialInterval: w.cfg.Retry.Initial, MaxInterval: w.cfg.Retry.Max,
		Multiplier: w.cfg.Retry.Multiplier, RandomizationFactor: 0.1, Logger: w.wlog,
	}.Middleware, recoverer(w.log, "webhooks.deliver", w.cfg.OnPanic))
	rctx, cancel := context.WithCancel(ctx)
	d := &deliverer{router: r, cancel: cancel, done: make(chan error, 1)}
	go func() { d.done <- r.Run(rctx) }()
	select {
	case <-r.Running():
		return d, nil
	case err := <-d.done:
		cancel()
		if err == nil {
			err = errors.New("the router stopped at once")
		}
		return nil, err
	}
}

// forget drops the queue of a disabled subscription (idempotent; any instance may do it).
func (w *Webhooks) forget(ctx context.Context, id string) {
	err := w.js.DeleteConsumer(ctx, StreamQueue, consumerPerWebhook+id)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		w.log.Warn("webhooks: delete consumer", "webhook", id, "err", err)
	}
	if err := w.queue.Purge(ctx, jetstream.WithPurgeSubject(SubjectQueue+id)); err != nil {
		w.log.Warn("webhooks: purge queue", "webhook", id, "err", err)
	}
}

// poisonPublisher publishes a poisoned message once per delivery, whatever retries happen.
type poisonPublisher struct {
	message.Publisher
	observe func(subscription string)
}

func (p poisonPublisher) Publish(topic string, msgs ...*message.Message) error {
	for _, m := range msgs {
		m.Metadata.Set(nats.MsgIdHdr, "poison:"+m.Metadata.Get(mdDelivery))
	}
	err := p.Publisher.Publish(topic, msgs...)
	if err == nil && p.observe != nil {
		for _, m := range msgs {
			p.observe(m.Metadata.Get(mdSubscription))
		}
	}
	return err
}

// fanout turns one ledger event into one queued delivery per matching active subscription (an
// error: the event is handed to it again).
func (w *Webhooks) fanout(ctx context.Context, stored eventstore.Envelope) error {
	if stored.Unreadable != "" {
		w.log.Error("webhooks: skip a message of the ledger stream", "position", stored.Sequence, "err", stored.Unreadable)
		return nil // not an event: nothing to deliver, and retrying will not change it
	}
	env := ledger.EntryOf(stored)
	subs, err := w.subs.all(ctx)
	if err != nil {
		return err
	}
	var body []byte
	for _, s := range subs {
		if s.Status != StatusActive || env.Sequence <= s.FromSequence || !s.Filter.Match(env.Type, env.Stream) {
			continue
		}
		if body == nil {
			if body, err = json.Marshal(env); err != nil {
				return err
			}
		}
		d := deliveryID(s.ID, env.ID)
		m := message.NewMessage(watermill.NewUUID(), body)
		m.Metadata.Set(nats.MsgIdHdr, d) // the queue keeps one per delivery
		m.Metadata.Set(mdDelivery, d)
		m.Metadata.Set(mdSubscription, s.ID)
		m.Metadata.Set(mdEventID, env.ID)
		m.Metadata.Set(mdEventType, env.Type)
		m.Metadata.Set(mdSequence, strconv.FormatUint(env.Sequence, 10))
		cid := env.CorrelationID
		if cid == "" {
			cid = env.ID
		}
		middleware.SetCorrelationID(cid, m)
		if err := w.pub.Publish(SubjectQueue+s.ID, m); err != nil {
			return fmt.Errorf("reactive: queue delivery %s: %w", d, err)
		}
	}
	return nil
}

// Attempt is one try to deliver an event to a webhook, as the delivery log keeps it.
type Attempt struct {
	Delivery     string    `json:"delivery"`
	Subscription string    `json:"subscription"`
	EventID      string    `json:"event_id"`
	EventType    string    `json:"event_type"`
	Sequence     uint64    `json:"sequence"`
	Attempt      int       `json:"attempt"` // 1, 2, … within this process's handling of the message
	At           time.Time `json:"at"`
	Status       int       `json:"status,omitempty"` // the HTTP status; 0 when no answer came
	LatencyMS    float64   `json:"latency_ms"`
	OK           bool      `json:"ok"`
	Error        string    `json:"error,omitempty"`
	Instance     string    `json:"instance,omitempty"`
}

// deliver POSTs one queued delivery; an error makes Retry try again, then PoisonQueue take it.
func (w *Webhooks) deliver(msg *message.Message) error {
	ctx := msg.Context()
	subID, d := msg.Metadata.Get(mdSubscription), msg.Metadata.Get(mdDelivery)
	eventID := msg.Metadata.Get(mdEventID)
	s, _, err := w.subs.get(ctx, subID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		w.log.Warn("webhooks: delivery for a subscription that is gone", "delivery", d)
		return nil
	}
	if err != nil {
		return err
	}
	if s.Status != StatusActive {
		return nil
	}
	done, err := w.delivered(ctx, subID, eventID)
	if err != nil {
		return err
	}
	if done {
		w.log.Info("webhooks: already delivered; not sending again", "delivery", d)
		return nil
	}
	n, _ := strconv.Atoi(msg.Metadata.Get(mdAttempt))
	n++
	msg.Metadata.Set(mdAttempt, strconv.Itoa(n))
	seq, _ := strconv.ParseUint(msg.Metadata.Get(mdSequence), 10, 64)
	a := Attempt{Delivery: d, Subscription: subID, EventID: eventID, EventType: msg.Metadata.Get(mdEventType),
		Sequence: seq, Attempt: n, At: w.cfg.Now().UTC(), Instance: w.cfg.Instance}
	status, postErr := w.post(ctx, s, msg)
	a.LatencyMS = float64(w.cfg.Now().Sub(a.At).Microseconds()) / 1000
	a.Status, a.OK = status, postErr == nil
	if postErr != nil {
		a.Error = postErr.Error()
	}
	if w.cfg.OnAttempt != nil {
		w.cfg.OnAttempt(a)
	}
	if err := w.logAttempt(ctx, a); err != nil {
		if postErr == nil {
			// Delivered but not logged: report it, but do not send again for a log failure.
			w.log.Error("webhooks: delivered but the delivery log refused it", "delivery", d, "err", err)
			return nil
		}
		w.log.Warn("webhooks: delivery log", "delivery", d, "err", err)
	}
	return postErr
}

func (w *Webhooks) post(ctx context.Context, s Subscription, msg *message.Message) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(msg.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ocopledger-webhooks/1")
	req.Header.Set("X-Ocop-Event-Id", msg.Metadata.Get(mdEventID))
	req.Header.Set("X-Ocop-Event-Type", msg.Metadata.Get(mdEventType))
	req.Header.Set("X-Ocop-Sequence", msg.Metadata.Get(mdSequence))
	req.Header.Set("X-Ocop-Delivery", msg.Metadata.Get(mdDelivery))
	if cid := middleware.MessageCorrelationID(msg); cid != "" {
		req.Header.Set("X-Ocop-Correlation-Id", cid)
	}
	req.Header.Set("X-Ocop-Signature", Sign(s.Secret, msg.Payload))
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("%s answered %s", s.URL, resp.Status)
	}
	return resp.StatusCode, nil
}

func (w *Webhooks) okSubject(subID, eventID string) string {
	return SubjectDeliveries + subID + ".ok." + eventHash(eventID)
}

// delivered reports whether the delivery log holds a successful attempt of this delivery.
func (w *Webhooks) delivered(ctx context.Context, subID, eventID string) (bool, error) {
	_, err := w.dlog.GetLastMsgForSubject(ctx, w.okSubject(subID, eventID))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (w *Webhooks) logAttempt(ctx context.Context, a Attempt) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	subject := SubjectDeliveries + a.Subscription + ".failed"
	var opts []jetstream.PublishOpt
	if a.OK {
		subject = w.okSubject(a.Subscription, a.EventID)
		opts = append(opts, jetstream.WithMsgID("ok:"+a.Delivery))
	}
	_, err = w.js.Publish(ctx, subject, b, opts...)
	return err
}

// Deliveries returns the attempts logged for a subscription, oldest first, at most limit (the
// newest ones).
func (w *Webhooks) Deliveries(ctx context.Context, subID string, limit int) ([]Attempt, error) {
	if _, _, err := w.subs.get(ctx, subID); err != nil {
		return nil, err
	}
	var out []Attempt
	err := readAll(ctx, w.dlog, SubjectDeliveries+subID+".>", func(m jetstream.Msg) error {
		var a Attempt
		if err := json.Unmarshal(m.Data(), &a); err != nil {
			return nil
		}
		out = append(out, a)
		if limit > 0 && len(out) > limit {
			out = out[1:]
		}
		return nil
	})
	return out, err
}

// Poisoned is a delivery that kept failing after its retries.
type Poisoned struct {
	Sequence     uint64          `json:"sequence"` // in the poison stream
	Subscription string          `json:"subscription"`
	Delivery     string          `json:"delivery"`
	EventID      string          `json:"event_id"`
	EventType    string          `json:"event_type"`
	Reason       string          `json:"reason"`
	PoisonedAt   time.Time       `json:"poisoned_at"`
	Event        json.RawMessage `json:"event"`
}

// Poison lists the poison queue, oldest first (at most limit, the newest).
func (w *Webhooks) Poison(ctx context.Context, limit int) ([]Poisoned, error) {
	var out []Poisoned
	err := readAll(ctx, w.pois, SubjectPoison+">", func(m jetstream.Msg) error {
		h := m.Headers()
		p := Poisoned{Subscription: h.Get(mdSubscription), Delivery: h.Get(mdDelivery), EventID: h.Get(mdEventID),
			EventType: h.Get(mdEventType), Reason: h.Get(middleware.ReasonForPoisonedKey), Event: json.RawMessage(m.Data())}
		if md, err := m.Metadata(); err == nil {
			p.Sequence, p.PoisonedAt = md.Sequence.Stream, md.Timestamp.UTC()
		}
		if !json.Valid(p.Event) {
			p.Event = nil
		}
		out = append(out, p)
		if limit > 0 && len(out) > limit {
			out = out[1:]
		}
		return nil
	})
	return out, err
}

// readAll calls fn for every message of stream on filter stored when it starts.
func readAll(ctx context.Context, st jetstream.Stream, filter string, fn func(jetstream.Msg) error) error {
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	end := info.State.LastSeq
	if info.State.Msgs == 0 {
		return nil
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}, DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return err
	}
	for {
		batch, err := cons.FetchNoWait(500)
		if err != nil {
			return err
		}
		n := 0
		last := uint64(0)
		for m := range batch.Messages() {
			n++
			if md, err := m.Metadata(); err == nil {
				last = md.Sequence.Stream
			}
			if err := fn(m); err != nil {
				return err
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return err
		}
		if n == 0 || last >= end {
			return nil
		}
	}
}
