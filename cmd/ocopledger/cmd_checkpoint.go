package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/tables"
)

// checkpoint: publish a signed checkpoint of the log as the read models hold it.
func newCheckpointCmd(m *Main) *cobra.Command {
	return m.Command(clihelp.Spec{Path: "checkpoint", Run: func(ctx context.Context, _ []string) error {
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
		if !made && !m.JSON {
			fmt.Fprintf(m.Err, m.T("điểm kiểm chứng %d mục ghi đã được công bố trước đó\n", "the checkpoint of %d entries was published before\n"), e.Size)
		}
		return m.reply(tables.Checkpoint(e, made))
	}})
}

// prove: the proof that an entry is in the log, or that the log extends an older one.
func newProveCmd(m *Main) *cobra.Command {
	var r checkpoint.ProofRequest
	return m.Command(clihelp.Spec{Path: "prove",
		Flags: func(fs *pflag.FlagSet) {
			fs.Uint64Var(&r.Position, "position", 0, "")
			fs.StringVar(&r.ID, "id", "", "")
			fs.Uint64Var(&r.Size, "size", 0, "")
			fs.Uint64Var(&r.From, "from", 0, "")
			fs.Uint64Var(&r.To, "to", 0, "")
		},
		Run: func(ctx context.Context, _ []string) error {
			if err := r.Validate(); err != nil {
				return clihelp.AsUsage(err)
			}
			p, err := m.Figures(ctx)
			if err != nil {
				return err
			}
			cl, err := m.node().Checkpoints(ctx, false)
			if err != nil {
				return err
			}
			proof, err := cl.Prove(ctx, p, r)
			if err != nil {
				return err
			}
			return tables.WriteJSON(m.Out, proof)
		}})
}
