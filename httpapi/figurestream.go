package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/prometheus/client_golang/prometheus"
)

// figureStreams computes the figure changes of /v1/stream/figures once per log position and day,
// whatever the number of subscribers: the subscribers of one day (as_of, from) share a
// figureDay, which one goroutine advances as the read models commit, keeping the recent changes
// rendered as SSE messages. A subscriber that resumes from before what the day holds computes the
// gap itself, then joins it.
type figureStreams struct {
	p            *projections.Projection
	computations prometheus.Counter // figures computed at a position, by days and by catch-ups
	keep         int                // changes a day keeps for subscribers a little behind

	mu   sync.Mutex
	days map[figureKey]*figureDay
}

type figureKey struct{ asOf, from domain.Date }

// figureDay is the shared computation of one day's figure changes.
type figureDay struct {
	key  figureKey
	refs int // subscribers, under figureStreams.mu
	stop context.CancelFunc

	mu    sync.RWMutex
	pos   uint64           // the figures are computed up to this position
	prev  map[string]int64 // the figures at pos
	msgs  []figureMsg      // the last changes, ordered by position
	floor uint64           // every change after floor is in msgs
	wake  chan struct{}    // closed when pos moves on
}

// figureMsg is the changes at one position, rendered as an SSE message.
type figureMsg struct {
	pos uint64
	msg []byte
}

func newFigureStreams(p *projections.Projection, computations prometheus.Counter) *figureStreams {
	return &figureStreams{p: p, computations: computations, keep: 1024, days: map[figureKey]*figureDay{}}
}

// at computes every figure of the day as known at position pos.
func (fs *figureStreams) at(k figureKey, pos uint64) map[string]int64 {
	fs.computations.Inc()
	return fs.p.FiguresAtPosition(domain.Query{AsOf: k.asOf, From: k.from}, pos).Figures
}

// message renders the changes from prev to cur at pos, or returns nil when nothing changed.
func (k figureKey) message(pos uint64, prev, cur map[string]int64) []byte {
	ch := changes(prev, cur)
	if len(ch) == 0 {
		return nil
	}
	data, _ := json.Marshal(FigureChanges{Position: pos, AsOf: k.asOf, Changes: ch})
	msg := make([]byte, 0, len(data)+40)
	msg = append(msg, "id: "...)
	msg = strconv.AppendUint(msg, pos, 10)
	msg = append(msg, "\nevent: figures\ndata: "...)
	msg = append(msg, data...)
	return append(msg, "\n\n"...)
}

// join returns the shared day of k, started at the read models' checkpoint when it is new; ctx
// is the server's, which ends the day's goroutine with the server.
func (fs *figureStreams) join(ctx context.Context, k figureKey) *figureDay {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if d := fs.days[k]; d != nil {
		d.refs++
		return d
	}
	ck := fs.p.Checkpoint()
	d := &figureDay{key: k, refs: 1, pos: ck, floor: ck, prev: fs.at(k, ck), wake: make(chan struct{})}
	ctx, d.stop = context.WithCancel(ctx)
	fs.days[k] = d
	go fs.follow(ctx, d)
	return d
}

// leave drops a subscriber of d; the last one stops it.
func (fs *figureStreams) leave(d *figureDay) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if d.refs--; d.refs == 0 {
		d.stop()
		delete(fs.days, d.key)
	}
}

// follow advances d each time the read models commit, until ctx is done.
func (fs *figureStreams) follow(ctx context.Context, d *figureDay) {
	for {
		d.mu.RLock()
		next := d.pos + 1
		d.mu.RUnlock()
		if fs.p.WaitFor(ctx, next) != nil {
			return
		}
		ck := fs.p.Checkpoint()
		for pos := next; pos <= ck; pos++ {
			if ctx.Err() != nil {
				return
			}
			cur := fs.at(d.key, pos)
			msg := d.key.message(pos, d.prev, cur)
			d.mu.Lock()
			if msg != nil {
				if len(d.msgs) == fs.keep {
					d.floor = d.msgs[0].pos
					d.msgs = append(d.msgs[:0], d.msgs[1:]...)
				}
				d.msgs = append(d.msgs, figureMsg{pos: pos, msg: msg})
			}
			d.pos, d.prev = pos, cur
			// Subscribers wake once per commit, not once per position of a long commit.
			if pos == ck || pos%256 == 0 {
				close(d.wake)
				d.wake = make(chan struct{})
			}
			d.mu.Unlock()
		}
	}
}

