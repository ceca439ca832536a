package reactive

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go/jetstream"
)

// recovered runs f and turns its panic into an error, logged once with the stack and reported to
// onPanic (if set): a bug met by one message or one round stops neither the part nor the process.
func recovered(log *slog.Logger, part string, onPanic func(part string), f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			reportPanic(log, part, onPanic, v)
			err = fmt.Errorf("reactive: %s panicked: %v", part, v)
		}
	}()
	return f()
}

// reportPanic logs a recovered panic with the stack (call it in the deferred function that
// recovered) and reports it to onPanic.
func reportPanic(log *slog.Logger, part string, onPanic func(part string), v any) {
	log.Error("recovered a panic", "part", part, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if onPanic != nil {
		onPanic(part)
	}
}

// recoverer is recovered as a router middleware: the handler's panic becomes its error, which the
// router then handles like any failure (retries, the poison queue where there is one).
func recoverer(log *slog.Logger, part string, onPanic func(part string)) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) (out []*message.Message, err error) {
			err = recovered(log, part, onPanic, func() error {
				var herr error
				out, herr = h(msg)
				return herr
			})
			return out, err
		}
	}
}

// guarded makes the consumers of init recover a panic of the message callback the subscriber
// gives them, which runs on a NATS goroutine where nothing else would stop it taking the process
// down. watermill-nats v2.1.3 has one: when a subscription ends while a message arrives, its
// handleMsg may send on the output channel it has just closed ("send on closed channel"). The
// message is logged, counted, and handed back to JetStream (nak), which delivers it again.
func guarded(init wmjs.ResourceInitializer, log *slog.Logger, part string, onPanic func(part string)) wmjs.ResourceInitializer {
	return func(ctx context.Context, js jetstream.JetStream, topic string) (jetstream.Consumer, func(context.Context, watermill.LoggerAdapter), error) {
		c, cleanup, err := init(ctx, js, topic)
		if err != nil || c == nil {
			return c, cleanup, err
		}
		g, _ := ctx.Value(callbackGateKey{}).(*callbackGate)
		return recoveringConsumer{Consumer: c, log: log, part: part, onPanic: onPanic, gate: g}, cleanup, nil
	}
}

type recoveringConsumer struct {
	jetstream.Consumer
	log     *slog.Logger
	part    string
	onPanic func(part string)
	gate    *callbackGate // nil where the subscriber is not sharedConnSubscriber
}

func (c recoveringConsumer) Consume(h jetstream.MessageHandler, opts ...jetstream.PullConsumeOpt) (jetstream.ConsumeContext, error) {
	return c.Consumer.Consume(func(m jetstream.Msg) {
		if c.gate != nil {
			if !c.gate.enter() {
				_ = m.Nak() // the subscription is ending: delivered again, here or to another instance
				return
			}
			defer c.gate.leave()
		}
		defer func() {
			if v := recover(); v != nil {
				reportPanic(c.log, c.part, c.onPanic, v)
				_ = m.Nak() // delivered again, here or to another instance
			}
		}()
		h(m)
	}, opts...)
}
