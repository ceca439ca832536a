package projections_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/projections"
	bolt "go.etcd.io/bbolt"
)

// A projector version bump (a change of what the read models mean) makes the next start rebuild
// them from the log.
func TestVersionBumpRebuilds(t *testing.T) {
	ctx := context.Background()
	g := newHistoryGen(7)
	for len(g.log) < 80 {
		g.step()
	}
	p, path := MustOpenProjection(t)
	if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
		t.Fatal(err)
	}
	want := p.Figures(domain.Query{AsOf: domain.MustDate(2024, 1, 1)})
	p.Close()

	// Reopening with the same version keeps the read models.
	p, err := projections.Open(path, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rebuilt() || p.Checkpoint() != uint64(len(g.log)) {
		t.Fatalf("reopen: rebuilt=%v checkpoint=%d, want kept read models at %d", p.Rebuilt(), p.Checkpoint(), len(g.log))
	}
	p.Close()

	// A file written by another projector version is reset and rebuilt.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("version"), []byte{0, 0, 0, 0, 0, 0, 0, 1})
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p, err = projections.Open(path, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !p.Rebuilt() || p.Checkpoint() != 0 {
		t.Fatalf("after a version change: rebuilt=%v checkpoint=%d, want a reset to 0", p.Rebuilt(), p.Checkpoint())
	}
	if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
		t.Fatal(err)
	}
	got := p.Figures(domain.Query{AsOf: domain.MustDate(2024, 1, 1)})
	for id, v := range want.Figures {
		if got.Figures[id] != v {
			t.Errorf("%s after rebuild = %d, before = %d", id, got.Figures[id], v)
		}
	}
}

// An event type this build does not know is reported, not silently skipped, and the events
// around it are applied.
func TestUnknownEventTypeIsReported(t *testing.T) {
	ctx := context.Background()
	g := newHistoryGen(8)
	for len(g.log) < 30 {
		g.step()
	}
	log := append([]domain.Recorded(nil), g.log...)
	future := domain.Recorded{ID: "from-the-future", Type: "ocop.star_rating_v2", Stream: "product.p1", Sequence: uint64(len(log) + 1), RecordedAt: g.clock.Add(time.Hour)}
	log = append(log, future)
	p, _ := MustOpenProjection(t)
	if err := p.CatchUp(ctx, projections.SliceSource(log), nil); err != nil {
		t.Fatal(err)
	}
	if n := p.Unknown()["ocop.star_rating_v2"]; n != 1 {
		t.Fatalf("unknown types reported: %v, want ocop.star_rating_v2: 1", p.Unknown())
	}
	if p.Checkpoint() != future.Sequence {
		t.Errorf("checkpoint %d, want %d: the unknown event must still be passed", p.Checkpoint(), future.Sequence)
	}
	q := domain.Query{AsOf: domain.MustDate(2023, 6, 1)}
	want := domain.Evaluate(log, q)
	got := p.Figures(q)
	for _, f := range domain.Figures() {
		if got.Figures[f.ID] != want.Count(f.ID) {
			t.Errorf("%s = %d, want %d", f.ID, got.Figures[f.ID], want.Count(f.ID))
		}
	}
}

