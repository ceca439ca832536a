package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
)

// NewStore returns a fresh, empty store that is closed when t ends. The
// restart test closes it itself and reopens it with Open(ctx, s.Config()).
type NewStore func(t *testing.T) *eventstore.Store

// Run runs the conformance suite of the event store contract.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, NewStore)
	}{
		{"AppendAndReadStream", testAppendAndReadStream},
		{"WrongExpectedVersion", testWrongExpectedVersion},
		{"RacingWritersOneWins", testRacingWriters},
		{"AppendAfterHeadReadWithHistory", testAppendAfter},
		{"GlobalOrderAcrossStreams", testGlobalOrder},
		{"ReadFromSequence", testReadFrom},
		{"IdempotentRetry", testIdempotentRetry},
		{"RetryAfterTimeout", testRetryAfterTimeout},
		{"AnyVersion", testAnyVersion},
		{"BatchWithInvalidEventStoresNothing", testBatchInvalid},
		{"BatchRacingWriterAllOrNothing", testBatchRace},
		{"InvalidInputStoresNothing", testInvalidInput},
		{"Restart", testRestart},
		{"FollowDeliversLive", testFollow},
		{"BackfillOrder", testBackfillOrder},
		{"UTF8RoundTrip", testUTF8},
		{"AppendResultRecordedAt", testAppendResultRecordedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore) })
	}
}

// Event returns a valid proposed event with the given id.
func Event(id string) eventstore.Proposed {
	return eventstore.Proposed{
		ID:     id,
		Type:   "test.happened",
		Schema: 1,
		Data:   json.RawMessage(fmt.Sprintf(`{"id":%q}`, id)),
		Actor:  "tester",
	}
}

// Events returns n valid events with ids prefix-1 … prefix-n.
func Events(prefix string, n int) []eventstore.Proposed {
	out := make([]eventstore.Proposed, n)
	for i := range out {
		out[i] = Event(fmt.Sprintf("%s-%d", prefix, i+1))
	}
	return out
}

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustAppend(t *testing.T, s *eventstore.Store, stream string, v int64, evs ...eventstore.Proposed) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(ctxOf(t), stream, v, evs...)
	if err != nil {
		t.Fatalf("Append(%s, %d, %d events): %v", stream, v, len(evs), err)
	}
	return res
}

func mustReadStream(t *testing.T, s *eventstore.Store, stream string) []eventstore.Envelope {
	t.Helper()
	got, err := s.ReadStream(ctxOf(t), stream)
	if err != nil {
		t.Fatalf("ReadStream(%s): %v", stream, err)
	}
	return got
}

func mustReadAll(t *testing.T, s *eventstore.Store) []eventstore.Envelope {
	t.Helper()
	var got []eventstore.Envelope
	if err := s.Read(ctxOf(t), 0, func(e eventstore.Envelope) error {
		got = append(got, e)
		return nil
	}); err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

func mustLastSeq(t *testing.T, s *eventstore.Store) uint64 {
	t.Helper()
	seq, err := s.LastSequence(ctxOf(t))
	if err != nil {
		t.Fatalf("LastSequence: %v", err)
	}
	return seq
}

func ids(envs []eventstore.Envelope) []string {
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.ID
	}
	return out
}

