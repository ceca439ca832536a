package reactive

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/internal/syncbuf"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// syncBuffer is a log a test reads while other goroutines write it.
type syncBuffer = syncbuf.Buffer

// feedEnv runs a figure feed over a real store and projection; NATS can be made slow for it: the
// OCOP_FIGURES stream taken away and a subscriber that never answers put in its place, so that
// every publish waits for an acknowledgement that does not come.
type feedEnv struct {
	t       *testing.T
	ctx     context.Context
	store   *eventstore.Store
	ledger  *ledger.Ledger
	proj    *projections.Projection
	logs    *syncBuffer
	streamC jetstream.StreamConfig
	blocker *nats.Subscription

	mu      sync.Mutex
	dropped []FigureChange
}

// now, if given, is the feed's clock; default reportDay.
func newFeedEnv(t *testing.T, cfg FigureFeedConfig, now ...func() time.Time) *feedEnv {
	ctx := testContext(t)
	e := &feedEnv{t: t, ctx: ctx, store: mustOpenStore(t), proj: mustOpenProjection(t), logs: &syncBuffer{}}
	e.ledger = ledger.New(e.store, nil)
	cfg.Store, cfg.Projection = e.store, e.proj
	cfg.Now = func() time.Time { return reportDay }
	if len(now) > 0 {
		cfg.Now = now[0]
	}
	cfg.Logger = slog.New(slog.NewTextHandler(e.logs, nil))
	cfg.OnDropped = func(c FigureChange, err error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.dropped = append(e.dropped, c)
	}
	feed, err := NewFigureFeed(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.store.JetStream().Stream(ctx, StreamFigures)
	if err != nil {
		t.Fatal(err)
	}
	e.streamC = st.CachedInfo().Config
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); feed.Run(runCtx) }()
	go func() { defer wg.Done(); e.proj.Run(runCtx, e.ledger) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return e
}

// slowNATS takes the stream away and puts a subscriber that never answers on its subjects.
func (e *feedEnv) slowNATS() {
	if err := e.store.JetStream().DeleteStream(e.ctx, StreamFigures); err != nil {
		e.t.Fatal(err)
	}
	sub, err := e.store.Conn().Subscribe(SubjectFigures+">", func(*nats.Msg) {})
	if err != nil {
		e.t.Fatal(err)
	}
	e.blocker = sub
}

// healthyNATS brings the stream back.
func (e *feedEnv) healthyNATS() {
	e.blocker.Unsubscribe()
	if _, err := e.store.JetStream().CreateStream(e.ctx, e.streamC); err != nil {
		e.t.Fatal(err)
	}
}

// stored returns the figure changes the stream holds, by figure.
func (e *feedEnv) stored() map[string][]FigureChange {
	st, err := e.store.JetStream().Stream(e.ctx, StreamFigures)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string][]FigureChange{}
	if err := readAll(e.ctx, st, SubjectFigures+">", func(m jetstream.Msg) error {
		var c FigureChange
		if err := jsonUnmarshal(m.Data(), &c); err != nil {
			return err
		}
		out[c.Figure] = append(out[c.Figure], c)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *feedEnv) droppedChanges() []FigureChange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]FigureChange(nil), e.dropped...)
}

// While NATS does not acknowledge, the feed publishes again with backoff; once NATS takes them,
// each change is in the stream exactly once and nothing was given up.
func TestFigureFeedRetriesWhileNATSIsSlow(t *testing.T) {
	e := newFeedEnv(t, FigureFeedConfig{AttemptTimeout: 100 * time.Millisecond,
		Retry: RetryPolicy{MaxRetries: 50, Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 2}})
	e.slowNATS()
	pos := mustRecord(t, e.ledger, certified("toi-ly-son", domain.MustDate(2025, 1, 10)))
	eventually(t, 20*time.Second, "two publishes that time out", func() bool {
		return strings.Count(e.logs.String(), "publishing again") >= 2
	})
	e.healthyNATS()
	eventually(t, 20*time.Second, "the changes in the stream", func() bool { return len(e.stored()) == 2 })
	for _, fig := range []string{"ocop.valid", "ocop.valid.stars4"} {
		if got := e.stored()[fig]; len(got) != 1 || got[0].Old != 0 || got[0].New != 1 || got[0].Position != pos.Sequence {
			t.Errorf("%s in the stream: %+v, want once 0 → 1 at %d", fig, got, pos.Sequence)
		}
	}
	if d := e.droppedChanges(); len(d) != 0 {
		t.Errorf("changes given up: %+v", d)
	}
}

// After the last retry the changes are given up, never silently: each is logged as an error,
// naming the figure and position, and reported to OnDropped; the feed goes on with the next ones.
func TestFigureFeedGivesUpAfterTheBoundAndSaysSo(t *testing.T) {
	e := newFeedEnv(t, FigureFeedConfig{AttemptTimeout: 100 * time.Millisecond,
		Retry: RetryPolicy{MaxRetries: 2, Initial: 20 * time.Millisecond, Max: 50 * time.Millisecond, Multiplier: 2}})
	e.slowNATS()
	pos := mustRecord(t, e.ledger, certified("toi-ly-son", domain.MustDate(2025, 1, 10)))
	eventually(t, 20*time.Second, "the changes given up", func() bool { return len(e.droppedChanges()) == 2 })
	for _, c := range e.droppedChanges() {
		if c.Position != pos.Sequence || c.New != 1 || (c.Figure != "ocop.valid" && c.Figure != "ocop.valid.stars4") {
			t.Errorf("given up: %+v", c)
		}
	}
	log := e.logs.String()
	if strings.Count(log, "level=ERROR msg=\"figures: change given up") != 2 || !strings.Contains(log, "figure=ocop.valid ") ||
		!strings.Contains(log, "attempts=3") || strings.Count(log, "publishing again") != 2 || !strings.Contains(log, "deadline exceeded") {
		t.Errorf("want 2 retries, then each change given up as an error with its figure and the attempts; log:\n%s", log)
	}
	e.healthyNATS()
	pos2 := mustRecord(t, e.ledger, certified("tra-sam", domain.MustDate(2025, 1, 11)))
	eventually(t, 20*time.Second, "the next change in the stream", func() bool { return len(e.stored()["ocop.valid"]) == 1 })
	if c := e.stored()["ocop.valid"][0]; c.Position != pos2.Sequence || c.Old != 1 || c.New != 2 {
		t.Errorf("after NATS came back: %+v, want 1 → 2 at %d", c, pos2.Sequence)
	}
}
