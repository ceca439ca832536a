package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// JetStream error codes of a broker that cannot serve now or has no room (nats-server
// errors.json).
const (
	codeClusterNotAvailable   = 10008 // JSClusterNotAvailErr "JetStream system temporarily unavailable"
	codeNotEnabled            = 10076 // JSNotEnabledErr (also while JetStream restarts)
	codeNotEnabledForAccount  = 10039 // JSNotEnabledForAccountErr
	codeStreamOffline         = 10118 // JSStreamOfflineErr
	codeStreamOfflineReason   = 10194 // JSStreamOfflineReasonErrF
	codeLastSeqPerSubjNotRdy  = 10163 // JSStreamExpectedLastSeqPerSubjectNotReady
	codeInsufficientResources = 10023 // JSInsufficientResourcesErr
	codeStorageExceeded       = 10047 // JSStorageResourcesExceededErr
	codeAccountResources      = 10002 // JSAccountResourcesExceededErr
)

// errNoAnswer is the cause of a request context that ran out of Config.RequestTimeout.
var errNoAnswer = errors.New("no answer from the broker in time")

// requestCtx bounds one request to the broker. Connected to NatsURL it is bounded by
// RequestTimeout: during a leader election nobody answers the stream's requests for seconds,
// and the caller is better told to retry (ErrUnavailable) than kept waiting. The embedded server
// has no elections: its requests wait as long as ctx allows (publishTimeout if ctx has no
// deadline).
func (s *Store) requestCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.srv == nil {
		return context.WithTimeoutCause(ctx, s.cfg.RequestTimeout, errNoAnswer)
	}
	if _, ok := ctx.Deadline(); !ok {
		return context.WithTimeout(ctx, publishTimeout)
	}
	return context.WithCancel(ctx)
}

// brokerError maps how a request bounded by rctx (requestCtx) failed: a broker that did not
// answer in time, has no leader, is reconnecting or restarting JetStream gives an error matching
// ErrUnavailable; one out of room a *StorageFullError; anything else is returned as it is.
func (s *Store) brokerError(rctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	var full *StorageFullError
	if cause := context.Cause(rctx); errors.As(cause, &full) {
		return full
	}
	if errors.Is(err, nats.ErrPermissionViolation) {
		return fmt.Errorf("%w: %v", ErrNotPermitted, err)
	}
	// A publish the user may not make gets no answer; the connection holds why.
	if last := s.nc.LastError(); errors.Is(last, nats.ErrPermissionViolation) && strings.Contains(last.Error(), "Publish to") &&
		(errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("%w: %v", ErrNotPermitted, last)
	}
	if errors.Is(context.Cause(rctx), errNoAnswer) && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %v within %s", ErrUnavailable, errNoAnswer, s.cfg.RequestTimeout)
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case codeClusterNotAvailable, codeNotEnabled, codeNotEnabledForAccount,
			codeStreamOffline, codeStreamOfflineReason, codeLastSeqPerSubjNotRdy:
			return fmt.Errorf("%w: %s", ErrUnavailable, apiErr.Description)
		case codeInsufficientResources, codeStorageExceeded, codeAccountResources:
			if s.disk != nil {
				s.disk.markFailed(apiErr.Description) // the server's own limit, set from the disk when JetStream started
			}
			return &StorageFullError{Dir: s.cfg.DataDir, Free: -1, Cause: apiErr.Description}
		}
		if isNoSpace(apiErr.Description) {
			return &StorageFullError{Dir: s.cfg.DataDir, Free: -1, Cause: apiErr.Description}
		}
	}
	switch {
	case errors.Is(err, nats.ErrNoResponders), errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, nats.ErrTimeout), errors.Is(err, nats.ErrConnectionReconnecting),
		errors.Is(err, nats.ErrDisconnected), errors.Is(err, nats.ErrConnectionClosed),
		errors.Is(err, jetstream.ErrJetStreamNotEnabled), errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return err
}