func testAppendAndReadStream(t *testing.T, newStore NewStore) {
	s := newStore(t)
	before := time.Now().Add(-time.Second)
	res := mustAppend(t, s, "product.p1", 0, Events("a", 3)...)
	if res.FirstSequence != 1 || res.LastSequence != 3 || res.Version != 3 || res.Duplicate {
		t.Fatalf("append result = %+v, want sequences 1..3, version 3, not duplicate", res)
	}
	res = mustAppend(t, s, "product.p1", 3, Event("a-4"))
	if res.FirstSequence != 4 || res.LastSequence != 4 || res.Version != 4 {
		t.Fatalf("second append result = %+v, want sequence 4, version 4", res)
	}
	got := mustReadStream(t, s, "product.p1")
	if want := []string{"a-1", "a-2", "a-3", "a-4"}; !slices.Equal(ids(got), want) {
		t.Fatalf("ReadStream ids = %v, want %v", ids(got), want)
	}
	for i, e := range got {
		if e.Version != uint64(i+1) || e.Sequence != uint64(i+1) {
			t.Errorf("event %d: version %d sequence %d, want %d and %d", i, e.Version, e.Sequence, i+1, i+1)
		}
		if e.Stream != "product.p1" || e.Type != "test.happened" || e.Schema != 1 || e.Actor != "tester" {
			t.Errorf("event %d: envelope %+v lost a field", i, e)
		}
		if want := fmt.Sprintf(`{"id":%q}`, e.ID); string(e.Data) != want {
			t.Errorf("event %d: data %s, want %s", i, e.Data, want)
		}
		if e.RecordedAt.Before(before) || e.RecordedAt.Location() != time.UTC || e.Backfilled {
			t.Errorf("event %d: recorded at %v (backfilled %v), want a recent UTC ledger time", i, e.RecordedAt, e.Backfilled)
		}
		if e.AppendedAt.IsZero() {
			t.Errorf("event %d: no broker timestamp", i)
		}
	}
	if v, err := s.StreamVersion(ctxOf(t), "product.p1"); err != nil || v != 4 {
		t.Errorf("StreamVersion = %d, %v; want 4", v, err)
	}
	if v, err := s.StreamVersion(ctxOf(t), "product.none"); err != nil || v != 0 {
		t.Errorf("StreamVersion of a new stream = %d, %v; want 0", v, err)
	}
	if got := mustReadStream(t, s, "product.none"); len(got) != 0 {
		t.Errorf("ReadStream of a new stream returned %d events", len(got))
	}
}

func testWrongExpectedVersion(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", 0, Event("a-1"))
	for _, v := range []int64{0, 2, 7} {
		_, err := s.Append(ctxOf(t), "product.p1", v, Event(fmt.Sprintf("b-%d", v)))
		if !errors.Is(err, eventstore.ErrConcurrency) {
			t.Fatalf("Append at expected version %d of a stream at 1: err = %v, want ErrConcurrency", v, err)
		}
	}
	_, err := s.Append(ctxOf(t), "product.p1", 0, Events("c", 3)...)
	if !errors.Is(err, eventstore.ErrConcurrency) {
		t.Fatalf("batch Append at a stale version: err = %v, want ErrConcurrency", err)
	}
	if n := mustLastSeq(t, s); n != 1 {
		t.Fatalf("last sequence after refused appends = %d, want 1", n)
	}
}

func testRacingWriters(t *testing.T, newStore NewStore) {
	s := newStore(t)
	won := raceOneWins(t, 20, func(i int) error {
		_, err := s.Append(ctxOf(t), "product.race", 0, racerEvents(i)...)
		return err
	})
	got := mustReadStream(t, s, "product.race")
	if want := len(racerEvents(won)); len(got) != want {
		t.Fatalf("stream holds %d events (%v), want only the %d of winner %d", len(got), ids(got), want, won)
	}
}

// racerEvents are the events racing writer i appends: every fourth appends a batch.
func racerEvents(i int) []eventstore.Proposed {
	if i%4 == 0 {
		return Events(fmt.Sprintf("racer-%d", i), 3)
	}
	return []eventstore.Proposed{Event(fmt.Sprintf("racer-%d", i))}
}

// raceOneWins runs writers calls of appendAs at the same instant and returns the writer whose
// append succeeded: exactly one may, and every other must get ErrConcurrency.
func raceOneWins(t *testing.T, writers int, appendAs func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			<-start
			errs[i] = appendAs(i)
		})
	}
	close(start)
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("writers %d and %d both won", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, eventstore.ErrConcurrency):
			t.Fatalf("writer %d: err = %v, want ErrConcurrency", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no writer won")
	}
	return won
}

