package eventstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// Headers of JetStream atomic batch publish (nats-server 2.12+).
const (
	hdrBatchID     = "Nats-Batch-Id"
	hdrBatchSeq    = "Nats-Batch-Sequence"
	hdrBatchCommit = "Nats-Batch-Commit"
)

// JetStream error codes the store interprets (nats-server errors.json).
const (
	codeWrongLastSequence         = 10071 // JSStreamWrongLastSequenceErrF "wrong last sequence: {seq}"
	codeWrongLastSequenceConstant = 10164 // JSStreamWrongLastSequenceConstantErr, given for expected-sequence
	// conflicts inside atomic batches and on replicated streams
	codeDuplicateInProcess = 10158 // JSStreamDuplicateMessageConflict: same Nats-Msg-Id being proposed concurrently
	codeBatchDuplicate     = 10201 // JSAtomicPublishContainsDuplicateMessageErr: a batch message's Nats-Msg-Id is already stored
)

const (
	// batchFlowEvery: every so many messages of an atomic batch are sent as
	// requests, so a fast writer waits for the server to have staged them.
	// A batch of up to importBatch messages (Import's) goes out at once, as `nats bench js pub
	// atomic` sends it: its staging requests would wait behind the commits of the batches
	// before it in the stream's queue.
	batchFlowEvery = importBatch
	// anyVersionAttempts bounds the retries of an AnyVersion append that
	// keeps losing races (it re-reads the stream head each time).
	anyVersionAttempts = 10
	// publishTimeout applies when the caller's context has no deadline (embedded server).
	publishTimeout = 30 * time.Second
	// batchTimePerEvent is the time an atomic batch's commit is given per event, beyond
	// Config.RequestTimeout, on a cluster.
	batchTimePerEvent = 5 * time.Millisecond
)

// errBatchDuplicate is the internal signal for codeBatchDuplicate.
var errBatchDuplicate = errors.New("atomic batch contains an already stored event id")

// Append appends events to an aggregate stream, all or nothing.
//
// expectedVersion is the version the caller last saw (0 for a new stream);
// if the stream is elsewhere Append returns an error matching ErrConcurrency
// and stores nothing — unless these very events (same IDs, same stream, same
// order) are already stored, in which case the append is an idempotent retry
// and succeeds with AppendResult.Duplicate and the original sequences.
// AnyVersion appends after whatever the stream holds.
//
// Input is validated before anything is written (*InvalidError); a
// backfilled RecordedAt earlier than the last recorded time in the ledger
// fails with ErrBackfillOrder.
func (s *Store) Append(ctx context.Context, stream string, expectedVersion int64, events ...Proposed) (AppendResult, error) {
	data, err := s.checkAppend(stream, expectedVersion, events)
	if err != nil {
		return AppendResult{}, err
	}
	subject := SubjectPrefix + stream
	for attempt := 1; ; attempt++ {
		cur, lastSeq, err := s.head(ctx, subject)
		if err != nil {
			return AppendResult{}, err
		}
		if expectedVersion != AnyVersion && cur != uint64(expectedVersion) {
			return s.resolveConflict(ctx, stream, events, data,
				fmt.Errorf("%w: stream %s is at version %d, expected %d", ErrConcurrency, stream, cur, expectedVersion))
		}
		res, err := s.publish(ctx, stream, cur, lastSeq, events, data)
		switch {
		case errors.Is(err, ErrConcurrency) && expectedVersion == AnyVersion && attempt < anyVersionAttempts:
			continue // someone appended between our read and our write; place the events after theirs
		case errors.Is(err, ErrConcurrency), errors.Is(err, errBatchDuplicate):
			return s.resolveConflict(ctx, stream, events, data, err)
		}
		return res, err
	}
}

