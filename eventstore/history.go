package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	// directBatch and directMaxBytes bound one direct-get answer of a record's history.
	directBatch    = 1000
	directMaxBytes = 8 << 20
)

// readSubject returns the events stored on subject, in order, up to the one at global sequence
// end: the last on the subject, as the stream leader reported it (head).
//
// It reads by direct get in batches ($JS.API.DIRECT.GET.<stream>, next_by_subj with batch):
// no consumer is created, so an append never waits on a consumer's creation through the
// cluster or on its heartbeats (reading through an ordered consumer stalled for about 10 s at a
// time on the three-node cluster). Any replica may answer a direct get, also a follower that has
// not yet applied the latest appends; such an answer ends before end, and the rest is read
// through the leader (STREAM.MSG.GET next_by_subj), which holds every acknowledged append: the
// version checks get the whole history, as leaderGet explains.
func (s *Store) readSubject(ctx context.Context, subject string, end uint64) ([]Envelope, error) {
	var out []Envelope
	from := uint64(1)
	for from <= end {
		envs, pending, err := s.directBatch(ctx, subject, from, end)
		if err != nil {
			return nil, err
		}
		out = append(out, envs...)
		if len(envs) > 0 {
			from = envs[len(envs)-1].Sequence + 1
		}
		if len(envs) == 0 || pending == 0 {
			break // the replica that answered has nothing more up to end
		}
	}
	// What the replica did not have yet, through the leader.
	for from <= end {
		m, err := s.leaderGet(ctx, msgGetRequest{Seq: from, NextFor: subject})
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil, fmt.Errorf("eventstore: %s: the leader holds no message from %d on, but its last is at %d", subject, from, end)
		}
		if err != nil {
			return nil, fmt.Errorf("eventstore: read %s from %d: %w", subject, from, err)
		}
		if m.Sequence > end {
			break
		}
		out = append(out, decode(m.Data, m.Sequence, m.Time, m.Subject, m.Header.Get(HeaderVersion)))
		from = m.Sequence + 1
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, checkVersions(streamOf(subject), out)
}

// checkVersions refuses a record's history whose events do not run version 1, 2, 3… in log
// order: an event the store skipped (a damaged or deleted message) would otherwise vanish from
// the history a decision is taken on. Unreadable entries carry no version and are passed over.
func checkVersions(stream string, envs []Envelope) error {
	var v uint64
	for _, e := range envs {
		if e.Unreadable != "" {
			continue
		}
		if e.Version != v+1 {
			return fmt.Errorf("%w: record %s has version %d at position %d after version %d: the store cannot read the entries between (damaged or deleted messages)",
				ErrGap, stream, e.Version, e.Sequence, v)
		}
		v = e.Version
	}
	return nil
}

// directBatch reads by one direct get the messages on subject from sequence from up to end.
// pending > 0 means the replica that answered holds more of them than it sent (the batch was
// full): ask again after the last.
func (s *Store) directBatch(ctx context.Context, subject string, from, end uint64) (envs []Envelope, pending uint64, err error) {
	pending, err = s.directGet(ctx, subject, msgGetRequest{Seq: from, NextFor: subject, Batch: directBatch, MaxByte: directMaxBytes},
		func(m *nats.Msg, seq uint64, at time.Time) {
			if seq <= end { // later ones were appended after the head was read; the EOB follows
				envs = append(envs, decode(m.Data, seq, at, m.Header.Get(jetstream.SubjectHeader), m.Header.Get(HeaderVersion)))
			}
		})
	return envs, pending, err
}

// directLast reads the last message on subject by a direct get (any server of the stream may
// answer: see ReadStreamNearest); nil if the server that answered holds none.
func (s *Store) directLast(ctx context.Context, subject string) (*Envelope, error) {
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	req, err := json.Marshal(msgGetRequest{LastFor: subject})
	if err != nil {
		return nil, err
	}
	m, err := s.nc.RequestWithContext(rctx, "$JS.API.DIRECT.GET."+s.cfg.StreamName, req)
	if err != nil {
		return nil, fmt.Errorf("eventstore: read %s: %w", subject, s.brokerError(rctx, err))
	}
	switch status := m.Header.Get("Status"); status {
	case "": // the message
	case "404":
		return nil, nil
	default:
		return nil, fmt.Errorf("eventstore: read %s: direct get answered %s %s", subject, status, m.Header.Get("Description"))
	}
	seq, err := strconv.ParseUint(m.Header.Get(jetstream.SequenceHeader), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("eventstore: read %s: direct get answer without a sequence: %w", subject, err)
	}
	at, err := time.Parse(time.RFC3339Nano, m.Header.Get(jetstream.TimeStampHeaer))
	if err != nil {
		return nil, fmt.Errorf("eventstore: read %s: message %d: bad time stamp: %w", subject, seq, err)
	}
	env := decode(m.Data, seq, at, subject, m.Header.Get(HeaderVersion))
	return &env, nil
}

// directGet sends one direct get request and calls fn for every message of the answer, with
// its global sequence and time stamp. what names what is read, in errors. pending > 0 means the
// replica that answered holds more than it sent.
func (s *Store) directGet(ctx context.Context, what string, r msgGetRequest, fn func(m *nats.Msg, seq uint64, at time.Time)) (pending uint64, err error) {
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	inbox := s.nc.NewInbox()
	sub, err := s.nc.SubscribeSync(inbox)
	if err != nil {
		return 0, fmt.Errorf("eventstore: read %s: %w", what, s.brokerError(rctx, err))
	}
	defer sub.Unsubscribe()
	req, err := json.Marshal(r)
	if err != nil {
		return 0, err
	}
	if err := s.nc.PublishRequest("$JS.API.DIRECT.GET."+s.cfg.StreamName, inbox, req); err != nil {
		return 0, fmt.Errorf("eventstore: read %s: %w", what, s.brokerError(rctx, err))
	}
	for {
		m, err := sub.NextMsgWithContext(rctx)
		if err != nil {
			return 0, fmt.Errorf("eventstore: read %s: %w", what, s.brokerError(rctx, err))
		}
		switch status := m.Header.Get("Status"); status {
		case "": // a message
		case "204": // end of the batch
			pending, _ = strconv.ParseUint(m.Header.Get("Nats-Num-Pending"), 10, 64)
			return pending, nil
		case "404": // nothing (more) on this replica
			return 0, nil
		case "503":
			return 0, fmt.Errorf("eventstore: read %s: %w", what, s.brokerError(rctx, nats.ErrNoResponders))
		default:
			return 0, fmt.Errorf("eventstore: read %s: direct get answered %s %s", what, status, m.Header.Get("Description"))
		}
		seq, err := strconv.ParseUint(m.Header.Get(jetstream.SequenceHeader), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("eventstore: read %s: direct get answer without a sequence: %w", what, err)
		}
		at, err := time.Parse(time.RFC3339Nano, m.Header.Get(jetstream.TimeStampHeaer))
		if err != nil {
			return 0, fmt.Errorf("eventstore: read %s: message %d: bad time stamp: %w", what, seq, err)
		}
		fn(m, seq, at)
	}
}