// testAppendAfter: AppendAfter appends at the head ReadStreamHead gave without reading it again,
// and the broker's check keeps it exact: of writers racing from the same head exactly one wins,
// a head gone stale is refused (nothing stored), a retry of stored events is a duplicate.
func testAppendAfter(t *testing.T, newStore NewStore) {
	s := newStore(t)
	envs, head, err := s.ReadStreamHead(ctxOf(t), "product.after")
	if err != nil || len(envs) != 0 || head != (eventstore.Head{}) {
		t.Fatalf("ReadStreamHead of a new record = %v, %+v, %v; want nothing, the zero head", ids(envs), head, err)
	}
	first, err := s.AppendAfter(ctxOf(t), "product.after", head, Event("after-1"))
	if err != nil || first.Version != 1 {
		t.Fatalf("AppendAfter the zero head = %+v, %v; want version 1", first, err)
	}
	mustAppend(t, s, "product.other", 0, Event("other-1")) // the log moves on, this record does not
	envs, head, err = s.ReadStreamHead(ctxOf(t), "product.after")
	if err != nil || len(envs) != 1 || head != (eventstore.Head{Version: 1, Sequence: first.LastSequence}) {
		t.Fatalf("ReadStreamHead = %v, %+v, %v; want [after-1] at {1 %d}", ids(envs), head, err, first.LastSequence)
	}
	res := make([]eventstore.AppendResult, 20)
	won := raceOneWins(t, len(res), func(i int) (err error) {
		res[i], err = s.AppendAfter(ctxOf(t), "product.after", head, racerEvents(i)...)
		return err
	})
	want := 1 + len(racerEvents(won))
	if got := mustReadStream(t, s, "product.after"); len(got) != want || res[won].Version != uint64(want) {
		t.Fatalf("record holds %v, winner %d got %+v; want %d events", ids(got), won, res[won], want)
	}
	// The winner's retry from the stale head is a duplicate; anything else from it is refused.
	again, err := s.AppendAfter(ctxOf(t), "product.after", head, racerEvents(won)...)
	if err != nil || !again.Duplicate || again.LastSequence != res[won].LastSequence {
		t.Fatalf("retry of the winner after the stale head = %+v, %v; want a duplicate of %+v", again, err, res[won])
	}
	before := mustLastSeq(t, s)
	if _, err := s.AppendAfter(ctxOf(t), "product.after", head, Event("late")); !errors.Is(err, eventstore.ErrConcurrency) {
		t.Fatalf("AppendAfter a stale head: err = %v, want ErrConcurrency", err)
	}
	if _, err := s.AppendAfter(ctxOf(t), "product.after", eventstore.Head{}, Event("late")); !errors.Is(err, eventstore.ErrConcurrency) {
		t.Fatalf("AppendAfter the zero head of a record that holds events: err = %v, want ErrConcurrency", err)
	}
	if n := mustLastSeq(t, s); n != before {
		t.Fatalf("last sequence after refused appends = %d, want %d", n, before)
	}
	// Read from the nearest server, the history and head are the leader's here (one server, or
	// a cluster whose followers have caught up): for a new record, one of one event, of more.
	for _, stream := range []string{"product.none", "product.other", "product.after"} {
		envs, head, err := s.ReadStreamHead(ctxOf(t), stream)
		if err != nil {
			t.Fatal(err)
		}
		nenvs, nhead, err := s.ReadStreamNearest(ctxOf(t), stream)
		if err != nil || nhead != head || !slices.Equal(ids(nenvs), ids(envs)) {
			t.Fatalf("ReadStreamNearest(%s) = %v at %+v, %v; want %v at %+v as ReadStreamHead", stream, ids(nenvs), nhead, err, ids(envs), head)
		}
	}
}

