package datadir

import (
	"context"
	"time"

	"github.com/ocopledger/ocopledger/projections"
)

// Rebuild builds the read models again from the whole log (opened with opts; progress is told
// how far) and records what they now hold; took is how long reading the log took.
func (n *Node) Rebuild(ctx context.Context, opts projections.Options, progress func(done, total uint64)) (p *projections.Projection, took time.Duration, err error) {
	l, err := n.Ledger(ctx)
	if err != nil {
		return nil, 0, err
	}
	if p, err = n.Projection(opts); err != nil {
		return nil, 0, err
	}
	if err := p.Reset(); err != nil {
		return nil, 0, err
	}
	start := time.Now()
	if err := p.CatchUp(ctx, l, progress); err != nil {
		return nil, 0, err
	}
	took = time.Since(start)
	return p, took, n.RecordKnown(p)
}
