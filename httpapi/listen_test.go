package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

// Listen names an address in use as such, for a clerk, and Loopback tells loopback addresses.
func TestListenSaysWhyItCannot(t *testing.T) {
	ln, err := httpapi.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = httpapi.Listen(ln.Addr().String())
	if domain.ErrorCode(err) != domain.CodeInvalid || domain.ErrorField(err) != "addr" || !strings.Contains(err.Error(), "is already in use by another program") {
		t.Fatalf("listen on an address in use: %v", err)
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true, "0.0.0.0:8080": false, "nonsense": false} {
		if httpapi.Loopback(addr) != want {
			t.Errorf("Loopback(%q) = %v", addr, !want)
		}
	}
}

// The server serves until its context is done; then the handlers' context ends first, so that a
// stream still open ends, and Run returns nil once the server has shut down.
func TestHTTPServerStopsStreamsThenShutsDown(t *testing.T) {
	ln, err := httpapi.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	handlers, stopHandlers := context.WithCancel(context.Background())
	defer stopHandlers()
	streaming := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("open\n"))
		w.(http.Flusher).Flush()
		close(streaming)
		<-r.Context().Done() // a stream: ends only when the handlers' context does
	})
	srv := httpapi.NewHTTPServer(httpapi.HTTPServerConfig{Listener: ln, Handler: h, Handlers: handlers, StopHandlers: stopHandlers})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	<-streaming
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not stop while a stream was open")
	}
	if b, _ := io.ReadAll(res.Body); string(b) != "open\n" {
		t.Errorf("the stream said %q", b)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Error("the server still answers after it stopped")
	}
}