func testGlobalOrder(t *testing.T, newStore NewStore) {
	s := newStore(t)
	var want []string
	for i := range 12 {
		stream := fmt.Sprintf("kind%d.x", i%3)
		id := fmt.Sprintf("g-%d", i)
		mustAppend(t, s, stream, eventstore.AnyVersion, Event(id))
		want = append(want, id)
	}
	got := mustReadAll(t, s)
	if !slices.Equal(ids(got), want) {
		t.Fatalf("Read order = %v, want append order %v", ids(got), want)
	}
	for i, e := range got {
		if e.Sequence != uint64(i+1) {
			t.Errorf("event %s has sequence %d, want %d", e.ID, e.Sequence, i+1)
		}
		if e.Version != uint64(i/3+1) {
			t.Errorf("event %s has version %d in %s, want %d", e.ID, e.Version, e.Stream, i/3+1)
		}
		if i > 0 && e.RecordedAt.Before(got[i-1].RecordedAt) {
			t.Errorf("recorded_at goes back at sequence %d: %v < %v", e.Sequence, e.RecordedAt, got[i-1].RecordedAt)
		}
	}
}

func testReadFrom(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", 0, Events("r", 10)...)
	var got []uint64
	if err := s.Read(ctxOf(t), 7, func(e eventstore.Envelope) error {
		got = append(got, e.Sequence)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []uint64{7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Fatalf("Read(7) delivered %v, want %v", got, want)
	}
	called := false
	if err := s.Read(ctxOf(t), 11, func(eventstore.Envelope) error { called = true; return nil }); err != nil || called {
		t.Fatalf("Read past the end: err %v, called %v; want nothing", err, called)
	}
	stop := errors.New("stop")
	n := 0
	err := s.Read(ctxOf(t), 0, func(eventstore.Envelope) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("Read with fn failing at 3: err %v after %d events; want fn's error after 3", err, n)
	}
}

func testIdempotentRetry(t *testing.T, newStore NewStore) {
	s := newStore(t)
	first := mustAppend(t, s, "product.p1", 0, Event("once"))
	again := mustAppend(t, s, "product.p1", 0, Event("once"))
	if !again.Duplicate || again.FirstSequence != first.FirstSequence || again.Version != 1 {
		t.Fatalf("retry of a single event = %+v, want duplicate of %+v", again, first)
	}
	batch := Events("twice", 4)
	firstB := mustAppend(t, s, "product.p1", 1, batch...)
	againB := mustAppend(t, s, "product.p1", 1, batch...)
	if !againB.Duplicate || againB.FirstSequence != firstB.FirstSequence || againB.LastSequence != firstB.LastSequence || againB.Version != 5 {
		t.Fatalf("retry of a batch = %+v, want duplicate of %+v", againB, firstB)
	}
	// With AnyVersion the broker's duplicate window drops the retry.
	anyB := mustAppend(t, s, "product.p1", eventstore.AnyVersion, batch...)
	anyS := mustAppend(t, s, "product.p1", eventstore.AnyVersion, Event("once"))
	if !anyB.Duplicate || !anyS.Duplicate {
		t.Fatalf("AnyVersion retries = %+v, %+v; want duplicates", anyB, anyS)
	}
	if n := mustLastSeq(t, s); n != 5 {
		t.Fatalf("last sequence after retries = %d, want 5 (nothing stored twice)", n)
	}
	// An id reused on another stream is not a retry.
	if _, err := s.Append(ctxOf(t), "product.p2", 0, Event("once")); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Fatalf("reusing an id on another stream: err = %v, want ErrDuplicateID", err)
	}
	if _, err := s.Append(ctxOf(t), "product.p2", 0, Event("new"), Event("twice-2")); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Fatalf("batch reusing an id of another stream: err = %v, want ErrDuplicateID", err)
	}
	if n := mustLastSeq(t, s); n != 5 {
		t.Fatalf("last sequence = %d, want 5", n)
	}
}

