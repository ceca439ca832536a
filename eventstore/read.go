package eventstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// readBatch is how many messages the ordered consumer keeps buffered.
const readBatch = 2000

// ReadStream returns the events of one aggregate stream in version order
// (none if the stream is new).
func (s *Store) ReadStream(ctx context.Context, stream string) ([]Envelope, error) {
	envs, _, err := s.ReadStreamHead(ctx, stream)
	return envs, err
}

// ReadStreamNearest is ReadStreamHead from whichever server of the stream answers a direct get
// first, without a request to the stream leader: one request for a record that holds at most one
// event. On a cluster a follower that has not yet applied the latest appends may answer, so the
// history and its head may be behind the leader's; AppendAfter that head is then refused
// (ErrConcurrency, nothing stored), as after any head gone stale. A caller that would act on
// what the history lacks (refuse an entry, report a conflict) reads it again with
// ReadStreamHead. On a single server the answer is the leader's.
func (s *Store) ReadStreamNearest(ctx context.Context, stream string) ([]Envelope, Head, error) {
	if err := ValidStreamName(stream); err != nil {
		return nil, Head{}, err
	}
	if err := s.checkOpen(); err != nil {
		return nil, Head{}, err
	}
	subject := SubjectPrefix + stream
	last, err := s.directLast(ctx, subject)
	switch {
	case err != nil:
		return nil, Head{}, err
	case last == nil:
		return nil, Head{}, nil
	case last.Unreadable != "":
		// The version of a record whose last message is not an event is the leader's to say
		// (head).
		return s.ReadStreamHead(ctx, stream)
	case last.Version == 1:
		// Its first event is its last message: before it only messages that are not events,
		// which no decision reads.
		return []Envelope{*last}, Head{Version: 1, Sequence: last.Sequence}, nil
	}
	envs, err := s.readSubject(ctx, subject, last.Sequence)
	if err != nil {
		return nil, Head{}, err
	}
	return envs, Head{Version: last.Version, Sequence: last.Sequence}, nil
}

// ReadStreamHead is ReadStream that also returns the record's head as the stream leader gave
// it when the history was read (the zero Head for a record that holds nothing): AppendAfter
// appends after it without reading it again.
func (s *Store) ReadStreamHead(ctx context.Context, stream string) ([]Envelope, Head, error) {
	if err := ValidStreamName(stream); err != nil {
		return nil, Head{}, err
	}
	if err := s.checkOpen(); err != nil {
		return nil, Head{}, err
	}
	subject := SubjectPrefix + stream
	version, end, err := s.head(ctx, subject)
	if err != nil || end == 0 {
		return nil, Head{}, err
	}
	envs, err := s.readSubject(ctx, subject, end)
	if err != nil {
		return nil, Head{}, err
	}
	return envs, Head{Version: version, Sequence: end}, nil
}

// Read calls fn for every event from global sequence fromSeq (1-based; 0
// means 1) up to the last sequence when Read was called, in order, then
// returns. An error from fn stops the read and is returned. A position the
// store does not deliver (see GapError) stops the read with a *GapError
// naming the missing positions: nothing is skipped silently.
func (s *Store) Read(ctx context.Context, fromSeq uint64, fn func(Envelope) error) error {
	return ReadAs(ctx, s, fromSeq, envelope, fn)
}

// Follow is Read that keeps delivering new events as they are appended
// until ctx is done; it then returns nil. An error from fn, or a gap in the
// positions (*GapError), stops it and is returned.
func (s *Store) Follow(ctx context.Context, fromSeq uint64, fn func(Envelope) error) error {
	return FollowAs(ctx, s, fromSeq, envelope, fn)
}

// ReadAs is s.Read(ctx, fromSeq, …) delivering conv(e) for every event e
// instead of e. Decoding the stored messages and conv run ahead of fn on a
// few goroutines, concurrently with fn and with each other (conv must be
// safe for that), while fn is still called on one goroutine, in log order,
// and nothing after an error is delivered: errors and order are Read's.
// conv is meant for decoding the payload, e.g. into domain events.
func ReadAs[T any](ctx context.Context, s *Store, fromSeq uint64, conv func(Envelope) T, fn func(T) error) error {
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
	workers := 0
	if end-fromSeq >= minParallelRead {
		workers = readWorkers()
	}
	return consume(ctx, s, fromConfig(fromSeq), end, workers, conv, fn, nil)
}

