package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

type proveOptions struct {
	position, size, from, to uint64
	id                       string
}

func newCheckpointCmd(m *Main) *cobra.Command {
	return m.command("checkpoint", func(c *cobra.Command, args []string) error { return runCheckpoint(c.Context(), m, args) })
}

func newProveCmd(m *Main) *cobra.Command {
	o := &proveOptions{}
	c := m.command("prove", func(c *cobra.Command, args []string) error { return runProve(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.Uint64Var(&o.position, "position", 0, "")
	fs.StringVar(&o.id, "id", "", "")
	fs.Uint64Var(&o.size, "size", 0, "")
	fs.Uint64Var(&o.from, "from", 0, "")
	fs.Uint64Var(&o.to, "to", 0, "")
	return c
}

// Checkpoints opens the ledger's checkpoint stream, signing with the data directory's key; with
// create it is made if missing.
func (m *Main) Checkpoints(ctx context.Context, create bool) (*checkpoint.Log, error) {
	return m.node().Checkpoints(ctx, create)
}

func runCheckpoint(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "checkpoint")
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	e, made, err := m.node().PublishCheckpoint(ctx, p)
	if err == nil && e == nil {
		err = domain.NotFound("the log is empty: there is nothing to commit to yet")
	}
	if err != nil {
		return err
	}
	if m.JSON {
		return m.printJSON(map[string]any{"checkpoint": e, "published_now": made})
	}
	if !made {
		fmt.Fprintf(m.Err, m.t("điểm kiểm chứng %d mục ghi đã được công bố trước đó\n", "the checkpoint of %d entries was published before\n"), e.Size)
	}
	fmt.Fprint(m.Out, e.Note)
	return nil
}

func runProve(ctx context.Context, m *Main, o *proveOptions, args []string) error {
	inclusion := o.position != 0 || o.id != ""
	switch {
	case len(args) > 0:
		return usagef("%s takes no arguments", "prove")
	case o.position != 0 && o.id != "":
		return usagef("give the entry by --position or by --id, not both")
	case inclusion && (o.from != 0 || o.to != 0):
		return usagef("give either an entry (--position or --id) or two sizes (--from, --to), not both")
	case !inclusion && o.from == 0:
		return usagef("give an entry (--position N or --id ID) or the older log's size (--from M)")
	}
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	cl, err := m.Checkpoints(ctx, false)
	if err != nil {
		return err
	}
	if !inclusion {
		proof, err := cl.ProveConsistency(ctx, p, o.from, o.to)
		if err != nil {
			return err
		}
		return m.printJSON(proof)
	}
	proof, err := cl.ProveEntry(ctx, p, o.position, o.id, o.size)
	if err != nil {
		return err
	}
	return m.printJSON(proof)
}

// provenance is the provenance of an answer read from the first size entries of the log.
func (m *Main) provenance(ctx context.Context, p *projections.Projection, size uint64) checkpoint.Provenance {
	return m.node().Provenance(ctx, p, size)
}

// checkpointNow brings the read models to the end of the log and publishes a signed checkpoint
// of it (when the log grew since the last).
func (m *Main) checkpointNow(ctx context.Context) error {
	p, err := m.Figures(ctx)
	if err != nil {
		return err
	}
	_, _, err = m.node().PublishCheckpoint(ctx, p)
	return err
}