// testRetryAfterTimeout: the first append succeeded but its answer was lost,
// the client retries with the version it had: success, not a conflict —
// even after others have appended meanwhile.
func testRetryAfterTimeout(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", 0, Event("base"))
	orig := mustAppend(t, s, "product.p1", 1, Events("lost-answer", 3)...)
	mustAppend(t, s, "product.p1", 4, Event("later")) // someone else moved on
	retry, err := s.Append(ctxOf(t), "product.p1", 1, Events("lost-answer", 3)...)
	if err != nil {
		t.Fatalf("retry with the stale expected version: %v, want success", err)
	}
	if !retry.Duplicate || retry.FirstSequence != orig.FirstSequence || retry.LastSequence != orig.LastSequence || retry.Version != 4 {
		t.Fatalf("retry = %+v, want duplicate of %+v at version 4", retry, orig)
	}
	single, err := s.Append(ctxOf(t), "product.p1", 0, Event("base"))
	if err != nil || !single.Duplicate || single.FirstSequence != 1 {
		t.Fatalf("single retry with stale version = %+v, %v; want duplicate at 1", single, err)
	}
	// Same ids in another order, or only some of them, are not a retry.
	if _, err := s.Append(ctxOf(t), "product.p1", 1, Event("lost-answer-2"), Event("lost-answer-1")); err == nil {
		t.Fatal("reordered retry succeeded, want an error")
	}
	if _, err := s.Append(ctxOf(t), "product.p1", 1, Event("lost-answer-1"), Event("fresh")); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Fatalf("partly stored retry: err = %v, want ErrDuplicateID", err)
	}
	if n := mustLastSeq(t, s); n != 5 {
		t.Fatalf("last sequence = %d, want 5", n)
	}
}

func testAnyVersion(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", eventstore.AnyVersion, Event("x-1"))
	res := mustAppend(t, s, "product.p1", eventstore.AnyVersion, Events("y", 2)...)
	if res.Version != 3 {
		t.Fatalf("AnyVersion append result %+v, want version 3", res)
	}
	// Concurrent AnyVersion writers all land, with distinct versions.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = s.Append(ctxOf(t), "product.p1", eventstore.AnyVersion, Event(fmt.Sprintf("z-%d", i)))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent AnyVersion appends: %v", err)
	}
	got := mustReadStream(t, s, "product.p1")
	for i, e := range got {
		if e.Version != uint64(i+1) {
			t.Fatalf("event %s has version %d, want %d", e.ID, e.Version, i+1)
		}
	}
	if len(got) != 11 {
		t.Fatalf("stream holds %d events, want 11", len(got))
	}
}

func testBatchInvalid(t *testing.T, newStore NewStore) {
	s := newStore(t)
	evs := Events("b", 5)
	evs[3].Data = json.RawMessage(`[1,2]`)
	_, err := s.Append(ctxOf(t), "product.p1", 0, evs...)
	var inv *eventstore.InvalidError
	if !errors.As(err, &inv) || inv.Event != 4 || inv.Field != "data" {
		t.Fatalf("batch with a bad 4th event: err = %v, want InvalidError about event 4's data", err)
	}
	if want := "event 4: data must be a JSON object"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	big := Events("big", 3)
	big[2].Data = json.RawMessage(fmt.Sprintf(`{"blob":%q}`, make([]byte, eventstore.MaxEventSize)))
	if _, err := s.Append(ctxOf(t), "product.p1", 0, big...); !errors.As(err, &inv) || inv.Event != 3 {
		t.Fatalf("batch with an oversized 3rd event: err = %v, want InvalidError about event 3", err)
	}
	if n := mustLastSeq(t, s); n != 0 {
		t.Fatalf("last sequence = %d, want 0: nothing of a refused batch may be stored", n)
	}
}

func testBatchRace(t *testing.T, newStore NewStore) {
	s := newStore(t)
	for round := range 10 {
		stream := fmt.Sprintf("product.br%d", round)
		batch := Events(fmt.Sprintf("batch%d", round), 50)
		single := Event(fmt.Sprintf("single%d", round))
		var wg sync.WaitGroup
		var errB, errS error
		start := make(chan struct{})
		wg.Go(func() { <-start; _, errB = s.Append(ctxOf(t), stream, 0, batch...) })
		wg.Go(func() { <-start; _, errS = s.Append(ctxOf(t), stream, 0, single) })
		close(start)
		wg.Wait()
		got := mustReadStream(t, s, stream)
		switch {
		case errB == nil && errS == nil:
			t.Fatalf("round %d: both the batch and the single event won", round)
		case errB == nil:
			if !errors.Is(errS, eventstore.ErrConcurrency) || len(got) != 50 || got[0].ID != batch[0].ID {
				t.Fatalf("round %d: batch won; single err %v; stream %v", round, errS, ids(got))
			}
		case errS == nil:
			if !errors.Is(errB, eventstore.ErrConcurrency) || len(got) != 1 || got[0].ID != single.ID {
				t.Fatalf("round %d: single won; batch err %v; stream has %d events %v, want only the single", round, errB, len(got), ids(got))
			}
		default:
			t.Fatalf("round %d: nobody won: %v / %v", round, errB, errS)
		}
	}
}

