package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// sseWriter writes Server-Sent Events and flushes them, to a ResponseWriter or to a connection
// hijacked from net/http. Each write must be taken by the subscriber's connection within the
// slow-consumer limit; one that is not ends the stream (see writeFailed), and the subscriber
// resumes from Last-Event-ID.
type sseWriter struct {
	w           io.Writer
	flushOut    func() error
	setDeadline func(time.Time) error
	slow        time.Duration
	until       time.Time // the write deadline set on the connection
}

func (s *Server) startSSE(w http.ResponseWriter) *sseWriter {
	rc := http.NewResponseController(w)
	sseHeader(w.Header())
	w.WriteHeader(http.StatusOK)
	return &sseWriter{w: w, flushOut: rc.Flush, setDeadline: rc.SetWriteDeadline, slow: s.cfg.SlowConsumer}
}

func sseHeader(h http.Header) {
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell proxies not to buffer
}

// hijackSSE takes the connection of an HTTP/1.x request over plain TCP from net/http and
// answers it with the stream's header; the body is the stream itself, until the connection
// closes. ok is false (nothing written) when the request's connection cannot be taken.
func (s *Server) hijackSSE(w http.ResponseWriter, r *http.Request) (conn net.Conn, sw *sseWriter, ok bool) {
	if r.TLS != nil || r.ProtoMajor != 1 || r.Method != http.MethodGet {
		return nil, nil, false // HEAD too: net/http answers it without a body
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, false
	}
	h := w.Header().Clone()
	sseHeader(h)
	h.Set("Connection", "close")
	bw := brw.Writer
	bw.WriteString("HTTP/1.1 200 OK\r\n")
	h.Write(bw)
	bw.WriteString("\r\n")
	return conn, &sseWriter{w: bw, flushOut: bw.Flush, setDeadline: conn.SetWriteDeadline, slow: s.cfg.SlowConsumer}, true
}

// deadline moves the connection's write deadline on, so that every write starts with at least
// three quarters of the limit before it (moved only now and then: it costs a timer).
func (s *sseWriter) deadline() {
	if now := time.Now(); s.until.Sub(now) < s.slow*3/4 {
		s.until = now.Add(s.slow)
		s.setDeadline(s.until) // a connection without deadlines has only the heartbeat
	}
}

func (s *sseWriter) write(b []byte) error {
	s.deadline()
	_, err := s.w.Write(b)
	return err
}

func (s *sseWriter) flush() error {
	s.deadline()
	return s.flushOut()
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
	conn, sw, hijacked := s.hijackSSE(w, r)
	if hijacked {
		defer conn.Close()
	} else {
		sw = s.startSSE(w)
	}
	if err := sw.write([]byte("retry: 2000\n")); err != nil {
		return
	}
	if err := sw.comment("ocopledger events after " + strconv.FormatUint(cursor, 10)); err != nil {
		return
	}
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	if hijacked {
		if sc, ok := conn.(syscall.Conn); ok {
			if raw, err := sc.SyscallConn(); err == nil {
				sub := &rawSub{conn: conn, raw: raw, cursor: cursor}
				if q.get("type") != "" || q.get("stream") != "" {
					sub.match = match
				}
				s.streamShared(ctx, r, sw, sub, match, tick.C)
				return
			}
		}
	}
	buf := make([]frame, 0, 32)
	for {
		var wake <-chan struct{}
		cursor, wake, err = s.catchUp(ctx, sw, cursor, match, tick.C, buf)
		if err != nil {
			s.writeFailed("events", r, cursor, err)
			return
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

// streamShared streams to a subscriber whose socket the shards' writers write (fanout.go): its
// goroutine catches up to the ring's head, joins a shard and waits, reading the connection, until
// the client goes away, the server stops, or a writer hands it back (its socket would block,
// or it fell behind the ring); then it writes what the writer left with the slow-consumer
// deadline, catches up and joins again.
func (s *Server) streamShared(ctx context.Context, r *http.Request, sw *sseWriter, sub *rawSub, match func(t, s string) bool, tick <-chan time.Time) {
	interrupt := func() { sub.conn.SetReadDeadline(aLongTimeAgo) }
	defer context.AfterFunc(ctx, interrupt)()
	run := s.runCtx(ctx)
	defer context.AfterFunc(run, interrupt)()
	buf := make([]frame, 0, 32)
	var one [1]byte
	for {
		if sub.err != nil {
			s.writeFailed("events", r, sub.cursor, sub.err)
			return
		}
		if len(sub.pending) > 0 {
			if err := sw.write(sub.pending); err != nil {
				s.writeFailed("events", r, sub.cursor, err)
				return
			}
			sub.pending = sub.pending[:0]
		}
		cursor, _, err := s.catchUp(ctx, sw, sub.cursor, match, tick, buf)
		if err != nil {
			s.writeFailed("events", r, cursor, err)
			return
		}
		sub.cursor = cursor
		sub.conn.SetReadDeadline(time.Time{})
		sw.until = time.Time{}
		sub.conn.SetWriteDeadline(time.Time{}) // the writers' writes never wait

		if ctx.Err() != nil || run.Err() != nil {
			return
		}
		s.hub.join(sub)
		for err == nil {
			_, err = sub.conn.Read(one[:]) // the client sends nothing more: this waits for its end or an interruption
		}
		handedBack := !s.hub.leave(sub)
		if !handedBack || ctx.Err() != nil || run.Err() != nil || !errors.Is(err, os.ErrDeadlineExceeded) {
			return // the client went away, or the server stops
		}
	}
}

// catchUp writes the events after cursor up to the ring's head, from the log when the ring no
// longer holds them, then flushes; it returns the new cursor and a channel closed when more
// events arrive.
func (s *Server) catchUp(ctx context.Context, sw *sseWriter, cursor uint64, match func(t, s string) bool, tick <-chan time.Time, buf []frame) (uint64, <-chan struct{}, error) {
	for {
		frames, behind, wake := s.hub.after(cursor, buf[:0], cap(buf))
		if behind {
			var err error
			if cursor, err = s.replay(ctx, sw, cursor, match, tick); err != nil {
				return cursor, nil, err
			}
			continue
		}
		if len(frames) == 0 {
			return cursor, wake, sw.flush()
		}
		for _, f := range frames {
			if match(f.typ, f.stream) {
				if err := sw.write(f.msg); err != nil {
					return cursor, nil, err
				}
			}
			cursor = f.seq
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
