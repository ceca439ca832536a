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

// witnessOptions are the witness command's flags: most are the witness's Config.
type witnessOptions struct {
	cfg            witness.Config
	ledgerKeys     []string
	name           string
	once, printKey bool
}

// witness: follow a ledger's checkpoints and cosign each that extends the last one cosigned.
func newWitnessCmd(m *Main) *cobra.Command {
	o := &witnessOptions{}
	return m.Command(clihelp.Spec{Path: "witness",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&o.cfg.Ledger, "ledger", "", "")
			fs.StringArrayVar(&o.ledgerKeys, "ledger-key", nil, "")
			fs.StringVar(&o.cfg.Token, "token", os.Getenv("OCOPLEDGER_TOKEN"), "")
			clihelp.Secret(fs, "token")
			fs.StringVar(&o.cfg.Dir, "state", "", "")
			fs.StringVar(&o.name, "name", "", "")
			fs.DurationVar(&o.cfg.Every, "every", time.Minute, "")
			fs.BoolVar(&o.once, "once", false, "")
			fs.BoolVar(&o.printKey, "print-key", false, "")
		},
		Run: func(ctx context.Context, _ []string) error { return runWitness(ctx, m, o) }})
}

func runWitness(ctx context.Context, m *Main, o *witnessOptions) error {
	if o.cfg.Dir == "" {
		return clihelp.UsageError{Err: domain.Invalid("state", "is missing: give the witness's state folder (its key and what it cosigned are kept there)")}
	}
	key, err := witness.LoadKey(o.cfg.Dir, o.name)
	if err != nil {
		return err
	}
	if key.Created {
		fmt.Fprintf(m.Err, m.T("đã tạo khóa ký mới cho bên chứng kiến %s trong %s; hãy sao lưu tệp này ở nơi an toàn\n",
			"made a new signing key for the witness %s in %s; back this file up somewhere safe\n"), key.Name, key.Path)
	}
	if o.printKey {
		return m.reply(tables.WitnessKey(key))
	}
	if len(o.ledgerKeys) > 0 { // none: Validate says they are missing
		if o.cfg.Verifiers, err = provenance.ReadVerifiers(o.ledgerKeys); err != nil {
			return err
		}
	}
	o.cfg.Key, o.cfg.Lang = key, m.Lang
	o.cfg.OnRound = func(r witness.Round) error { return printRound(m, r) }
	o.cfg.OnError = func(err error, retryIn time.Duration) {
		fmt.Fprintf(m.Err, m.T("bên chứng kiến: %s (thử lại sau %s)\n", "witness: %s (trying again in %s)\n"), i18n.Localize(err, m.Lang), retryIn)
	}
	if err := o.cfg.Validate(); err != nil {
		return clihelp.AsUsage(err)
	}
	w, err := witness.Open(o.cfg)
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
