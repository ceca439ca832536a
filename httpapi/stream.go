package httpapi

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// sseWriter writes Server-Sent Events and flushes them. Each write must be taken by the
// subscriber's connection within the slow-consumer limit; one that is not ends the stream (see
// writeFailed), and the subscriber resumes from Last-Event-ID.
type sseWriter struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	slow  time.Duration
	until time.Time // the write deadline set on the connection
}

func (s *Server) startSSE(w http.ResponseWriter) *sseWriter {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell proxies not to buffer
	w.WriteHeader(http.StatusOK)
	return &sseWriter{w: w, rc: rc, slow: s.cfg.SlowConsumer}
}

// deadline moves the connection's write deadline on, so that every write starts with at least
// three quarters of the limit before it (moved only now and then: it costs a timer).
func (s *sseWriter) deadline() {
	if now := time.Now(); s.until.Sub(now) < s.slow*3/4 {
		s.until = now.Add(s.slow)
		s.rc.SetWriteDeadline(s.until) // a connection without deadlines has only the heartbeat
	}
}

func (s *sseWriter) write(b []byte) error {
	s.deadline()
	_, err := s.w.Write(b)
	return err
}

func (s *sseWriter) flush() error {
	s.deadline()
	return s.rc.Flush()
}

func (s *sseWriter) comment(text string) error {
	if err := s.write([]byte(": " + text + "\n\n")); err != nil {
		return err
	}
	return s.flush()
}

// resumeFrom reads where a subscriber resumes: Last-Event-ID or ?since=N (the last position it
// has); ok is false when it gives neither. A position beyond the end of the log is refused: it
// comes from another log (a recreated or restored one), and waiting for it would starve the
// subscriber in silence while the positions it has not seen go by.
func (s *Server) resumeFrom(r *http.Request, q query) (uint64, bool, error) {
	var n uint64
	field := "Last-Event-ID"
	switch v := strings.TrimSpace(r.Header.Get(field)); {
	case v != "":
		var err error
		if n, err = strconv.ParseUint(v, 10, 64); err != nil {
			return 0, false, domain.Invalid(field, "%q is not a log position", v)
		}
	case q.get("since") != "":
		var err error
		if n, err = q.uint("since", 0); err != nil {
			return 0, false, err
		}
		field = "since"
	default:
		return 0, false, nil
	}
	end, err := s.cfg.Ledger.LastSequence(r.Context())
	if err != nil {
		return 0, false, err
	}
	if err := beyondEnd(field, n, end); err != nil {
		return 0, false, err
	}
	return n, true, nil
}

// handleStreamEvents streams the log: each message has the log position as its id, the event
// type as its event and the envelope as its data.
func (s *Server) handleStreamEvents(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "type", "stream", "since")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	since, resume, err := s.resumeFrom(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	match := filter(q.get("type"), q.get("stream"))
	ctx := r.Context()
	select {
	case <-s.hub.started:
	case <-ctx.Done():
		return
	}
	// Without a resume point a subscriber gets what is appended after it connects: the log end
	// now (the shared follower may not have seen it yet).
	cursor := since
	if !resume {
		if cursor, err = s.cfg.Ledger.LastSequence(ctx); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	g := s.subscribers.WithLabelValues("events")
	g.Inc()
	s.hub.subs.Add(1)
	defer func() { g.Dec(); s.hub.subs.Add(-1) }()
	sw := s.startSSE(w)
	if err := sw.write([]byte("retry: 2000\n")); err != nil {
		return
	}
	if err := sw.comment("ocopledger events after " + strconv.FormatUint(cursor, 10)); err != nil {
		return
	}
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	buf := make([]frame, 0, 32)
	for {
		frames, behind, wake := s.hub.after(cursor, buf[:0], cap(buf))
		if behind {
			cursor, err = s.replay(ctx, sw, cursor, match, tick.C)
			if err != nil {
				s.writeFailed("events", r, cursor, err)
				return
			}
			continue
		}
		if len(frames) > 0 {
			for _, f := range frames {
				if match(f.typ, f.stream) {
					if err := sw.write(f.msg); err != nil {
						s.writeFailed("events", r, cursor, err)
						return
					}
				}
				cursor = f.seq
			}
			if len(frames) == cap(buf) {
				continue // more are waiting: one flush for them all (the buffer writes out when full)
			}
			if err := sw.flush(); err != nil {
				s.writeFailed("events", r, cursor, err)
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
			if err := sw.comment("keepalive"); err != nil {
				s.writeFailed("events", r, cursor, err)
				return
			}
		}
	}
}

// replay sends the events after cursor from the log (up to its end when called) and returns
// the new cursor. At most maxReplays subscribers read the log at once (after an import longer
// than the ring, every subscriber would): the others wait their turn, heartbeats going on.
func (s *Server) replay(ctx context.Context, sw *sseWriter, cursor uint64, match func(t, s string) bool, tick <-chan time.Time) (uint64, error) {
	for waiting := true; waiting; {
		select {
		case s.replays <- struct{}{}:
			waiting = false
		case <-ctx.Done():
			return cursor, ctx.Err()
		case <-tick:
			if err := sw.comment("keepalive"); err != nil {
				return cursor, err
			}
		}
	}
	defer func() { <-s.replays }()
	n := 0
	err := s.cfg.Ledger.ReadEntries(ctx, cursor+1, func(e Envelope) error {
		if match(e.Type, e.Stream) {
			f, err := render(e)
			if err != nil {
				return err
			}
			if err := sw.write(f.msg); err != nil {
				return err
			}
			if n++; n%256 == 0 {
				if err := sw.flush(); err != nil {
					return err
				}
			}
		}
		cursor = e.Sequence
		return nil
	})
	if err != nil {
		return cursor, err
	}
	return cursor, sw.flush()
}

// maxReplays is how many stream subscribers may read the log at once.
const maxReplays = 8

// writeFailed says why a stream ended on a write that failed: a subscriber that did not take a
// write within the slow-consumer limit was disconnected (counted and logged: it resumes from
// Last-Event-ID, losing nothing); a subscriber that went away is no news.
func (s *Server) writeFailed(stream string, r *http.Request, cursor uint64, err error) {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.disconnects.WithLabelValues(stream, "slow_consumer").Inc()
		s.log.Info("stream subscriber too slow: disconnected; it resumes from Last-Event-ID", "stream", stream,
			"remote", r.RemoteAddr, "after", cursor, "limit", s.cfg.SlowConsumer)
	case errors.Is(err, context.Canceled):
	default:
		s.log.Debug("stream ended", "stream", stream, "remote", r.RemoteAddr, "after", cursor, "err", err)
	}
}

// FigureChange is how one figure changed at a log position.
type FigureChange struct {
	Figure string `json:"figure"`
	Old    int64  `json:"old"`
	New    int64  `json:"new"`
}

// FigureChanges is the data of a /v1/stream/figures message.
type FigureChanges struct {
	Position uint64         `json:"position"`
	AsOf     domain.Date    `json:"as_of"`
	Changes  []FigureChange `json:"changes"`
}

// changes lists the figures whose value differs, in the order of domain.Figures.
func changes(old, cur map[string]int64) []FigureChange {
	var out []FigureChange
	for _, f := range domain.Figures() {
		if a, b := old[f.ID], cur[f.ID]; a != b {
			out = append(out, FigureChange{Figure: f.ID, Old: a, New: b})
		}
	}
	return out
}
