package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Group commit. With sync_interval always the broker writes and fsyncs every message it stores
// on its own, so single appends, even pipelined, go at the disk's fsync rate. Single-event
// appends that wait together are sent together instead: one goroutine (sendGroups) takes every
// append queued while the groups before it are being stored, and sends them as one atomic batch
// (one write, one fsync), each message with its own record's expected last subject sequence and
// its own event ID. While at most groupInFlight groups are in flight, the next one gathers.
//
// A group is all or nothing: when the broker refuses it (one record moved since its head was
// read, an event ID already stored…), nothing of it is stored, and each of its appends is sent
// again on its own, to get its own answer exactly as a single append would: the stale one a
// conflict, the retry a duplicate, the others stored. A record appears at most once in a group
// (a second append to it waits for the next), so its check is the first on its subject.
//
// On the embedded server a group waits for the one before it to be stored (one in flight), so
// that it gathers every append whose writer is ready meanwhile: a single server stores an atomic
// batch by staging it in a store of its own on disk, which costs several writes and syncs per
// group whatever its size, and a second group in flight would only split the writers in two
// (through NatsURL, on a cluster, two are in flight while the next gathers). There, when the
// queue is empty but the last group was larger, the writers of that group are likely reading
// their records' heads for their next appends: the sender waits for them a little (while they
// keep coming, at most a quarter of the time the last group took to be stored).
const (
	groupMax       = 100                    // appends per group (at most batchFlowEvery: sent without a staging round trip)
	groupInFlight  = 2                      // through NatsURL; 1 on the embedded server
	groupLingerGap = 500 * time.Microsecond // a wait for more ends when none came for so long
)

// groupsRefused counts the groups the broker refused (for the tests).
var groupsRefused atomic.Int64

// groupReq is a single-event append waiting to be sent in a group.
type groupReq struct {
	ctx          context.Context
	stream       string
	cur, lastSeq uint64 // the record's head as Append read it
	event        Proposed
	data         json.RawMessage
	solo         bool // its group was refused: send it alone
	done         chan groupRes
}

// groupRes is how a grouped append ended: stored at seq (or found stored: dup), or err (as
// Append returns it).
type groupRes struct {
	seq uint64
	dup bool
	rec time.Time
	err error
}

// appendGrouped appends one event (not a backfill) through the group sender.
func (s *Store) appendGrouped(ctx context.Context, stream string, cur, lastSeq uint64, e Proposed, data json.RawMessage) (AppendResult, error) {
	r := &groupReq{ctx: ctx, stream: stream, cur: cur, lastSeq: lastSeq, event: e, data: data, done: make(chan groupRes, 1)}
	pctx, cancel := s.requestCtx(ctx)
	defer cancel()
	select {
	case s.group <- r:
	case <-pctx.Done():
		return AppendResult{}, mapPublishError(stream, s.brokerError(pctx, pctx.Err()))
	case <-s.closed:
		return AppendResult{}, ErrClosed
	}
	var res groupRes
	select {
	case res = <-r.done:
	case <-pctx.Done():
		return AppendResult{}, mapPublishError(stream, s.brokerError(pctx, pctx.Err()))
	case <-s.closed:
		return AppendResult{}, ErrClosed
	}
	if res.err != nil {
		return AppendResult{}, res.err
	}
	if res.dup {
		return s.verifyDuplicate(ctx, stream, e, data, res.seq)
	}
	s.log.Debug("appended", "stream", stream, "events", 1, "version", cur+1, "seq", res.seq)
	return AppendResult{FirstSequence: res.seq, LastSequence: res.seq, Version: cur + 1, RecordedAt: res.rec}, nil
}

