package datadir

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// Options say how to open the ledger of a data directory.
type Options struct {
	Dir  Dir
	NATS NATS // a server given by the user; with no URL, the embedded one in Dir
	// ListenNATS (embedded) also accepts NATS readers on this address, with the accounts of
	// ListenUsers (readerEnv: $OCOPLEDGER_NATS_READER).
	ListenNATS, ReaderEnv string
	Replicas              int
	// StreamName, when set, is another stream than the ledger's (a backup mirror), read as it is.
	StreamName string
	ReadOnly   bool
	// StoreDir, when set, is the embedded store's folder instead of Dir's (a copy of it).
	StoreDir string
	// Create lets opening create the ledger's stream when nothing the directory holds says that
	// the log existed; NewLedger always (a new ledger on purpose); Restoring too, and the restored
	// log is then checked by Restore.
	Create, NewLedger, Restoring bool
	// AsIs reads the log as it is, to save or show what is there: nothing is checked against
	// the known history.
	AsIs   bool
	Logger *slog.Logger
}

// Node is the ledger of a data directory, opened part by part on demand: the event store, with
// the data directory's owner lock and the check that the log extends the history the directory
// knows; the ledger service; the read models; the checkpoints. Close releases what was opened.
type Node struct {
	o          Options
	history    *History
	store      *eventstore.Store
	ledger     *ledger.Ledger
	proj       *projections.Projection
	readerFile string
	closers    []func() error
}

// Open returns the node of a data directory; nothing is opened until asked for.
func Open(o Options) *Node { return &Node{o: o} }

