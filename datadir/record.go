package datadir

import (
	"context"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
)

// Record records an event of type typ in the ledger (ledger.Ledger.Record). A report filed
// (report.filed, not a duplicate) is followed by a signed checkpoint of the log it was filed
// against: the read models are brought to the end of the log (progress is told how far) and
// the checkpoint published, as serve's checkpoint.Publisher does when it sees one.
func (n *Node) Record(ctx context.Context, typ string, payload []byte, meta ledger.Meta, progress func(done, total uint64)) (ledger.Position, error) {
	l, err := n.Ledger(ctx)
	if err != nil {
		return ledger.Position{}, err
	}
	pos, err := l.Record(ctx, typ, payload, meta)
	if err != nil || typ != domain.TypeReportFiled || pos.Duplicate {
		return pos, err
	}
	p, err := n.Figures(ctx, progress)
	if err == nil {
		_, _, err = n.PublishCheckpoint(ctx, p)
	}
	return pos, err
}
