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
	"github.com/ThreeDotsLabs/watermill/message"
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
}

// FigureFeed publishes figure changes after the projection applies new entries.
type FigureFeed struct {
	cfg FigureFeedConfig
	log *slog.Logger
	pub message.Publisher
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
	if _, err := ensureStream(ctx, cfg.Store.JetStream(), jetstream.StreamConfig{
		Name: StreamFigures, Description: "ocopledger figure changes, one subject per figure",
		Subjects: []string{SubjectFigures + ">"}, Storage: jetstream.FileStorage, Replicas: replicasOf(cfg.Store),
		MaxAge: cfg.MaxAge, Duplicates: eventstore.DuplicateWindow,
	}); err != nil {
		return nil, err
	}
	pub, err := newPublisher(cfg.Store.Conn(), wmLogger(cfg.Logger))
	if err != nil {
		return nil, err
	}
	return &FigureFeed{cfg: cfg, log: cfg.Logger, pub: pub}, nil
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
		if err := f.Publish(ctx, last, now); err != nil {
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
func (f *FigureFeed) Publish(ctx context.Context, from, to uint64) error {
	today := domain.DateOf(f.cfg.Now())
	q := domain.Query{AsOf: today}
	before := f.cfg.Projection.FiguresAtPosition(q, from)
	after := f.cfg.Projection.FiguresAtPosition(q, to)
	var first error
	for _, fig := range domain.Figures() {
		o, n := before.Figures[fig.ID], after.Figures[fig.ID]
		if o == n {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		c := FigureChange{Figure: fig.ID, AsOf: today, Old: o, New: n, Position: after.Position, KnownAt: after.KnownAt}
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		m := message.NewMessage(watermill.NewUUID(), b)
		m.Metadata.Set(nats.MsgIdHdr, fmt.Sprintf("fig:%s:%s:%d", fig.ID, today, after.Position))
		m.Metadata.Set("ocop_position", strconv.FormatUint(after.Position, 10))
		if err := f.pub.Publish(SubjectFigures+fig.ID, m); err != nil && first == nil {
			first = fmt.Errorf("reactive: publish %s: %w", fig.ID, err)
		}
	}
	return first
}
