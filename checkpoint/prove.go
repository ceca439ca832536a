package checkpoint

import (
	"context"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// ProofRequest asks for a proof (ocopledger prove): that an entry, given by its Position or its
// ID, is in the log of Size entries (0: the latest checkpoint's), or that the log of To entries
// (0: the latest checkpoint's) extends that of From.
type ProofRequest struct {
	Position, Size uint64
	ID             string
	From, To       uint64
}

// Inclusion reports whether r asks for an entry's inclusion proof, not a consistency proof.
func (r ProofRequest) Inclusion() bool { return r.Position != 0 || r.ID != "" }

// Validate says what is wrong with how r asks: it must name one entry, or two sizes.
func (r ProofRequest) Validate() error {
	switch {
	case r.Position != 0 && r.ID != "":
		return domain.Invalid("", "give the entry by --position or by --id, not both")
	case r.Inclusion() && (r.From != 0 || r.To != 0):
		return domain.Invalid("", "give either an entry (--position or --id) or two sizes (--from, --to), not both")
	case !r.Inclusion() && r.From == 0:
		return domain.Invalid("", "give an entry (--position N or --id ID) or the older log's size (--from M)")
	}
	return nil
}

// Prove answers r from the read models p: a provenance.InclusionProof or a
// provenance.ConsistencyProof, signed by a checkpoint of the log.
func (l *Log) Prove(ctx context.Context, p *projections.Projection, r ProofRequest) (any, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if r.Inclusion() {
		return l.ProveEntry(ctx, p, r.Position, r.ID, r.Size)
	}
	return l.ProveConsistency(ctx, p, r.From, r.To)
}
