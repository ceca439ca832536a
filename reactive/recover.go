package reactive

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/ThreeDotsLabs/watermill/message"
)

// recovered runs f and turns its panic into an error, logged once with the stack and reported to
// onPanic (if set): a bug met by one message or one round stops neither the part nor the process.
func recovered(log *slog.Logger, part string, onPanic func(part string), f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("recovered a panic", "part", part, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if onPanic != nil {
				onPanic(part)
			}
			err = fmt.Errorf("reactive: %s panicked: %v", part, v)
		}
	}()
	return f()
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
