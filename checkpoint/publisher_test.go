package checkpoint_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/checkpoint/checkpointtest"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// signedLog opens a store, a checkpoint log signing with a fresh key, and read models caught up
// with n entries appended to the store.
func signedLog(t *testing.T, n int) (*eventstore.Store, *checkpoint.Log, *projections.Projection) {
	t.Helper()
	tl := checkpointtest.New(t, t.TempDir())
	s, cl, p := tl.Store, tl.Log, tl.Proj
	appendAndCatchUp(t, s, p, "product.pub", "test.noted", n)
	return s, cl, p
}

func appendAndCatchUp(t *testing.T, s *eventstore.Store, p *projections.Projection, stream, typ string, n int) {
	t.Helper()
	for range n {
		if _, err := s.Append(t.Context(), stream, eventstore.AnyVersion, eventstore.Proposed{
			ID: fmt.Sprintf("pub-%d", time.Now().UnixNano()), Type: typ, Schema: 1, Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.CatchUp(t.Context(), ledger.New(s, nil), nil); err != nil {
		t.Fatal(err)
	}
}

func latestSize(t *testing.T, cl *checkpoint.Log) int64 {
	t.Helper()
	e, err := cl.Latest(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if e == nil {
		return 0
	}
	return e.Size
}

func waitSize(t *testing.T, cl *checkpoint.Log, size int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); latestSize(t, cl) != size; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the last checkpoint is of %d entries, want %d", latestSize(t, cl), size)
		}
	}
}

// The publisher signs a checkpoint of the log as it starts, then as the log grows, and at once
// when a report is filed, without waiting for its next round.
func TestPublisherSignsAtStartAndWhenAReportIsFiled(t *testing.T) {
	s, cl, p := signedLog(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- checkpoint.NewPublisher(checkpoint.PublisherConfig{Log: cl, Projection: p, Store: s, Every: time.Hour}).Run(ctx)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("publisher: %v", err)
		}
	}()
	waitSize(t, cl, 3)
	appendAndCatchUp(t, s, p, "product.pub", "test.noted", 2) // not a report: nothing until the next round, in an hour
	time.Sleep(200 * time.Millisecond)
	if got := latestSize(t, cl); got != 3 {
		t.Fatalf("a checkpoint of %d entries before any report was filed or the round came", got)
	}
	// The report reaches the publisher on NATS as the stream stores it: the checkpoint made at once
	// holds the log as the store had it then, with or without the report itself.
	appendAndCatchUp(t, s, p, "report.r1", "report.filed", 1)
	for deadline := time.Now().Add(10 * time.Second); latestSize(t, cl) < 5; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the last checkpoint is of %d entries, want one made when the report was filed", latestSize(t, cl))
		}
	}
}

// Check holds the log and the read models to the last signed checkpoint: read models whose tree
// of as many entries has another root are a changed history; no checkpoint log checks nothing.
func TestCheckHoldsTheReadModelsToTheLastCheckpoint(t *testing.T) {
	s, cl, p := signedLog(t, 3)
	l := ledger.New(s, nil)
	var none *checkpoint.Log
	if err := none.Check(t.Context(), l, p); err != nil {
		t.Fatalf("no checkpoint log: %v", err)
	}
	if err := cl.Check(t.Context(), l, p); err != nil {
		t.Fatalf("no checkpoint yet: %v", err)
	}
	if _, _, err := cl.Make(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if err := cl.Check(t.Context(), l, p); err != nil {
		t.Fatalf("the read models the checkpoint was made of: %v", err)
	}
	_, _, other := signedLog(t, 3) // three other entries
	err := cl.Check(t.Context(), l, other)
	if domain.ErrorCode(err) != domain.CodeHistoryMismatch || !strings.Contains(err.Error(), "the first 3 entries of the log hash to the root") {
		t.Fatalf("read models of another log: %v, want a history mismatch", err)
	}
}