// Live following: events applied by Run as they come give the same figures as a rebuild.
func TestRunFollowsAndWaitFor(t *testing.T) {
	g := newHistoryGen(9)
	for len(g.log) < 60 {
		g.step()
	}
	p, _ := MustOpenProjection(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, projections.SliceSource(g.log)) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := p.WaitFor(wctx, uint64(len(g.log))); err != nil {
		t.Fatalf("WaitFor: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	q := domain.Query{AsOf: domain.MustDate(2024, 3, 1)}
	want := domain.Evaluate(g.log, q)
	for _, f := range domain.Figures() {
		if got := p.Figures(q).Figures[f.ID]; got != want.Count(f.ID) {
			t.Errorf("%s = %d, want %d", f.ID, got, want.Count(f.ID))
		}
	}
}

// Stopping half way and starting again (an empty cache: every stream is loaded back from bbolt)
// gives the same read models as one run.
func TestRestartHalfWay(t *testing.T) {
	ctx := context.Background()
	for seed := int64(20); seed < 30; seed++ {
		g := newHistoryGen(seed)
		for len(g.log) < 200 {
			g.step()
		}
		p, path := MustOpenProjection(t)
		cut := 60 + int(seed%7)*17
		if err := p.CatchUp(ctx, projections.SliceSource(g.log[:cut]), nil); err != nil {
			t.Fatal(err)
		}
		p.Close()
		p, err := projections.Open(path, projections.Options{BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
			t.Fatalf("seed %d: catch up after restart: %v", seed, err)
		}
		for i := 0; i < 10; i++ {
			q := domain.Query{AsOf: g.date(2018, 2027), From: g.date(2020, 2023)}
			if i%2 == 1 {
				q.KnownAt = g.log[g.r.Intn(len(g.log))].RecordedAt
			}
			compare(t, ctx, fmt.Sprintf("seed %d restart query %d", seed, i), p, g.log, q)
		}
		p.Close()
	}
}

// failingSource is a log whose reading fails after n events: a rebuild interrupted half way.
type failingSource struct {
	projections.SliceSource
	n int
}

func (s failingSource) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return s.SliceSource.Read(ctx, from, func(r domain.Recorded) error {
		if r.Sequence > uint64(s.n) {
			return errors.New("the broker went away")
		}
		return fn(r)
	})
}

// A rebuild from zero that stops half way (its stream indexes were still in memory) is started
// again from zero at the next open, and then gives the same figures as the naive recomputation.
func TestInterruptedRebuildStartsAgain(t *testing.T) {
	defer projections.SetBulkMin(1)()
	ctx := context.Background()
	g := newHistoryGen(7)
	for len(g.log) < 300 {
		g.step()
	}
	path := filepath.Join(t.TempDir(), "p.db")
	p, err := projections.Open(path, projections.Options{BatchSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(ctx, failingSource{projections.SliceSource(g.log), 150}, nil); err == nil {
		t.Fatal("catch up over a failing log succeeded")
	}
	if p.Checkpoint() == 0 {
		t.Fatal("nothing was committed before the failure; the test does not test anything")
	}
	p.Close()
	p, err = projections.Open(path, projections.Options{BatchSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !p.Rebuilt() || p.Checkpoint() != 0 {
		t.Fatalf("after an interrupted rebuild: rebuilt %v, checkpoint %d; want a rebuild from zero", p.Rebuilt(), p.Checkpoint())
	}
	if err := p.CatchUp(ctx, projections.SliceSource(g.log), nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		q := domain.Query{AsOf: g.date(2018, 2027), From: g.date(2020, 2023)}
		if i%2 == 1 {
			q.KnownAt = g.log[g.r.Intn(len(g.log))].RecordedAt
		}
		compare(t, ctx, fmt.Sprintf("after an interrupted rebuild, query %d", i), p, g.log, q)
	}
}

// pausingSource is a log whose reading stops after n events until released.
type pausingSource struct {
	projections.SliceSource
	n               int
	paused, release chan struct{}
}

func (s pausingSource) Read(ctx context.Context, from uint64, fn func(domain.Recorded) error) error {
	return s.SliceSource.Read(ctx, from, func(r domain.Recorded) error {
		if r.Sequence == uint64(s.n+1) {
			close(s.paused)
			<-s.release
		}
		return fn(r)
	})
}

// While a rebuild from zero keeps its stream indexes in memory, the questions that need them
// (explain, breakdowns, expiring) say "not now, ask again" (503 over HTTP) instead of answering
// from half the indexes; figures keep answering; afterwards everything answers.
func TestQuestionsDuringARebuildFromZero(t *testing.T) {
	defer projections.SetBulkMin(1)()
	ctx := context.Background()
	g := newHistoryGen(11)
	for len(g.log) < 300 {
		g.step()
	}
	p, _ := MustOpenProjection(t)
	src := pausingSource{projections.SliceSource(g.log), 150, make(chan struct{}), make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- p.CatchUp(ctx, src, nil) }()
	<-src.paused
	if err := p.WaitFor(ctx, 140); err != nil {
		t.Fatal(err)
	}
	q := domain.Query{AsOf: domain.MustDate(2025, 8, 7)}
	_, err := p.Explain(ctx, "ocop.valid", q)
	if domain.ErrorCode(err) != domain.CodeUnavailable || domain.HTTPStatus(domain.ErrorCode(err)) != 503 {
		t.Fatalf("explain during a rebuild from zero: %v; want unavailable (503)", err)
	}
	if _, err := p.Breakdown(ctx, q, "stars", "vi"); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("breakdown during a rebuild from zero: %v; want unavailable", err)
	}
	if _, err := p.Expiring(ctx, q, 30); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("expiring during a rebuild from zero: %v; want unavailable", err)
	}
	if !strings.Contains(i18n.Localize(err, "vi"), "đang được dựng lại") {
		t.Errorf("the refusal in Vietnamese: %q", i18n.Localize(err, "vi"))
	}
	got := p.Figures(domain.Query{AsOf: q.AsOf, KnownAt: g.log[139].RecordedAt})
	want := domain.Evaluate(g.log[:140], domain.Query{AsOf: q.AsOf, KnownAt: g.log[139].RecordedAt})
	if got.Figures["ocop.valid"] != want.Count("ocop.valid") {
		t.Errorf("figures during the rebuild: ocop.valid = %d, naive %d", got.Figures["ocop.valid"], want.Count("ocop.valid"))
	}
	// Waiting for position 140 with the read models whole lasts until the rebuild has written
	// them: at that moment explain answers.
	ready := make(chan error, 1)
	go func() {
		if err := p.WaitReady(ctx, 140); err != nil {
			ready <- err
			return
		}
		_, err := p.Explain(ctx, "ocop.valid", q)
		ready <- err
	}()
	select {
	case err := <-ready:
		t.Fatalf("WaitReady returned during the rebuild from zero (explain then: %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(src.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-ready; err != nil {
		t.Errorf("explain right after WaitReady: %v", err)
	}
	compare(t, ctx, "after the rebuild", p, g.log, q)
}
