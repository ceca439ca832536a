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

// Head is where a record stands: the version of its last event and the global sequence of its
// last message (both 0 for a record that holds nothing yet).
type Head struct {
	Version  uint64
	Sequence uint64
}

// MaxStreamsPerLast is how many records one direct get of LastEntries asks about (the server
// answers at most 1024 messages to one multi-subject request).
const MaxStreamsPerLast = 1000

// LastEntries returns the last message of each record among streams that holds any, in one
// direct get per MaxStreamsPerLast records; a record missing from the map holds nothing. A
// replica that is behind may not know the latest appends: AppendStreams refuses to append after
// a head that is not the record's (ErrConcurrency).
func (s *Store) LastEntries(ctx context.Context, streams []string) (map[string]Envelope, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	out := make(map[string]Envelope, len(streams))
	for from := 0; from < len(streams); from += MaxStreamsPerLast {
		chunk := streams[from:min(from+MaxStreamsPerLast, len(streams))]
		subjects := make([]string, len(chunk))
		for i, st := range chunk {
			if err := ValidStreamName(st); err != nil {
				return nil, err
			}
			subjects[i] = SubjectPrefix + st
		}
		_, err := s.directGet(ctx, "the last entries of records", msgGetRequest{MultiLast: subjects}, func(m *nats.Msg, seq uint64, at time.Time) {
			subject := m.Header.Get(jetstream.SubjectHeader)
			out[streamOf(subject)] = decode(m.Data, seq, at, subject, m.Header.Get(HeaderVersion))
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReadStreamTo is ReadStream up to the message at global sequence end, the record's last as
// LastEntries gave it.
func (s *Store) ReadStreamTo(ctx context.Context, stream string, end uint64) ([]Envelope, error) {
	if err := ValidStreamName(stream); err != nil {
		return nil, err
	}
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	return s.readSubject(ctx, SubjectPrefix+stream, end)
}

// StreamAppend is events to append to one record after its head as the caller read it.
type StreamAppend struct {
	Stream string
	After  Head
	Events []Proposed
}

// AppendStreams appends events to several records in one JetStream atomic batch: all are stored
// or none. Each record must still stand at its After head, else nothing is stored and the error
// matches ErrConcurrency; an event ID already stored gives ErrDuplicateID (also nothing stored).
// At most MaxEventsPerAppend events in all; recording times are the clock's (no backfill).
func (s *Store) AppendStreams(ctx context.Context, appends []StreamAppend) (AppendResult, error) {
	if err := s.checkOpen(); err != nil {
		return AppendResult{}, err
	}
	if err := s.checkWritable(); err != nil {
		return AppendResult{}, err
	}
	now := s.cfg.Clock()
	n, seen, streams := 0, map[string]int{}, map[string]bool{}
	for _, a := range appends {
		if err := ValidStreamName(a.Stream); err != nil {
			return AppendResult{}, err
		}
		if streams[a.Stream] {
			return AppendResult{}, invalid(0, "stream", a.Stream, "is given twice in one batch; give all its events at once")
		}
		streams[a.Stream] = true
		for _, e := range a.Events {
			n++
			if _, err := validate(n, e, now); err != nil {
				return AppendResult{}, err
			}
			if !e.RecordedAt.IsZero() {
				return AppendResult{}, invalid(n, "recorded_at", "", "is set: a batch across records is recorded now, not backfilled")
			}
			if j, dup := seen[e.ID]; dup {
				return AppendResult{}, invalid(n, "id", e.ID, "is the same as event %d's", j)
			}
			seen[e.ID] = n
		}
	}
	switch {
	case n == 0:
		return AppendResult{}, invalid(0, "events", "", "none given; append at least one")
	case n > MaxEventsPerAppend:
		return AppendResult{}, invalid(0, "events", strconv.Itoa(n), "too many in one append; at most %d", MaxEventsPerAppend)
	}

	s.appendMu.Lock()
	locked := true
	defer func() {
		if locked {
			s.appendMu.Unlock()
		}
	}()
	rec := s.cfg.Clock().UTC()
	if last := s.lastRecorded; rec.Before(last) && !last.After(rec.Add(MaxClockSkew)) {
		rec = last // never let clock skew move recorded time backwards
	}
	msgs := make([]*nats.Msg, 0, n)
	need := 0
	for _, a := range appends {
		for i, e := range a.Events {
			data, _ := validate(0, e, now) // checked above
			m, err := eventMsg(len(msgs)+1, a.Stream, a.After.Version+uint64(i)+1, rec, e, data)
			if err != nil {
				return AppendResult{}, err
			}
			if i == 0 {
				// Only the first message of a subject in a batch may carry the check (10164).
				m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(a.After.Sequence, 10))
			}
			need += len(m.Data) + 512
			msgs = append(msgs, m)
		}
	}
	if s.disk != nil {
		if err := s.disk.ready(int64(need)); err != nil {
			return AppendResult{}, err
		}
	}
	pctx, cancel := context.WithTimeoutCause(ctx, s.cfg.RequestTimeout+time.Duration(len(msgs))*batchTimePerEvent, errNoAnswer)
	defer cancel()
	if s.disk != nil {
		var stop func()
		pctx, stop = s.disk.watch(pctx)
		defer stop()
	}
	var last uint64
	p, err := s.sendBatch(pctx, msgs)
	if err == nil {
		if rec.After(s.lastRecorded) {
			s.lastRecorded = rec
		}
		s.appendMu.Unlock() // the acknowledgement is awaited while others send (pipeline.go)
		locked = false
		var ack batchAck
		if ack, err = p.wait(pctx); err == nil {
			err = checkCommit(ack, len(msgs))
		}
		last = ack.Sequence
	}
	if err != nil {
		err = mapPublishError("", s.brokerError(pctx, err))
		if errors.Is(err, errBatchDuplicate) {
			return AppendResult{}, fmt.Errorf("%w: %w", ErrDuplicateID, err)
		}
		return AppendResult{}, err
	}
	s.stored(rec)
	s.log.Debug("appended across records", "records", len(appends), "events", len(msgs), "seq", last)
	return AppendResult{FirstSequence: last - uint64(len(msgs)) + 1, LastSequence: last, RecordedAt: rec}, nil
}

// eventMsg is the message that stores event e, the n-th given (its data validated), as version
// of stream, recorded at rec.
func eventMsg(n int, stream string, version uint64, rec time.Time, e Proposed, data json.RawMessage) (*nats.Msg, error) {
	body, err := encode(body{
		ID: e.ID, Type: e.Type, Schema: e.Schema, Stream: stream, Version: version,
		RecordedAt: rec, Backfilled: !e.RecordedAt.IsZero(),
		Actor: e.Actor, Source: e.Source, CorrelationID: e.CorrelationID, Data: data,
	})
	if err != nil {
		return nil, fmt.Errorf("eventstore: encode event %d: %w", n, err)
	}
	if len(body) > MaxEventSize {
		return nil, invalid(n, "data", "", "is too large: the event is %d bytes, at most %d allowed", len(body), MaxEventSize)
	}
	m := nats.NewMsg(SubjectPrefix + stream)
	m.Data = body
	m.Header.Set(jetstream.MsgIDHeader, e.ID)
	m.Header.Set(HeaderType, e.Type)
	m.Header.Set(HeaderVersion, strconv.FormatUint(version, 10))
	return m, nil
}
