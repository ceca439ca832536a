package eventstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// The backup the README describes: a mirror of the ledger stream on another stream that refuses
// deletion. It holds every event, is read like the ledger (ReadOnly), refuses appends and
// deletions, and what is read from it restores into an empty ledger exactly.
func TestMirrorBackupRestoresTheLedger(t *testing.T) {
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(t.TempDir(), "js"), ListenAddr: "127.0.0.1:0", ListenUsers: []eventstore.ListenUser{storetest.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log := importLog(700)
	if _, err := s.Import(ctx, feed(log, -1)); err != nil {
		t.Fatal(err)
	}
	mirror := jetstream.StreamConfig{
		Name: "OCOP_LEDGER_BACKUP", Mirror: &jetstream.StreamSource{Name: eventstore.DefaultStreamName},
		Storage: jetstream.FileStorage, Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardNew,
		MaxMsgs: -1, MaxBytes: -1, MaxMsgsPerSubject: -1, DenyDelete: true, DenyPurge: true,
	}
	if _, err := s.JetStream().CreateStream(ctx, mirror); err != nil {
		t.Fatalf("create the mirror: %v", err)
	}
	// Live appends after the mirror started reach it too.
	if _, err := s.Append(ctx, "product.p1", eventstore.AnyVersion, eventstore.Proposed{ID: "live-1", Type: "test.happened", Schema: 1, Data: []byte(`{"n":-1}`)}); err != nil {
		t.Fatalf("append: %v", err)
	}
	want := readAll(t, s)
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, err := s.JetStream().Stream(ctx, mirror.Name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs == uint64(len(want)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mirror holds %d events after 20 s, want %d", info.State.Msgs, len(want))
		}
		time.Sleep(50 * time.Millisecond)
	}

	backup, err := eventstore.Open(ctx, eventstore.Config{NatsURL: storetest.AdminURL(s.ClientURL()), StreamName: mirror.Name, ReadOnly: true})
	if err != nil {
		t.Fatalf("open the mirror read-only: %v", err)
	}
	defer backup.Close()
	got := readAll(t, backup)
	if len(got) != len(want) {
		t.Fatalf("read %d events from the mirror, the ledger holds %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Type != w.Type || g.Stream != w.Stream || g.Version != w.Version || g.Sequence != w.Sequence ||
			!g.RecordedAt.Equal(w.RecordedAt) || g.Backfilled != w.Backfilled || g.Actor != w.Actor || g.Source != w.Source || string(g.Data) != string(w.Data) {
			t.Fatalf("event %d from the mirror = %+v, the ledger's %+v", i+1, g, w)
		}
	}
	if _, err := backup.Append(ctx, "product.p1", eventstore.AnyVersion, eventstore.Proposed{ID: "x", Type: "test.happened", Schema: 1, Data: []byte(`{}`)}); !errors.Is(err, eventstore.ErrReadOnly) {
		t.Errorf("append to the read-only mirror: %v, want ErrReadOnly", err)
	}
	bst, err := backup.JetStream().Stream(ctx, mirror.Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := bst.DeleteMsg(ctx, 3); err == nil {
		t.Error("the broker deleted a message from the backup")
	}
	if err := bst.Purge(ctx); err == nil {
		t.Error("the broker purged the backup")
	}

	// Restore what the mirror holds into an empty ledger: the same log, IDs, versions and times.
	restored, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(t.TempDir(), "restored")})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	i := 0
	if _, err := restored.Import(ctx, func() (eventstore.Imported, bool, error) {
		if i == len(got) {
			return eventstore.Imported{}, false, nil
		}
		e := got[i]
		i++
		return eventstore.Imported{Stream: e.Stream, Version: e.Version, Backfilled: e.Backfilled, Proposed: eventstore.Proposed{
			ID: e.ID, Type: e.Type, Schema: e.Schema, Data: e.Data, Actor: e.Actor, Source: e.Source, CorrelationID: e.CorrelationID, RecordedAt: e.RecordedAt}}, true, nil
	}); err != nil {
		t.Fatalf("restore from the mirror: %v", err)
	}
	again := readAll(t, restored)
	for i := range want {
		if again[i].ID != want[i].ID || again[i].Version != want[i].Version || !again[i].RecordedAt.Equal(want[i].RecordedAt) || string(again[i].Data) != string(want[i].Data) {
			t.Fatalf("restored event %d = %+v, want %+v", i+1, again[i], want[i])
		}
	}
}

// A mirror that could lose history is not accepted as a backup to read from.
func TestReadOnlyRefusesAnUnsafeMirror(t *testing.T) {
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(t.TempDir(), "js"), ListenAddr: "127.0.0.1:0", ListenUsers: []eventstore.ListenUser{storetest.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.JetStream().CreateStream(ctx, jetstream.StreamConfig{Name: "LOOSE_BACKUP", Storage: jetstream.FileStorage,
		Mirror: &jetstream.StreamSource{Name: eventstore.DefaultStreamName}}); err != nil {
		t.Fatal(err)
	}
	_, err = eventstore.Open(ctx, eventstore.Config{NatsURL: storetest.AdminURL(s.ClientURL()), StreamName: "LOOSE_BACKUP", ReadOnly: true})
	if !errors.Is(err, eventstore.ErrUnsafeStream) {
		t.Fatalf("opening a mirror that allows deletion: %v, want ErrUnsafeStream", err)
	}
	if _, err := eventstore.Open(ctx, eventstore.Config{NatsURL: storetest.AdminURL(s.ClientURL()), StreamName: "NO_SUCH_STREAM", ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a missing stream succeeded (it must never be created)")
	}
}

func readAll(t *testing.T, s *eventstore.Store) []eventstore.Envelope {
	t.Helper()
	var out []eventstore.Envelope
	if err := s.Read(context.Background(), 1, func(e eventstore.Envelope) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}
