package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
)

// A store whose files were damaged while it was closed (issue 15): readers never skip a
// position silently. They fail with a *GapError naming the missing positions, or, salvaging,
// deliver everything else and report each gap in its place.

// damagedStore writes n events evt-1 … evt-n (at positions 1 … n) into a store in a fresh
// folder, closes it, lets damage change its files, and opens it again read-only.
func damagedStore(t *testing.T, n int, damage func(dir string)) *eventstore.Store {
	t.Helper()
	dir := t.TempDir()
	ctx := ctxOf(t)
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	evs := storetest.Events("evt", n)
	for i := 0; i < n; i += 100 {
		stream := fmt.Sprintf("product.p%d", i/100)
		if _, err := s.Append(ctx, stream, 0, evs[i:min(i+100, n)]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	damage(dir)
	s, err = eventstore.Open(ctx, eventstore.Config{DataDir: dir, ReadOnly: true})
	if err != nil {
		t.Fatalf("open the damaged store read-only: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// readGaps reads the log from `from` with the given options, collecting the positions
// delivered and the gaps reported.
func readGaps(t *testing.T, s *eventstore.Store, opts eventstore.ReadOptions) (got []uint64, gaps []eventstore.GapError, err error) {
	t.Helper()
	if opts.Missing != nil {
		opts.Missing = func(g *eventstore.GapError) error {
			gaps = append(gaps, *g)
			got = append(got, 0) // where the gap is, among the events
			return nil
		}
	}
	err = s.ReadWith(ctxOf(t), opts, func(e eventstore.Envelope) error {
		got = append(got, e.Sequence)
		return nil
	})
	return got, gaps, err
}

// want returns the positions from..to, a 0 for a gap reported instead of positions gapFrom..gapTo.
func positionsWithGap(from, to, gapFrom, gapTo uint64) []uint64 {
	var out []uint64
	for p := from; p <= to; p++ {
		switch {
		case p == gapFrom:
			out = append(out, 0)
		case p > gapFrom && p <= gapTo:
		default:
			out = append(out, p)
		}
	}
	return out
}

func wantGap(t *testing.T, err error, from, to uint64) {
	t.Helper()
	var gap *eventstore.GapError
	if !errors.As(err, &gap) || !errors.Is(err, eventstore.ErrGap) {
		t.Fatalf("read: %v; want a *GapError naming positions %d to %d", err, from, to)
	}
	if gap.From != from || gap.To != to {
		t.Fatalf("read: %v; want the gap %d to %d", err, from, to)
	}
}

// Bytes flipped inside one message: nats-server skips it; Read fails naming it, on the
// parallel reader (from 1) and the plain one (a short read), and a salvage gets every other.
func TestReadNamesAMessageTheStoreCannotRead(t *testing.T) {
	s := damagedStore(t, 300, func(dir string) {
		storetest.FlipInMessage(t, dir, eventstore.DefaultStreamName, `"id":"evt-150"`)
	})
	for _, from := range []uint64{1, 140} {
		got, _, err := readGaps(t, s, eventstore.ReadOptions{From: from})
		wantGap(t, err, 150, 150)
		if want := positionsWithGap(from, 149, 0, 0); !slices.Equal(got, want) {
			t.Errorf("from %d, before failing the read delivered %v, want %d … 149", from, got, from)
		}
	}
	if err := s.Read(ctxOf(t), 1, func(eventstore.Envelope) error { return nil }); !errors.Is(err, eventstore.ErrGap) {
		t.Errorf("Read: %v, want the gap", err)
	}
	got, gaps, err := readGaps(t, s, eventstore.ReadOptions{Missing: func(*eventstore.GapError) error { return nil }})
	if err != nil {
		t.Fatalf("salvage: %v", err)
	}
	if want := positionsWithGap(1, 300, 150, 150); !slices.Equal(got, want) {
		t.Errorf("salvage delivered %v, want 1 … 300 with the gap at 150", got)
	}
	if len(gaps) != 1 || gaps[0] != (eventstore.GapError{From: 150, To: 150}) {
		t.Errorf("salvage reported %v, want the one gap 150", gaps)
	}
	// Following from before the gap fails at it too.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err = s.Follow(ctx, 1, func(eventstore.Envelope) error { return nil })
	wantGap(t, err, 150, 150)
}

// The last message unreadable: the ordered consumer waits for it forever; the read notices
// that nothing readable is left and names it.
func TestReadNamesAnUnreadableLastMessage(t *testing.T) {
	s := damagedStore(t, 300, func(dir string) {
		storetest.FlipInMessage(t, dir, eventstore.DefaultStreamName, `"id":"evt-300"`)
	})
	for _, from := range []uint64{1, 290} {
		_, _, err := readGaps(t, s, eventstore.ReadOptions{From: from})
		wantGap(t, err, 300, 300)
	}
	got, gaps, err := readGaps(t, s, eventstore.ReadOptions{Missing: func(*eventstore.GapError) error { return nil }})
	if err != nil || len(gaps) != 1 || gaps[0] != (eventstore.GapError{From: 300, To: 300}) {
		t.Fatalf("salvage: %v, gaps %v; want the gap 300", err, gaps)
	}
	if want := positionsWithGap(1, 300, 300, 300); !slices.Equal(got, want) {
		t.Errorf("salvage delivered %v, want 1 … 299 and the gap", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err = s.Follow(ctx, 280, func(eventstore.Envelope) error { return nil })
	wantGap(t, err, 300, 300)
}

// The last block cut short: the store opens read-only (an append needs the last entry, a
// salvage does not), the read names the lost tail and a salvage gets the intact prefix.
func TestReadNamesATruncatedTail(t *testing.T) {
	s := damagedStore(t, 300, func(dir string) {
		storetest.TruncateLastBlock(t, dir, eventstore.DefaultStreamName, 100)
	})
	last, err := s.LastSequence(ctxOf(t))
	if err != nil || last != 300 {
		t.Fatalf("last sequence %d (%v): the stream's state should still say 300", last, err)
	}
	_, _, err = readGaps(t, s, eventstore.ReadOptions{})
	wantGap(t, err, 300, 300)
	got, gaps, err := readGaps(t, s, eventstore.ReadOptions{Missing: func(*eventstore.GapError) error { return nil }})
	if err != nil || len(gaps) != 1 || gaps[0] != (eventstore.GapError{From: 300, To: 300}) {
		t.Fatalf("salvage: %v, gaps %v; want the gap 300", err, gaps)
	}
	if want := positionsWithGap(1, 300, 300, 300); !slices.Equal(got, want) {
		t.Errorf("salvage delivered %v, want 1 … 299 and the gap", got)
	}
}

// Bytes flipped and the index removed: nats-server rebuilds the stream from its blocks and
// stops at the damage, so the stream now ends at 149 and nothing in it says otherwise. A
// reader that knows how far the log reached (a checkpoint) names everything lost.
func TestReadNamesALogCutShortByTheServer(t *testing.T) {
	s := damagedStore(t, 300, func(dir string) {
		storetest.FlipInMessage(t, dir, eventstore.DefaultStreamName, `"id":"evt-150"`)
		storetest.RemoveIndex(t, dir, eventstore.DefaultStreamName)
	})
	last, err := s.LastSequence(ctxOf(t))
	if err != nil || last >= 150 {
		t.Fatalf("last sequence %d (%v): nats-server 2.15 truncates the stream at the damage; has it changed?", last, err)
	}
	_, _, err = readGaps(t, s, eventstore.ReadOptions{End: 300})
	wantGap(t, err, last+1, 300)
	got, gaps, err := readGaps(t, s, eventstore.ReadOptions{End: 300, Missing: func(*eventstore.GapError) error { return nil }})
	if err != nil || len(gaps) != 1 || gaps[0] != (eventstore.GapError{From: last + 1, To: 300}) {
		t.Fatalf("salvage: %v, gaps %v; want the gap %d to 300", err, gaps, last+1)
	}
	if want := positionsWithGap(1, 300, last+1, 300); !slices.Equal(got, want) {
		t.Errorf("salvage delivered %v, want 1 … %d and the gap", got, last)
	}
	// A log known to reach less far than it does is read to its end.
	got, _, err = readGaps(t, s, eventstore.ReadOptions{From: 10, End: 100})
	if want := positionsWithGap(10, last, 0, 0); err != nil || !slices.Equal(got, want) {
		t.Errorf("reading from 10, known to reach 100: %v, %v; want 10 … %d", got, err, last)
	}
}

// The message blocks read without a server give back every intact message of a damaged block,
// also those after the damage that nats-server drops when it rebuilds the stream without its
// index.
func TestBlocksGiveBackWhatTheServerDrops(t *testing.T) {
	ctx := ctxOf(t)
	dir := t.TempDir()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	evs := storetest.Events("evt", 300)
	for i := 0; i < 300; i += 100 {
		if _, err := s.Append(ctx, fmt.Sprintf("product.p%d", i/100), 0, evs[i:i+100]...); err != nil {
			t.Fatal(err)
		}
	}
	var want []eventstore.Envelope
	if err := s.Read(ctx, 1, func(e eventstore.Envelope) error { want = append(want, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	storetest.FlipInMessage(t, dir, eventstore.DefaultStreamName, `"id":"evt-150"`)
	storetest.RemoveIndex(t, dir, eventstore.DefaultStreamName)
	b, err := eventstore.OpenBlocks(dir, eventstore.DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 299 {
		t.Errorf("the blocks hold %d intact messages, want 299", b.Len())
	}
	for _, w := range want {
		e, ok, err := b.Envelope(w.Sequence)
		switch {
		case err != nil:
			t.Fatalf("position %d: %v", w.Sequence, err)
		case w.Sequence == 150:
			if ok {
				t.Errorf("the damaged message 150 was given back: %s", e.Body)
			}
		case !ok:
			t.Errorf("position %d is not given back", w.Sequence)
		case string(e.Body) != string(w.Body) || e.ID != w.ID || e.Stream != w.Stream || e.Version != w.Version ||
			e.Unreadable != "" || !e.AppendedAt.Equal(w.AppendedAt):
			t.Errorf("position %d = %+v, want %+v", w.Sequence, e, w)
		}
	}
	// Through the server they are gone: it cut the block at the damage.
	s, err = eventstore.Open(ctx, eventstore.Config{DataDir: dir, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if b, err := eventstore.OpenBlocks(dir, eventstore.DefaultStreamName); err != nil || b.Len() != 149 {
		t.Errorf("after nats-server opened the store the blocks hold %d messages (%v); it no longer cuts them at the damage?", b.Len(), err)
	}
}
