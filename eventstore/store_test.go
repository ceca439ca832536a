package eventstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The broker itself refuses to delete or purge ledger messages, whoever asks.
func TestBrokerRefusesDeleteAndPurge(t *testing.T) {
	s := storetest.MustOpenStore(t)
	ctx := ctxOf(t)
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Events("keep", 3)...); err != nil {
		t.Fatal(err)
	}
	st, err := s.JetStream().Stream(ctx, s.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMsg(ctx, 2); err == nil {
		t.Error("DeleteMsg succeeded, want the broker to refuse")
	}
	if err := st.SecureDeleteMsg(ctx, 2); err == nil {
		t.Error("SecureDeleteMsg succeeded, want the broker to refuse")
	}
	if err := st.Purge(ctx); err == nil {
		t.Error("Purge succeeded, want the broker to refuse")
	}
	if err := st.Purge(ctx, jetstream.WithPurgeSubject("ocop.events.product.p1")); err == nil {
		t.Error("Purge of one subject succeeded, want the broker to refuse")
	}
	// A roll-up header would replace history: refused too.
	m := nats.NewMsg("ocop.events.product.p1")
	m.Header.Set("Nats-Rollup", "sub")
	m.Data = []byte(`{}`)
	if _, err := s.JetStream().PublishMsg(ctx, m); err == nil {
		t.Error("publish with a Nats-Rollup header succeeded, want it refused")
	}
	// Relaxing the stream through the API is refused as well.
	cfg := st.CachedInfo().Config
	cfg.DenyDelete = false
	if _, err := s.JetStream().UpdateStream(ctx, cfg); err == nil {
		t.Error("UpdateStream to allow deletes succeeded, want the broker to refuse")
	}
	if n, err := s.LastSequence(ctx); err != nil || n != 3 {
		t.Fatalf("last sequence = %d, %v; want 3", n, err)
	}
	got, err := s.ReadStream(ctx, "product.p1")
	if err != nil || len(got) != 3 {
		t.Fatalf("after the attempts the stream holds %d events (%v), want 3", len(got), err)
	}
}

// Open refuses an existing ledger stream that could lose history.
func TestOpenRefusesUnsafeStream(t *testing.T) {
	safe := func() jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name: eventstore.DefaultStreamName, Subjects: []string{eventstore.Subjects},
			Storage: jetstream.FileStorage, Discard: jetstream.DiscardNew,
			DenyDelete: true, DenyPurge: true, AllowDirect: true, AllowAtomicPublish: true,
		}
	}
	tests := []struct {
		setting string
		mutate  func(*jetstream.StreamConfig)
	}{
		{"deny_delete", func(c *jetstream.StreamConfig) { c.DenyDelete = false }},
		{"deny_purge", func(c *jetstream.StreamConfig) { c.DenyPurge = false }},
		{"allow_rollup_hdrs", func(c *jetstream.StreamConfig) { c.AllowRollup, c.DenyPurge = true, false }},
		{"discard", func(c *jetstream.StreamConfig) { c.Discard = jetstream.DiscardOld }},
		{"max_age", func(c *jetstream.StreamConfig) { c.MaxAge = 24 * time.Hour }},
		{"max_msgs", func(c *jetstream.StreamConfig) { c.MaxMsgs = 1000 }},
		{"max_bytes", func(c *jetstream.StreamConfig) { c.MaxBytes = 1 << 20 }},
		{"max_msgs_per_subject", func(c *jetstream.StreamConfig) { c.MaxMsgsPerSubject = 10 }},
		{"retention", func(c *jetstream.StreamConfig) { c.Retention = jetstream.WorkQueuePolicy }},
		{"allow_msg_ttl", func(c *jetstream.StreamConfig) { c.AllowMsgTTL = true }},
		{"storage", func(c *jetstream.StreamConfig) { c.Storage = jetstream.MemoryStorage }},
		{"allow_atomic", func(c *jetstream.StreamConfig) { c.AllowAtomicPublish = false }},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			srv := storetest.RunServer(t)
			nc, err := nats.Connect(srv.ClientURL())
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			js, _ := jetstream.New(nc)
			cfg := safe()
			tt.mutate(&cfg)
			if _, err := js.CreateStream(ctxOf(t), cfg); err != nil {
				t.Fatalf("pre-create stream: %v", err)
			}
			s, err := eventstore.Open(ctxOf(t), eventstore.Config{NatsURL: srv.ClientURL()})
			if err == nil {
				s.Close()
				t.Fatal("Open accepted the stream")
			}
			var cerr *eventstore.StreamConfigError
			if !errors.As(err, &cerr) || !errors.Is(err, eventstore.ErrUnsafeStream) || cerr.Setting != tt.setting {
				t.Fatalf("err = %v, want a StreamConfigError naming %s", err, tt.setting)
			}
			if !strings.Contains(err.Error(), "stream OCOP_LEDGER") || !strings.Contains(err.Error(), tt.setting+"=") {
				t.Errorf("message %q does not name the stream and the setting", err)
			}
		})
	}
	t.Run("message", func(t *testing.T) {
		err := &eventstore.StreamConfigError{Stream: "OCOP_LEDGER", Setting: "deny_delete", Value: "false", Problem: "allows deletion"}
		want := "stream OCOP_LEDGER allows deletion (deny_delete=false): refusing to use a ledger that can lose history or break its guarantees"
		if err.Error() != want {
			t.Errorf("message = %q, want %q", err.Error(), want)
		}
	})
}

