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
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
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
	history   *datadir.History // what the data directory knows of the log (history.go)
	// historyEvery and scrubAfter, when set, are how often serve checks the log's history and
	// when it first reads the whole log again (the tests' shorter times; ledger.WatchConfig).
	historyEvery, scrubAfter time.Duration

	Logger *slog.Logger
	cmd    string // the command being run, named in the hint of a usage error
	// natsReaderFile holds the credentials of the --listen-nats clients ("" if none or given by
	// the environment).
	natsReaderFile string
	store          *eventstore.Store
	ledger         *ledger.Ledger
	proj           *projections.Projection
	closer         []func() error
}

// NewMain returns a Main writing to the given streams.
func NewMain(in io.Reader, out, errw io.Writer) *Main {
	return &Main{In: in, Out: out, Err: errw}
}

// Close releases whatever the command opened, newest first.
func (m *Main) Close() error {
	var first error
	for i := len(m.closer) - 1; i >= 0; i-- {
		if err := m.closer[i](); err != nil && first == nil {
			first = err
		}
	}
	m.closer = nil
	return first
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
	return m.natsContext()
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

// Store opens the event store: the embedded nats-server in DataDir, or the server at NatsURL.
func (m *Main) Store(ctx context.Context) (*eventstore.Store, error) {
	if m.store != nil {
		return m.store, nil
	}
	cfg := eventstore.Config{NatsURL: m.NatsURL, ListenAddr: m.ListenNATS, Replicas: m.Replicas, Logger: m.Logger,
		StreamName: m.StreamName, ReadOnly: m.ReadOnly}
	if m.NatsURL == "" {
		cfg.DataDir = cmp.Or(m.storeDir, m.dir().StorePath())
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, datadir.MakeError(m.DataDir, err)
		}
	}
	if m.NatsUser != "" {
		cfg.NatsOptions = append(cfg.NatsOptions, nats.UserInfo(m.NatsUser, m.NatsPass))
	}
	if m.NatsCreds != "" {
		o, err := natsCredsOption(m.NatsCreds)
		if err != nil {
			return nil, err
		}
		cfg.NatsOptions = append(cfg.NatsOptions, o)
	}
	if m.ListenNATS != "" && m.NatsURL == "" {
		users, file, err := m.dir().ListenUsers(os.Getenv("OCOPLEDGER_NATS_READER"))
		if err != nil {
			return nil, err
		}
		cfg.ListenUsers, m.natsReaderFile = users, file
	}
	tlsOpts, err := m.natsTLS()
	if err != nil {
		return nil, err
	}
	cfg.NatsOptions = append(cfg.NatsOptions, tlsOpts...)
	if err := m.beforeOpen(&cfg); err != nil {
		return nil, err
	}
	s, err := eventstore.Open(ctx, cfg)
	if err != nil {
		if e := m.openError(err); e != nil {
			return nil, e
		}
		return nil, m.dir().StoreError(err, cfg)
	}
	m.store = s
	m.closer = append(m.closer, s.Close)
	if err := m.afterOpen(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Ledger opens the ledger service.
func (m *Main) Ledger(ctx context.Context) (*ledger.Ledger, error) {
	if m.ledger != nil {
		return m.ledger, nil
	}
	s, err := m.Store(ctx)
	if err != nil {
		return nil, err
	}
	m.ledger = ledger.New(s, m.Logger)
	return m.ledger, nil
}

// Projection opens the read models without catching up.
func (m *Main) Projection(opts projections.Options) (*projections.Projection, error) {
	if m.proj != nil {
		return m.proj, nil
	}
	if err := m.dir().Make(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = m.Logger
	}
	p, err := projections.Open(m.dir().ReadModelPath(), opts)
	if err != nil {
		return nil, err
	}
	m.proj = p
	m.closer = append(m.closer, p.Close)
	return p, nil
}

// Figures opens the read models and brings them up to the end of the log, with a progress bar
// on a terminal when there is much to do.
func (m *Main) Figures(ctx context.Context) (*projections.Projection, error) {
	var src projections.Source
	l, err := m.Ledger(ctx)
	switch {
	case m.noLedgerYet(err):
		src = projections.SliceSource(nil) // an empty ledger's figures, without creating one
		m.Logger.Info("no ledger in the data directory yet: the figures of an empty log", "data", m.DataDir)
	case err != nil:
		return nil, err
	default:
		src = l
	}
	p, err := m.Projection(projections.Options{})
	if err != nil {
		return nil, err
	}
	bar := progress.New(m.Err, progress.Options{Label: m.t("dựng lại số liệu", "building figures")})
	err = p.CatchUp(ctx, src, bar.Update)
	bar.Done()
	if err == nil && m.store != nil {
		// The last published checkpoint is history known too.
		cl, cerr := checkpoint.Open(ctx, m.store, nil, false)
		if err = cerr; err == nil {
			err = cl.Check(ctx, m.ledger, p)
		}
	}
	if err == nil {
		err = m.recordKnown(p)
	}
	return p, err
}

func (m *Main) printJSON(v any) error {
	enc := json.NewEncoder(m.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// t picks the Vietnamese or English wording.
func (m *Main) t(vi, en string) string {
	if m.Lang == "en" {
		return en
	}
	return vi
}

// date formats a date for the output language: dd/mm/yyyy in Vietnamese.
func (m *Main) date(d domain.Date) string { return d.Format(m.Lang) }

// instant formats a moment for the output language, in Vietnam's time.
func (m *Main) instant(t time.Time) string { return tables.InstantText(t, m.Lang) }

// natsTLS returns the connection options for --nats-ca, --nats-cert and --nats-key, after
// checking that the files can be read (so that a wrong path is named, not a TLS failure).
func (m *Main) natsTLS() ([]nats.Option, error) {
	if m.NatsCA == "" && m.NatsCert == "" && m.NatsKey == "" {
		return nil, nil
	}
	if m.NatsURL == "" {
		return nil, domain.Invalid("nats-ca", "TLS options apply to a NATS server given with --nats, not to the embedded one")
	}
	if (m.NatsCert == "") != (m.NatsKey == "") {
		return nil, domain.Invalid("nats-cert", "give --nats-cert and --nats-key together")
	}
	var opts []nats.Option
	for _, f := range []struct{ field, path string }{{"nats-ca", m.NatsCA}, {"nats-cert", m.NatsCert}, {"nats-key", m.NatsKey}} {
		if f.path == "" {
			continue
		}
		file, err := openInput(f.field, f.path)
		if err != nil {
			return nil, err
		}
		file.Close()
	}
	if m.NatsCA != "" {
		opts = append(opts, nats.RootCAs(m.NatsCA))
	}
	if m.NatsCert != "" {
		opts = append(opts, nats.ClientCert(m.NatsCert, m.NatsKey))
	}
	return opts, nil
}

// openInput opens a file given by the flag or argument field, saying in a clerk's words why it
// cannot be read.
func openInput(field, path string) (*os.File, error) {
	f, err := os.Open(path)
	var e *domain.Error
	switch {
	case errors.Is(err, os.ErrNotExist):
		e = domain.Invalid(field, "there is no file %s", path)
	case errors.Is(err, os.ErrPermission):
		e = domain.Invalid(field, "%s cannot be read: you have no permission to read it", path)
	case err != nil:
		e = domain.Invalid(field, "%s cannot be read: %v", path, cause(err))
	default:
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, domain.Invalid(field, "%s is a folder, not a file", path)
		}
		return f, nil
	}
	e.Err = err
	return nil, e
}

// createOutput creates the file given by the flag field, saying why it cannot be written.
func createOutput(field, path string) (*os.File, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, domain.Invalid(field, "%s is a folder, not a file", path)
	}
	f, err := os.Create(path)
	var e *domain.Error
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, os.ErrNotExist):
		e = domain.Invalid(field, "the folder %s does not exist", filepath.Dir(path))
	case errors.Is(err, os.ErrPermission):
		e = domain.Invalid(field, "%s cannot be written: you have no permission to write there", path)
	default:
		e = domain.Invalid(field, "%s cannot be written: %v", path, cause(err))
	}
	e.Err = err
	return nil, e
}

// cause is what the system said about a file, without the operation and path it repeats.
func cause(err error) string { return datadir.Cause(err) }
