package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/provenance/verify"
	"github.com/ocopledger/ocopledger/tables"
)

type verifyOptions struct {
	checkpoints, keys, witnessKeys []string
	proof, hashes                  string
	witnesses                      int
}

// key: the log's verifier key, the signing key made on first use.
func newKeyCmd(m *Main) *cobra.Command {
	var o provenance.KeyOptions
	return m.Command(clihelp.Spec{Path: "key", HelpArgs: []any{provenance.KeyFileName, provenance.KeyFileEnv},
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.File, "signing-key", "", i18n.Flag(m.Lang, "key", "signing-key", provenance.KeyFileEnv))
			fs.StringVar(&o.Origin, "origin", "", i18n.Flag(m.Lang, "key", "origin", provenance.DefaultOrigin))
		},
		Run: func(context.Context, []string) error {
			k, err := provenance.LoadOrCreateKey(m.Dir.Path, o)
			if err != nil {
				return err
			}
			if k.Created && !m.JSON {
				fmt.Fprintf(m.Err, m.T("đã tạo khóa ký mới cho sổ cái %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
					"made a new signing key for the log %s in %s; back this file up somewhere safe\n"), k.Origin, k.Path)
			}
			return m.reply(tables.SigningKey(k))
		}})
}

// verify: an export against signed checkpoints, the checkpoints' cosignatures alone, or a proof.
func newVerifyCmd(m *Main) *cobra.Command {
	var o verifyOptions
	return m.Command(clihelp.Spec{Path: "verify", Args: true,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringArrayVar(&o.checkpoints, "checkpoint", nil, "")
			fs.StringArrayVar(&o.keys, "key", nil, "")
			fs.StringVar(&o.proof, "proof", "", "")
			fs.StringArrayVar(&o.witnessKeys, "witness-key", nil, "")
			fs.StringVar(&o.hashes, "hashes", "", "")
			fs.IntVar(&o.witnesses, "witnesses", 0, "")
		},
		Run: func(ctx context.Context, args []string) error { return runVerify(ctx, m, o, args) }})
}

func runVerify(ctx context.Context, m *Main, o verifyOptions, args []string) error {
	if len(o.keys) == 0 {
		return clihelp.UsageError{Err: domain.Invalid("key", "is missing: give the log's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := provenance.ReadVerifiers(o.keys)
	if err != nil {
		return err
	}
	if o.proof != "" {
		if len(args) > 0 || len(o.checkpoints) > 0 {
			return clihelp.Usagef("give either an export with its checkpoints or --proof, not both")
		}
		r, err := verify.ProofFile(o.proof, verifiers)
		if err != nil {
			return err
		}
		return m.reply(tables.VerifiedProof(r, m.Lang))
	}
	witnesses, err := provenance.ReadWitnessVerifiers(o.witnessKeys)
	if err != nil {
		return err
	}
	keys := verify.Keys{Log: verifiers, Witnesses: witnesses, Quorum: o.witnesses}
	if err := keys.Validate(); err != nil {
		return clihelp.AsUsage(err)
	}
	witnessedOnly := len(args) == 0 && len(witnesses) > 0 // the checkpoints' cosignatures alone
	if len(args) != 1 && !witnessedOnly {
		return clihelp.Usagef("verify takes one export file (or - for the standard input), got %d arguments", len(args))
	}
	if len(o.checkpoints) == 0 {
		return clihelp.UsageError{Err: domain.Invalid("checkpoint", "is missing: give at least one signed checkpoint to verify the export against")}
	}
	cps, err := verify.CheckpointFiles(o.checkpoints, keys)
	if err != nil {
		return err
	}
	if witnessedOnly {
		return m.reply(tables.Witnessed(cps, m.Lang))
	}
	rep, err := verify.ExportFile(ctx, args[0], m.In, cps, o.hashes)
	if err != nil {
		return err
	}
	return m.reply(tables.VerifiedExport(rep, m.Lang))
}