func testInvalidInput(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", 0, Event("ok"))
	noData := Event("x")
	noData.Data = nil
	tests := []struct {
		name   string
		stream string
		evs    []eventstore.Proposed
		msg    string
	}{
		{"no events", "product.p1", nil, "events none given; append at least one"},
		{"empty id", "product.p1", []eventstore.Proposed{Event("a"), {Type: "t", Schema: 1, Data: json.RawMessage(`{}`)}}, "event 2: id is empty"},
		{"repeated id", "product.p1", []eventstore.Proposed{Event("a"), Event("a")}, `event 2: id "a": is the same as event 1's`},
		{"empty type", "product.p1", []eventstore.Proposed{{ID: "a", Schema: 1, Data: json.RawMessage(`{}`)}}, "event 1: type is empty"},
		{"schema 0", "product.p1", []eventstore.Proposed{{ID: "a", Type: "t", Data: json.RawMessage(`{}`)}}, `event 1: schema "0": must be 1 or more`},
		{"no data", "product.p1", []eventstore.Proposed{noData}, "event 1: data is empty; it must be a JSON object"},
		{"data not object", "product.p1", []eventstore.Proposed{{ID: "a", Type: "t", Schema: 1, Data: json.RawMessage(`"text"`)}}, "event 1: data must be a JSON object"},
		{"data invalid", "product.p1", []eventstore.Proposed{{ID: "a", Type: "t", Schema: 1, Data: json.RawMessage(`{"a":`)}}, "event 1: data must be a JSON object"},
		{"utf8 type", "product.p1", []eventstore.Proposed{{ID: "a", Type: "chứng nhận", Schema: 1, Data: json.RawMessage(`{}`)}}, `event 1: type "chứng nhận": may only contain printable ASCII without spaces`},
		{"future", "product.p1", []eventstore.Proposed{{ID: "a", Type: "t", Schema: 1, Data: json.RawMessage(`{}`), RecordedAt: time.Now().Add(time.Hour)}}, ""},
		{"stream without kind", "p1", []eventstore.Proposed{Event("a")}, `stream "p1": must be "<kind>.<id>", e.g. "product.p1"`},
		{"stream empty id", "product.", []eventstore.Proposed{Event("a")}, `stream "product.": has an empty id after the dot`},
		{"stream three tokens", "product.a.b", []eventstore.Proposed{Event("a")}, `stream "product.a.b": must have exactly one dot`},
		{"stream wildcard", "product.*", []eventstore.Proposed{Event("a")}, `stream "product.*": contains '*'; only letters A-Z, digits, '_' and '-' are allowed`},
		{"stream unicode", "sản-phẩm.p1", []eventstore.Proposed{Event("a")}, ""},
		{"stream too long", "product." + string(make([]byte, 130)), []eventstore.Proposed{Event("a")}, ""},
		{"too many", "product.p1", Events("many", eventstore.MaxEventsPerAppend+1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Append(ctxOf(t), tt.stream, eventstore.AnyVersion, tt.evs...)
			if !errors.Is(err, eventstore.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message = %q, want %q", err.Error(), tt.msg)
			}
		})
	}
	if _, err := s.Append(ctxOf(t), "product.p1", -2, Event("a")); !errors.Is(err, eventstore.ErrInvalid) {
		t.Errorf("expected version -2: err = %v, want ErrInvalid", err)
	}
	if n := mustLastSeq(t, s); n != 1 {
		t.Fatalf("last sequence after bad inputs = %d, want 1", n)
	}
}

