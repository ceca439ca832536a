package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Main holds what a command needs: the streams, the common options and, opened on demand, the
// event store, the ledger and the projections.
type Main struct {
	In       io.Reader
	Out, Err io.Writer

	// common options
	DataDir   string
	NatsURL   string
	NatsUser  string
	NatsPass  string
	NatsCreds string
	NatsCA    string // TLS: the CA that signed the NATS servers' certificates
	NatsCert  string // mutual TLS: this client's certificate and key
	NatsKey   string
	// NatsContext names a context of the nats command line tool (--context) that gives the NATS
	// options not given otherwise.
	NatsContext string
	ListenNATS  string
	Lang        string
	JSON        bool
	Verbose     bool
	Replicas    int
	// StreamName and ReadOnly, when a command reads another stream than the ledger's (a backup
	// mirror: export --mirror)
	StreamName string
	ReadOnly   bool
	// storeDir, when set, is the embedded store's folder instead of DataDir/jetstream (a copy of
	// it: export --salvage)
	storeDir string
	// NewLedger: start a new ledger on purpose (--new-ledger, on the commands that may create one)
	NewLedger bool
	// historyEvery and scrubAfter, when set, are how often serve checks the log's history and
	// when it first reads the whole log again (the tests' shorter times; ledger.WatchConfig).
	historyEvery, scrubAfter time.Duration

	Logger *slog.Logger
	cmd    string // the command being run, named in the hint of a usage error
	nd     *datadir.Node
	closer []func() error
}

// NewMain returns a Main writing to the given streams.
func NewMain(in io.Reader, out, errw io.Writer) *Main {
	return &Main{In: in, Out: out, Err: errw}
}

// Close releases whatever the command opened, newest first.
func (m *Main) Close() error {
	var err error
	if m.nd != nil {
		err = m.nd.Close()
	}
	m.nd = nil
	for i := len(m.closer) - 1; i >= 0; i-- {
		err = cmp.Or(err, m.closer[i]())
	}
	m.closer = nil
	return err
}

func defaultDataDir() string {
	if d := os.Getenv("OCOPLEDGER_DATA"); d != "" {
		return d
	}
	return "./ocopledger-data"
}

// commonFlags defines the options every command takes, on the root command; their descriptions
// are the catalogue's. The NATS options fall back on the nats command line tool's variables
// ($NATS_URL, $NATS_CREDS …), and --context reads one of its contexts.
func (m *Main) commonFlags(fs *pflag.FlagSet) {
	fs.StringVar(&m.DataDir, "data", defaultDataDir(), "")
	fs.StringVar(&m.NatsURL, "nats", cmp.Or(os.Getenv("OCOPLEDGER_NATS"), os.Getenv("NATS_URL")), "")
	fs.StringVar(&m.NatsUser, "nats-user", cmp.Or(os.Getenv("OCOPLEDGER_NATS_USER"), os.Getenv("NATS_USER")), "")
	fs.StringVar(&m.NatsPass, "nats-password", cmp.Or(os.Getenv("OCOPLEDGER_NATS_PASSWORD"), os.Getenv("NATS_PASSWORD")), "")
	clihelp.Secret(fs, "nats-password")
	fs.StringVar(&m.NatsCreds, "nats-creds", cmp.Or(os.Getenv("OCOPLEDGER_NATS_CREDS"), os.Getenv("NATS_CREDS")), "")
	fs.StringVar(&m.NatsCA, "nats-ca", cmp.Or(os.Getenv("OCOPLEDGER_NATS_CA"), os.Getenv("NATS_CA")), "")
	fs.StringVar(&m.NatsCert, "nats-cert", cmp.Or(os.Getenv("OCOPLEDGER_NATS_CERT"), os.Getenv("NATS_CERT")), "")
	fs.StringVar(&m.NatsKey, "nats-key", cmp.Or(os.Getenv("OCOPLEDGER_NATS_KEY"), os.Getenv("NATS_KEY")), "")
	fs.StringVar(&m.NatsContext, "context", "", "")
	fs.StringVar(&m.ListenNATS, "listen-nats", "", "")
	fs.IntVar(&m.Replicas, "replicas", 1, "")
	fs.BoolVarP(&m.Verbose, "v", "v", false, "")
	// Defining --lang and --json sets them to their defaults: keep what preScan read of the line,
	// the language the help is written in.
	lang, asJSON := m.Lang, m.JSON
	fs.StringVar(&m.Lang, "lang", envOr("OCOPLEDGER_LANG", "vi"), "")
	fs.BoolVar(&m.JSON, "json", false, "")
	m.Lang, m.JSON = lang, asJSON
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// Run runs the command line args and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	// The help and the messages are in the language the line asks for, before it is parsed.
	m.Lang, m.JSON = preScan(args)
	if len(args) > 0 && args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	root := newRootCmd(m)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		var nc notACommand
		if !errors.As(err, &nc) {
			return m.fail(err)
		}
		code := m.fail(domain.Invalid("", "%q is not a command of ocopledger; the commands are listed below", string(nc)))
		fmt.Fprintln(m.Err)
		clihelp.Commands(m.Err, m.Lang, root)
		return code
	}
	return 0
}

