package cluster_test

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
)

// violations collects the permission violations the server reports on a
// connection (they arrive asynchronously, as -ERR).
type violations struct {
	mu   sync.Mutex
	msgs []string
}

func (v *violations) handler(_ *nats.Conn, _ *nats.Subscription, err error) {
	if errors.Is(err, nats.ErrPermissionViolation) || strings.Contains(err.Error(), "Permissions Violation") {
		v.mu.Lock()
		v.msgs = append(v.msgs, err.Error())
		v.mu.Unlock()
	}
}

// waitFor waits until a violation mentioning subject was reported.
func (v *violations) waitFor(subject string, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		v.mu.Lock()
		for _, m := range v.msgs {
			if strings.Contains(m, `"`+subject+`"`) {
				v.mu.Unlock()
				return true
			}
		}
		v.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// TestAccountPermissions: the subscriber user reads the log but can neither
// append nor remove or rewrite anything; the ledger user appends but cannot
// delete, purge or reconfigure the ledger stream either.
func TestAccountPermissions(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster")
	}
	c := startCluster(t)
	ctx := t.Context()
	in := openInstance(t, c, "ledger-a")
	tl := newTally()
	seedShared(ctx, t, in.l, 1)
	tl.acked["seed-"+sharedFair(0).TradeEventID] = true
	record(ctx, t, in.l, tl, "w", 0, 10, 1)
	last, err := in.store.LastSequence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stream := eventstore.DefaultStreamName

	// refused runs op as user and wants it to fail with a permission
	// violation on subject.
	refused := func(user, password, what, subject string, op func(ctx context.Context, nc *nats.Conn, js jetstream.JetStream) error) {
		t.Helper()
		v := &violations{}
		nc, err := c.connect(user, password, nats.ErrorHandler(v.handler))
		if err != nil {
			t.Fatalf("connect as %s: %v", user, err)
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		// The server refuses at once with an -ERR; a refused request itself
		// would only time out, so stop it as soon as the refusal is seen.
		octx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- op(octx, nc, js) }()
		seen := v.waitFor(subject, 5*time.Second)
		cancel()
		if err := <-errc; err == nil {
			t.Errorf("%s may %s", user, what)
		}
		if !seen {
			t.Errorf("%s: the server reported no permission violation on %s when trying to %s", user, subject, what)
		}
	}
	// The stream configuration with deletion allowed, as an update would ask.
	st, err := in.store.JetStream().Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	unsafe := st.CachedInfo().Config
	unsafe.DenyDelete, unsafe.DenyPurge = false, false
	for _, u := range []struct{ user, password string }{{"subscriber", subscriberPassword}, {"ledger", ledgerPassword}} {
		refused(u.user, u.password, "delete the ledger stream", "$JS.API.STREAM.DELETE."+stream,
			func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
				return js.DeleteStream(ctx, stream)
			})
		refused(u.user, u.password, "purge the ledger stream", "$JS.API.STREAM.PURGE."+stream,
			func(ctx context.Context, nc *nats.Conn, js jetstream.JetStream) error {
				// Purge through the API subject: the client would first need stream info, which
				// the subscriber may read.
				_, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.PURGE."+stream, nil)
				return err
			})
		refused(u.user, u.password, "delete an event", "$JS.API.STREAM.MSG.DELETE."+stream,
			func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
				st, err := js.Stream(ctx, stream)
				if err != nil {
					return err
				}
				return st.DeleteMsg(ctx, 1)
			})
		refused(u.user, u.password, "update the stream to allow deletion", "$JS.API.STREAM.UPDATE."+stream,
			func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
				_, err := js.UpdateStream(ctx, unsafe)
				return err
			})
	}
	// The signed checkpoints and the witnesses' cosignatures are as immutable as the log.
	for _, u := range []struct{ user, password string }{{"subscriber", subscriberPassword}, {"ledger", ledgerPassword}} {
		for _, other := range []string{"OCOP_CHECKPOINTS", "OCOP_COSIGNATURES"} {
			for _, api := range []string{"DELETE", "PURGE", "UPDATE"} {
				subject := "$JS.API.STREAM." + api + "." + other
				refused(u.user, u.password, strings.ToLower(api)+" "+other, subject,
					func(ctx context.Context, nc *nats.Conn, _ jetstream.JetStream) error {
						_, err := nc.RequestWithContext(ctx, subject, []byte(`{}`))
						return err
					})
			}
		}
	}
	for _, subject := range []string{"ocop.checkpoints", "ocop.cosignatures.1.ab"} {
		refused("subscriber", subscriberPassword, "publish on "+subject, subject,
			func(ctx context.Context, nc *nats.Conn, _ jetstream.JetStream) error {
				_, err := nc.RequestWithContext(ctx, subject, []byte(`{}`))
				return err
			})
	}
	refused("subscriber", subscriberPassword, "publish an event", "ocop.events.x",
		func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.Publish(ctx, "ocop.events.x", []byte(`{}`))
			return err
		})
	refused("subscriber", subscriberPassword, "create a stream", "$JS.API.STREAM.CREATE.OTHER",
		func(ctx context.Context, _ *nats.Conn, js jetstream.JetStream) error {
			_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "OTHER", Subjects: []string{"other.>"}})
			return err
		})

	// The subscriber reads the log with the event store itself, and with a
	// durable consumer of its own that it acknowledges.
	sub, err := eventstore.Open(ctx, eventstore.Config{NatsURL: c.URL(), NatsOptions: []nats.Option{
		nats.UserInfo("subscriber", subscriberPassword),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { t.Logf("subscriber: %v", err) })}})
	if err != nil {
		t.Fatalf("the subscriber cannot open the log: %v", err)
	}
	defer sub.Close()
	envs := readLog(ctx, t, sub)
	checkLog(t, envs, tl.acked)
	if uint64(len(envs)) != last {
		t.Errorf("the subscriber read %d events, want %d", len(envs), last)
	}
	actx, cancel := context.WithTimeout(ctx, 3*time.Second)
	_, err = sub.Append(actx, "tradeevent.by-subscriber", 0, eventstore.Proposed{ID: "sub-1", Type: "trade_event.held", Schema: 1, Data: []byte(`{}`)})
	cancel()
	if err == nil {
		t.Error("the subscriber appended an event")
	}
	cons, err := sub.JetStream().CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable: "auditor", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "ocop.events.tradeevent.>"})
	if err != nil {
		t.Fatalf("the subscriber cannot create its consumer: %v", err)
	}
	// A new replicated consumer may still be electing its leader when the first pull arrives:
	// pull until every event came or 30 s passed.
	got := 0
	for deadline := time.Now().Add(30 * time.Second); uint64(got) < last && time.Now().Before(deadline); {
		batch, err := cons.Fetch(int(last)-got, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			if err := m.DoubleAck(ctx); err != nil {
				t.Fatalf("the subscriber cannot acknowledge: %v", err)
			}
			got++
		}
	}
	if uint64(got) != last {
		t.Errorf("the subscriber's consumer got %d events, want %d", got, last)
	}

	// Nothing changed: same events, same immutable configuration.
	st, err = in.store.JetStream().Stream(ctx, stream)
	if err != nil {
		t.Fatalf("the ledger stream is gone: %v", err)
	}
	info := st.CachedInfo()
	if info.State.LastSeq != last || info.State.Msgs != last || !info.Config.DenyDelete || !info.Config.DenyPurge {
		t.Errorf("after the refusals the stream holds %d messages up to %d (deny_delete %v, deny_purge %v), want %d and true",
			info.State.Msgs, info.State.LastSeq, info.Config.DenyDelete, info.Config.DenyPurge, last)
	}
	// And the ledger still appends.
	record(ctx, t, in.l, tl, "w", 10, 1, 1)
	checkLog(t, readLog(ctx, t, in.store), tl.acked)
}
