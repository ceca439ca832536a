package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocopledger/ocopledger/ledger"
)

// hub follows the log once for every subscriber of /v1/stream/events: each event is encoded
// once into an SSE message and kept in a ring of recent messages. Subscribers pull from the
// ring at their own pace, each with its own cursor; one that has fallen behind the ring (a
// reconnect with an old Last-Event-ID, or a slow client) reads the gap from the log itself and
// then rejoins the ring. No subscriber can slow the others down, and none misses or repeats a
// position.
type hub struct {
	ledger *ledger.Ledger
	log    *slog.Logger
	size   int

	started chan struct{}
	once    sync.Once

	mu    sync.RWMutex
	ring  []frame // circular, ordered by seq
	first int     // index of the oldest frame
	n     int
	last  uint64        // the last position seen (the log end at start, then each event)
	floor uint64        // every event after floor is in the ring
	wake  chan struct{} // closed when frames arrive

	// Wake-ups are coalesced under load: with many subscribers, each wake-up costs one write
	// per subscriber, so frames that arrive within a short linger go out together.
	subs     atomic.Int64
	lastWake time.Time
	pending  bool

	shards []*shard      // the subscribers written by writer goroutines (fanout.go)
	next   atomic.Uint64 // the shard the next one joins
}

// linger is how long new frames may wait for others to join them before subscribers wake:
// 5 µs per subscriber, at most 5 ms (none for a handful of subscribers).
func (h *hub) linger() time.Duration {
	return min(time.Duration(h.subs.Load())*5*time.Microsecond, 5*time.Millisecond)
}

// frame is one event, rendered as an SSE message.
type frame struct {
	seq      uint64
	typ      string
	stream   string
	appended time.Time
	msg      []byte
}

func newHub(l *ledger.Ledger, size int, log *slog.Logger) *hub {
	h := &hub{ledger: l, log: log, size: size, ring: make([]frame, size), started: make(chan struct{}), wake: make(chan struct{})}
	for range runtime.GOMAXPROCS(0) {
		h.shards = append(h.shards, &shard{kick: make(chan struct{}, 1)})
	}
	return h
}

func render(e Envelope) (frame, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return frame{}, err
	}
	msg := make([]byte, 0, len(data)+len(e.Type)+40)
	msg = append(msg, "id: "...)
	msg = strconv.AppendUint(msg, e.Sequence, 10)
	msg = append(msg, "\nevent: "...)
	msg = append(msg, e.Type...)
	msg = append(msg, "\ndata: "...)
	msg = append(msg, data...) // compact JSON holds no newline
	msg = append(msg, "\n\n"...)
	return frame{seq: e.Sequence, typ: e.Type, stream: e.Stream, appended: e.AppendedAt, msg: msg}, nil
}

// run follows the log from after end, and runs the shards' writers (a heartbeat every
// heartbeat), until ctx is done, retrying after failures.
func (h *hub) run(ctx context.Context, end uint64, heartbeat time.Duration) error {
	for _, sh := range h.shards {
		go h.write(ctx, sh, heartbeat)
	}
	h.mu.Lock()
	h.last, h.floor = end, end
	h.mu.Unlock()
	h.once.Do(func() { close(h.started) })
	backoff := 100 * time.Millisecond
	for {
		err := h.ledger.FollowEntries(ctx, h.head()+1, func(e Envelope) error {
			f, err := render(e)
			if err != nil {
				return err
			}
			h.push(f)
			return nil
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			h.log.Warn("event stream: following the log failed; retrying", "err", err, "in", backoff)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (h *hub) push(f frame) {
	h.mu.Lock()
	if f.seq <= h.last {
		h.mu.Unlock()
		return // a retried follow repeating itself
	}
	if h.n == h.size {
		h.floor = h.ring[h.first].seq
		h.first = (h.first + 1) % h.size
		h.n--
	}
	h.ring[(h.first+h.n)%h.size] = f
	h.n++
	h.last = f.seq
	if !h.pending {
		if d := h.linger() - time.Since(h.lastWake); d <= 0 {
			h.wakeLocked()
		} else {
			h.pending = true
			time.AfterFunc(d, func() {
				h.mu.Lock()
				h.wakeLocked()
				h.mu.Unlock()
			})
		}
	}
	h.mu.Unlock()
}

func (h *hub) wakeLocked() {
	close(h.wake)
	h.wake = make(chan struct{})
	h.pending = false
	h.lastWake = time.Now()
	for _, sh := range h.shards {
		sh.nudge()
	}
}

func (h *hub) head() uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.last
}

// after appends to buf the frames after cursor held in the ring (at most max). behind reports
// that the ring no longer holds cursor+1: the caller must read from the log. wake is closed
// when more frames arrive.
func (h *hub) after(cursor uint64, buf []frame, max int) (out []frame, behind bool, wake <-chan struct{}) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if cursor < h.floor {
		return buf, true, h.wake
	}
	if cursor >= h.last {
		return buf, false, h.wake
	}
	i := sort.Search(h.n, func(i int) bool { return h.ring[(h.first+i)%h.size].seq > cursor })
	for ; i < h.n && len(buf) < max; i++ {
		buf = append(buf, h.ring[(h.first+i)%h.size])
	}
	return buf, false, h.wake
}

// ageOf returns how long ago the event at seq was appended (0 if it is not yet in the log).
// For an event older than the ring it returns the age of the oldest event held, a lower bound.
func (h *hub) ageOf(seq uint64, now time.Time) time.Duration {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if seq > h.last || h.n == 0 {
		return 0
	}
	i := sort.Search(h.n, func(i int) bool { return h.ring[(h.first+i)%h.size].seq >= seq })
	if i == h.n {
		return 0
	}
	return max(now.Sub(h.ring[(h.first+i)%h.size].appended), 0)
}