// FollowAs is s.Follow(ctx, fromSeq, …) delivering conv(e) for every event
// e instead of e, as ReadAs does. A new event is delivered as soon as it is
// decoded: the goroutines decode what has arrived, they do not wait to fill
// a batch.
func FollowAs[T any](ctx context.Context, s *Store, fromSeq uint64, conv func(Envelope) T, fn func(T) error) error {
	if fromSeq == 0 {
		fromSeq = 1
	}
	err := consume(ctx, s, fromConfig(fromSeq), 0, readWorkers(), conv, fn, nil)
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return nil
	}
	return err
}

func envelope(e Envelope) Envelope { return e }

func fromConfig(fromSeq uint64) jetstream.OrderedConsumerConfig {
	return jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   fromSeq,
	}
}

const (
	// minParallelRead is how many events a Read must have ahead of it to
	// be decoded on several goroutines: fewer are decoded on its own.
	minParallelRead = 256
	// decodeBatch is the most messages a decoding goroutine takes at once.
	decodeBatch = 256
	// rawAhead is how many received messages wait for decoding at most.
	rawAhead = 1024
)

// resetAttempts bounds how often a read's ordered consumer tries to create its consumer again
// after losing it. nats.go's default retries forever while holding the lock that stopping the
// read needs: a read of a stream that was deleted could then never be stopped (and a process
// never shut down). Once they fail the read fails; its callers retry and check the history.
const resetAttempts = 3

// readWorkers is how many goroutines decode for one Read or Follow: none
// (the reading goroutine decodes) when the process runs on one processor.
func readWorkers() int {
	if n := runtime.GOMAXPROCS(0); n > 1 {
		return min(n, 4)
	}
	return 0
}

// consume delivers events through an ordered consumer (ephemeral, no acks,
// flow controlled) until the one at global sequence end (0: until ctx is
// done). With workers > 0, one goroutine receives the messages and workers
// goroutines decode them (see pipeline); with 0 the calling goroutine does
// all. A read of the whole log (no subject filter) checks that positions
// follow each other: a gap stops it with a *GapError, or, with salvage set,
// is reported to salvage in log order and passed.
func consume[T any](ctx context.Context, s *Store, cfg jetstream.OrderedConsumerConfig, end uint64, workers int,
	conv func(Envelope) T, fn func(T) error, salvage func(*GapError) error) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if cfg.MaxResetAttempts == 0 {
		cfg.MaxResetAttempts = resetAttempts
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
	// Receiving waits on its own context, which the watch of the positions stops when those
	// awaited cannot come.
	pos := newPositions(s, cfg, end, salvage)
	rctx, stopReceiving := context.WithCancelCause(ctx)
	defer stopReceiving(nil)
	if pos != nil {
		go pos.watch(rctx, stopReceiving)
	}
	if workers > 0 {
		p := &pipeline[T]{it: it, end: end, conv: conv, pos: pos, salvage: salvage, recvCtx: rctx}
		return p.run(ctx, cancel, workers, fn)
	}
	for {
		m, err := it.Next(jetstream.NextContext(rctx))
		if err != nil {
			if gap := tailGap(rctx); gap != nil {
				return missing(gap, salvage) // nothing readable is left to come
			}
			return nextError(ctx, err)
		}
		seq, at, err := position(m)
		if err != nil {
			return err
		}
		if gap, past := pos.at(seq); gap != nil {
			if err := missing(gap, salvage); err != nil || past {
				return err
			}
		}
		env := decode(m.Data(), seq, at, m.Subject(), m.Headers().Get(HeaderVersion))
		if err := fn(conv(env)); err != nil {
			return err
		}
		if end > 0 && seq >= end {
			return nil
		}
	}
}

// nextError is the error of a read whose next message did not come.
func nextError(ctx context.Context, err error) error {
	if context.Cause(ctx) != nil {
		return ctxError(ctx)
	}
	return fmt.Errorf("eventstore: read: %w", err)
}