// The stream Open creates has exactly the immutable configuration.
func TestOpenCreatesImmutableStream(t *testing.T) {
	s := storetest.MustOpenStore(t)
	st, err := s.JetStream().Stream(ctxOf(t), eventstore.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	c := st.CachedInfo().Config
	if !c.DenyDelete || !c.DenyPurge || c.AllowRollup || c.Discard != jetstream.DiscardNew || c.MaxAge != 0 ||
		c.MaxMsgs != -1 || c.MaxBytes != -1 || c.MaxMsgsPerSubject != -1 || c.Sealed || c.SubjectTransform != nil ||
		c.Storage != jetstream.FileStorage || !c.AllowAtomicPublish || c.Duplicates != eventstore.DuplicateWindow {
		t.Fatalf("created stream config %+v is not the immutable ledger config", c)
	}
}

func TestOpenConfigErrors(t *testing.T) {
	for _, cfg := range []eventstore.Config{
		{},
		{NatsURL: "nats://127.0.0.1:1", ListenAddr: "127.0.0.1:0"},
		{DataDir: t.TempDir(), ListenAddr: "nonsense"},
		{DataDir: t.TempDir(), Replicas: -1},
	} {
		if s, err := eventstore.Open(ctxOf(t), cfg); !errors.Is(err, eventstore.ErrInvalid) {
			if s != nil {
				s.Close()
			}
			t.Errorf("Open(%+v): err = %v, want ErrInvalid", cfg, err)
		}
	}
}

// With ListenAddr the embedded server also serves external NATS clients,
// who see the self-describing JSON message.
func TestEmbeddedListens(t *testing.T) {
	reader := eventstore.ListenUser{User: "auditor", Password: "auditor-password-0123"}
	s := storetest.MustOpenStore(t, func(c *eventstore.Config) {
		c.ListenAddr, c.ListenUsers = "127.0.0.1:0", []eventstore.ListenUser{reader}
	})
	url := s.ClientURL()
	if !strings.HasPrefix(url, "nats://127.0.0.1:") {
		t.Fatalf("ClientURL = %q, want nats://127.0.0.1:<port>", url)
	}
	e := storetest.Event("ext-1")
	e.Source = "Quyết định 12/QĐ-UBND"
	if _, err := s.Append(ctxOf(t), "product.p1", 0, e); err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(url, nats.UserInfo(reader.User, reader.Password))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	st, err := js.Stream(ctxOf(t), eventstore.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.GetMsg(ctxOf(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":"ext-1"`, `"type":"test.happened"`, `"schema":1`, `"stream":"product.p1"`, `"version":1`,
		`"recorded_at":"`, `"backfilled":false`, `"actor":"tester"`, `"source":"Quyết định 12/QĐ-UBND"`, `"correlation_id":""`, `"data":{"id":"ext-1"}`} {
		if !strings.Contains(string(m.Data), want) {
			t.Errorf("message body %s lacks %s", m.Data, want)
		}
	}
	if m.Header.Get("Nats-Msg-Id") != "ext-1" || m.Header.Get(eventstore.HeaderType) != "test.happened" || m.Header.Get(eventstore.HeaderVersion) != "1" {
		t.Errorf("headers = %v", m.Header)
	}
	if storetest.MustOpenStore(t).ClientURL() != "" {
		t.Error("ClientURL of an in-process-only store is not empty")
	}
}

// An append acknowledged before kill -9 is there after restart
// (sync_interval always). The child process is this test binary.
func TestAckedAppendSurvivesKill(t *testing.T) {
	if dir := os.Getenv("EVENTSTORE_KILL_CHILD_DIR"); dir != "" {
		runKillChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.CommandContext(ctxOf(t), os.Args[0], "-test.run=^TestAckedAppendSurvivesKill$")
	cmd.Env = append(os.Environ(), "EVENTSTORE_KILL_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() && acked < 200 {
		if n, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
			acked, _ = strconv.Atoi(n)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if acked == 0 {
		t.Fatal("child acknowledged no append")
	}
	s, err := eventstore.Open(ctxOf(t), eventstore.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	v, err := s.StreamVersion(ctxOf(t), "product.kill")
	if err != nil {
		t.Fatal(err)
	}
	if v < uint64(acked) {
		t.Fatalf("after kill -9 the stream is at version %d, but %d appends were acknowledged", v, acked)
	}
	t.Logf("child acked %d appends before kill -9; %d survived", acked, v)
}

func runKillChild(dir string) {
	ctx := context.Background()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	for v := int64(0); ; v++ {
		if _, err := s.Append(ctx, "product.kill", v, storetest.Event(fmt.Sprintf("k-%d", v+1))); err != nil {
			fmt.Println("append:", err)
			os.Exit(1)
		}
		fmt.Printf("acked %d\n", v+1)
	}
}
