package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

// Follow reads a stream of the real server from a position, and after the connection drops it
// reconnects with Last-Event-ID: every event arrives once, in order.
func TestClientFollowResumesAfterADrop(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	// The server's side of every connection is kept, to drop them: a stream's connection is
	// taken from net/http (hijacked), which no longer tracks it.
	ts := httptest.NewUnstartedServer(e.Srv.Handler())
	ln := &keptConns{Listener: ts.Listener}
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	a := e.record("ocop.certified", cert("f-1", 4, "2024-01-01"))
	b := e.record("ocop.certified", cert("f-2", 4, "2024-01-01"))

	ctx, cancel := context.WithCancel(t.Context())
	events := make(chan httpapi.Event, 16)
	var reconnects atomic.Int32
	done := make(chan error, 1)
	c := httpapi.Client{Server: ts.URL + "/", Token: viewerToken}
	go func() {
		done <- c.Follow(ctx, "/v1/stream/events", nil, httpapi.FollowOptions{LastEventID: "0", OnReconnect: func() { reconnects.Add(1) }},
			func(ev httpapi.Event) error { events <- ev; return nil })
	}()
	next := func() httpapi.Event {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case err := <-done:
			t.Fatalf("Follow returned %v before the next event", err)
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10 s")
		}
		return httpapi.Event{}
	}
	for _, want := range []uint64{a.Sequence, b.Sequence} {
		if ev := next(); ev.ID != fmt.Sprint(want) || ev.Event != "ocop.certified" || !strings.Contains(ev.Data, `"type":"ocop.certified"`) {
			t.Fatalf("got %+v, want the event at %d", ev, want)
		}
	}

	ln.closeAll() // the connection drops
	for deadline := time.Now().Add(10 * time.Second); reconnects.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if reconnects.Load() == 0 {
		t.Fatal("Follow did not say it was reconnecting after the connection dropped")
	}
	d := e.record("ocop.certified", cert("f-3", 4, "2024-01-01"))
	if ev := next(); ev.ID != fmt.Sprint(d.Sequence) {
		t.Fatalf("after reconnecting got %+v, want the event at %d, once", ev, d.Sequence)
	}
	select {
	case ev := <-events:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Follow = %v after its context ended, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return after its context ended")
	}
}

// A stream the server refuses is an error naming the token, with the server's code and message
// in the language asked for; a server that cannot be reached is the connection's error; an
// error of fn ends Follow with it.
func TestClientFollowErrors(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	c := httpapi.Client{Server: e.URL, Token: "not-a-token-0123456789", Lang: "en"}
	err := c.Follow(t.Context(), "/v1/stream/events", nil, httpapi.FollowOptions{}, func(httpapi.Event) error { return nil })
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeUnauthorized || de.Field != "token" || !strings.Contains(err.Error(), "answered 401") {
		t.Errorf("with a wrong token: %v (%#v), want unauthorized naming the token", err, de)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c = httpapi.Client{Server: "http://" + addr}
	err = c.Follow(t.Context(), "/v1/stream/events", nil, httpapi.FollowOptions{}, func(httpapi.Event) error { return nil })
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Errorf("with no server: %v, want the connection's error", err)
	}

	e.record("ocop.certified", cert("f-stop", 4, "2024-01-01"))
	stop := errors.New("enough")
	c = httpapi.Client{Server: e.URL, Token: viewerToken}
	err = c.Follow(t.Context(), "/v1/stream/events", nil, httpapi.FollowOptions{LastEventID: "0"}, func(httpapi.Event) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("when fn fails: %v, want its error", err)
	}
}

// keptConns keeps the connections it accepts, for closeAll.
type keptConns struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *keptConns) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *keptConns) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}