// sendGroups is the group sender; it runs until the store is closed.
func (s *Store) sendGroups() {
	inFlight := groupInFlight
	if s.srv != nil {
		inFlight = 1
	}
	slots := make(chan struct{}, inFlight)
	var held []*groupReq // taken from the queue but not yet sent
	last := 0            // the size of the last group sent
	for {
		var first *groupReq
		if len(held) > 0 {
			first, held = held[0], held[1:]
		} else {
			select {
			case first = <-s.group:
			case <-s.closed:
				return
			}
		}
		select {
		case slots <- struct{}{}: // meanwhile, the queue fills
		case <-s.closed:
			return
		}
		reqs := []*groupReq{first}
		if !first.solo {
			in := map[string]bool{first.stream: true}
			var later []*groupReq
			for _, r := range held {
				if len(reqs) < groupMax && !r.solo && !in[r.stream] {
					in[r.stream] = true
					reqs = append(reqs, r)
				} else {
					later = append(later, r)
				}
			}
			held = later
			linger := time.Now().Add(time.Duration(s.groupTook.Load()) / 4)
		gather:
			for len(reqs) < groupMax && len(held) < groupMax {
				var r *groupReq
				select {
				case r = <-s.group:
				default:
					if inFlight > 1 || 2*len(reqs) > last || !time.Now().Before(linger) {
						break gather
					}
					select {
					case r = <-s.group:
					case <-time.After(groupLingerGap):
						break gather
					case <-s.closed:
						return
					}
				}
				if r.solo || in[r.stream] {
					held = append(held, r)
					continue
				}
				in[r.stream] = true
				reqs = append(reqs, r)
			}
		}
		last = len(reqs)
		s.sendGroup(reqs, func() { <-slots })
	}
}

// sendGroup gives reqs one recording time and sends them, then awaits the answer in a goroutine
// of its own, which calls release when the group is settled.
func (s *Store) sendGroup(reqs []*groupReq, release func()) {
	s.appendMu.Lock()
	now := s.cfg.Clock().UTC()
	rec, last := now, s.lastRecorded
	if rec.Before(last) && !last.After(now.Add(MaxClockSkew)) {
		rec = last // never let clock skew move recorded time backwards
	}
	if rec.Before(last) {
		s.log.Warn("the ledger holds a recording time in the future; recording at the clock's time", "latest", last, "now", rec)
	}
	live := reqs[:0]
	msgs := make([]*nats.Msg, 0, len(reqs))
	need := 0
	for _, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			r.done <- groupRes{err: mapPublishError(r.stream, err)} // its caller has given up: not sent
			continue
		}
		m, err := eventMsg(1, r.stream, r.cur+1, rec, r.event, r.data)
		if err != nil {
			r.done <- groupRes{err: err}
			continue
		}
		m.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(r.lastSeq, 10))
		need += len(m.Data) + 512
		live = append(live, r)
		msgs = append(msgs, m)
	}
	fail := func(err error) {
		s.appendMu.Unlock()
		for _, r := range live {
			r.done <- groupRes{err: mapPublishError(r.stream, err)}
		}
		release()
	}
	if len(live) == 0 {
		fail(nil)
		return
	}
	if s.disk != nil {
		if err := s.disk.ready(int64(need)); err != nil {
			s.appendMu.Unlock()
			for _, r := range live {
				r.done <- groupRes{err: err} // as publish returns it
			}
			release()
			return
		}
	}
	p, wctx, cancel, err := s.send(context.Background(), msgs)
	if err != nil {
		cancel()
		fail(err)
		return
	}
	if rec.After(s.lastRecorded) {
		s.lastRecorded = rec
	}
	s.appendMu.Unlock()
	sent := time.Now()
	go s.awaitGroup(wctx, cancel, p, live, rec, func() {
		s.groupTook.Store(int64(time.Since(sent)))
		release()
	})
}

// awaitGroup resolves the appends of a group sent as p.
func (s *Store) awaitGroup(wctx context.Context, cancel context.CancelFunc, p *pendingAck, reqs []*groupReq, rec time.Time, release func()) {
	defer cancel()
	ack, err := p.wait(wctx)
	n := len(reqs)
	if err == nil && n > 1 {
		err = checkCommit(ack, n)
	}
	var refused *jetstream.APIError
	if err != nil && n > 1 && errors.As(err, &refused) {
		// Nothing of the group is stored: each append again, alone.
		groupsRefused.Add(1)
		s.log.Debug("group refused; its appends are sent one by one", "appends", n, "err", err)
		release()
		for _, r := range reqs {
			r.solo = true
			select {
			case s.group <- r:
			case <-s.closed:
				r.done <- groupRes{err: ErrClosed}
			}
		}
		return
	}
	defer release()
	if err != nil {
		err = s.brokerError(wctx, err)
		for _, r := range reqs {
			r.done <- groupRes{err: mapPublishError(r.stream, err)}
		}
		return
	}
	s.stored(rec)
	first := ack.Sequence - uint64(n) + 1
	for i, r := range reqs {
		r.done <- groupRes{seq: first + uint64(i), dup: ack.Duplicate, rec: rec}
	}
}
