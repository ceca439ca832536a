package eventstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// The conformance suite against a store with its own embedded server.
func TestConformanceEmbedded(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *eventstore.Store { return storetest.MustOpenStore(t) })
}

// The conformance suite against a store connected by URL to a separately
// started server listening on 127.0.0.1.
func TestConformanceNatsURL(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *eventstore.Store {
		srv := storetest.RunServer(t)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		s, err := eventstore.Open(ctx, eventstore.Config{NatsURL: srv.ClientURL()})
		if err != nil {
			t.Fatalf("open by URL: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
