package httpapi

import (
	"context"
	"errors"
	"net"
	"sort"
	"sync"
	"syscall"
	"time"
)

// The subscribers of /v1/stream/events whose connection is a socket of this process (HTTP/1.x
// over TCP or a Unix socket, hijacked from net/http) are written by a few writer goroutines, one
// per shard of them, rather than each by its own goroutine: when events arrive, a writer walks its
// shard and writes each subscriber the events after its cursor — the ring's shared messages, one
// system call for all of them — without blocking (the socket's file descriptor, through
// syscall.RawConn). A subscriber whose socket would block, or that has fallen behind the ring,
// is handed back to its own goroutine (which was parked reading the connection), with what could
// not be written: that goroutine writes it with the slow-consumer deadline, catches up and joins a
// shard again. So the fan-out costs a wake-up per shard, not per subscriber, and no subscriber can
// hold the others up.

// shard is a set of subscribers one writer goroutine writes.
type shard struct {
	kick chan struct{} // a pass is due (capacity 1: kicks coalesce)

	mu   sync.Mutex
	subs []*rawSub
}

// rawSub is a subscriber written from a shard. Its fields belong to the shard while it is in
// one (inShard, under the shard's lock), to its own goroutine otherwise.
type rawSub struct {
	conn    net.Conn
	raw     syscall.RawConn
	match   func(typ, stream string) bool
	cursor  uint64 // the last position written, or in pending
	pending []byte // what a writer could not write without blocking
	err     error  // the write error that ended it in a writer
	shard   *shard
	index   int // in shard.subs
	inShard bool
}

// aLongTimeAgo is a read deadline that interrupts a read in progress at once.
var aLongTimeAgo = time.Unix(1, 0)

// join adds sub to a shard, in turn, and asks for a pass (events may have arrived since it
// caught up).
func (h *hub) join(sub *rawSub) {
	sh := h.shards[int(h.next.Add(1)%uint64(len(h.shards)))]
	sh.mu.Lock()
	sub.shard, sub.index, sub.inShard = sh, len(sh.subs), true
	sh.subs = append(sh.subs, sub)
	sh.mu.Unlock()
	sh.nudge()
}

// leave takes sub out of its shard if it is still in one; it reports whether it was (false:
// a writer handed it back).
func (h *hub) leave(sub *rawSub) bool {
	sh := sub.shard
	if sh == nil {
		return false
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sub.inShard {
		return false
	}
	sh.remove(sub)
	return true
}

func (sh *shard) nudge() {
	select {
	case sh.kick <- struct{}{}:
	default:
	}
}

// remove takes sub out of sh.subs (under sh.mu).
func (sh *shard) remove(sub *rawSub) {
	last := len(sh.subs) - 1
	sh.subs[sub.index] = sh.subs[last]
	sh.subs[sub.index].index = sub.index
	sh.subs[last] = nil
	sh.subs = sh.subs[:last]
	sub.inShard = false
}

// handBack takes sub out of sh and wakes its goroutine (under sh.mu).
func (sh *shard) handBack(sub *rawSub) {
	sh.remove(sub)
	sub.conn.SetReadDeadline(aLongTimeAgo)
}

// write runs a shard's writer until ctx is done: a pass when events arrive, and a heartbeat to
// every subscriber of the shard each interval.
func (h *hub) write(ctx context.Context, sh *shard, heartbeat time.Duration) {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	w := &shardWriter{hub: h, frames: make([]frame, 0, passFrames)}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sh.kick:
			w.pass(sh, false)
		case <-tick.C:
			w.pass(sh, true)
		}
	}
}

// passFrames is how many of the ring's frames a pass takes at a time.
const passFrames = 256

type shardWriter struct {
	hub     *hub
	frames  []frame
	scratch []byte
}

var keepalive = []byte(": keepalive\n\n")

// pass writes every subscriber of sh the events after its cursor (and a heartbeat if beat),
// until all are at the ring's head or handed back.
func (w *shardWriter) pass(sh *shard, beat bool) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for len(sh.subs) > 0 {
		low := sh.subs[0].cursor
		for _, sub := range sh.subs[1:] {
			low = min(low, sub.cursor)
		}
		var floor, head uint64
		w.frames, floor, head = w.hub.window(low, w.frames[:0], passFrames)
		more := false
		for i := 0; i < len(sh.subs); {
			sub := sh.subs[i]
			if sub.cursor < floor {
				sh.handBack(sub) // sh.subs[i] is now another subscriber
				continue
			}
			j := 0
			if sub.cursor != low {
				j = sort.Search(len(w.frames), func(k int) bool { return w.frames[k].seq > sub.cursor })
			}
			if w.send(sub, w.frames[j:], beat) {
				i++
				more = more || sub.cursor < head
			}
		}
		if !more {
			return
		}
		beat = false
	}
}

// send writes sub the frames it matches (and a heartbeat if beat) without blocking; false means
// sub was handed back.
func (w *shardWriter) send(sub *rawSub, frames []frame, beat bool) bool {
	var b []byte
	n := 0
	for _, f := range frames {
		if sub.match != nil && !sub.match(f.typ, f.stream) {
			continue
		}
		if n++; n == 1 {
			b = f.msg // one message: written from the ring itself
			continue
		}
		if n == 2 {
			w.scratch = append(w.scratch[:0], b...)
		}
		w.scratch = append(w.scratch, f.msg...)
		b = w.scratch
	}
	if beat {
		if n > 0 {
			w.scratch = append(append(w.scratch[:0], b...), keepalive...)
			b = w.scratch
		} else {
			b = keepalive
		}
	}
	if len(frames) > 0 {
		sub.cursor = frames[len(frames)-1].seq
	}
	if len(b) == 0 {
		return true
	}
	var written int
	var err error
	if rerr := sub.raw.Write(func(fd uintptr) bool {
		written, err = syscall.Write(int(fd), b)
		return true // one attempt: never wait for the socket
	}); rerr != nil {
		err = rerr
	}
	written = max(written, 0)
	switch {
	case err == nil && written == len(b):
		return true
	case err == nil || errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR):
		sub.pending = append(sub.pending[:0], b[written:]...)
	default:
		sub.err = err
	}
	sub.shard.handBack(sub)
	return false
}

// window appends to buf the frames after max(cursor, floor) (at most n) and returns them with the
// ring's floor (every event after it is held) and head.
func (h *hub) window(cursor uint64, buf []frame, n int) (out []frame, floor, head uint64) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	cursor = max(cursor, h.floor)
	if cursor < h.last {
		i := sort.Search(h.n, func(i int) bool { return h.ring[(h.first+i)%h.size].seq > cursor })
		for ; i < h.n && len(buf) < n; i++ {
			buf = append(buf, h.ring[(h.first+i)%h.size])
		}
	}
	return buf, h.floor, h.last
}
