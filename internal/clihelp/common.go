package clihelp

import (
	"cmp"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
)

// Common are the options every command takes: where the ledger is (the data directory's
// datadir.Options, filled from the flags), the language, JSON output and the log's level.
type Common struct {
	datadir.Options
	// NATSContext names a context of the nats command line tool (--context) that gives the NATS
	// options not given otherwise.
	NATSContext string
	Lang        string
	JSON        bool
	Verbose     bool
	// Cmd is the command being run, named in the hint of a usage error ("" for the program).
	Cmd string
}

// Bind defines the common options on fs (the root command's persistent flags), with their
// defaults from the environment; their descriptions are the catalogue's (Describe). Lang and
// JSON keep what PreScan read of the line, the language the help is written in.
func (c *Common) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&c.Dir.Path, "data", cmp.Or(os.Getenv("OCOPLEDGER_DATA"), "./ocopledger-data"), "")
	// The NATS options fall back on ours, then on the nats command line tool's variables.
	n := &c.NATS
	for _, f := range []struct {
		name, ours, nats string
		p                *string
	}{
		{"nats", "OCOPLEDGER_NATS", "NATS_URL", &n.URL},
		{"nats-user", "OCOPLEDGER_NATS_USER", "NATS_USER", &n.User},
		{"nats-password", "OCOPLEDGER_NATS_PASSWORD", "NATS_PASSWORD", &n.Password},
		{"nats-creds", "OCOPLEDGER_NATS_CREDS", "NATS_CREDS", &n.Creds},
		{"nats-ca", "OCOPLEDGER_NATS_CA", "NATS_CA", &n.CA},
		{"nats-cert", "OCOPLEDGER_NATS_CERT", "NATS_CERT", &n.Cert},
		{"nats-key", "OCOPLEDGER_NATS_KEY", "NATS_KEY", &n.Key},
	} {
		fs.StringVar(f.p, f.name, cmp.Or(os.Getenv(f.ours), os.Getenv(f.nats)), "")
	}
	Secret(fs, "nats-password")
	fs.StringVar(&c.NATSContext, "context", "", "")
	fs.StringVar(&c.ListenNATS, "listen-nats", "", "")
	c.ReaderEnv = os.Getenv("OCOPLEDGER_NATS_READER")
	fs.IntVar(&c.Replicas, "replicas", 1, "")
	fs.BoolVarP(&c.Verbose, "v", "v", false, "")
	lang, asJSON := c.Lang, c.JSON
	fs.StringVar(&c.Lang, "lang", defaultLang(), "")
	fs.BoolVar(&c.JSON, "json", false, "")
	c.Lang, c.JSON = lang, asJSON
}

func defaultLang() string { return cmp.Or(os.Getenv("OCOPLEDGER_LANG"), "vi") }

// Settle checks the common options once the command cmd has parsed fs, makes the logger
// (warnings only, unless -v) writing to errw and reads the nats context, if one is named.
func (c *Common) Settle(fs *pflag.FlagSet, cmd string, errw io.Writer) error {
	c.Cmd = cmd
	if !fs.Changed("lang") {
		c.Lang = defaultLang()
	}
	if c.Lang != "vi" && c.Lang != "en" {
		// Which language the clerk reads is what is in doubt: say it in both.
		err := domain.Invalid("lang", "%q is not a language: give vi or en", c.Lang)
		c.Lang = "vi"
		if c.JSON {
			return err
		}
		return Bilingual{err}
	}
	level := slog.LevelWarn
	if c.Verbose {
		level = slog.LevelInfo
	}
	c.Logger = slog.New(slog.NewTextHandler(errw, &slog.HandlerOptions{Level: level}))
	if c.NATSContext == "" {
		return nil
	}
	return c.NATS.FromContext(c.NATSContext)
}

// T picks the Vietnamese or the English wording.
func (c *Common) T(vi, en string) string {
	if c.Lang == "en" {
		return en
	}
	return vi
}

// PreScan finds --lang and --json in arguments not yet parsed, so that the help and the
// messages about them are in the language asked for: the last --lang, else $OCOPLEDGER_LANG,
// else Vietnamese; a language that is neither vi nor en is Vietnamese.
func PreScan(args []string) (lang string, asJSON bool) {
	lang = defaultLang()
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			continue
		}
		switch name {
		case "lang":
			if !hasValue && i+1 < len(args) {
				value = args[i+1]
			}
			lang = value
		case "json":
			asJSON = !hasValue || value == "true" || value == "1"
		}
	}
	if lang != "en" {
		lang = "vi"
	}
	return lang, asJSON
}
