// Package storetest is the conformance suite of the event store contract and
// the helpers to run it: a store on an embedded server (MustOpenStore) and a
// standalone in-process nats-server (RunServer) for the connect-by-URL mode.
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) *eventstore.Store { return storetest.MustOpenStore(t) })
//	}
package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/ocopledger/ocopledger/eventstore"
)

// MustOpenStore opens a store on an embedded server with its data in a
// fresh t.TempDir() and closes it when the test ends. opts adjust the
// configuration before Open.
func MustOpenStore(tb testing.TB, opts ...func(*eventstore.Config)) *eventstore.Store {
	tb.Helper()
	cfg := eventstore.Config{DataDir: tb.TempDir()}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithTimeout(tb.Context(), 30*time.Second)
	defer cancel()
	s, err := eventstore.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("open event store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close event store: %v", err)
		}
	})
	return s
}

// RunServer starts a standalone nats-server with JetStream (file storage in
// a t.TempDir(), every write synced) listening on a random 127.0.0.1 port,
// and shuts it down when the test ends. Connect with srv.ClientURL().
func RunServer(tb testing.TB) *server.Server {
	tb.Helper()
	srv, err := server.NewServer(&server.Options{
		ServerName: "storetest",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		JetStream:  true,
		StoreDir:   tb.TempDir(),
		SyncAlways: true,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		tb.Fatalf("nats-server: %v", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		tb.Fatal("nats-server not ready after 10s")
	}
	tb.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	return srv
}

// Admin is a listener account with every right, for tests that manage streams over NATS (a
// mirror for backups): give it in Config.ListenUsers and connect with AdminURL.
var Admin = eventstore.ListenUser{User: "admin", Password: "admin-password-of-the-tests", Admin: true}

// AdminURL is url (a store's ClientURL) with Admin's user and password in it.
func AdminURL(url string) string {
	return strings.Replace(url, "nats://", "nats://"+Admin.User+":"+Admin.Password+"@", 1)
}