func testRestart(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", 0, Events("p1", 3)...)
	mustAppend(t, s, "product.p2", 0, Event("p2-1"))
	backfill := Event("p2-2")
	backfill.RecordedAt = time.Now().Add(20 * time.Second) // later than the clock: live appends must not go back
	mustAppend(t, s, "product.p2", 1, backfill)
	before := mustReadAll(t, s)

	cfg := s.Config()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.LastSequence(ctxOf(t)); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("LastSequence on a closed store: err = %v, want ErrClosed", err)
	}
	s2, err := eventstore.Open(ctxOf(t), cfg)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { _ = s2.Close() })
	after := mustReadAll(t, s2)
	if len(after) != len(before) {
		t.Fatalf("after restart %d events, want %d", len(after), len(before))
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.ID != b.ID || a.Version != b.Version || a.Sequence != b.Sequence || a.Stream != b.Stream ||
			!a.RecordedAt.Equal(b.RecordedAt) || a.Backfilled != b.Backfilled || !a.AppendedAt.Equal(b.AppendedAt) || string(a.Data) != string(b.Data) {
			t.Fatalf("event %d changed across restart:\n before %+v\n after  %+v", i, b, a)
		}
	}
	res := mustAppend(t, s2, "product.p1", 3, Event("p1-4"))
	if res.Version != 4 || res.FirstSequence != 6 {
		t.Fatalf("append after restart = %+v, want version 4 at sequence 6", res)
	}
	got := mustReadStream(t, s2, "product.p1")
	if last := got[len(got)-1]; last.RecordedAt.Before(backfill.RecordedAt.Truncate(time.Nanosecond)) {
		t.Fatalf("live append after restart recorded at %v, before the ledger's last recorded time %v", last.RecordedAt, backfill.RecordedAt)
	}
}

