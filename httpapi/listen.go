package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// Listen listens on the TCP address addr (--addr), saying in a clerk's words why it cannot.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	var e *domain.Error
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		e = domain.Invalid("addr", "%s is already in use by another program: stop that program, or give another --addr", addr)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		e = domain.Invalid("addr", "%s is not an address of this machine: give one of its addresses, such as 127.0.0.1:8080", addr)
	case errors.Is(err, os.ErrPermission):
		e = domain.Invalid("addr", "you have no permission to listen on %s: give a port above 1023, such as 127.0.0.1:8080", addr)
	default:
		var ae *net.AddrError
		if errors.As(err, &ae) {
			e = domain.Invalid("addr", "%q is not an address to listen on: write it as host:port, such as 127.0.0.1:8080", addr)
		} else {
			e = domain.Invalid("addr", "cannot listen on %s: %v", addr, err)
		}
	}
	e.Err = err
	return nil, e
}

// Loopback reports whether addr only listens on the loopback interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HTTPServerConfig is what an HTTPServer needs.
type HTTPServerConfig struct {
	Listener net.Listener
	Handler  http.Handler
	// Handlers is the context the requests' contexts derive from; StopHandlers cancels it,
	// ending the handlers (the streams above all) before the server shuts down.
	Handlers     context.Context
	StopHandlers func()
	Logger       *slog.Logger  // the server's own errors, at warning level; nil: silent
	StopTimeout  time.Duration // how long a stop waits for requests to end; default 10 s
}

// HTTPServer serves HTTP on a listener until its context is done, then stops gracefully.
type HTTPServer struct {
	cfg HTTPServerConfig
	srv *http.Server
}

// NewHTTPServer returns an HTTPServer; Run serves.
func NewHTTPServer(cfg HTTPServerConfig) *HTTPServer {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Handlers == nil {
		cfg.Handlers = context.Background()
	}
	if cfg.StopHandlers == nil {
		cfg.StopHandlers = func() {}
	}
	if cfg.StopTimeout <= 0 {
		cfg.StopTimeout = 10 * time.Second
	}
	return &HTTPServer{cfg: cfg, srv: &http.Server{Handler: cfg.Handler, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return cfg.Handlers },
		ErrorLog:    slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}}
}

// Run serves until ctx is done, then ends the handlers and shuts the server down, closing it if
// requests outlast the stop timeout. A server that fails returns its error.
func (s *HTTPServer) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.cfg.Listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.cfg.StopHandlers()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.StopTimeout)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		s.srv.Close()
	}
	return nil
}