// after appends to buf the messages of d after cursor and returns them with the position they
// reach; behind reports that d no longer holds what follows cursor (the caller computes it);
// wake is closed when d moves on.
func (d *figureDay) after(cursor uint64, buf [][]byte) (out [][]byte, upTo uint64, behind bool, wake <-chan struct{}) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if cursor < d.floor {
		return buf, cursor, true, d.wake
	}
	for i := len(d.msgs) - 1; i >= 0 && d.msgs[i].pos > cursor; i-- {
		buf = append(buf, d.msgs[i].msg)
	}
	for i, j := 0, len(buf)-1; i < j; i, j = i+1, j-1 {
		buf[i], buf[j] = buf[j], buf[i]
	}
	return buf, max(cursor, d.pos), false, d.wake
}

// catchUp sends the changes of day k after cursor up to position to, computed for this
// subscriber alone (one that resumes from before what the shared day holds).
func (fs *figureStreams) catchUp(ctx context.Context, sw *sseWriter, k figureKey, cursor, to uint64) error {
	prev := fs.at(k, cursor)
	for pos := cursor + 1; pos <= to; pos++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		cur := fs.at(k, pos)
		if msg := k.message(pos, prev, cur); msg != nil {
			if err := sw.write(msg); err != nil {
				return err
			}
		}
		prev = cur
	}
	return sw.flush()
}

// handleStreamFigures streams figure changes for a day: one message per log position at which
// any figure of that day changed, with the position as its id. A subscriber resuming from a
// position gets the changes of every position since, compared one position at a time.
func (s *Server) handleStreamFigures(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "as_of", "from", "since")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	asOfGiven := q.get("as_of") != ""
	fq, err := s.figureQuery(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	since, resume, err := s.resumeFrom(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cursor := s.cfg.Projection.Checkpoint()
	if resume {
		cursor = since
	}
	ctx := r.Context()
	g := s.subscribers.WithLabelValues("figures")
	g.Inc()
	defer g.Dec()
	sw := s.startSSE(w)
	if err := sw.write([]byte("retry: 2000\n")); err != nil {
		return
	}
	// Joined before the first comment: once a subscriber has it, every change is its.
	k := figureKey{asOf: fq.AsOf, from: fq.From}
	day := s.figures.join(s.runCtx(ctx), k)
	defer func() { s.figures.leave(day) }()
	if err := sw.comment(fmt.Sprintf("ocopledger figure changes of %s after %d", k.asOf, cursor)); err != nil {
		return
	}
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	var buf [][]byte
	for {
		// "today" moves on at midnight in Vietnam: follow the new day from where this one was.
		if !asOfGiven {
			if today := domain.DateOf(s.cfg.Now()); today != k.asOf {
				s.figures.leave(day)
				k.asOf = today
				day = s.figures.join(s.runCtx(ctx), k)
			}
		}
		msgs, upTo, behind, wake := day.after(cursor, buf[:0])
		if behind {
			day.mu.RLock()
			floor := day.floor
			day.mu.RUnlock()
			if err := s.figures.catchUp(ctx, sw, k, cursor, floor); err != nil {
				s.writeFailed("figures", r, cursor, err)
				return
			}
			cursor = floor
			continue
		}
		for _, m := range msgs {
			if err := sw.write(m); err != nil {
				s.writeFailed("figures", r, cursor, err)
				return
			}
		}
		if len(msgs) > 0 {
			if err := sw.flush(); err != nil {
				s.writeFailed("figures", r, cursor, err)
				return
			}
		}
		cursor, buf = upTo, msgs
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
			if err := sw.comment("keepalive"); err != nil {
				s.writeFailed("figures", r, cursor, err)
				return
			}
		}
	}
}
