package eventstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Durable follows the log from a position kept by the broker under a name, shared by every
// process that opens the same name: each event goes to one of them at a time and is delivered
// again, to any of them, until one has handled it (a JetStream durable consumer of the ledger
// stream with explicit acknowledgement, one event in flight). It serves parts that must act once
// per event across restarts and instances, such as the webhooks' fan-out.
type Durable struct {
	s    *Store
	cfg  DurableConfig
	cons jetstream.Consumer
	// next is the first position not yet handled as far as this process knows: where the
	// position is made again if the broker loses it (its stream deleted and restored).
	next atomic.Uint64
}

// DurableConfig configures OpenDurable.
type DurableConfig struct {
	Name        string // the durable position's name; required
	Description string
	// AckWait is how long an event handed to a process may go unanswered before it is delivered
	// again (the process died); default one minute.
	AckWait time.Duration
	// Retry is how long after a failed handling an event is delivered again, and how often a
	// lost position is looked for again; default 1 s.
	Retry time.Duration
}

// OpenDurable binds to the durable position named cfg.Name, creating it at the end of the log
// if there is none: a new one delivers the events appended after it was made, never the history.
func (s *Store) OpenDurable(ctx context.Context, cfg DurableConfig) (*Durable, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		return nil, errors.New("eventstore: a durable position needs a name")
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = time.Minute
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Second
	}
	d := &Durable{s: s, cfg: cfg}
	if err := d.bind(ctx, 0); err != nil {
		return nil, err
	}
	return d, nil
}

// bind looks up the durable position, or makes it at from (0: at the end of the log).
func (d *Durable) bind(ctx context.Context, from uint64) error {
	s := d.s
	cons, err := RetryUnanswered(ctx, func(ctx context.Context) (jetstream.Consumer, error) {
		cons, err := s.js.Consumer(ctx, s.cfg.StreamName, d.cfg.Name)
		if !errors.Is(err, jetstream.ErrConsumerNotFound) {
			return cons, err
		}
		start := from
		if start == 0 {
			last, err := s.LastSequence(ctx)
			if err != nil {
				return nil, err
			}
			start = last + 1
		}
		cons, err = s.js.CreateConsumer(ctx, s.cfg.StreamName, jetstream.ConsumerConfig{
			Durable: d.cfg.Name, Description: d.cfg.Description, FilterSubject: Subjects,
			DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: start,
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: d.cfg.AckWait, MaxAckPending: 1, MaxDeliver: -1,
			Replicas: s.cfg.Replicas,
		})
		if errors.Is(err, jetstream.ErrConsumerExists) { // another process made it meanwhile
			cons, err = s.js.Consumer(ctx, s.cfg.StreamName, d.cfg.Name)
		}
		return cons, err
	})
	if err != nil {
		return fmt.Errorf("eventstore: durable position %s: %w", d.cfg.Name, err)
	}
	d.cons = cons
	info := cons.CachedInfo()
	d.next.Store(max(d.next.Load(), info.Config.OptStartSeq, info.AckFloor.Stream+1))
	return nil
}

// Run hands each event to fn, one at a time, in log order, until ctx is done (it then returns
// nil) or the store closes (ErrClosed). An event that is not one of the ledger comes with
// Unreadable set, as Read gives it. When fn returns an error or panics, the event is delivered
// again after DurableConfig.Retry; a panic is recovered and given to onPanic (if set) from the
// deferred call, where the stack still shows it. A position the broker loses (its stream
// deleted, or the position itself) is logged and made again, once the stream is there, after
// the last event this process handled. Run returns only once its subscription is gone, so
// that the store may close behind it.
func (d *Durable) Run(ctx context.Context, fn func(Envelope) error, onPanic func(v any)) error {
	for {
		err := d.consume(ctx, fn, onPanic)
		if err == nil || errors.Is(err, ErrClosed) {
			return err
		}
		d.s.log.Warn("eventstore: a durable position is lost; it is made again after the last event handled once the log is there",
			"durable", d.cfg.Name, "next", d.next.Load(), "err", err)
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-d.s.closed:
				return ErrClosed
			case <-time.After(d.cfg.Retry):
			}
			err := d.bind(ctx, d.next.Load())
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return nil
			}
			d.s.log.Debug("eventstore: a durable position is not there yet", "durable", d.cfg.Name, "err", err)
		}
	}
}

// consume follows the bound position until ctx is done (nil), the store closes (ErrClosed) or
// the broker loses the position (an error). The heartbeats of a pull stop when the position is
// deleted: on that, or any other trouble of the subscription, the broker is asked whether the
// position is still there.
func (d *Durable) consume(ctx context.Context, fn func(Envelope) error, onPanic func(v any)) error {
	trouble := make(chan error, 1)
	cc, err := d.cons.Consume(func(m jetstream.Msg) {
		seq, err := d.handle(m, fn, onPanic)
		if err != nil {
			_ = m.NakWithDelay(d.cfg.Retry)
			return
		}
		if m.Ack() == nil {
			d.next.Store(max(d.next.Load(), seq+1))
		}
	}, jetstream.PullMaxMessages(1), jetstream.PullExpiry(lostAfter), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		select {
		case trouble <- err:
		default:
		}
	}))
	if err != nil {
		return fmt.Errorf("eventstore: follow %s: %w", d.cfg.Name, err)
	}
	defer func() {
		cc.Stop()
		<-cc.Closed() // the subscription is gone before Run returns (and the store may close)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-trouble:
			if !errors.Is(err, jetstream.ErrConsumerDeleted) {
				err = d.present(ctx)
			}
			if err != nil {
				return fmt.Errorf("eventstore: the durable position %s is lost: %w", d.cfg.Name, err)
			}
		case <-d.s.closed:
			return ErrClosed
		}
	}
}

// lostAfter is how long a pull waits for an event: its heartbeats stop when the position is
// deleted, which the subscription notices after this long.
const lostAfter = 5 * time.Second

// present returns an error if the broker says the position or its stream is gone; nil when it
// is there or the broker does not answer (the subscription goes on asking).
func (d *Durable) present(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, unansweredTimeout)
	defer cancel()
	_, err := d.cons.Info(ctx)
	if errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	return nil
}

// handle decodes a message as Read does and hands it to fn; it returns the message's position.
func (d *Durable) handle(m jetstream.Msg, fn func(Envelope) error, onPanic func(v any)) (seq uint64, err error) {
	defer func() {
		if v := recover(); v != nil {
			if onPanic != nil {
				onPanic(v)
			}
			err = fmt.Errorf("eventstore: panic: %v", v)
		}
	}()
	seq, at, err := position(m)
	if err != nil {
		return 0, err
	}
	return seq, fn(decode(m.Data(), seq, at, m.Subject(), m.Headers().Get(HeaderVersion)))
}

// A request about a stream whose leader is being elected goes unanswered (see RetryUnanswered).
const (
	unansweredAttempts = 6
	unansweredTimeout  = 5 * time.Second
)

// RetryUnanswered calls f again, a few times, each with its own deadline, while it fails for want
// of an answer: on a cluster, a request about a stream whose leader is being elected goes
// unanswered, when another instance has just created it (two instances starting together) or
// during a fail-over.
func RetryUnanswered[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, unansweredTimeout)
		v, err := f(actx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || attempt == unansweredAttempts {
			return v, err
		}
	}
}
