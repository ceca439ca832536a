package ledger

import (
	"context"
	"log/slog"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// Tree is the log's Merkle tree as the read models hold it, and what they know of the log.
type Tree interface {
	Known() domain.KnownHistory
	TreeSize() (uint64, error)
	Leaves(from uint64, count int) ([][32]byte, error)
}

// Gate is what stops answering while the log does not extend its known history (the API's).
type Gate interface {
	HistoryError() error
	SetHistoryError(error)
}

// WatchConfig is what a HistoryWatch needs.
type WatchConfig struct {
	Ledger *Ledger
	Tree   Tree
	Gate   Gate
	// Known is the history the data directory knows of the log (it may grow as Record runs).
	Known func() domain.KnownHistory
	// Check, if set, checks more (the last signed checkpoint), after Known and the tree's.
	Check func(ctx context.Context) error
	// Record, if set, records how far the read models have read, while the log extends its
	// known history.
	Record func() error
	Logger *slog.Logger // nil: silent
	// Every is how often the history is checked (default 10 s); the whole log is read again
	// against the tree ScrubAfter the start (default a minute), then every ScrubEvery (6 h).
	Every, ScrubAfter, ScrubEvery time.Duration
}

func (c *WatchConfig) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Known == nil {
		c.Known = func() domain.KnownHistory { return domain.KnownHistory{} }
	}
	if c.Every <= 0 {
		c.Every = 10 * time.Second
	}
	if c.ScrubAfter <= 0 {
		c.ScrubAfter = time.Minute
	}
	if c.ScrubEvery <= 0 {
		c.ScrubEvery = 6 * time.Hour
	}
}

// HistoryWatch checks, at start and then every Every, that the log extends what the data
// directory and the read models know, closes the Gate while it does not, and records how far
// the read models have read. It reads the whole log again against the tree (Scrub) now and then.
type HistoryWatch struct {
	cfg WatchConfig
	// scrubErr is what the last scrub found wrong (nil: nothing, or no scrub yet).
	scrubErr error
}

// NewHistoryWatch returns a HistoryWatch; Run starts it.
func NewHistoryWatch(cfg WatchConfig) *HistoryWatch {
	cfg.setDefaults()
	return &HistoryWatch{cfg: cfg}
}

// Run watches until ctx is done.
func (w *HistoryWatch) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	scrub := time.NewTimer(w.cfg.ScrubAfter)
	defer scrub.Stop()
	for {
		w.check(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-scrub.C:
			w.scrub(ctx)
			scrub.Reset(w.cfg.ScrubEvery)
		}
	}
}

// scrub reads every entry the read models applied again and compares it with the log's Merkle
// tree: an entry damaged or changed in the store since it was applied is a history mismatch
// until a scrub finds the log whole again (after a restore).
func (w *HistoryWatch) scrub(ctx context.Context) {
	log := w.cfg.Logger
	n, err := w.cfg.Tree.TreeSize()
	if err != nil {
		log.Warn("cannot read the log's Merkle tree to check the log against it", "err", err)
		return
	}
	start := time.Now()
	r, err := w.cfg.Ledger.Scrub(ctx, n, w.cfg.Tree.Leaves, nil)
	switch {
	case ctx.Err() != nil:
	case err != nil:
		log.Warn("cannot read the log again to check it against its Merkle tree now", "err", err)
	case r.Err() != nil:
		log.Error("reading the log again: entries are not as recorded", "err", r.Err())
		w.scrubErr = r.Err()
	default:
		if w.scrubErr != nil {
			log.Info("reading the log again: every entry is as recorded again", "entries", n)
		}
		w.scrubErr = nil
		log.Info("read the log again: every entry is as its Merkle tree holds it", "entries", n, "took", time.Since(start).Round(time.Millisecond))
	}
}

func (w *HistoryWatch) check(ctx context.Context) {
	log, gate := w.cfg.Logger, w.cfg.Gate
	err := w.scrubErr
	if err == nil {
		err = w.cfg.Ledger.CheckHistory(ctx, w.cfg.Known())
	}
	if err == nil {
		err = w.cfg.Ledger.CheckHistory(ctx, w.cfg.Tree.Known())
	}
	if err == nil && w.cfg.Check != nil {
		err = w.cfg.Check(ctx)
	}
	switch {
	case ctx.Err() != nil:
	case domain.ErrorCode(err) == domain.CodeHistoryMismatch:
		if gate.HistoryError() == nil {
			log.Error("the log does not extend the history this ledger knows: nothing is answered from it until it does", "err", err)
		}
		gate.SetHistoryError(err)
	case err != nil:
		log.Warn("cannot check the log's history now", "err", err)
	default:
		if gate.HistoryError() != nil {
			log.Info("the log extends the known history again")
			gate.SetHistoryError(nil)
		}
		if w.cfg.Record == nil {
			return
		}
		if err := w.cfg.Record(); err != nil {
			log.Warn("cannot record the log's history in the data directory", "err", err)
		}
	}
}
