package ledger_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/ledger"
)

// appendN appends n events of a type this build does not need to know, numbered from first.
func appendN(t *testing.T, s *eventstore.Store, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		if _, err := s.Append(t.Context(), "product.h", eventstore.AnyVersion, eventstore.Proposed{
			ID: fmt.Sprintf("h-%d-%p", i, s), Type: "test.noted", Schema: 1, Data: []byte(fmt.Sprintf(`{"n":%d}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
}

// known is what a reader of the whole log now records of it.
func known(t *testing.T, s *eventstore.Store) domain.KnownHistory {
	t.Helper()
	st, err := s.State(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	body, err := s.BodyAt(t.Context(), st.Last)
	if err != nil {
		t.Fatal(err)
	}
	leaf := ledger.LeafHash(body)
	return domain.KnownHistory{Stream: st.Stream, Created: st.Created, Size: st.Last, Leaf: leaf[:], By: domain.KnownByReadModels}
}

// wantMismatch fails unless err is a history mismatch whose English message holds every want.
func wantMismatch(t *testing.T, err error, wants ...string) {
	t.Helper()
	if domain.ErrorCode(err) != domain.CodeHistoryMismatch || domain.ExitCode(domain.ErrorCode(err)) != 6 {
		t.Fatalf("got %v (code %q), want a history mismatch (exit code 6)", err, domain.ErrorCode(err))
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q does not say %q", err.Error(), w)
		}
	}
	if vi := i18n.Localize(err, "vi"); vi == err.Error() {
		t.Errorf("no Vietnamese message: %s", vi)
	}
}

// On an external server where nothing stops a client deleting the stream: the stream deleted,
// then created again and appended to, shorter than known, and with another entry at the known
// size are each refused, naming what differs; a log that grew is accepted.
func TestCheckHistoryRefusesALostOrReplacedLog(t *testing.T) {
	srv := storetest.RunServer(t)
	ctx := t.Context()
	open := func(noCreate bool) (*eventstore.Store, error) {
		return eventstore.Open(ctx, eventstore.Config{NatsURL: srv.ClientURL(), NoCreate: noCreate})
	}
	s, err := open(false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := ledger.New(s, nil)
	appendN(t, s, 1, 3)
	k := known(t, s)
	if err := l.CheckHistory(ctx, k); err != nil {
		t.Fatalf("the same log: %v", err)
	}
	appendN(t, s, 4, 2)
	if err := l.CheckHistory(ctx, k); err != nil {
		t.Fatalf("a log that grew: %v", err)
	}

	// Deleted by a client of the server.
	if err := s.JetStream().DeleteStream(ctx, eventstore.DefaultStreamName); err != nil {
		t.Fatal(err)
	}
	wantMismatch(t, l.CheckHistory(ctx, k), "is missing", "the read models' record shows 3 entries")
	// A store that may not create the stream does not.
	if _, err := open(true); !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Fatalf("open with NoCreate on a server without the stream: %v", err)
	}
	if _, err := s.JetStream().Stream(ctx, eventstore.DefaultStreamName); !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Fatalf("NoCreate created the stream: %v", err)
	}

	// Created again by another process, and appended to.
	s2, err := open(false)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	appendN(t, s2, 100, 1)
	wantMismatch(t, l.CheckHistory(ctx, k), "was created at", "deleted and created again")
	// Known without the stream's identity (read models record none): what the log holds decides.
	byContent := k
	byContent.Created = time.Time{}
	wantMismatch(t, l.CheckHistory(ctx, byContent), "holds 1 entries", "entries 2 to 3 are gone")
	appendN(t, s2, 101, 3)
	wantMismatch(t, l.CheckHistory(ctx, byContent), "entry at position 3", "hash differs")
}