// AppendAfter is Append at the head the caller read with the record's history
// (ReadStreamHead), which it does not read again: the broker checks, as it stores the events,
// that the record's last message is still the one at after.Sequence. If the record has moved
// on, nothing is stored and the error matches ErrConcurrency — unless these very events are
// already stored (a retry), which succeeds with AppendResult.Duplicate as in Append.
func (s *Store) AppendAfter(ctx context.Context, stream string, after Head, events ...Proposed) (AppendResult, error) {
	data, err := s.checkAppend(stream, int64(after.Version), events)
	if err != nil {
		return AppendResult{}, err
	}
	res, err := s.publish(ctx, stream, after.Version, after.Sequence, events, data)
	if errors.Is(err, ErrConcurrency) || errors.Is(err, errBatchDuplicate) {
		return s.resolveConflict(ctx, stream, events, data, err)
	}
	return res, err
}

// checkAppend checks an append before anything is written and returns the events' data,
// validated.
func (s *Store) checkAppend(stream string, expectedVersion int64, events []Proposed) ([]json.RawMessage, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if err := s.checkWritable(); err != nil {
		return nil, err
	}
	if err := ValidStreamName(stream); err != nil {
		return nil, err
	}
	if expectedVersion < AnyVersion {
		return nil, invalid(0, "expected version", strconv.FormatInt(expectedVersion, 10),
			"must be 0 or more, or AnyVersion (-1)")
	}
	switch n := len(events); {
	case n == 0:
		return nil, invalid(0, "events", "", "none given; append at least one")
	case n > MaxEventsPerAppend:
		return nil, invalid(0, "events", strconv.Itoa(n), "too many in one append; at most %d", MaxEventsPerAppend)
	}
	now := s.cfg.Clock()
	data := make([]json.RawMessage, len(events))
	seen := make(map[string]int, len(events))
	for i, e := range events {
		d, err := validate(i+1, e, now)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[e.ID]; dup {
			return nil, invalid(i+1, "id", e.ID, "is the same as event %d's", j)
		}
		seen[e.ID] = i + 1
		data[i] = d
	}
	return data, nil
}

// publish writes the events after version cur (whose message is at global
// sequence lastSeq, 0 if the stream is new). The broker enforces that the
// stream has not moved meanwhile. The messages are sent under appendMu, in the
// order of their recording times; the acknowledgement is awaited after it
// (pipeline.go), so other appends go out meanwhile.
func (s *Store) publish(ctx context.Context, stream string, cur, lastSeq uint64, events []Proposed, data []json.RawMessage) (AppendResult, error) {
	if len(events) == 1 && events[0].RecordedAt.IsZero() {
		return s.appendGrouped(ctx, stream, cur, lastSeq, events[0], data[0]) // group.go
	}
	s.appendMu.Lock()
	locked := true
	defer func() {
		if locked {
			s.appendMu.Unlock()
		}
	}()

	last, lastFrom := s.lastRecorded, "the last recorded time in the ledger"
	for _, e := range events {
		if !e.RecordedAt.IsZero() {
			// A backfill is checked against what is stored: the appends in flight first, and
			// another process may have appended since Open.
			s.acks.drain()
			last = s.lastStored()
			env, err := s.lastEnvelope(ctx)
			if err != nil {
				return AppendResult{}, err
			}
			if env != nil && env.RecordedAt.After(last) {
				last = env.RecordedAt
			}
			break
		}
	}
	now := s.cfg.Clock().UTC()
	msgs := make([]*nats.Msg, len(events))
	for i, e := range events {
		rec := now
		if !e.RecordedAt.IsZero() {
			rec = e.RecordedAt.UTC()
			if rec.Before(last) {
				return AppendResult{}, &BackfillError{Event: i + 1, RecordedAt: rec, Last: last, LastFrom: lastFrom}
			}
		} else if rec.Before(last) && !last.After(now.Add(MaxClockSkew)) {
			rec = last // never let clock skew move recorded time backwards
		}
		if rec.Before(last) {
			// The ledger holds a recording time in the future (restored before such times were
			// refused): it may not pin the clock. "As known at" takes the running maximum.
			s.log.Warn("the ledger holds a recording time in the future; recording at the clock's time", "latest", last, "now", rec)
		} else {
			last, lastFrom = rec, fmt.Sprintf("the recorded time of event %d", i+1)
		}
		m, err := eventMsg(i+1, stream, cur+uint64(i)+1, rec, e, data[i])
		if err != nil {
			return AppendResult{}, err
		}
		msgs[i] = m
	}
	// Only the first message of an atomic batch may carry an expected
	// sequence; it guards the whole batch.
	msgs[0].Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(lastSeq, 10))

	if s.disk != nil {
		need := 0
		for _, m := range msgs {
			need += len(m.Data) + 512 // the body, its headers and the store's record
		}
		if err := s.disk.ready(int64(need)); err != nil {
			return AppendResult{}, err
		}
	}
	p, pctx, cancel, err := s.send(ctx, msgs)
	defer cancel()
	if err != nil {
		return AppendResult{}, mapPublishError(stream, err)
	}
	if last.After(s.lastRecorded) {
		s.lastRecorded = last
	}
	s.appendMu.Unlock()
	locked = false

	ack, err := p.wait(pctx)
	if err == nil && len(msgs) > 1 {
		err = checkCommit(ack, len(msgs))
	}
	if err != nil {
		return AppendResult{}, mapPublishError(stream, s.brokerError(pctx, err))
	}
	if ack.Duplicate {
		return s.verifyDuplicate(ctx, stream, events[0], data[0], ack.Sequence)
	}
	n := uint64(len(msgs))
	res := AppendResult{FirstSequence: ack.Sequence - n + 1, LastSequence: ack.Sequence, Version: cur + n, RecordedAt: last}
	s.stored(last)
	s.log.Debug("appended", "stream", stream, "events", len(msgs), "version", res.Version, "seq", res.LastSequence)
	return res, nil
}

