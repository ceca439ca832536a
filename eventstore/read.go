package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// readBatch is how many messages the ordered consumer keeps buffered.
const readBatch = 2000

// ReadStream returns the events of one aggregate stream in version order
// (none if the stream is new).
func (s *Store) ReadStream(ctx context.Context, stream string) ([]Envelope, error) {
	if err := ValidStreamName(stream); err != nil {
		return nil, err
	}
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	subject := SubjectPrefix + stream
	_, end, err := s.head(ctx, subject)
	if err != nil || end == 0 {
		return nil, err
	}
	var out []Envelope
	err = s.consume(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subject},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	}, end, func(e Envelope) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// Read calls fn for every event from global sequence fromSeq (1-based; 0
// means 1) up to the last sequence when Read was called, in order, then
// returns. An error from fn stops the read and is returned.
func (s *Store) Read(ctx context.Context, fromSeq uint64, fn func(Envelope) error) error {
	end, err := s.LastSequence(ctx)
	if err != nil {
		return err
	}
	if fromSeq == 0 {
		fromSeq = 1
	}
	if fromSeq > end {
		return nil
	}
	return s.consume(ctx, fromConfig(fromSeq), end, fn)
}

// Follow is Read that keeps delivering new events as they are appended
// until ctx is done; it then returns nil. An error from fn stops it and is
// returned.
func (s *Store) Follow(ctx context.Context, fromSeq uint64, fn func(Envelope) error) error {
	if fromSeq == 0 {
		fromSeq = 1
	}
	err := s.consume(ctx, fromConfig(fromSeq), 0, fn)
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return nil
	}
	return err
}

func fromConfig(fromSeq uint64) jetstream.OrderedConsumerConfig {
	return jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   fromSeq,
	}
}

// consume delivers events through an ordered consumer (ephemeral, no acks,
// flow controlled) until the one at global sequence end (0: until ctx is
// done).
func (s *Store) consume(ctx context.Context, cfg jetstream.OrderedConsumerConfig, end uint64, fn func(Envelope) error) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	cons, err := s.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("eventstore: read: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(readBatch))
	if err != nil {
		return fmt.Errorf("eventstore: read: %w", err)
	}
	defer func() {
		it.Stop()
		// Ordered consumers are ephemeral; remove ours now rather than when
		// the server notices it idle.
		if info := cons.CachedInfo(); info != nil && s.checkOpen() == nil {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = s.js.DeleteConsumer(dctx, s.cfg.StreamName, info.Name)
			cancel()
		}
	}()
	// Stop waiting when the store closes.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-s.closed:
			cancel(ErrClosed)
		case <-ctx.Done():
		}
	}()
	for {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if cause := context.Cause(ctx); cause != nil {
				if errors.Is(cause, ErrClosed) {
					return ErrClosed
				}
				return ctx.Err()
			}
			return fmt.Errorf("eventstore: read: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("eventstore: read: %w", err)
		}
		env, err := decode(m.Data(), md.Sequence.Stream, md.Timestamp)
		if err != nil {
			return err
		}
		if err := fn(env); err != nil {
			return err
		}
		if end > 0 && md.Sequence.Stream >= end {
			return nil
		}
	}
}
