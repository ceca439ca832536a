package eventstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// Issue 14, item 3: anyone on the NATS port could publish garbage into the immutable stream.
// Now the listener refuses clients without credentials, and a reader may read the log but
// neither publish events nor manage the stream; the ledger's own appends still work.
func TestListenerNeedsCredentialsAndReadersOnlyRead(t *testing.T) {
	reader := eventstore.ListenUser{User: "reader", Password: "reader-password-0123456789"}
	s := storetest.MustOpenStore(t, func(c *eventstore.Config) {
		c.ListenAddr, c.ListenUsers = "127.0.0.1:0", []eventstore.ListenUser{reader}
	})
	ctx := ctxOf(t)
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Events("own", 2)...); err != nil {
		t.Fatal(err)
	}
	url := s.ClientURL()

	// Without credentials, or with a wrong password, the connection itself is refused.
	for name, opts := range map[string][]nats.Option{
		"no credentials": nil,
		"wrong password": {nats.UserInfo(reader.User, "guess-guess-guess-guess")},
		"ledger's user":  {nats.UserInfo("ocopledger", "")},
	} {
		nc, err := nats.Connect(url, append(opts, nats.MaxReconnects(0))...)
		if err == nil {
			nc.Publish("ocop.events.product.evil2", []byte("garbage"))
			nc.Flush()
			nc.Close()
			t.Errorf("%s: connected", name)
		} else if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization") {
			t.Errorf("%s: err = %v, want an authorization violation", name, err)
		}
	}

	// With the reader's credentials: publishing events or checkpoints and managing the stream
	// are refused by the server.
	var mu sync.Mutex
	var violations []string
	nc, err := nats.Connect(url, nats.UserInfo(reader.User, reader.Password), nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		mu.Lock()
		violations = append(violations, err.Error())
		mu.Unlock()
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for _, subj := range []string{"ocop.events.product.evil2", "ocop.events.x", eventstore.CheckpointSubject} {
		if err := nc.Publish(subj, []byte("garbage")); err != nil {
			t.Fatal(err)
		}
	}
	nc.Flush()
	js, _ := jetstream.New(nc)
	// A denied request gets no answer (the server reports the violation): each attempt is given
	// a second, and what counts is that the stream is unchanged afterwards.
	attempt := func(what string, f func(ctx context.Context) error) {
		actx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if err := f(actx); err == nil {
			t.Errorf("the reader could %s", what)
		}
	}
	attempt("publish through JetStream", func(c context.Context) error {
		_, err := js.Publish(c, "ocop.events.product.evil3", []byte("garbage"))
		return err
	})
	attempt("delete the stream", func(c context.Context) error { return js.DeleteStream(c, s.StreamName()) })
	attempt("purge the stream", func(c context.Context) error {
		_, err := nc.RequestWithContext(c, "$JS.API.STREAM.PURGE."+s.StreamName(), nil)
		return err
	})
	attempt("delete an entry", func(c context.Context) error {
		_, err := nc.RequestWithContext(c, "$JS.API.STREAM.MSG.DELETE."+s.StreamName(), []byte(`{"seq":1}`))
		return err
	})
	attempt("create a stream", func(c context.Context) error {
		_, err := js.CreateStream(c, jetstream.StreamConfig{Name: "EVIL", Subjects: []string{"evil.>"}})
		return err
	})
	if _, err := s.JetStream().Stream(ctx, "EVIL"); !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Errorf("stream EVIL: %v, want not found", err)
	}
	if st, err := js.Stream(ctx, s.StreamName()); err != nil {
		t.Errorf("stream info for the reader: %v", err)
	} else if st.CachedInfo().State.Msgs != 2 {
		t.Errorf("the stream holds %d messages, want 2", st.CachedInfo().State.Msgs)
	}
	time.Sleep(100 * time.Millisecond) // the server's -ERR for the plain publishes
	mu.Lock()
	if n := len(violations); n < 3 || !strings.Contains(strings.Join(violations, "\n"), "Permissions Violation for Publish to \"ocop.events.product.evil2\"") {
		t.Errorf("the server reported %d publish violations: %q", n, violations)
	}
	mu.Unlock()
	if n, err := s.LastSequence(ctx); err != nil || n != 2 {
		t.Fatalf("the log holds %d entries (%v), want the ledger's own 2", n, err)
	}

	// Reading works: a store opened read-only over NATS with the reader's credentials.
	rs, err := eventstore.Open(ctx, eventstore.Config{NatsURL: url, ReadOnly: true, NatsOptions: []nats.Option{nats.UserInfo(reader.User, reader.Password)}})
	if err != nil {
		t.Fatalf("open read-only as the reader: %v", err)
	}
	defer rs.Close()
	var ids []string
	if err := rs.Read(ctx, 1, func(e eventstore.Envelope) error { ids = append(ids, e.ID); return nil }); err != nil {
		t.Fatalf("read as the reader: %v", err)
	}
	if strings.Join(ids, ",") != "own-1,own-2" {
		t.Errorf("the reader read %v", ids)
	}
	// And the ledger's own appends still work beside it.
	if res, err := s.Append(ctx, "product.p1", 2, storetest.Event("own-3")); err != nil || res.LastSequence != 3 {
		t.Fatalf("the ledger's append after the attempts: %+v, %v", res, err)
	}
}

// The listener never runs open: a listen address without users is refused before anything
// starts, and the data directory is free again.
func TestListenerWithoutUsersIsRefused(t *testing.T) {
	dir := t.TempDir()
	_, err := eventstore.Open(ctxOf(t), eventstore.Config{DataDir: dir, ListenAddr: "127.0.0.1:0"})
	var inv *eventstore.InvalidError
	if !errors.As(err, &inv) || inv.Field != "listen users" {
		t.Fatalf("err = %v, want an InvalidError about the listen users", err)
	}
	s := storetest.MustOpenStore(t, func(c *eventstore.Config) { c.DataDir = dir })
	if s.ClientURL() != "" {
		t.Error("a store without a listener has a client URL")
	}
}