// Close releases whatever was opened, newest first, and returns the first error.
func (n *Node) Close() error {
	var first error
	for i := len(n.closers) - 1; i >= 0; i-- {
		if err := n.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	n.closers = nil
	return first
}

// OnClose adds f to what Close runs (first, as the newest).
func (n *Node) OnClose(f func() error) { n.closers = append(n.closers, f) }

// History is what the data directory knows of the log (nil before the store is opened, or when
// another stream is read).
func (n *Node) History() *History { return n.history }

// ReaderFile is the file of the NATS readers' credentials (ListenNATS), "" if none or given by
// the environment.
func (n *Node) ReaderFile() string { return n.readerFile }

// Opened is the store if it was opened, else nil.
func (n *Node) Opened() *eventstore.Store { return n.store }

// Store opens the event store: the embedded nats-server in the data directory, or the server
// the options name.
func (n *Node) Store(ctx context.Context) (*eventstore.Store, error) {
	if n.store != nil {
		return n.store, nil
	}
	o := n.o
	cfg := eventstore.Config{NatsURL: o.NATS.URL, ListenAddr: o.ListenNATS, Replicas: o.Replicas, Logger: o.Logger,
		StreamName: o.StreamName, ReadOnly: o.ReadOnly}
	if o.NATS.URL == "" {
		cfg.DataDir = cmp.Or(o.StoreDir, o.Dir.StorePath())
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, MakeError(o.Dir.Path, err)
		}
		if o.ListenNATS != "" {
			users, file, err := o.Dir.ListenUsers(o.ReaderEnv)
			if err != nil {
				return nil, err
			}
			cfg.ListenUsers, n.readerFile = users, file
		}
	}
	opts, err := o.NATS.Options()
	if err != nil {
		return nil, err
	}
	cfg.NatsOptions = opts
	if o.StreamName == "" {
		if n.history, err = o.Dir.LoadHistory(o.Logger); err != nil {
			return nil, err
		}
		cfg.NoCreate = !(o.NewLedger || o.Restoring || o.Create && n.history.None())
	}
	s, err := eventstore.Open(ctx, cfg)
	if err != nil {
		if n.history != nil {
			if e := n.history.OpenError(err, cmp.Or(o.NATS.URL, o.Dir.Path)); e != nil {
				return nil, e
			}
		}
		return nil, o.Dir.StoreError(err, cfg)
	}
	n.store = s
	n.OnClose(s.Close)
	if o.StreamName == "" && !o.ReadOnly && !o.AsIs {
		if err := n.history.Check(ctx, s, o.NewLedger, o.Restoring); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Ledger opens the ledger service.
func (n *Node) Ledger(ctx context.Context) (*ledger.Ledger, error) {
	if n.ledger != nil {
		return n.ledger, nil
	}
	s, err := n.Store(ctx)
	if err != nil {
		return nil, err
	}
	n.ledger = ledger.New(s, n.o.Logger)
	return n.ledger, nil
}

// Projection opens the read models without catching up.
func (n *Node) Projection(opts projections.Options) (*projections.Projection, error) {
	if n.proj != nil {
		return n.proj, nil
	}
	if err := n.o.Dir.Make(); err != nil {
		return nil, err
	}
	opts.Logger = cmp.Or(opts.Logger, n.o.Logger)
	p, err := projections.Open(n.o.Dir.ReadModelPath(), opts)
	if err != nil {
		return nil, err
	}
	n.proj = p
	n.OnClose(p.Close)
	return p, nil
}

// Figures opens the read models and brings them up to the end of the log (progress is told how
// far), checks them against the last published checkpoint and records what they now hold. A data
// directory with no ledger yet (and knowing of none) answers as an empty log, without creating one.
func (n *Node) Figures(ctx context.Context, progress func(done, total uint64)) (*projections.Projection, error) {
	var src projections.Source
	l, err := n.Ledger(ctx)
	switch {
	case n.NoLedgerYet(err):
		src = projections.SliceSource(nil)
		n.o.Logger.Info("no ledger in the data directory yet: the figures of an empty log", "data", n.o.Dir.Path)
	case err != nil:
		return nil, err
	default:
		src = l
	}
	p, err := n.Projection(projections.Options{})
	if err != nil {
		return nil, err
	}
	if err := p.CatchUp(ctx, src, progress); err != nil {
		return p, err
	}
	if n.store != nil {
		// The last published checkpoint is history known too.
		cl, err := checkpoint.Open(ctx, n.store, nil, false)
		if err == nil {
			err = cl.Check(ctx, n.ledger, p)
		}
		if err != nil {
			return p, err
		}
	}
	return p, n.RecordKnown(p)
}

// Checkpoints opens the ledger's checkpoint stream, signing with the data directory's key; with
// create it is made if missing.
func (n *Node) Checkpoints(ctx context.Context, create bool) (*checkpoint.Log, error) {
	s, err := n.Store(ctx)
	if err != nil {
		return nil, err
	}
	k, err := n.o.Dir.SigningKey()
	if err != nil {
		return nil, err
	}
	return checkpoint.Open(ctx, s, k, create)
}

// PublishCheckpoint signs a checkpoint of the log the read models p hold and publishes it, if
// the log grew since the last one (made); e is nil for an empty log.
func (n *Node) PublishCheckpoint(ctx context.Context, p *projections.Projection) (e *checkpoint.Entry, made bool, err error) {
	cl, err := n.Checkpoints(ctx, true)
	if err != nil {
		return nil, false, err
	}
	return cl.Make(ctx, p)
}

// Provenance is the provenance of an answer read from the first size entries of the log: the
// root of their Merkle tree, and the signed checkpoint of that size when one was published.
func (n *Node) Provenance(ctx context.Context, p *projections.Projection, size uint64) checkpoint.Provenance {
	var cl *checkpoint.Log
	if n.store != nil {
		cl, _ = checkpoint.Open(ctx, n.store, nil, false)
	}
	return cl.ProvenanceOf(ctx, p, size)
}

// RecordKnown records in the data directory what the read models now hold of the log.
func (n *Node) RecordKnown(p *projections.Projection) error {
	if n.o.StreamName != "" || n.o.ReadOnly || n.history == nil {
		return nil
	}
	return n.history.Record(p)
}

// Restore stores an export read from r (name names it in errors; allowMissing restores an
// incomplete one) into the log, opened (Options.Restoring) only once the export was checked
// whole (ledger.Restore), and returns how many entries it stored. The restored log must then
// hold the history the data directory knew, and is recorded as the ledger's stream from now on.
func (n *Node) Restore(ctx context.Context, r io.Reader, name string, allowMissing bool) (int, error) {
	var s *eventstore.Store
	open := func() (_ *eventstore.Store, err error) {
		s, err = n.Store(ctx)
		return s, err
	}
	count, err := ledger.Restore(ctx, open, r, name, allowMissing, time.Now())
	if err == nil {
		err = n.history.AdoptRestored(ctx, s)
	}
	return count, err
}

// NoLedgerYet reports whether err says that the data directory has no ledger yet (and knows of
// none): commands that only read answer as of an empty log.
func (n *Node) NoLedgerYet(err error) bool {
	return n.o.StreamName == "" && n.history.NoLedgerYet(err)
}

// Scrub reads again every entry the read models p applied and compares it with the log's Merkle
// tree they hold (progress is told how far).
func (n *Node) Scrub(ctx context.Context, p *projections.Projection, progress func(done, total uint64)) (ledger.ScrubReport, error) {
	l, err := n.Ledger(ctx)
	if err != nil {
		return ledger.ScrubReport{}, err
	}
	size, err := p.TreeSize()
	if err != nil {
		return ledger.ScrubReport{}, err
	}
	return l.Scrub(ctx, size, p.Leaves, progress)
}