// batchAck is the server's reply to a publish: to a single message, or to a message of an
// atomic batch.
type batchAck struct {
	Error     *jetstream.APIError `json:"error,omitempty"`
	Stream    string              `json:"stream"`
	Sequence  uint64              `json:"seq"`
	Duplicate bool                `json:"duplicate,omitempty"`
	BatchID   string              `json:"batch"`
	Count     int                 `json:"count"`
}

// sendBatch sends msgs as one JetStream atomic batch; the commit's
// acknowledgement (the global sequence of the last one) is awaited with wait,
// after the caller has released appendMu. The server stages the batch and stores
// it only on the commit message, after checking every message's headers
// under the stream's lock: either all are stored or none.
//
// What nats-server v2.15 does inside an atomic batch (jetstream_batching.go
// checkMsgHeadersPreClusteredProposal, stream.go processJetStreamBatchMsg):
//   - Nats-Msg-Id is allowed on every message. If any ID is already in the
//     duplicate window (or repeats within the batch) the WHOLE batch is
//     rejected with 10201 "atomic publish batch contains duplicate message
//     id" — not acked as a duplicate as a single publish would be. Append
//     then looks for the events on the aggregate stream (resolveConflict).
//   - Nats-Expected-Last-Subject-Sequence is checked against the store when
//     the batch commits; a mismatch gives 10071. On a subject already
//     written earlier in the same batch it is refused with 10164, which is
//     why only the first message carries it: it guards the whole batch
//     because the commit runs under the stream's isolation lock.
//   - Nats-Expected-Last-Sequence is only allowed on the first message (else
//     10164); Nats-Expected-Last-Msg-Id is not supported in a batch (10177).
//   - At most 1000 messages per batch by default (jetstream limit
//     max_batch_size), 50 batches in flight per stream, and a batch idle for
//     10 s is abandoned.
//
// On a single server (the embedded mode) the expected-sequence check of a
// plain publish runs BEFORE the duplicate check, so a retry with a stale
// sequence gets 10071 instead of a duplicate ack; on a cluster the
// duplicate check runs first. Append handles both by looking for the IDs.
//
// Every batchFlowEvery messages, one is sent as a request so that a large batch
// waits for the server to have staged it so far; a batch of up to
// batchFlowEvery messages goes out without waiting, as `nats bench js pub
// atomic` sends it. The caller holds appendMu.
// send sends msgs, one message alone and several as one atomic batch, under a context of
// its own: bounded as batchCtx says and ended when the disk fills (disk.watch). The caller waits
// for p under that context and calls cancel after; an error is the broker's, as brokerError
// words it.
func (s *Store) send(parent context.Context, msgs []*nats.Msg) (p *pendingAck, ctx context.Context, cancel context.CancelFunc, err error) {
	ctx, cancel = s.batchCtx(parent, len(msgs))
	if s.disk != nil {
		var stop func()
		ctx, stop = s.disk.watch(ctx)
		prev := cancel
		cancel = func() { stop(); prev() }
	}
	if len(msgs) == 1 {
		p, err = s.acks.send(s.nc, msgs[0])
	} else {
		p, err = s.sendBatch(ctx, msgs)
	}
	if err != nil {
		err = s.brokerError(ctx, err)
	}
	return p, ctx, cancel, err
}

