package httpapi_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The figure changes of a day are computed once per log position, whatever the number of its
// subscribers: ocopledger_figure_computations_total grows by the positions appended with one
// subscriber as with forty, and by twice that with two days streamed.
func TestStreamFiguresComputedOncePerChange(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	computations := func() float64 {
		t.Helper()
		v, ok := value(e.scrape(), "ocopledger_figure_computations_total")
		if !ok {
			t.Fatal("/metrics lacks ocopledger_figure_computations_total")
		}
		return v
	}
	const perRound = 3
	n := 0
	round := func(subscribers int, days ...string) float64 {
		t.Helper()
		var cs []*sseClient
		for i := 0; i < subscribers; i++ {
			cs = append(cs, e.subscribe("/v1/stream/figures?as_of="+days[i%len(days)], viewerToken, ""))
		}
		before := computations()
		for i := 0; i < perRound; i++ {
			n++
			e.record("ocop.certified", cert(fmt.Sprintf("once-%d", n), 4, "2024-01-01"))
		}
		for i, c := range cs {
			for j := 0; j < perRound; j++ {
				if m := c.next(t); m.Event != "figures" {
					t.Fatalf("subscriber %d, message %d: %+v, want a figure change", i, j, m)
				}
			}
		}
		got := computations() - before
		for _, c := range cs {
			c.Close()
		}
		return got
	}
	if got := round(1, "2025-08-07"); got != perRound {
		t.Errorf("1 subscriber, %d positions: %v computations, want %d", perRound, got, perRound)
	}
	if got := round(40, "2025-08-07"); got != perRound {
		t.Errorf("40 subscribers of one day, %d positions: %v computations, want %d (one per position)", perRound, got, perRound)
	}
	if got := round(40, "2025-08-07", "2025-09-01"); got != 2*perRound {
		t.Errorf("40 subscribers of two days, %d positions: %v computations, want %d (one per position and day)", perRound, got, 2*perRound)
	}
}

// A subscriber that stops reading is disconnected once a write waits longer than the
// slow-consumer limit, counted as such in /metrics; resuming from the last event it received
// (Last-Event-ID), it gets every event once, in order. The server's send buffers and the
// client's receive buffer are made small so that a few events fill them. It is so whether the
// subscriber resumed from far behind (its own goroutine writes the events it lacks) or was
// following the log's end when it stopped reading (a shard's writer hands it back to its
// goroutine), and a subscriber reading beside it gets every event meanwhile.
func TestStreamSlowConsumerResumesWithoutLoss(t *testing.T) {
	for _, following := range []bool{false, true} {
		t.Run(fmt.Sprintf("following=%v", following), func(t *testing.T) { slowConsumer(t, following) })
	}
}

func slowConsumer(t *testing.T, following bool) {
	e := newEnv(t, envOpt{tokens: testTokens, slow: 300 * time.Millisecond})
	ts := httptest.NewUnstartedServer(e.Srv.Handler())
	ts.Listener = smallSendBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(ts.Close)

	const n = 300
	record := func(i int) {
		body := cert(fmt.Sprintf("slow-%d", i), 4, "2024-01-01")
		// a long producer name makes each message a few kilobytes
		body = bytes.Replace(body, []byte(`"Chủ thể thử"`), []byte(`"Chủ thể thử `+strings.Repeat("x", 250)+`"`), 1)
		e.record("ocop.certified", body)
	}
	start := e.lastSeq()
	if !following {
		for i := 0; i < n; i++ {
			record(i)
		}
	}
	end := start + n

	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return serr
	}}
	conn, err := d.DialContext(t.Context(), "tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /v1/stream/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nLast-Event-ID: %d\r\n\r\n", viewerToken, start)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("subscribing: %v %v", res, err)
	}
	if !res.Close || len(res.TransferEncoding) > 0 {
		t.Fatalf("the stream's answer: Close %v, Transfer-Encoding %v; want its connection taken from net/http, the body ending with it", res.Close, res.TransferEncoding)
	}
	var got []uint64
	collect := func(m sseMsg) {
		seq, _ := strconv.ParseUint(m.ID, 10, 64)
		got = append(got, seq)
	}
	if following {
		// One event read: the subscriber is following the log's end, in a shard.
		record(0)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		for line := ""; len(got) == 0 || line != "\n"; {
			if line, err = br.ReadString('\n'); err != nil {
				t.Fatalf("waiting for the first event: %v", err)
			}
			if id, ok := strings.CutPrefix(line, "id: "); ok {
				collect(sseMsg{ID: strings.TrimSpace(id)})
			}
		}
		beside := e.subscribe("/v1/stream/events", viewerToken, fmt.Sprint(start+1))
		for i := 1; i < n; i++ {
			record(i)
		}
		for seq := start + 2; seq <= end; seq++ {
			if m := beside.next(t); m.ID != fmt.Sprint(seq) {
				t.Fatalf("the subscriber reading beside the slow one got %s, want %d", m.ID, seq)
			}
		}
		beside.Close()
	}
	// Read nothing until the server has given up on this subscriber.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if v, _ := value(e.scrape(), "ocopledger_sse_disconnects_total", "stream", "events", "reason", "slow_consumer"); v >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the subscriber that reads nothing was not disconnected as slow within 20 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	readSSE(res.Body, collect, func(string) {}) // what was on its way, then the end of the stream
	if len(got) == 0 || got[len(got)-1] >= end {
		t.Fatalf("before the disconnection the subscriber got %d events (last %v): want some, not all %d", len(got), got, n)
	}
	c := e.subscribe("/v1/stream/events", viewerToken, fmt.Sprint(got[len(got)-1]))
	for got[len(got)-1] < end {
		collect(c.next(t))
	}
	c.Close()
	for i, seq := range got {
		if seq != start+1+uint64(i) {
			t.Fatalf("events received across the disconnection: %v, want %d…%d each once, in order", got, start+1, end)
		}
	}
}

type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}
