package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/ocopledger/ocopledger/witness"
)

type witnessOptions struct {
	ledger    string
	ledgerKey []string
	token     string
	state     string
	name      string
	every     time.Duration
	once      bool
	printKey  bool
}

func newWitnessCmd(m *Main) *cobra.Command {
	o := &witnessOptions{}
	c := m.command("witness", func(c *cobra.Command, args []string) error { return runWitness(c.Context(), m, o, args) })
	fs := c.Flags()
	fs.StringVar(&o.ledger, "ledger", "", "")
	fs.StringArrayVar(&o.ledgerKey, "ledger-key", nil, "")
	fs.StringVar(&o.token, "token", os.Getenv("OCOPLEDGER_TOKEN"), "")
	clihelp.Secret(fs, "token")
	fs.StringVar(&o.state, "state", "", "")
	fs.StringVar(&o.name, "name", "", "")
	fs.DurationVar(&o.every, "every", time.Minute, "")
	fs.BoolVar(&o.once, "once", false, "")
	fs.BoolVar(&o.printKey, "print-key", false, "")
	return c
}

func runWitness(ctx context.Context, m *Main, o *witnessOptions, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments", "witness")
	}
	if o.state == "" {
		return usageError{domain.Invalid("state", "is missing: give the witness's state folder (its key and what it cosigned are kept there)")}
	}
	key, err := witness.LoadKey(o.state, o.name)
	if err != nil {
		return err
	}
	if key.Created {
		fmt.Fprintf(m.Err, m.t("đã tạo khóa ký mới cho bên chứng kiến %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
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
		return usageError{domain.Invalid("ledger", "is missing: give the ledger's address, like http://127.0.0.1:8080")}
	}
	if err := witness.CheckLedger(o.ledger); err != nil {
		return asUsage(err)
	}
	if len(o.ledgerKey) == 0 {
		return usageError{domain.Invalid("ledger-key", "is missing: give the ledger's verifier key, as ocopledger key prints it")}
	}
	verifiers, err := provenance.ReadVerifiers(o.ledgerKey)
	if err != nil {
		return err
	}
	cfg := witness.Config{Ledger: o.ledger, Verifiers: verifiers, Key: key, Dir: o.state, Token: o.token, Lang: m.Lang, Every: o.every,
		OnRound: func(r witness.Round) error { return printRound(m, r) },
		OnError: func(err error, retryIn time.Duration) {
			fmt.Fprintf(m.Err, m.t("bên chứng kiến: %s (thử lại sau %s)\n", "witness: %s (trying again in %s)\n"), i18n.Localize(err, m.Lang), retryIn)
		}}
	if err := cfg.Validate(); err != nil {
		return asUsage(err)
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

// asUsage makes an invalid option's error a usage error (exit 2, with a hint to the help).
func asUsage(err error) error {
	var e *domain.Error
	if errors.As(err, &e) && e.Code == domain.CodeInvalid {
		return usageError{e}
	}
	return err
}