func (s *Store) sendBatch(ctx context.Context, msgs []*nats.Msg) (*pendingAck, error) {
	id := nuid.Next()
	for i, m := range msgs {
		m.Header.Set(hdrBatchID, id)
		m.Header.Set(hdrBatchSeq, strconv.Itoa(i+1))
		if i == len(msgs)-1 {
			m.Header.Set(hdrBatchCommit, "1")
			p, err := s.acks.send(s.nc, m)
			if err != nil {
				return nil, fmt.Errorf("eventstore: atomic append, message %d: %w", i+1, err)
			}
			p.batch = len(msgs)
			return p, nil
		}
		if i == 0 || i%batchFlowEvery != 0 {
			if err := s.nc.PublishMsg(m); err != nil {
				return nil, fmt.Errorf("eventstore: atomic append, message %d: %w", i+1, err)
			}
			continue
		}
		reply, err := s.nc.RequestMsgWithContext(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("eventstore: atomic append, message %d: %w", i+1, err)
		}
		if len(reply.Data) == 0 {
			continue // staged
		}
		var ack batchAck
		if err := json.Unmarshal(reply.Data, &ack); err != nil {
			return nil, fmt.Errorf("eventstore: atomic append, message %d: bad reply %q: %w", i+1, reply.Data, err)
		}
		if ack.Error != nil {
			return nil, fmt.Errorf("eventstore: atomic append, message %d: %w", i+1, ack.Error)
		}
	}
	return nil, invalid(0, "events", "", "none given; append at least one")
}

// batchCtx bounds the wait for the commit of n events (requestCtx): on a cluster a large atomic
// batch is stored and replicated as one, and is given more time.
func (s *Store) batchCtx(ctx context.Context, n int) (context.Context, context.CancelFunc) {
	if n > 1 && s.srv == nil {
		return context.WithTimeoutCause(ctx, s.cfg.RequestTimeout+time.Duration(n)*batchTimePerEvent, errNoAnswer)
	}
	return s.requestCtx(ctx)
}

// checkCommit checks that the server stored all n events of an atomic batch.
func checkCommit(ack batchAck, n int) error {
	if ack.Count != n || ack.Sequence < uint64(n) {
		return fmt.Errorf("eventstore: atomic append: server committed %d of %d events", ack.Count, n)
	}
	return nil
}

// mapPublishError turns the JetStream codes of a lost race into
// ErrConcurrency.
func mapPublishError(stream string, err error) error {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case codeWrongLastSequence, codeWrongLastSequenceConstant, codeDuplicateInProcess:
			return fmt.Errorf("%w: stream %s changed while appending (broker: %s)", ErrConcurrency, stream, apiErr.Description)
		case codeBatchDuplicate:
			return fmt.Errorf("%w: %s", errBatchDuplicate, apiErr.Description)
		}
	}
	return fmt.Errorf("eventstore: append to %s: %w", stream, err)
}