// ctxError is the error of a read whose context is done.
func ctxError(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), ErrClosed) {
		return ErrClosed
	}
	return ctx.Err()
}

// pipeline is consume with the decoding done ahead of fn on several
// goroutines, in three stages:
//
//   - a receiver goroutine takes the messages from the ordered consumer
//     and queues them (raw);
//   - workers take turns taking from the queue a run of consecutive
//     messages (whatever has arrived, up to decodeBatch: a message alone is
//     not held back) and putting an empty batch for it in the delivery
//     queue (ordered), then decode the run into that batch in parallel;
//   - the calling goroutine takes the batches in order, waits for each to
//     be decoded and calls fn.
//
// A read stops where it stops without workers: at the end, the first error
// of fn or of the consumer, or once ctx is done (a message that is not an
// event is delivered as unreadable, see Envelope.Unreadable). Returning, run stops and waits for the goroutines.
type pipeline[T any] struct {
	it   jetstream.MessagesContext
	end  uint64
	conv func(Envelope) T

	pos     *positions            // nil: positions are not checked
	salvage func(*GapError) error // see consume
	recvCtx context.Context       // the receiver's (see consume)

	raw     chan rawMsg
	ordered chan *batch[T]
	free    chan *batch[T]
	quit    chan struct{}

	takeMu sync.Mutex // held to take a run from raw and queue its batch
	closed bool       // ordered is closed; guarded by takeMu
}

// rawMsg is a received message, or (err set) why the receiver stopped.
type rawMsg struct {
	data    []byte
	seq     uint64
	at      time.Time
	subject string
	version string // the Ocop-Version header
	err     error
	next    bool // err is from the consumer's Next
}

// batch is a run of consecutive messages and, once done is closed, their
// conversions in order, followed by err if the run ends with an error.
type batch[T any] struct {
	raw  []rawMsg
	out  []T
	err  error
	next bool
	// panicked holds what conv panicked with, after out.
	panicked *any
	done     chan struct{}
}

func (p *pipeline[T]) run(ctx context.Context, cancel context.CancelCauseFunc, workers int, fn func(T) error) error {
	p.raw = make(chan rawMsg, rawAhead)
	inFlight := rawAhead/decodeBatch + workers
	p.ordered = make(chan *batch[T], inFlight)
	p.free = make(chan *batch[T], inFlight+workers)
	p.quit = make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(p.quit)
		cancel(nil) // unblocks Next
		wg.Wait()
	}()
	wg.Go(func() { p.receive(p.recvCtx) })
	for range workers {
		wg.Go(p.work)
	}
	done := ctx.Done()
	for b := range p.ordered {
		<-b.done
		for i := range b.out {
			select {
			case <-done:
				return ctxError(ctx)
			default:
			}
			if err := fn(b.out[i]); err != nil {
				return err
			}
		}
		switch {
		case b.panicked != nil:
			panic(*b.panicked)
		case b.next:
			return nextError(ctx, b.err)
		case b.err != nil:
			if err := p.atError(b.err); err != nil {
				return err
			}
		}
		clear(b.out)
		select {
		case p.free <- b:
		default:
		}
	}
	return nil // the receiver stopped at the end
}

// atError is what the delivery does at the error a batch ends with: a gap is
// reported and passed when salvaging; anything else stops the read.
func (p *pipeline[T]) atError(err error) error {
	var gap *GapError
	if p.salvage != nil && errors.As(err, &gap) {
		return p.salvage(gap)
	}
	return err
}

// receive queues the messages of the consumer until the end, an error or
// quit. A gap in the positions is queued as an error before the message
// after it.
func (p *pipeline[T]) receive(ctx context.Context) {
	defer close(p.raw)
	put := func(r rawMsg) bool {
		select {
		case p.raw <- r: // the common case, cheaper alone
			return true
		default:
		}
		select {
		case p.raw <- r:
			return true
		case <-p.quit:
			return false
		}
	}
	for {
		m, err := p.it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if gap := tailGap(ctx); gap != nil {
				put(rawMsg{err: gap}) // nothing readable is left to come
				return
			}
			put(rawMsg{err: err, next: true})
			return
		}
		seq, at, err := position(m)
		if err != nil {
			put(rawMsg{err: err})
			return
		}
		if gap, past := p.pos.at(seq); gap != nil {
			if !put(rawMsg{err: gap}) || past || p.salvage == nil {
				return
			}
		}
		if !put(rawMsg{data: m.Data(), seq: seq, at: at, subject: m.Subject(), version: m.Headers().Get(HeaderVersion)}) {
			return
		}
		if p.end > 0 && seq >= p.end {
			return
		}
	}
}

