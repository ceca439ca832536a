package reactive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/cenkalti/backoff/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/projections"
)

// FigureChange is the message published on ocop.figures.<figure-id>.
type FigureChange struct {
	Figure   string      `json:"figure"`
	AsOf     domain.Date `json:"as_of"` // the day the values are for: today in Vietnam
	Old      int64       `json:"old"`
	New      int64       `json:"new"`
	Position uint64      `json:"position"` // the last log position New includes
	KnownAt  time.Time   `json:"known_at,omitzero"`
}

// FigureFeedConfig configures a FigureFeed.
type FigureFeedConfig struct {
	Store      *eventstore.Store
	Projection *projections.Projection
	Logger     *slog.Logger
	// Now gives the time whose Vietnamese date is "today"; default time.Now.
	Now func() time.Time
	// MaxAge of the OCOP_FIGURES stream; default 30 days.
	MaxAge time.Duration
	// Retry is how the changes of a round are published again while NATS does not acknowledge
	// them (slow, or the stream's leader away); zero: 5 retries from 200 ms to 5 s. A repeat is
	// harmless: the stream drops it by its Nats-Msg-Id.
	Retry RetryPolicy
	// AttemptTimeout bounds each publish; default 5 s.
	AttemptTimeout time.Duration
	// OnDropped, if set, is called for each change given up after the retries (it is logged as
	// an error too), e.g. to count it in metrics.
	OnDropped func(FigureChange, error)
	// OnPanic, if set, is called when a round panics (it is logged with its stack and the feed
	// goes on), e.g. to count it in metrics.
	OnPanic func(part string)
}

// defaultFigureRetry retries a round of figure changes for about 15 s before giving it up.
var defaultFigureRetry = RetryPolicy{MaxRetries: 5, Initial: 200 * time.Millisecond, Max: 5 * time.Second, Multiplier: 2}

// FigureFeed publishes figure changes after the projection applies new entries.
type FigureFeed struct {
	cfg FigureFeedConfig
	log *slog.Logger
	js  jetstream.JetStream
}

// NewFigureFeed creates (or checks) the OCOP_FIGURES stream.
func NewFigureFeed(ctx context.Context, cfg FigureFeedConfig) (*FigureFeed, error) {
	if cfg.Store == nil || cfg.Projection == nil {
		return nil, errors.New("reactive: the figure feed needs a store and a projection")
	}
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 30 * 24 * time.Hour
	}
	if cfg.Retry == (RetryPolicy{}) {
		cfg.Retry = defaultFigureRetry
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 5 * time.Second
	}
	if _, err := ensureStream(ctx, cfg.Store.JetStream(), jetstream.StreamConfig{
		Name: StreamFigures, Description: "ocopledger figure changes, one subject per figure",
		Subjects: []string{SubjectFigures + ">"}, Storage: jetstream.FileStorage, Replicas: replicasOf(cfg.Store),
		MaxAge: cfg.MaxAge, Duplicates: eventstore.DuplicateWindow,
	}); err != nil {
		return nil, err
	}
	return &FigureFeed{cfg: cfg, log: cfg.Logger, js: cfg.Store.JetStream()}, nil
}

// Run publishes, each time the projection moves past the last position seen, the figures that
// changed between the two positions. It starts from the projection's checkpoint (history is not
// replayed) and returns nil when ctx is done.
func (f *FigureFeed) Run(ctx context.Context) error {
	last := f.cfg.Projection.Checkpoint()
	for {
		if err := f.cfg.Projection.WaitFor(ctx, last+1); err != nil {
			return nil
		}
		now := f.cfg.Projection.Checkpoint()
		err := recovered(f.log, "figure-feed", f.cfg.OnPanic, func() error { return f.Publish(ctx, last, now) })
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			f.log.Warn("figures: publish changes", "from", last, "to", now, "err", err)
		}
		last = now
	}
}

// Publish publishes the figures for today whose value at position to differs from that at
// position from. The serve command may call it from projections.Options.OnCommit instead of Run.
// While NATS does not acknowledge them it publishes again, with backoff (cfg.Retry); the changes
// still unpublished after the last retry are given up: logged, reported to OnDropped, returned.
func (f *FigureFeed) Publish(ctx context.Context, from, to uint64) error {
	today := domain.DateOf(f.cfg.Now())
	q := domain.Query{AsOf: today}
	before := f.cfg.Projection.FiguresAtPosition(q, from)
	after := f.cfg.Projection.FiguresAtPosition(q, to)
	var pending []FigureChange
	for _, fig := range domain.Figures() {
		if o, n := before.Figures[fig.ID], after.Figures[fig.ID]; o != n {
			pending = append(pending, FigureChange{Figure: fig.ID, AsOf: today, Old: o, New: n, Position: after.Position, KnownAt: after.KnownAt})
		}
	}
	if len(pending) == 0 {
		return nil
	}
	r := f.cfg.Retry
	b := &backoff.ExponentialBackOff{InitialInterval: r.Initial, RandomizationFactor: 0.1, Multiplier: r.Multiplier, MaxInterval: r.Max}
	attempts := 0
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		attempts++
		for len(pending) > 0 {
			if err := f.publish(ctx, pending[0]); err != nil {
				return struct{}{}, err
			}
			pending = pending[1:]
		}
		return struct{}{}, nil
	}, backoff.WithBackOff(b), backoff.WithMaxTries(uint(r.MaxRetries+1)), backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(func(err error, next time.Duration) {
			f.log.Warn("figures: NATS did not take a change; publishing again", "figure", pending[0].Figure, "position", to, "err", err, "in", next)
		}))
	if err == nil || ctx.Err() != nil {
		return err
	}
	for _, c := range pending {
		f.log.Error("figures: change given up: NATS did not take it", "figure", c.Figure, "as_of", c.AsOf, "old", c.Old, "new", c.New,
			"position", c.Position, "attempts", attempts, "err", err)
		if f.cfg.OnDropped != nil {
			f.cfg.OnDropped(c, err)
		}
	}
	return fmt.Errorf("reactive: %d figure changes at position %d given up after %d attempts: %w", len(pending), to, attempts, err)
}

// publish publishes one change, as a Watermill message, waiting at most cfg.AttemptTimeout for
// the stream's acknowledgement.
func (f *FigureFeed) publish(ctx context.Context, c FigureChange) error {
	b, err := json.Marshal(c)
	if err != nil {
		return backoff.Permanent(err)
	}
	m := message.NewMessage(watermill.NewUUID(), b)
	m.Metadata.Set(nats.MsgIdHdr, fmt.Sprintf("fig:%s:%s:%d", c.Figure, c.AsOf, c.Position))
	m.Metadata.Set("ocop_position", strconv.FormatUint(c.Position, 10))
	nm, err := (&wmnats.NATSMarshaler{}).Marshal(SubjectFigures+c.Figure, m)
	if err != nil {
		return backoff.Permanent(err)
	}
	actx, cancel := context.WithTimeout(ctx, f.cfg.AttemptTimeout)
	defer cancel()
	if _, err := f.js.PublishMsg(actx, nm); err != nil {
		return fmt.Errorf("reactive: publish %s: %w", c.Figure, err)
	}
	return nil
}
