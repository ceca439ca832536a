package checkpoint

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/projections"
)

// PublisherConfig is what a Publisher needs.
type PublisherConfig struct {
	Log        *Log                    // where checkpoints are published, with its signing key
	Projection *projections.Projection // the read models: their Merkle tree is what is signed
	Store      *eventstore.Store       // the ledger's store: its end, and report.filed on NATS
	Logger     *slog.Logger            // nil: silent
	Every      time.Duration           // how often to look whether the log grew; default a minute
	ReadyWait  time.Duration           // how long to wait for the read models to reach the log's end; default 30 s
}

func (c *PublisherConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Every <= 0 {
		c.Every = time.Minute
	}
	if c.ReadyWait <= 0 {
		c.ReadyWait = 30 * time.Second
	}
}

// Publisher signs and publishes checkpoints of the log: at start, every Every while entries
// arrive, and as soon as a report is filed (a report.filed entry seen on NATS), once the read
// models hold it. It is a long-running part of serve.
type Publisher struct{ cfg PublisherConfig }

// NewPublisher returns a Publisher; Run starts it.
func NewPublisher(cfg PublisherConfig) *Publisher {
	cfg.setDefaults()
	return &Publisher{cfg: cfg}
}

// Run publishes checkpoints until ctx is done.
func (c *Publisher) Run(ctx context.Context) error {
	filed := make(chan struct{}, 1)
	sub, err := c.cfg.Store.Conn().Subscribe(eventstore.SubjectPrefix+"report.>", func(msg *nats.Msg) {
		if msg.Header.Get(eventstore.HeaderType) == "report.filed" {
			select {
			case filed <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		return err
	}
	defer sub.Unsubscribe()
	t := time.NewTicker(c.cfg.Every)
	defer t.Stop()
	for {
		c.make(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-filed:
		}
	}
}

// make waits for the read models to hold the log as it stands, then publishes a checkpoint of it
// if it grew.
func (c *Publisher) make(ctx context.Context) {
	end, err := c.cfg.Store.LastSequence(ctx)
	if err != nil {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, c.cfg.ReadyWait)
	defer cancel()
	if c.cfg.Projection.WaitReady(wctx, end) != nil {
		return // next time
	}
	e, made, err := c.cfg.Log.Make(ctx, c.cfg.Projection)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		c.cfg.Logger.Warn("cannot publish a checkpoint of the log", "err", err)
	case made:
		c.cfg.Logger.Info("published a signed checkpoint", "size", e.Size, "root", base64.StdEncoding.EncodeToString(e.Root), "seq", e.Seq)
	}
}

// HistoryChecker checks that the log extends a known history (ledger.Ledger.CheckHistory).
type HistoryChecker interface {
	CheckHistory(ctx context.Context, known domain.KnownHistory) error
}

// Check checks the log and the read models against the last published checkpoint: the log holds
// at least its entries and, once the read models' tree reaches its size, their root is the one
// signed. A nil Log, or one with no checkpoint yet, checks nothing.
func (l *Log) Check(ctx context.Context, log HistoryChecker, p *projections.Projection) error {
	if l == nil {
		return nil
	}
	e, err := l.Latest(ctx)
	if err != nil || e == nil {
		return err
	}
	known := domain.KnownHistory{Size: uint64(e.Size), Root: e.Root, By: domain.KnownByCheckpoints}
	if err := log.CheckHistory(ctx, known); err != nil {
		return err
	}
	if n, err := p.TreeSize(); err != nil || n < known.Size {
		return err
	}
	return CheckRoot(p, known)
}

// CheckRoot returns a history mismatch when the first known.Size entries of the read models'
// Merkle tree do not hash to known.Root.
func CheckRoot(p *projections.Projection, known domain.KnownHistory) error {
	root, err := p.Root(known.Size)
	if err != nil {
		return err
	}
	if !bytes.Equal(root[:], known.Root) {
		return domain.HistoryMismatch("the first %d entries of the log hash to the root %s, but %s shows the root %s for them: the log's history was changed; restore it from a backup",
			known.Size, base64.StdEncoding.EncodeToString(root[:]), known.By.Label(), base64.StdEncoding.EncodeToString(known.Root))
	}
	return nil
}
