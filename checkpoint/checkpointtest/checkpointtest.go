// Package checkpointtest gives tests a ledger that publishes signed checkpoints, made of the real
// parts: an event store on an embedded JetStream in a temporary folder, bbolt read models with the
// log's tree, and the checkpoint log.
package checkpointtest

import (
	"path/filepath"
	"testing"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/provenance"
)

// Ledger is a log whose checkpoints are signed and published.
type Ledger struct {
	Store *eventstore.Store
	Proj  *projections.Projection
	Log   *checkpoint.Log
	Key   *provenance.Key
}

// New opens a ledger signing with the key in keyDir (made there if there is none), closed when
// the test ends.
func New(tb testing.TB, keyDir string) *Ledger {
	tb.Helper()
	key, err := provenance.LoadOrCreateKey(keyDir, provenance.KeyOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	s := storetest.MustOpenStore(tb)
	cl, err := checkpoint.Open(tb.Context(), s, key, true)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := projections.Open(filepath.Join(tb.TempDir(), "rm.db"), projections.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return &Ledger{Store: s, Proj: p, Log: cl, Key: key}
}

// Append appends an entry of type test.noted with the given ID and JSON data to stream.
func (l *Ledger) Append(tb testing.TB, stream, id string, data []byte) {
	tb.Helper()
	if _, err := l.Store.Append(tb.Context(), stream, eventstore.AnyVersion, eventstore.Proposed{
		ID: id, Type: "test.noted", Schema: 1, Actor: "test", Data: data}); err != nil {
		tb.Fatal(err)
	}
}

// Publish brings the read models up to the end of the log and publishes a checkpoint of it; made
// is false when the last one is already of that size.
func (l *Ledger) Publish(tb testing.TB) (e *checkpoint.Entry, made bool) {
	tb.Helper()
	if err := l.Proj.CatchUp(tb.Context(), ledger.New(l.Store, nil), nil); err != nil {
		tb.Fatal(err)
	}
	e, made, err := l.Log.Make(tb.Context(), l.Proj)
	if err != nil {
		tb.Fatal(err)
	}
	return e, made
}
