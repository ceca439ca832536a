package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// The parallel reader (pipeline) against the plain one: same envelopes, same
// order, same errors, and no goroutine left behind.

func openPipelineStore(t *testing.T) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fillStore appends n events over a few aggregate streams, in atomic
// batches of up to MaxEventsPerAppend.
func fillStore(t *testing.T, s *Store, prefix string, n int) {
	t.Helper()
	const streams = 7
	for done := 0; done < n; {
		k := done % streams
		stream := fmt.Sprintf("product.%s%d", prefix, k)
		v, err := s.StreamVersion(t.Context(), stream)
		if err != nil {
			t.Fatal(err)
		}
		m := min(n-done, 1+done%MaxEventsPerAppend)
		evs := make([]Proposed, m)
		for i := range evs {
			id := fmt.Sprintf("%s-%d", prefix, done+i)
			evs[i] = Proposed{ID: id, Type: "t.happened", Schema: 1, Actor: "ắctor", Source: `so"urce`,
				Data: json.RawMessage(fmt.Sprintf(`{"n":%d,"text":"Tỉnh mẫu \u00e9 %s"}`, done+i, strings.Repeat("x", i%50)))}
		}
		if _, err := s.Append(t.Context(), stream, int64(v), evs...); err != nil {
			t.Fatal(err)
		}
		done += m
	}
}

// readWith reads from fromSeq to the current end with the given number of
// decoding goroutines (0: the plain reader), stopping at the first error.
func readWith(ctx context.Context, s *Store, fromSeq uint64, workers int, fn func(Envelope) error) ([]Envelope, error) {
	end, err := s.LastSequence(ctx)
	if err != nil {
		return nil, err
	}
	var got []Envelope
	err = consume(ctx, s, fromConfig(fromSeq), end, workers, envelope, func(e Envelope) error {
		got = append(got, e)
		if fn != nil {
			return fn(e)
		}
		return nil
	}, nil)
	return got, err
}

