package eventstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// The version check in Append is only a fast path: the broker enforces the
// race through Nats-Expected-Last-Subject-Sequence. Publish with a head that
// went stale between the read and the write, for a single event and for an
// atomic batch: the broker refuses (10071 → ErrConcurrency) and nothing of
// the loser is stored.
func TestBrokerEnforcesExpectedSequence(t *testing.T) {
	s, err := Open(t.Context(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ev := func(id string) Proposed {
		return Proposed{ID: id, Type: "t", Schema: 1, Data: json.RawMessage(`{}`)}
	}
	for _, n := range []int{1, 5} {
		stream := fmt.Sprintf("product.n%d", n)
		cur, lastSeq, err := s.head(t.Context(), SubjectPrefix+stream)
		if err != nil {
			t.Fatal(err)
		}
		// Another writer gets in between.
		if _, err := s.Append(t.Context(), stream, 0, ev(fmt.Sprintf("winner-%d", n))); err != nil {
			t.Fatal(err)
		}
		evs := make([]Proposed, n)
		data := make([]json.RawMessage, n)
		for i := range evs {
			evs[i], data[i] = ev(fmt.Sprintf("loser-%d-%d", n, i)), json.RawMessage(`{}`)
		}
		before, _ := s.LastSequence(t.Context())
		_, err = s.publish(t.Context(), stream, cur, lastSeq, evs, data)
		if !errors.Is(err, ErrConcurrency) {
			t.Fatalf("%d events on a stale head: err = %v, want ErrConcurrency from the broker", n, err)
		}
		if after, _ := s.LastSequence(t.Context()); after != before {
			t.Fatalf("%d events on a stale head: last sequence moved from %d to %d", n, before, after)
		}
		t.Logf("%d events: %v", n, err)
	}
}

func TestMapPublishErrorCodes(t *testing.T) {
	for code, want := range map[uint16]error{10071: ErrConcurrency, 10164: ErrConcurrency, 10201: errBatchDuplicate} {
		err := mapPublishError("product.p1", fmt.Errorf("nats: %w", apiError(code)))
		if !errors.Is(err, want) {
			t.Errorf("code %d maps to %v, want %v", code, err, want)
		}
	}
}

func apiError(code uint16) error {
	return &jetstream.APIError{Code: 400, ErrorCode: jetstream.ErrorCode(code), Description: "test"}
}