// verifyDuplicate checks that the message the broker reported as the
// original of a duplicate is this event (same type and data) on this stream.
func (s *Store) verifyDuplicate(ctx context.Context, stream string, e Proposed, data []byte, seq uint64) (AppendResult, error) {
	// Through the leader: a follower that is behind may not hold the original yet.
	m, err := s.leaderGet(ctx, msgGetRequest{Seq: seq})
	if err != nil {
		return AppendResult{}, fmt.Errorf("eventstore: read original of duplicate event %q at %d: %w", e.ID, seq, err)
	}
	v, _ := strconv.ParseUint(m.Header.Get(HeaderVersion), 10, 64)
	orig := Envelope{Sequence: seq, ID: m.Header.Get(jetstream.MsgIDHeader), Type: m.Header.Get(HeaderType), Stream: streamOf(m.Subject), Version: v}
	if env := decode(m.Data, seq, m.Time, m.Subject, m.Header.Get(HeaderVersion)); env.Unreadable == "" {
		orig = env
	}
	if err := sameEvent(stream, e, data, orig); err != nil {
		return AppendResult{}, err
	}
	return AppendResult{FirstSequence: seq, LastSequence: seq, Version: v, RecordedAt: orig.RecordedAt, Duplicate: true}, nil
}

// sameEvent returns a *DuplicateIDError unless stored is event e (data compacted) on stream: a
// retry. The same ID elsewhere, or with another type or data, is another event.
func sameEvent(stream string, e Proposed, data []byte, stored Envelope) error {
	dup := &DuplicateIDError{ID: e.ID, Sequence: stored.Sequence, Stream: stored.Stream, Version: stored.Version, Type: stored.Type}
	if stored.Stream != stream || stored.ID != e.ID {
		return dup
	}
	if stored.Type != e.Type || !bytes.Equal(stored.Data, data) {
		dup.SameStream = true
		return dup
	}
	return nil
}

// resolveConflict decides what a refused append was: if the stream already
// holds exactly these events (an earlier attempt succeeded but its answer
// was lost), the append succeeds as a duplicate; otherwise cause stands.
func (s *Store) resolveConflict(ctx context.Context, stream string, events []Proposed, data []json.RawMessage, cause error) (AppendResult, error) {
	stored, err := s.ReadStream(ctx, stream)
	if err != nil {
		return AppendResult{}, err
	}
	byID := make(map[string]Envelope, len(stored))
	for _, e := range stored {
		byID[e.ID] = e
	}
	var found []Envelope
	for _, e := range events {
		if env, ok := byID[e.ID]; ok {
			found = append(found, env)
		}
	}
	switch {
	case len(found) == 0 && errors.Is(cause, errBatchDuplicate):
		return AppendResult{}, fmt.Errorf("%w: an event id of this append is already stored in another stream than %s", ErrDuplicateID, stream)
	case len(found) == 0:
		return AppendResult{}, cause
	case len(found) < len(events):
		return AppendResult{}, fmt.Errorf("%w: %d of the %d events are already stored in stream %s (e.g. id %q at version %d), the others are not",
			ErrDuplicateID, len(found), len(events), stream, found[0].ID, found[0].Version)
	}
	for i, env := range found {
		if err := sameEvent(stream, events[i], data[i], env); err != nil {
			return AppendResult{}, err
		}
	}
	for i := 1; i < len(found); i++ {
		if found[i].Version != found[i-1].Version+1 {
			return AppendResult{}, fmt.Errorf("%w: the events' ids are stored in stream %s, but not as one append in this order", ErrDuplicateID, stream)
		}
	}
	first, last := found[0], found[len(found)-1]
	s.log.Debug("append is a retry of stored events", "stream", stream, "first_seq", first.Sequence, "last_seq", last.Sequence)
	return AppendResult{FirstSequence: first.Sequence, LastSequence: last.Sequence, Version: last.Version, RecordedAt: last.RecordedAt, Duplicate: true}, nil
}