// settle waits for the goroutines to go back to at most base.
func settle(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before the read:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func baseGoroutines(t *testing.T, s *Store) int {
	t.Helper()
	// A first read starts what the connection keeps running.
	_, _ = readWith(t.Context(), s, 1, 0, nil)
	time.Sleep(50 * time.Millisecond)
	return runtime.NumGoroutine()
}

func TestPipelineReadsLikeThePlainReader(t *testing.T) {
	s := openPipelineStore(t)
	fillStore(t, s, "a", 3000)
	base := baseGoroutines(t, s)
	want, err := readWith(t.Context(), s, 1, 0, nil)
	if err != nil || len(want) != 3000 {
		t.Fatalf("plain read: %d events, %v", len(want), err)
	}
	for i, e := range want {
		if e.Sequence != uint64(i+1) {
			t.Fatalf("plain read: event %d has sequence %d", i, e.Sequence)
		}
	}
	for _, workers := range []int{1, 2, 4} {
		for _, from := range []uint64{1, 2, 1234} {
			got, err := readWith(t.Context(), s, from, workers, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want[from-1:]) {
				t.Fatalf("%d workers from %d: %d events differ from the plain read's %d", workers, from, len(got), len(want[from-1:]))
			}
		}
	}
	// The public readers, through ReadAs with a conversion.
	var got []string
	if err := ReadAs(t.Context(), s, 1, func(e Envelope) string { return e.ID }, func(id string) error {
		got = append(got, id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || got[0] != want[0].ID || got[len(got)-1] != want[len(want)-1].ID {
		t.Fatalf("ReadAs delivered %d ids, want %d", len(got), len(want))
	}
	settle(t, base)
}

// Read stops at the last sequence when it was called, also while appends go on.
func TestPipelineStopsAtTheEnd(t *testing.T) {
	s := openPipelineStore(t)
	fillStore(t, s, "a", 2000)
	base := baseGoroutines(t, s)
	appended := make(chan error, 1)
	n := 0
	err := s.Read(t.Context(), 1, func(e Envelope) error {
		if n == 0 {
			go func() {
				_, err := s.Append(context.WithoutCancel(t.Context()), "product.late", AnyVersion, testEvents("late", 600)...)
				appended <- err
			}()
		}
		n++
		if e.Sequence != uint64(n) {
			return fmt.Errorf("event %d has sequence %d", n, e.Sequence)
		}
		return nil
	})
	if err != nil || n != 2000 {
		t.Fatalf("Read: %d events, %v; want 2000", n, err)
	}
	if err := <-appended; err != nil {
		t.Fatal(err)
	}
	settle(t, base)
}

func testEvents(prefix string, n int) []Proposed {
	evs := make([]Proposed, n)
	for i := range evs {
		evs[i] = Proposed{ID: fmt.Sprintf("%s-%d", prefix, i), Type: "t", Schema: 1, Data: json.RawMessage(`{}`)}
	}
	return evs
}

func TestPipelineErrors(t *testing.T) {
	s := openPipelineStore(t)
	fillStore(t, s, "a", 1500)
	// A message that is not an event, in the middle of the log.
	if _, err := s.js.Publish(t.Context(), SubjectPrefix+"product.bad", []byte(`{"id":"x","data":{"oops"}`)); err != nil {
		t.Fatal(err)
	}
	fillStore(t, s, "b", 1500)
	base := baseGoroutines(t, s)
	all, errAll := readWith(t.Context(), s, 1, 0, nil) // delivers the bad message, named, and goes on
	if errAll != nil || len(all) != 3001 || !strings.Contains(all[1500].Unreadable, "its body does not decode") ||
		all[1500].Sequence != 1501 || all[1500].Stream != "product.bad" || string(all[1500].Body) != `{"id":"x","data":{"oops"}` {
		t.Fatalf("plain read over a bad message: %d entries, %v; entry 1501 %+v", len(all), errAll, all[min(1500, len(all)-1)])
	}
	errFn := errors.New("fn gives up")
	cases := []struct {
		name string
		from uint64
		fn   func(ctx context.Context, cancel context.CancelFunc) func(Envelope) error
	}{
		{"over the unreadable message", 1, nil},
		{"fn error", 1, func(context.Context, context.CancelFunc) func(Envelope) error {
			return func(e Envelope) error {
				if e.Sequence == 700 {
					return errFn
				}
				return nil
			}
		}},
		{"fn error at the first event", 1, func(context.Context, context.CancelFunc) func(Envelope) error {
			return func(Envelope) error { return errFn }
		}},
		{"cancel", 1, func(ctx context.Context, cancel context.CancelFunc) func(Envelope) error {
			return func(e Envelope) error {
				if e.Sequence == 900 {
					cancel()
				}
				return nil
			}
		}},
		{"past the bad message", 1502, nil},
	}
	for _, c := range cases {
		var results [2]struct {
			got []Envelope
			err error
		}
		for i, workers := range []int{0, 2} {
			ctx, cancel := context.WithCancel(t.Context())
			var fn func(Envelope) error
			if c.fn != nil {
				fn = c.fn(ctx, cancel)
			}
			results[i].got, results[i].err = readWith(ctx, s, c.from, workers, fn)
			cancel()
		}
		plain, piped := results[0], results[1]
		if c.name == "cancel" {
			// The plain reader may still deliver a message it had received
			// (Next picks at random between it and the done context); the
			// pipeline delivers none after the cancel.
			if n := len(plain.got); n > 900 {
				t.Logf("cancel: the plain reader delivered %d events after the cancel", n-900)
				plain.got = plain.got[:900]
			}
		}
		if plain.err == nil && c.name != "past the bad message" && c.name != "over the unreadable message" {
			t.Fatalf("%s: no error", c.name)
		}
		if fmt.Sprint(piped.err) != fmt.Sprint(plain.err) || !errors.Is(piped.err, errFn) && errors.Is(plain.err, errFn) ||
			errors.Is(plain.err, context.Canceled) != errors.Is(piped.err, context.Canceled) {
			t.Errorf("%s: error %v, the plain reader's %v", c.name, piped.err, plain.err)
		}
		if !reflect.DeepEqual(piped.got, plain.got) {
			t.Errorf("%s: delivered %d events, the plain reader %d", c.name, len(piped.got), len(plain.got))
		}
		t.Logf("%s: %d events, %v", c.name, len(piped.got), piped.err)
	}
	settle(t, base)
}

// A conversion that panics makes the read panic on the caller's goroutine,
// at that event, and the read's goroutines still end.
func TestPipelineConvPanics(t *testing.T) {
	s := openPipelineStore(t)
	fillStore(t, s, "a", 1000)
	base := baseGoroutines(t, s)
	n := 0
	func() {
		defer func() {
			if v := recover(); v != "conv: 600" {
				t.Errorf("recovered %v, want conv's panic", v)
			}
		}()
		_ = ReadAs(t.Context(), s, 1, func(e Envelope) uint64 {
			if e.Sequence == 600 {
				panic("conv: 600")
			}
			return e.Sequence
		}, func(uint64) error { n++; return nil })
		t.Error("ReadAs did not panic")
	}()
	if n != 599 {
		t.Errorf("fn called %d times before the panic, want 599", n)
	}
	settle(t, base)
}

func TestPipelineStoreClosed(t *testing.T) {
	s := openPipelineStore(t)
	fillStore(t, s, "a", 3000)
	n := 0
	closed := make(chan error, 1)
	err := s.Read(t.Context(), 1, func(e Envelope) error {
		n++
		if n == 500 {
			go func() { closed <- s.Close() }()
			<-s.closed
		}
		return nil
	})
	if !errors.Is(err, ErrClosed) || n >= 3000 {
		t.Fatalf("Read while the store closes: %v after %d events, want ErrClosed", err, n)
	}
	t.Logf("%d events delivered, Close began at the 500th", n)
	<-closed
}

// Follow delivers each new event as it comes, with no batch to fill.
func TestPipelineFollowLatency(t *testing.T) {
	s := openPipelineStore(t)
	fillStore(t, s, "a", 2000)
	base := baseGoroutines(t, s)
	for _, workers := range []int{0, 2} {
		ctx, cancel := context.WithCancel(t.Context())
		got := make(chan Envelope, 4096)
		done := make(chan error, 1)
		go func() {
			err := consume(ctx, s, fromConfig(1), 0, workers, envelope, func(e Envelope) error {
				got <- e
				return nil
			}, nil)
			if ctx.Err() != nil && errors.Is(err, context.Canceled) {
				err = nil
			}
			done <- err
		}()
		last, _ := s.LastSequence(t.Context())
		for seq := uint64(1); seq <= last; seq++ {
			if e := <-got; e.Sequence != seq {
				t.Fatalf("followed sequence %d, want %d", e.Sequence, seq)
			}
		}
		var lat []time.Duration
		for i := range 30 {
			id := fmt.Sprintf("live-%d-%d", workers, i)
			if _, err := s.Append(t.Context(), "product.live", AnyVersion, Proposed{ID: id, Type: "t", Schema: 1, Data: json.RawMessage(`{}`)}); err != nil {
				t.Fatal(err)
			}
			appended := time.Now()
			select {
			case e := <-got:
				if e.ID != id {
					t.Fatalf("followed %s, want %s", e.ID, id)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%d workers: the appended event %s was not delivered within 5s", workers, id)
			}
			lat = append(lat, time.Since(appended))
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Follow after cancel: %v", err)
		}
		slices.Sort(lat)
		t.Logf("%d workers: delivered after the append returned: p50 %v, max %v", workers, lat[len(lat)/2], lat[len(lat)-1])
		if lat[len(lat)/2] > 100*time.Millisecond {
			t.Errorf("%d workers: median delay %v after the append", workers, lat[len(lat)/2])
		}
	}
	settle(t, base)
}

// replyPosition reads what Msg.Metadata reads, in both forms of the reply subject, and leaves
// anything else to Metadata; on a real server's messages position agrees with Metadata.
func TestReplyPosition(t *testing.T) {
	for _, c := range []struct {
		reply   string
		seq     uint64
		ns      int64
		decided bool
	}{
		{"$JS.ACK.OCOP.c1.1.42.7.1732800000000000001.9", 42, 1732800000000000001, true},
		{"$JS.ACK._.ACCHASH.OCOP.c1.1.42.7.1732800000000000001.9.x7Qz", 42, 1732800000000000001, true},
		{"$JS.ACK.hub.ACCHASH.OCOP.c1.2.18446744073709551615.7.5.0", 18446744073709551615, 5, true},
		{"$JS.ACK.OCOP.c1.1.42.7", 0, 0, false},        // too few tokens
		{"$JS.ACK._.H.OCOP.c1.1.42.7.5", 0, 0, false},  // ten: neither form
		{"$JS.ACK.OCOP.c1.1.4x2.7.5.9", 0, 0, false},   // not a number
		{"$JS.ACK.OCOP.c1.1.42.7.-5.9", 0, 0, false},   // negative time: Metadata decides
		{"_INBOX.abc.OCOP.c1.1.42.7.5.9", 0, 0, false}, // not an acknowledgement subject
		{"", 0, 0, false},
	} {
		seq, ns, ok := replyPosition(c.reply)
		if ok != c.decided || ok && (seq != c.seq || ns != c.ns) {
			t.Errorf("%q: %d %d %v, want %d %d %v", c.reply, seq, ns, ok, c.seq, c.ns, c.decided)
		}
	}

	s := openPipelineStore(t)
	fillStore(t, s, "pos", 40)
	cons, err := s.JetStream().OrderedConsumer(t.Context(), s.StreamName(), fromConfig(1))
	if err != nil {
		t.Fatal(err)
	}
	it, err := cons.Messages()
	if err != nil {
		t.Fatal(err)
	}
	defer it.Stop()
	for i := range 40 {
		m, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		md, err := m.Metadata()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok := replyPosition(m.Reply()); !ok {
			t.Fatalf("message %d: reply subject %q not read", i, m.Reply())
		}
		seq, at, err := position(m)
		if err != nil || seq != md.Sequence.Stream || !at.Equal(md.Timestamp) || seq != uint64(i+1) {
			t.Fatalf("message %d: position %d %v %v; Metadata %d %v", i, seq, at, err, md.Sequence.Stream, md.Timestamp)
		}
	}
}
