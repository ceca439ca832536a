package eventstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrGap is matched by every *GapError.
var ErrGap = errors.New("eventstore: positions missing from the log")

// GapError reports positions of the log that a read did not receive although the log reaches
// them: nats-server skips a message it cannot read (a damaged message block) or one that was
// deleted, and a log can end before the position its stream, or what the caller knows of it,
// says it reaches. From and To are the first and last missing positions.
type GapError struct {
	From, To uint64
}

func (e *GapError) Error() string {
	if e.From == e.To {
		return fmt.Sprintf("eventstore: position %d of the log is missing: the store cannot read it (a damaged or deleted message)", e.From)
	}
	return fmt.Sprintf("eventstore: positions %d to %d of the log are missing (%d entries): the store cannot read them (damaged or deleted messages, or a log cut short)",
		e.From, e.To, e.Count())
}

// Count is how many positions are missing.
func (e *GapError) Count() uint64 { return e.To - e.From + 1 }

// Is makes errors.Is(err, ErrGap) true.
func (e *GapError) Is(target error) bool { return target == ErrGap }

// ReadOptions are the options of ReadWith.
type ReadOptions struct {
	// From is the first position to read (0 means 1).
	From uint64
	// End is a position the log is known to reach, e.g. from a checkpoint the caller holds. The
	// read goes to the stream's last position when it starts, as Read does; when that is before
	// End, the positions after it up to End are missing. 0: nothing is known.
	End uint64
	// Missing, if set, is called for each run of missing positions, in log order among the
	// events, and the read goes on past them (a salvage); an error from it stops the read.
	// Without it the read stops at the first gap with its *GapError.
	Missing func(*GapError) error
}

// ReadWith is Read with options: how far the log is known to reach, and whether to go on past
// missing positions.
func (s *Store) ReadWith(ctx context.Context, opts ReadOptions, fn func(Envelope) error) error {
	last, err := s.LastSequence(ctx)
	if err != nil {
		return err
	}
	from := max(opts.From, 1)
	if from <= last {
		workers := 0
		if last-from >= minParallelRead {
			workers = readWorkers()
		}
		if err := consume(ctx, s, fromConfig(from), last, workers, envelope, fn, opts.Missing); err != nil {
			return err
		}
	}
	if opts.End > last && opts.End >= from {
		// The stream ends before the position the caller knows the log reaches.
		return missing(&GapError{From: max(last+1, from), To: opts.End}, opts.Missing)
	}
	return nil
}

// missing is what a read does at a gap: fails with it, or reports it and goes on.
func missing(gap *GapError, salvage func(*GapError) error) error {
	if salvage == nil {
		return gap
	}
	return salvage(gap)
}

// positions checks that the positions a read of the whole log receives follow each other, and
// watches for a read that waits for positions the store will never deliver (see watch).
type positions struct {
	s       *Store
	next    uint64 // the position expected next; owned by the receiving goroutine
	end     uint64 // the last position to read; 0 when following
	salvage func(*GapError) error
	reached atomic.Uint64 // next, for the watch
}

// newPositions returns the check of a read of the whole log from cfg's start sequence, or nil
// for a read of one aggregate stream (its positions are not consecutive).
func newPositions(s *Store, cfg jetstream.OrderedConsumerConfig, end uint64, salvage func(*GapError) error) *positions {
	if len(cfg.FilterSubjects) > 0 {
		return nil
	}
	p := &positions{s: s, next: max(cfg.OptStartSeq, 1), end: end, salvage: salvage}
	p.reached.Store(p.next)
	return p
}

// at takes the position of a received message: the run of positions it skipped, if any, and
// whether it lies past the end of the read (it is then not delivered).
func (p *positions) at(seq uint64) (gap *GapError, past bool) {
	if p == nil || seq == p.next {
		if p != nil {
			p.next++
			p.reached.Store(p.next)
		}
		return nil, false
	}
	if seq < p.next {
		return nil, false // not expected from an ordered consumer; nothing is skipped
	}
	if p.end > 0 && seq > p.end {
		gap, past = &GapError{From: p.next, To: p.end}, true
	} else {
		gap = &GapError{From: p.next, To: seq - 1}
	}
	p.next = seq + 1
	p.reached.Store(p.next)
	return gap, past
}

// stallCheck is how long a read waits for its next position before it asks the store whether
// anything readable is left to come.
var (
	stallCheck       = time.Second
	stallCheckFollow = 5 * time.Second
)

// watch runs until ctx is done. When the read has received nothing for a while, it asks the
// store whether the positions it waits for can still come: an ordered consumer silently waits
// forever when the last positions of the log are unreadable (nats-server skips them and has
// nothing after them to deliver). When nothing readable is stored from the awaited position to
// the end, it cancels the receiving with the *GapError naming them.
func (p *positions) watch(ctx context.Context, stop context.CancelCauseFunc) {
	every := stallCheck
	if p.end == 0 {
		every = stallCheckFollow
	}
	t := time.NewTicker(every)
	defer t.Stop()
	seen := p.reached.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		next := p.reached.Load()
		if next != seen {
			seen = next
			continue
		}
		gap, err := p.s.unreadableTail(ctx, next, p.end)
		if err != nil || gap == nil {
			continue // a slow store (or an election): keep waiting
		}
		stop(gap)
		return
	}
}

// unreadableTail returns the positions from next to the end of the log (end, or the stream's
// last position when end is 0) when the store holds nothing it can deliver among them; nil
// when something is there to come, or the log ends before next.
func (s *Store) unreadableTail(ctx context.Context, next, end uint64) (*GapError, error) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	last := end
	if last == 0 {
		var err error
		if last, err = s.LastSequence(ctx); err != nil {
			return nil, err
		}
	}
	if next > last {
		return nil, nil
	}
	m, err := s.leaderGet(ctx, msgGetRequest{Seq: next, NextFor: ">"})
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
		return &GapError{From: next, To: last}, nil
	case err != nil:
		return nil, err
	case m.Sequence > last:
		return &GapError{From: next, To: last}, nil
	}
	return nil, nil
}

// tailGap is the gap the watch stopped a receiving with, if it did.
func tailGap(rctx context.Context) *GapError {
	var gap *GapError
	if errors.As(context.Cause(rctx), &gap) {
		return gap
	}
	return nil
}