// notACommand is a word where a command's name should stand.
type notACommand string

func (n notACommand) Error() string { return string(n) + " is not a command" }

// newRootCmd builds the command line: the options every command takes, and each command.
func newRootCmd(m *Main) *cobra.Command {
	root := m.command("", func(c *cobra.Command, _ []string) error {
		clihelp.Commands(m.Out, m.Lang, c)
		return nil
	})
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return notACommand(args[0])
		}
		return nil
	}
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return m.setUp(c) }
	root.SilenceErrors, root.SilenceUsage = true, true
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(m.In)
	root.SetOut(m.Out)
	root.SetErr(m.Err)
	m.commonFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(m.flagError)
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { clihelp.Help(m.Out, m.Lang, c) })
	root.SetUsageFunc(func(c *cobra.Command) error { clihelp.Help(m.Err, m.Lang, c); return nil })
	root.SetHelpCommand(newHelpCmd(m))
	root.AddCommand(
		newFiguresCmd(m), newExplainCmd(m), newDiffCmd(m), newTimelineCmd(m), newExpiringCmd(m), newRebuildCmd(m),
		newRecordCmd(m), newImportCmd(m), newLogCmd(m), newExportCmd(m), newRestoreCmd(m), newStatusCmd(m), newDemoCmd(m),
		newReportCmd(m), newReconcileCmd(m), newServeCmd(m), newWatchCmd(m),
		newCheckpointCmd(m), newProveCmd(m), newVerifyCmd(m), newKeyCmd(m), newWitnessCmd(m),
		newVersionCmd(m), newCompletionCmd(m),
	)
	for _, c := range root.Commands() {
		if creates(c.Name()) {
			c.Flags().BoolVar(&m.NewLedger, "new-ledger", false, "")
		}
	}
	clihelp.Describe(m.Lang, root)
	return root
}

// setUp checks the common options once parsed and readies the logger.
func (m *Main) setUp(c *cobra.Command) error {
	m.cmd = c.Name()
	if !c.Flags().Changed("lang") {
		m.Lang = envOr("OCOPLEDGER_LANG", "vi")
	}
	if m.Lang != "vi" && m.Lang != "en" {
		// Which language the clerk reads is what is in doubt: say it in both.
		err := domain.Invalid("lang", "%q is not a language: give vi or en", m.Lang)
		m.Lang = "vi"
		if m.JSON {
			return err
		}
		return bilingual{err}
	}
	level := slog.LevelWarn
	if m.Verbose {
		level = slog.LevelInfo
	}
	m.Logger = slog.New(slog.NewTextHandler(m.Err, &slog.HandlerOptions{Level: level}))
	if m.NatsContext == "" {
		return nil
	}
	n := datadir.NATS{URL: m.NatsURL, User: m.NatsUser, Password: m.NatsPass, Creds: m.NatsCreds, CA: m.NatsCA, Cert: m.NatsCert, Key: m.NatsKey}
	err := n.FromContext(m.NatsContext)
	m.NatsURL, m.NatsUser, m.NatsPass, m.NatsCreds, m.NatsCA, m.NatsCert, m.NatsKey = n.URL, n.User, n.Password, n.Creds, n.CA, n.Cert, n.Key
	return err
}

// bilingual is an error said in Vietnamese and in English, whatever --lang asks for.
type bilingual struct{ err error }

func (b bilingual) Error() string { return b.err.Error() }
func (b bilingual) Unwrap() error { return b.err }

