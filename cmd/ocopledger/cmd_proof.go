package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/provenance/verify"
	"github.com/ocopledger/ocopledger/tables"
)

type verifyOptions struct {
	checkpoints []string
	keys        []string
	proof       string
	witnessKeys []string
	witnesses   int
	hashes      string
}

type keyOptions struct {
	file   string
	origin string
}

func newVerifyCmd(m *Main) *cobra.Command {
	o := &verifyOptions{}
	c := m.command("verify", func(c *cobra.Command, args []string) error { return runVerify(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringArrayVar(&o.checkpoints, "checkpoint", nil, "")
	fs.StringArrayVar(&o.keys, "key", nil, "")
	fs.StringVar(&o.proof, "proof", "", "")
	fs.StringArrayVar(&o.witnessKeys, "witness-key", nil, "")
	fs.StringVar(&o.hashes, "hashes", "", "")
	fs.IntVar(&o.witnesses, "witnesses", 0, "")
	return c
}

func newKeyCmd(m *Main) *cobra.Command {
	o := &keyOptions{}
	c := m.command("key", func(c *cobra.Command, args []string) error { return runKey(c.Context(), m, o, args) },
		provenance.KeyFileName, provenance.KeyFileEnv)
	fs := c.Flags()
	fs.StringVar(&o.file, "signing-key", "", i18n.Flag(m.Lang, "key", "signing-key", provenance.KeyFileEnv))
	fs.StringVar(&o.origin, "origin", "", i18n.Flag(m.Lang, "key", "origin", provenance.DefaultOrigin))
	return c
}

func runKey(ctx context.Context, m *Main, o *keyOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "key")
	}
	k, err := provenance.LoadOrCreateKey(m.DataDir, provenance.KeyOptions{File: o.file, Origin: o.origin})
	if err != nil {
		return err
	}
	if m.JSON {
		return m.printJSON(map[string]any{"verifier_key": k.VerifierKey, "origin": k.Origin, "signing_key_file": k.Path, "created": k.Created})
	}
	if k.Created {
		fmt.Fprintf(m.Err, m.t("đã tạo khóa ký mới cho sổ cái %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
			"made a new signing key for the log %s in %s; back this file up somewhere safe\n"), k.Origin, k.Path)
	}
	fmt.Fprintln(m.Out, k.VerifierKey)
	return nil
}

func runVerify(ctx context.Context, m *Main, o *verifyOptions, args []string) error {
	if len(o.keys) == 0 {
		return usageError{domain.Invalid("key", "is missing: give the log's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := provenance.ReadVerifiers(o.keys)
	if err != nil {
		return err
	}
	if o.proof != "" {
		if len(args) > 0 || len(o.checkpoints) > 0 {
			return usagef("give either an export with its checkpoints or --proof, not both")
		}
		data, err := userfile.ReadSmall("proof", o.proof)
		if err != nil {
			return err
		}
		r, err := verify.Proof(data, verifiers)
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
	switch {
	case keys.Quorum == 0:
		keys.Quorum = len(witnesses)
	case keys.Quorum < 0 || keys.Quorum > len(witnesses):
		return usageError{domain.Invalid("witnesses", "%d is not a number of the %d witnesses given with --witness-key", keys.Quorum, len(witnesses))}
	}
	witnessedOnly := len(args) == 0 && len(witnesses) > 0 // the checkpoints' cosignatures alone
	if len(args) != 1 && !witnessedOnly {
		return usagef("verify takes one export file (or - for the standard input), got %d arguments", len(args))
	}
	if len(o.checkpoints) == 0 {
		return usageError{domain.Invalid("checkpoint", "is missing: give at least one signed checkpoint to verify the export against")}
	}
	var cps []verify.Checkpoint
	for _, path := range o.checkpoints {
		data, err := userfile.ReadSmall("checkpoint", path)
		if err != nil {
			return err
		}
		in, err := verify.Checkpoints(verify.File{Name: path, Data: data}, keys)
		if err != nil {
			return err
		}
		cps = append(cps, in...)
	}
	if witnessedOnly {
		return m.reply(tables.Witnessed(cps, m.Lang))
	}
	var r io.Reader = m.In
	if args[0] != "-" {
		f, err := openInput("file", args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	var opt verify.ExportOptions
	if o.hashes != "" {
		f, err := openInput("hashes", o.hashes)
		if err != nil {
			return err
		}
		defer f.Close()
		opt.Hashes, opt.HashesName = f, o.hashes
	}
	rep, err := verify.Export(ctx, r, cps, opt)
	if err != nil {
		return err
	}
	return m.reply(tables.VerifiedExport(rep, m.Lang))
}