func testFollow(t *testing.T, newStore NewStore) {
	s := newStore(t)
	mustAppend(t, s, "product.p1", 0, Event("f-1"))
	ctx, cancel := context.WithCancel(ctxOf(t))
	got := make(chan eventstore.Envelope, 16)
	done := make(chan error, 1)
	go func() {
		done <- s.Follow(ctx, 0, func(e eventstore.Envelope) error {
			got <- e
			return nil
		})
	}()
	next := func() eventstore.Envelope {
		t.Helper()
		select {
		case e := <-got:
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("Follow delivered nothing within 10s")
			return eventstore.Envelope{}
		}
	}
	if e := next(); e.ID != "f-1" {
		t.Fatalf("first followed event %s, want f-1", e.ID)
	}
	mustAppend(t, s, "product.p1", 1, Event("f-2"))
	mustAppend(t, s, "product.p2", 0, Events("g", 2)...)
	for _, want := range []string{"f-2", "g-1", "g-2"} {
		if e := next(); e.ID != want {
			t.Fatalf("followed %s, want %s", e.ID, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Follow after cancel returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return after cancel")
	}
}

func testBackfillOrder(t *testing.T, newStore NewStore) {
	s := newStore(t)
	live := mustAppend(t, s, "product.p1", 0, Event("live"))
	_ = live
	got := mustReadStream(t, s, "product.p1")
	lastRec := got[0].RecordedAt

	early := Event("early")
	early.RecordedAt = lastRec.Add(-time.Hour)
	_, err := s.Append(ctxOf(t), "product.p1", 1, early)
	if !errors.Is(err, eventstore.ErrBackfillOrder) {
		t.Fatalf("backfill before the last recorded time: err = %v, want ErrBackfillOrder", err)
	}
	t.Logf("refused: %v", err)
	if n := mustLastSeq(t, s); n != 1 {
		t.Fatalf("last sequence after refused backfill = %d, want 1", n)
	}
	// In a batch, a backfill may not go back before an earlier event either.
	b1, b2 := Event("b1"), Event("b2")
	b1.RecordedAt = lastRec.Add(2 * time.Second)
	b2.RecordedAt = lastRec.Add(1 * time.Second)
	if _, err := s.Append(ctxOf(t), "product.p1", 1, b1, b2); !errors.Is(err, eventstore.ErrBackfillOrder) {
		t.Fatalf("batch whose backfills go back: err = %v, want ErrBackfillOrder", err)
	}
	ok := Event("ok")
	ok.RecordedAt = lastRec.Add(30 * time.Second) // ahead of the clock, within tolerance
	mustAppend(t, s, "product.p1", 1, ok)
	mustAppend(t, s, "product.p1", 2, Event("after"))
	got = mustReadStream(t, s, "product.p1")
	if len(got) != 3 || !got[1].Backfilled || got[2].Backfilled || got[0].Backfilled {
		t.Fatalf("stream = %+v, want live, backfilled, live", got)
	}
	if !got[1].RecordedAt.Equal(ok.RecordedAt) {
		t.Errorf("backfilled recorded_at %v, want %v", got[1].RecordedAt, ok.RecordedAt)
	}
	if got[2].RecordedAt.Before(got[1].RecordedAt) {
		t.Errorf("live append after a backfill recorded at %v, earlier than %v", got[2].RecordedAt, got[1].RecordedAt)
	}
}

func testUTF8(t *testing.T, newStore NewStore) {
	s := newStore(t)
	e := Event("vi-1")
	e.Source = "Công văn 470/SCT-QLTM của Sở Công Thương Quảng Ngãi"
	e.Actor = "Nguyễn Thị Hồng Nhung"
	e.CorrelationID = "hồ-sơ-2024/07"
	e.Data = json.RawMessage(`{"name":"Tỏi Lý Sơn","note":"<đặc sản> & \"ngon\""}`)
	mustAppend(t, s, "product.qn-toi-ly-son", 0, e)
	got := mustReadStream(t, s, "product.qn-toi-ly-son")
	if len(got) != 1 {
		t.Fatalf("got %d events", len(got))
	}
	g := got[0]
	if g.Source != e.Source || g.Actor != e.Actor || g.CorrelationID != e.CorrelationID || string(g.Data) != string(e.Data) {
		t.Fatalf("round trip changed text:\n got  %q %q %q %s\n want %q %q %q %s",
			g.Source, g.Actor, g.CorrelationID, g.Data, e.Source, e.Actor, e.CorrelationID, e.Data)
	}
}

// testAppendResultRecordedAt: an append answers the recorded time of its last event as stored,
// and a retry answers the original's, not a new one.
func testAppendResultRecordedAt(t *testing.T, newStore NewStore) {
	s := newStore(t)
	single := mustAppend(t, s, "product.p1", 0, Event("when-1"))
	batch := mustAppend(t, s, "product.p1", 1, Events("when-batch", 3)...)
	back := Event("when-backfilled")
	back.RecordedAt = time.Now().UTC() // a backfill at or after the last recorded time
	backfilled := mustAppend(t, s, "product.p1", 4, back)
	stored := mustReadStream(t, s, "product.p1")
	for _, c := range []struct {
		name string
		res  eventstore.AppendResult
		env  eventstore.Envelope
	}{{"single", single, stored[0]}, {"batch", batch, stored[3]}, {"backfilled", backfilled, stored[4]}} {
		if c.res.RecordedAt.IsZero() || !c.res.RecordedAt.Equal(c.env.RecordedAt) {
			t.Errorf("%s append: RecordedAt = %v, want the stored %v", c.name, c.res.RecordedAt, c.env.RecordedAt)
		}
	}
	for _, retry := range []struct {
		name string
		v    int64
		evs  []eventstore.Proposed
		env  eventstore.Envelope
	}{
		{"single retry", 0, []eventstore.Proposed{Event("when-1")}, stored[0]},
		{"batch retry", 1, Events("when-batch", 3), stored[3]},
		{"single retry, any version", eventstore.AnyVersion, []eventstore.Proposed{Event("when-1")}, stored[0]},
	} {
		res := mustAppend(t, s, "product.p1", retry.v, retry.evs...)
		if !res.Duplicate || !res.RecordedAt.Equal(retry.env.RecordedAt) {
			t.Errorf("%s = %+v, want a duplicate recorded at %v", retry.name, res, retry.env.RecordedAt)
		}
	}
}
