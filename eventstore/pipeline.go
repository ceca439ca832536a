package eventstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Appends are pipelined: under appendMu an append is given its recording time and its messages
// are handed to the connection, which delivers them to the broker in that order (one
// connection, one stream leader: log order = the order of sending); the lock is then released
// and the caller waits for its own acknowledgement while the next appends are sent. So appends
// to different records proceed concurrently, and recording times still follow the log order
// (the test TestRecordedAtFollowsLogUnderConcurrency). The expected-subject-sequence check of
// each append is made by the broker when it stores the message, as before; a refused publish
// leaves nothing stored and does not hold up the others.
//
// The acknowledgements come to one subscription on an inbox of the store's own, so that a
// publish is sent exactly once, at the moment its time was given (jetstream's PublishMsgAsync
// re-sends on "no responders", which could store an event after later ones).
type acker struct {
	prefix string // "<inbox>." ; a publish's reply subject is prefix + its token
	sub    *nats.Subscription
	next   atomic.Uint64

	mu      sync.Mutex
	waiting map[string]chan *nats.Msg
	// inflight counts the publishes sent and not yet resolved (acknowledged, refused or given
	// up by their caller). Add is called under appendMu only, so drain (under appendMu) waits
	// for exactly the publishes sent before it.
	inflight sync.WaitGroup
}

func newAcker(nc *nats.Conn) (*acker, error) {
	a := &acker{prefix: nc.NewInbox() + ".", waiting: map[string]chan *nats.Msg{}}
	sub, err := nc.Subscribe(a.prefix+"*", func(m *nats.Msg) {
		a.mu.Lock()
		ch := a.waiting[m.Subject[len(a.prefix):]]
		delete(a.waiting, m.Subject[len(a.prefix):])
		a.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	})
	if err != nil {
		return nil, fmt.Errorf("eventstore: subscribe to acknowledgements: %w", err)
	}
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return nil, err
	}
	a.sub = sub
	return a, nil
}

// pendingAck is one publish waiting for its acknowledgement.
type pendingAck struct {
	a     *acker
	token string
	ch    chan *nats.Msg
	batch int // > 0: the commit of an atomic batch of so many messages
}

// send publishes m asking for an acknowledgement; the caller holds appendMu and must call wait.
func (a *acker) send(nc *nats.Conn, m *nats.Msg) (*pendingAck, error) {
	p := &pendingAck{a: a, token: strconv.FormatUint(a.next.Add(1), 36), ch: make(chan *nats.Msg, 1)}
	a.mu.Lock()
	a.waiting[p.token] = p.ch
	a.mu.Unlock()
	a.inflight.Add(1)
	m.Reply = a.prefix + p.token
	if err := nc.PublishMsg(m); err != nil {
		p.forget()
		return nil, err
	}
	return p, nil
}

// drain waits until every publish sent so far is resolved; the caller holds appendMu.
func (a *acker) drain() { a.inflight.Wait() }

func (p *pendingAck) forget() {
	p.a.mu.Lock()
	delete(p.a.waiting, p.token)
	p.a.mu.Unlock()
	p.a.inflight.Done()
}

// wait returns the broker's answer to the publish: its acknowledgement (a batch commit's carries
// the count), or the error it gave (*jetstream.APIError), or ctx's error.
func (p *pendingAck) wait(ctx context.Context) (batchAck, error) {
	ack, err := p.answer(ctx)
	if err != nil && p.batch > 0 {
		return ack, fmt.Errorf("eventstore: atomic append, message %d: %w", p.batch, err)
	}
	return ack, err
}

func (p *pendingAck) answer(ctx context.Context) (batchAck, error) {
	var m *nats.Msg
	select {
	case m = <-p.ch:
		p.a.inflight.Done()
	case <-ctx.Done():
		p.forget()
		return batchAck{}, ctx.Err()
	}
	if len(m.Data) == 0 && m.Header.Get("Status") == "503" {
		return batchAck{}, jetstream.ErrNoStreamResponse
	}
	var ack batchAck
	if err := json.Unmarshal(m.Data, &ack); err != nil {
		return batchAck{}, fmt.Errorf("%w: %q", jetstream.ErrInvalidJSAck, m.Data)
	}
	if ack.Error != nil {
		return batchAck{}, ack.Error
	}
	if ack.Stream == "" {
		return batchAck{}, fmt.Errorf("%w: %q", jetstream.ErrInvalidJSAck, m.Data)
	}
	return ack, nil
}
