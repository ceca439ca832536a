package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/ocopledger/ocopledger/witness"
)

type witnessOptions struct {
	ledger, token, state, name string
	ledgerKey                  []string
	every                      time.Duration
	once, printKey             bool
}

// witness: follow a ledger's checkpoints and cosign each that extends the last one cosigned.
func newWitnessCmd(m *Main) *cobra.Command {
	var o witnessOptions
	return m.Command(clihelp.Spec{Path: "witness",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.ledger, "ledger", "", "")
			fs.StringArrayVar(&o.ledgerKey, "ledger-key", nil, "")
			fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), "")
			clihelp.Secret(fs, "token")
			fs.StringVar(&o.state, "state", "", "")
			fs.StringVar(&o.name, "name", "", "")
			fs.DurationVar(&o.every, "every", time.Minute, "")
			fs.BoolVar(&o.once, "once", false, "")
			fs.BoolVar(&o.printKey, "print-key", false, "")
		},
		Run: func(ctx context.Context, _ []string) error { return runWitness(ctx, m, o) }})
}

func runWitness(ctx context.Context, m *Main, o witnessOptions) error {
	if o.state == "" {
		return clihelp.UsageError{Err: domain.Invalid("state", "is missing: give the witness's state folder (its key and what it cosigned are kept there)")}
	}
	key, err := witness.LoadKey(o.state, o.name)
	if err != nil {
		return err
	}
	if key.Created {
		fmt.Fprintf(m.Err, m.T("đã tạo khóa ký mới cho bên chứng kiến %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
			"made a new signing key for the witness %s in %s; back this file up somewhere safe\n"), key.Name, key.Path)
	}
	if o.printKey {
		if m.JSON {
			return m.printJSON(map[string]any{"verifier_key": key.VerifierKey, "name": key.Name, "signing_key_file": key.Path, "created": key.Created})
		}
		fmt.Fprintln(m.Out, key.VerifierKey)
		return nil
	}
	if o.ledger == "" {
		return clihelp.UsageError{Err: domain.Invalid("ledger", "is missing: give the ledger's address, like http://127.0.0.1:8080")}
	}
	if err := witness.CheckLedger(o.ledger); err != nil {
		return clihelp.AsUsage(err)
	}
	if len(o.ledgerKey) == 0 {
		return clihelp.UsageError{Err: domain.Invalid("ledger-key", "is missing: give the ledger's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := provenance.ReadVerifiers(o.ledgerKey)
	if err != nil {
		return err
	}
	cfg := witness.Config{Ledger: o.ledger, Verifiers: verifiers, Key: key, Dir: o.state, Token: o.token, Lang: m.Lang, Every: o.every,
		OnRound: func(r witness.Round) error { return printRound(m, r) },
		OnError: func(err error, retryIn time.Duration) {
			fmt.Fprintf(m.Err, m.T("bên chứng kiến: %s (thử lại sau %s)\n", "witness: %s (trying again in %s)\n"), i18n.Localize(err, m.Lang), retryIn)
		}}
	if err := cfg.Validate(); err != nil {
		return clihelp.AsUsage(err)
	}
	w, err := witness.Open(cfg)
	if err != nil {
		return err
	}
	defer w.Close()
	if !o.once {
		return w.Run(ctx)
	}
	r, err := w.Round(ctx)
	if err != nil {
		return err
	}
	return printRound(m, r)
}

// printRound says what a round of the witness did.
func printRound(m *Main, r witness.Round) error {
	if a, ok := tables.WitnessRound(r, m.Lang); ok {
		return m.reply(a)
	}
	return nil
}