// work takes runs of messages and decodes them until raw is closed and
// empty, or quit.
func (p *pipeline[T]) work() {
	for {
		b := p.take()
		if b == nil {
			return
		}
		p.decode(b)
	}
}

func (p *pipeline[T]) decode(b *batch[T]) {
	defer close(b.done)
	defer func() {
		if v := recover(); v != nil {
			b.panicked = &v // conv panicked: so does the delivery, at this event
		}
	}()
	for i, r := range b.raw {
		if r.err != nil {
			b.err, b.next = r.err, r.next
			break
		}
		b.out = append(b.out, p.conv(decode(r.data, r.seq, r.at, r.subject, r.version)))
		b.raw[i] = rawMsg{}
	}
}

// take takes the next run of messages from raw and queues its batch for
// delivery; nil when there is none to come.
func (p *pipeline[T]) take() *batch[T] {
	p.takeMu.Lock()
	defer p.takeMu.Unlock()
	if p.closed {
		return nil
	}
	var r rawMsg
	var ok bool
	select {
	case r, ok = <-p.raw:
	case <-p.quit:
		return nil
	}
	if !ok {
		close(p.ordered)
		p.closed = true
		return nil
	}
	var b *batch[T]
	select {
	case b = <-p.free:
		b.raw, b.out, b.err, b.next, b.panicked = b.raw[:0], b.out[:0], nil, false, nil
	default:
		b = &batch[T]{raw: make([]rawMsg, 0, decodeBatch), out: make([]T, 0, decodeBatch)}
	}
	b.done = make(chan struct{})
	b.raw = append(b.raw, r)
more:
	for len(b.raw) < decodeBatch && r.err == nil {
		select {
		case r, ok = <-p.raw:
			if !ok {
				break more
			}
			b.raw = append(b.raw, r)
		default:
			break more
		}
	}
	select {
	case p.ordered <- b:
		return b
	case <-p.quit:
		return nil
	}
}

// position returns a message's stream sequence and the time it was stored.
func position(m jetstream.Msg) (uint64, time.Time, error) {
	if seq, ns, ok := replyPosition(m.Reply()); ok {
		return seq, time.Unix(0, ns), nil
	}
	md, err := m.Metadata()
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("eventstore: read: %w", err)
	}
	return md.Sequence.Stream, md.Timestamp, nil
}

// replyPosition reads the stream sequence and the timestamp from the reply subject of a
// JetStream message, as Msg.Metadata does, without allocating the rest of the metadata (a
// rebuild reads a million): "$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<tm>.
// <pending>", or, from newer servers, with a domain and an account hash after "$JS.ACK." and a
// token at the end (nats.go's parser takes both). ok is false for anything else, which Metadata
// then decides.
func replyPosition(reply string) (seq uint64, ns int64, ok bool) {
	rest, found := strings.CutPrefix(reply, "$JS.ACK.")
	if !found {
		return 0, 0, false
	}
	at := 3 // the stream sequence, counting the tokens after "$JS.ACK."
	switch n := strings.Count(rest, ".") + 1; {
	case n == 7:
	case n >= 9:
		at = 5
	default:
		return 0, 0, false
	}
	var tok string
	for range at {
		_, rest, _ = strings.Cut(rest, ".")
	}
	tok, rest, _ = strings.Cut(rest, ".")
	seq, err := strconv.ParseUint(tok, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	_, rest, _ = strings.Cut(rest, ".") // the consumer sequence
	tok, _, _ = strings.Cut(rest, ".")
	t, err := strconv.ParseUint(tok, 10, 63)
	if err != nil {
		return 0, 0, false
	}
	return seq, int64(t), true
}
