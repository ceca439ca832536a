package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// LogState is what JetStream says of the ledger stream now: which stream it is (a stream deleted
// and created again has another creation time) and which positions it holds.
type LogState struct {
	Stream  string
	Where   string    // the data folder of the embedded server, or the NATS URL
	Created time.Time // when JetStream created the stream
	First   uint64    // the first position held (1 unless entries at the start are gone)
	Last    uint64    // the last position (0: empty)
	// Missing are positions between First and Last whose messages are gone (at most the first
	// few hundred), MissingCount how many there are.
	Missing      []uint64
	MissingCount int
}

// State returns the stream's identity and extent. A stream that no longer exists gives an error
// wrapping jetstream.ErrStreamNotFound.
func (s *Store) State(ctx context.Context) (LogState, error) {
	if err := s.checkOpen(); err != nil {
		return LogState{}, err
	}
	info, err := s.stream.Info(ctx)
	if err == nil && info.State.NumDeleted > 0 {
		info, err = s.stream.Info(ctx, jetstream.WithDeletedDetails(true))
	}
	if err != nil {
		return LogState{}, fmt.Errorf("eventstore: stream %s: %w", s.cfg.StreamName, err)
	}
	st := LogState{Stream: s.cfg.StreamName, Where: s.Where(), Created: info.Created.UTC(),
		First: info.State.FirstSeq, Last: info.State.LastSeq, MissingCount: info.State.NumDeleted}
	if len(info.State.Deleted) > 0 {
		st.Missing = info.State.Deleted[:min(len(info.State.Deleted), 200)]
	}
	return st, nil
}

// Where names where the log is kept: the embedded server's data folder or the NATS URL.
func (s *Store) Where() string {
	if s.cfg.NatsURL != "" {
		return s.cfg.NatsURL
	}
	return s.cfg.DataDir
}

// BodyAt returns the message at position seq exactly as JetStream stores it (Envelope.Body),
// read through the stream leader. A position with no message gives jetstream.ErrMsgNotFound.
func (s *Store) BodyAt(ctx context.Context, seq uint64) ([]byte, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	m, err := s.leaderGet(ctx, msgGetRequest{Seq: seq})
	if err != nil {
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("eventstore: read message %d: %w", seq, err)
	}
	return m.Data, nil
}