// preScan finds --lang and --json in arguments not yet parsed, so that the help and the messages
// about them are in the language asked for: the last --lang, else $OCOPLEDGER_LANG, else
// Vietnamese; a language that is neither vi nor en is Vietnamese.
func preScan(args []string) (lang string, asJSON bool) {
	lang = envOr("OCOPLEDGER_LANG", "vi")
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

// usageError is a mistake in how the command was called (exit code 2): what is wrong, as a
// domain error the catalogue translates, with a hint to the command's help.
type usageError struct{ err *domain.Error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error. The format is English and a constant; its Vietnamese form is in
// the catalogue (i18n/messages_vi.go).
func usagef(format string, args ...any) error {
	return usageError{domain.Invalid("", format, args...)}
}

// flagError says in words a clerk understands what the options parser refused, naming the flag.
func (m *Main) flagError(c *cobra.Command, err error) error {
	m.cmd = c.Name()
	if !c.HasParent() {
		m.cmd = ""
	}
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		badValue *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if sh := notExist.GetSpecifiedShortnames(); len(sh) > 1 {
			// -data: a long option written with one dash, as the flag package allowed.
			return usageError{domain.Invalid("", "%q is not an option: write an option as --name value or --name=value", "-"+sh)}
		}
		if m.cmd == "" {
			return usageError{domain.Invalid(name, "is not an option of every command: write it after the command's name, as in ocopledger <command> --%s …", name)}
		}
		return usageError{domain.Invalid(name, "is not an option of ocopledger %s", m.cmd)}
	case errors.As(err, &noValue):
		name := noValue.GetFlag().Name
		return usageError{domain.Invalid(name, "has no value: write --%s and its value", name)}
	case errors.As(err, &syntax):
		return usageError{domain.Invalid("", "%q is not an option: write an option as --name value or --name=value", syntax.GetSpecifiedFlag())}
	case errors.As(err, &badValue):
		f, value := badValue.GetFlag(), badValue.GetValue()
		switch f.Value.Type() {
		case "bool":
			return usageError{domain.Invalid(f.Name, "%q is not true or false: write --%s, or --%s=false", value, f.Name, f.Name)}
		case "int", "int64", "uint", "uint64":
			// pflag keeps no cause ("must be an integer"): whether the number is too large is ours.
			if _, perr := strconv.ParseInt(strings.TrimPrefix(value, "-"), 0, 64); errors.Is(perr, strconv.ErrRange) {
				return usageError{domain.Invalid(f.Name, "%q is too large a number", value)}
			}
			return usageError{domain.Invalid(f.Name, "%q is not a whole number", value)}
		}
		return usageError{domain.Invalid(f.Name, "%q is not a value this option takes (%s)", value, cause(errors.Unwrap(err)))}
	}
	return usageError{domain.Invalid("", "%v", err)}
}

// fail prints err for a clerk and returns the exit code its kind means.
func (m *Main) fail(err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(m.Err, m.t("ocopledger: lệnh đã bị ngắt giữa chừng", "ocopledger: interrupted"))
		return 130
	}
	var bi bilingual
	if errors.As(err, &bi) {
		fmt.Fprintf(m.Err, "ocopledger: lỗi: %s\nocopledger: error: %s\n", i18n.Localize(bi.err, "vi"), bi.err)
		return domain.ExitCode(domain.CodeInvalid)
	}
	err = ledger.ReadError(err) // whichever command read the log: the positions it lacks are named (exit 6)
	code := domain.ErrorCode(err)
	msg := i18n.Localize(err, m.Lang)
	var ue usageError
	usage := errors.As(err, &ue)
	if m.JSON {
		json.NewEncoder(m.Err).Encode(map[string]any{"error": map[string]any{"code": code, "field": domain.ErrorField(err),
			"message": msg, "message_en": err.Error()}})
	} else {
		fmt.Fprintf(m.Err, "ocopledger: %s: %s\n", m.t("lỗi", "error"), msg)
		if usage && m.cmd != "" {
			fmt.Fprintf(m.Err, m.t("(xem hướng dẫn: ocopledger help %s)\n", "(see ocopledger help %s)\n"), m.cmd)
		}
	}
	return domain.ExitCode(code)
}

// node is the data directory's ledger, opened part by part as the command asks.
func (m *Main) node() *datadir.Node {
	if m.nd == nil {
		m.nd = datadir.Open(datadir.Options{Dir: m.dir(), ListenNATS: m.ListenNATS, ReaderEnv: os.Getenv("OCOPLEDGER_NATS_READER"),
			NATS:     datadir.NATS{URL: m.NatsURL, User: m.NatsUser, Password: m.NatsPass, Creds: m.NatsCreds, CA: m.NatsCA, Cert: m.NatsCert, Key: m.NatsKey},
			Replicas: m.Replicas, StreamName: m.StreamName, ReadOnly: m.ReadOnly, StoreDir: m.storeDir,
			Create: creates(m.cmd), NewLedger: m.NewLedger, Restoring: m.cmd == "restore", AsIs: readsAsIs(m.cmd), Logger: m.Logger})
	}
	return m.nd
}

// Store opens the event store: the embedded nats-server in DataDir, or the server at NatsURL.
func (m *Main) Store(ctx context.Context) (*eventstore.Store, error) { return m.node().Store(ctx) }

// Ledger opens the ledger service.
func (m *Main) Ledger(ctx context.Context) (*ledger.Ledger, error) { return m.node().Ledger(ctx) }

// Projection opens the read models without catching up.
func (m *Main) Projection(opts projections.Options) (*projections.Projection, error) {
	return m.node().Projection(opts)
}

// Figures opens the read models and brings them up to the end of the log, with a progress bar
// on a terminal when there is much to do.
func (m *Main) Figures(ctx context.Context) (*projections.Projection, error) {
	bar := progress.New(m.Err, progress.Options{Label: m.t("dựng lại số liệu", "building figures")})
	defer bar.Done()
	return m.node().Figures(ctx, bar.Update)
}

func (m *Main) printJSON(v any) error {
	enc := json.NewEncoder(m.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// reply prints a reply as JSON or as text, as --json asks.
func (m *Main) reply(a tables.Reply) error {
	if m.JSON {
		return m.printJSON(a.JSON)
	}
	fmt.Fprint(m.Out, a.Text)
	return nil
}

// t picks the Vietnamese or English wording.
func (m *Main) t(vi, en string) string {
	if m.Lang == "en" {
		return en
	}
	return vi
}

func openInput(field, path string) (*os.File, error) { return userfile.Open(field, path) }

// cause is what the system said about a file, without the operation and path it repeats.
func cause(err error) string { return userfile.Cause(err) }
