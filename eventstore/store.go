package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Store is the JetStream event store. It is safe for concurrent use.
type Store struct {
	cfg    Config
	log    *slog.Logger
	srv    *server.Server // nil when connected to NatsURL
	lock   *flock.Flock   // the data directory's lock, held while srv runs
	disk   *diskGuard     // the embedded server's full-disk guard (storage.go); nil with NatsURL
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream

	// appendMu serialises the sending of appends (not the wait for their
	// acknowledgements, pipeline.go) so that recorded times of this process's
	// appends follow the log order.
	appendMu     sync.Mutex
	lastRecorded time.Time      // the latest recording time given to an append; guarded by appendMu
	acks         *acker         // nil when ReadOnly
	group        chan *groupReq // single appends for the group sender (group.go)
	groupTook    atomic.Int64   // how long the last group took to be settled, in nanoseconds

	storedMu     sync.Mutex
	lastStoredAt time.Time // the latest recording time of an acknowledged append

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
}

// Open starts (embedded mode) or connects to (NatsURL) a nats-server, and
// creates the ledger stream or checks that the existing one cannot lose
// history. The returned Store must be closed.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.StreamName == "" {
		cfg.StreamName = DefaultStreamName
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if cfg.Replicas < 0 || cfg.Replicas > 5 {
		return nil, invalid(0, "replicas", strconv.Itoa(cfg.Replicas), "must be between 1 and 5")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NatsURL == "" && cfg.DataDir == "" {
		return nil, invalid(0, "data dir", "", "is empty; set DataDir (embedded server) or NatsURL")
	}
	if cfg.NatsURL != "" && cfg.ListenAddr != "" {
		return nil, invalid(0, "listen addr", cfg.ListenAddr, "only applies to the embedded server, not with NatsURL")
	}
	s := &Store{cfg: cfg, log: cfg.Logger, closed: make(chan struct{})}
	if err := s.open(ctx); err != nil {
		s.shutdown()
		return nil, err
	}
	s.log.Info("event store open", "stream", cfg.StreamName, "embedded", s.srv != nil,
		"last_recorded", s.lastRecorded)
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	opts := append([]nats.Option{nats.Name("ocopledger-eventstore"),
		// The broker's asynchronous errors (a permission refused…) go to the log, not to stderr;
		// the request they concern fails with its own error (brokerError).
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			s.log.Warn("nats", "err", err)
		})}, s.cfg.NatsOptions...)
	url := s.cfg.NatsURL
	if url == "" {
		lock, err := lockDataDir(s.cfg.DataDir)
		if err != nil {
			return err
		}
		s.lock = lock
		srv, ledgerPassword, err := startServer(ctx, s.cfg)
		if err != nil {
			return err
		}
		s.srv = srv
		s.disk = newDiskGuard(srv, s.cfg)
		url = ""
		opts = append(opts, nats.InProcessServer(srv))
		if ledgerPassword != "" {
			opts = append(opts, nats.UserInfo(ledgerUser, ledgerPassword))
		}
	} else {
		opts = append(opts, nats.MaxReconnects(-1))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fmt.Errorf("eventstore: connect to nats: %w", err)
	}
	s.nc = nc
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("eventstore: jetstream: %w", err)
	}
	s.js = js
	if s.cfg.ReadOnly {
		return s.openReadOnly(ctx)
	}
	if s.acks, err = newAcker(nc); err != nil {
		return err
	}
	s.group = make(chan *groupReq, 4*groupMax)
	go s.sendGroups()
	if s.stream, err = ensureStream(ctx, js, s.cfg); err != nil {
		return err
	}
	// Right after the stream is found a cluster may still be electing its leader: ask again.
	last, err := s.lastEnvelope(ctx)
	for errors.Is(err, ErrUnavailable) && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
		last, err = s.lastEnvelope(ctx)
	}
	if err != nil {
		return err
	}
	if last != nil {
		s.lastRecorded = last.RecordedAt
		s.stored(last.RecordedAt)
	}
	return nil
}

// stored notes that an append recorded at rec is acknowledged.
func (s *Store) stored(rec time.Time) {
	s.storedMu.Lock()
	if rec.After(s.lastStoredAt) {
		s.lastStoredAt = rec
	}
	s.storedMu.Unlock()
}

// lastStored is the latest recording time of an acknowledged append of this process (or the
// ledger's last when it was opened).
func (s *Store) lastStored() time.Time {
	s.storedMu.Lock()
	defer s.storedMu.Unlock()
	return s.lastStoredAt
}

// startServer runs an in-process nats-server with JetStream file storage
// that syncs every write to disk before acknowledging it. When it listens,
// every client authenticates (cfg.ListenUsers), and the ledger's own
// connection uses the user ledgerUser with the returned password.
func startServer(ctx context.Context, cfg Config) (srv *server.Server, ledgerPassword string, err error) {
	opts := &server.Options{
		ServerName: "ocopledger",
		JetStream:  true,
		StoreDir:   cfg.DataDir,
		SyncAlways: true, // "sync_interval: always": an acked append survives kill -9
		NoSigs:     true,
		DontListen: cfg.ListenAddr == "",
	}
	if cfg.ListenAddr != "" {
		host, port, err := net.SplitHostPort(cfg.ListenAddr)
		if err != nil {
			return nil, "", invalid(0, "listen addr", cfg.ListenAddr, "must be host:port, e.g. 127.0.0.1:4222")
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 0 || p > 65535 {
			return nil, "", invalid(0, "listen addr", cfg.ListenAddr, "has an invalid port")
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, p
		if opts.Users, ledgerPassword, err = serverUsers(cfg); err != nil {
			return nil, "", err
		}
	}
	srv, err = server.NewServer(opts)
	if err != nil {
		return nil, "", fmt.Errorf("eventstore: embedded nats-server: %w", err)
	}
	srv.SetLoggerV2(slogLogger{cfg.Logger}, false, false, false)
	srv.Start()
	wait := 30 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		wait = time.Until(dl)
	}
	if !srv.ReadyForConnections(wait) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, "", fmt.Errorf("eventstore: embedded nats-server in %s not ready after %s", cfg.DataDir, wait)
	}
	return srv, ledgerPassword, nil
}

// streamConfig is the configuration of a new ledger stream: nothing may
// ever be removed from it.
func streamConfig(cfg Config) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:               cfg.StreamName,
		Description:        "ocopledger event log: append-only, nothing is ever deleted",
		Subjects:           []string{Subjects},
		Retention:          jetstream.LimitsPolicy,
		Storage:            jetstream.FileStorage,
		Replicas:           cfg.Replicas,
		Discard:            jetstream.DiscardNew,
		MaxAge:             0,
		MaxMsgs:            -1,
		MaxBytes:           -1,
		MaxMsgsPerSubject:  -1,
		MaxMsgSize:         MaxEventSize + 4096, // body plus headers
		Duplicates:         DuplicateWindow,
		DenyDelete:         true,
		DenyPurge:          true,
		AllowRollup:        false,
		AllowDirect:        true,
		AllowAtomicPublish: true,
	}
}

func ensureStream(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.Stream, error) {
	var st jetstream.Stream
	var err error
	// On a cluster, a request about a stream whose leader is being elected
	// goes unanswered: when another instance has just created the stream (two
	// instances starting together), or during a fail-over. Ask again.
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, ensureStreamTimeout)
		st, err = js.Stream(actx, cfg.StreamName)
		if errors.Is(err, jetstream.ErrStreamNotFound) && !cfg.NoCreate {
			st, err = js.CreateStream(actx, streamConfig(cfg))
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				st, err = js.Stream(actx, cfg.StreamName) // another process created it
			}
		}
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || attempt == ensureStreamAttempts {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("eventstore: stream %s: %w", cfg.StreamName, err)
	}
	if err := checkStreamConfig(st.CachedInfo().Config); err != nil {
		return nil, err
	}
	return st, nil
}

// openReadOnly opens an existing stream for reading: the ledger stream, or a
// mirror of it that keeps its history as safely.
func (s *Store) openReadOnly(ctx context.Context) error {
	st, err := s.js.Stream(ctx, s.cfg.StreamName)
	if err != nil {
		return fmt.Errorf("eventstore: stream %s: %w", s.cfg.StreamName, err)
	}
	c := st.CachedInfo().Config
	if c.Mirror != nil {
		// A mirror holds no subjects of its own and cannot be appended to: check
		// only that it keeps every event it copies.
		c.Mirror, c.Subjects, c.AllowAtomicPublish, c.AllowDirect = nil, []string{Subjects}, true, true
	}
	if err := checkStreamConfig(c); err != nil {
		return err
	}
	s.stream = st
	return nil
}

// checkWritable refuses appends to a store opened ReadOnly.
func (s *Store) checkWritable() error {
	if s.cfg.ReadOnly {
		return ErrReadOnly
	}
	return nil
}

// ensureStreamAttempts bounds the unanswered requests ensureStream makes,
// each waiting at most ensureStreamTimeout.
const (
	ensureStreamAttempts = 6
	ensureStreamTimeout  = 5 * time.Second
)

// checkStreamConfig refuses a stream from which history could be lost or
// whose behaviour the store relies on is switched off.
func checkStreamConfig(c jetstream.StreamConfig) error {
	risky := func(setting, value, problem string) error {
		return &StreamConfigError{Stream: c.Name, Setting: setting, Value: value, Problem: problem}
	}
	switch {
	case !c.DenyDelete:
		return risky("deny_delete", "false", "allows deletion")
	case c.AllowRollup:
		return risky("allow_rollup_hdrs", "true", "allows roll-ups that replace history")
	case !c.DenyPurge:
		return risky("deny_purge", "false", "allows purging")
	case c.Sealed:
		return risky("sealed", "true", "is sealed and accepts no appends")
	case c.Retention != jetstream.LimitsPolicy:
		return risky("retention", c.Retention.String(), "removes messages once consumed")
	case c.Discard != jetstream.DiscardNew:
		return risky("discard", "old", "discards old messages when a limit is reached")
	case c.MaxAge != 0:
		return risky("max_age", c.MaxAge.String(), "expires old messages")
	case c.MaxMsgs > 0:
		return risky("max_msgs", strconv.FormatInt(c.MaxMsgs, 10), "limits the number of messages")
	case c.MaxBytes > 0:
		return risky("max_bytes", strconv.FormatInt(c.MaxBytes, 10), "limits the stored size")
	case c.MaxMsgsPerSubject > 0:
		return risky("max_msgs_per_subject", strconv.FormatInt(c.MaxMsgsPerSubject, 10), "limits messages per aggregate stream")
	case c.AllowMsgTTL:
		return risky("allow_msg_ttl", "true", "allows messages to expire")
	case c.SubjectDeleteMarkerTTL != 0:
		return risky("subject_delete_marker_ttl", c.SubjectDeleteMarkerTTL.String(), "allows messages to expire")
	case c.SubjectTransform != nil:
		return risky("subject_transform", c.SubjectTransform.Source+">"+c.SubjectTransform.Destination, "rewrites subjects")
	case c.Mirror != nil:
		return risky("mirror", c.Mirror.Name, "is a mirror and accepts no appends")
	case c.Storage != jetstream.FileStorage:
		return risky("storage", c.Storage.String(), "is not stored on disk")
	case !c.AllowAtomicPublish:
		return risky("allow_atomic", "false", "cannot append several events all-or-nothing")
	case !c.AllowDirect:
		return risky("allow_direct", "false", "cannot serve version checks by direct get")
	case len(c.Subjects) != 1 || c.Subjects[0] != Subjects:
		return risky("subjects", fmt.Sprint(c.Subjects), "does not hold exactly ocop.events.>") // Subjects
	}
	return nil
}

// Conn is the store's NATS connection, for other adapters and tests.
func (s *Store) Conn() *nats.Conn { return s.nc }

// JetStream is the store's JetStream context, for other adapters and tests.
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// StreamName is the JetStream stream holding the ledger.
func (s *Store) StreamName() string { return s.cfg.StreamName }

// Config returns the configuration the store was opened with, defaults
// filled in: Open(ctx, s.Config()) after Close reopens the same ledger.
func (s *Store) Config() Config { return s.cfg }

// ClientURL is the URL external NATS clients can use for the embedded
// server, or "" if it does not listen (or the store is connected to NatsURL).
func (s *Store) ClientURL() string {
	if s.srv == nil || s.cfg.ListenAddr == "" {
		return ""
	}
	return s.srv.ClientURL()
}

// Close drains the connection and shuts the embedded server down. It is safe
// to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.closeErr = s.shutdown()
		s.log.Info("event store closed", "stream", s.cfg.StreamName)
	})
	return s.closeErr
}

func (s *Store) shutdown() error {
	var err error
	if s.nc != nil {
		if s.nc.IsConnected() {
			done := make(chan struct{})
			s.nc.SetClosedHandler(func(*nats.Conn) { close(done) })
			if err = s.nc.Drain(); err == nil {
				select {
				case <-done:
				case <-time.After(10 * time.Second):
				}
			}
		}
		s.nc.Close()
	}
	if s.srv != nil {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
	}
	if s.lock != nil {
		s.lock.Unlock() // after the server has stopped writing
	}
	return err
}

func (s *Store) checkOpen() error {
	select {
	case <-s.closed:
		return ErrClosed
	default:
		return nil
	}
}

// LastSequence is the global sequence of the last stored event (0 if none).
func (s *Store) LastSequence(ctx context.Context) (uint64, error) {
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	info, err := s.stream.Info(rctx)
	if err != nil {
		return 0, fmt.Errorf("eventstore: stream info: %w", s.brokerError(rctx, err))
	}
	return info.State.LastSeq, nil
}

// StreamVersion is the version of an aggregate stream: the number of events
// in it (0 if none).
func (s *Store) StreamVersion(ctx context.Context, stream string) (uint64, error) {
	if err := ValidStreamName(stream); err != nil {
		return 0, err
	}
	if err := s.checkOpen(); err != nil {
		return 0, err
	}
	v, _, err := s.head(ctx, SubjectPrefix+stream)
	return v, err
}

// head returns the version and global sequence of the last event on subject.
func (s *Store) head(ctx context.Context, subject string) (version, seq uint64, err error) {
	m, err := s.leaderGet(ctx, msgGetRequest{LastFor: subject})
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("eventstore: last message on %s: %w", subject, err)
	}
	v, err := strconv.ParseUint(m.Header.Get(HeaderVersion), 10, 64)
	if err != nil {
		// The last message on the subject is not an event (someone published it): the record's
		// version is that of its last event, and the next append goes after the message.
		if v, err = s.lastEventVersion(ctx, subject, m.Sequence); err != nil {
			return 0, 0, err
		}
	}
	return v, m.Sequence, nil
}

// lastEventVersion returns the version of the last event on subject up to global sequence end
// (0 if none), passing over the messages that are not events.
func (s *Store) lastEventVersion(ctx context.Context, subject string, end uint64) (uint64, error) {
	envs, err := s.readSubject(ctx, subject, end)
	if err != nil {
		return 0, err
	}
	for i := len(envs) - 1; i >= 0; i-- {
		if envs[i].Unreadable == "" {
			return envs[i].Version, nil
		}
	}
	return 0, nil
}

// lastEnvelope returns the last entry of the whole ledger, or nil if empty. It may be an
// unreadable one (zero RecordedAt).
func (s *Store) lastEnvelope(ctx context.Context) (*Envelope, error) {
	last, err := s.LastSequence(ctx)
	if err != nil || last == 0 {
		return nil, err
	}
	m, err := s.leaderGet(ctx, msgGetRequest{Seq: last})
	if err != nil {
		return nil, fmt.Errorf("eventstore: read message %d: %w", last, err)
	}
	env := decode(m.Data, m.Sequence, m.Time, m.Subject, m.Header.Get(HeaderVersion))
	return &env, nil
}

// msgGetRequest is the body of a JetStream STREAM.MSG.GET request.
type msgGetRequest struct {
	Seq     uint64 `json:"seq,omitempty"`
	LastFor string `json:"last_by_subj,omitempty"`
	NextFor string `json:"next_by_subj,omitempty"` // with Seq: the first message from Seq on whose subject matches
	Batch   int    `json:"batch,omitempty"`        // direct get only
	MaxByte int    `json:"max_bytes,omitempty"`    // direct get only
	// MultiLast: the last message of each of these subjects (direct get only, at most 1024)
	MultiLast []string `json:"multi_last,omitempty"`
}

// leaderGet reads one message through the stream leader (STREAM.MSG.GET). A leader that does
// not answer within the request timeout (an election) gives ErrUnavailable (brokerError).
//
// The jetstream package reads by direct get when the stream allows it, and
// on a replicated stream any replica answers a direct get, also a follower
// that has not yet applied the latest appends: right after its own append
// a writer could read the previous head, report a false conflict for the
// version it was just given, or decide on a history missing its last event.
// The version checks need the leader's answer, which includes every
// acknowledged append.
func (s *Store) leaderGet(ctx context.Context, req msgGetRequest) (*jetstream.RawStreamMsg, error) {
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	reply, err := s.nc.RequestWithContext(rctx, "$JS.API.STREAM.MSG.GET."+s.cfg.StreamName, body)
	if err != nil {
		return nil, s.brokerError(rctx, err)
	}
	var resp struct {
		Error   *jetstream.APIError `json:"error"`
		Message *struct {
			Subject  string    `json:"subject"`
			Sequence uint64    `json:"seq"`
			Header   []byte    `json:"hdrs"`
			Data     []byte    `json:"data"`
			Time     time.Time `json:"time"`
		} `json:"message"`
	}
	if err := json.Unmarshal(reply.Data, &resp); err != nil {
		return nil, fmt.Errorf("bad STREAM.MSG.GET reply %q: %w", reply.Data, err)
	}
	switch {
	case resp.Error != nil && resp.Error.ErrorCode == jetstream.JSErrCodeMessageNotFound:
		return nil, jetstream.ErrMsgNotFound
	case resp.Error != nil:
		return nil, s.brokerError(rctx, resp.Error)
	case resp.Message == nil:
		return nil, jetstream.ErrInvalidJetStreamResponse
	}
	m := &jetstream.RawStreamMsg{Subject: resp.Message.Subject, Sequence: resp.Message.Sequence,
		Data: resp.Message.Data, Time: resp.Message.Time}
	if len(resp.Message.Header) > 0 {
		if m.Header, err = nats.DecodeHeadersMsg(resp.Message.Header); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// slogLogger adapts slog to the nats-server logger.
type slogLogger struct{ l *slog.Logger }

// Noticef: the embedded server's start-up banner and notices are detail, not news, for a ledger
// user; they show with debug logging.
func (l slogLogger) Noticef(format string, v ...any) {
	l.l.Debug(fmt.Sprintf(format, v...), "component", "nats-server")
}
func (l slogLogger) Warnf(format string, v ...any) {
	l.l.Warn(fmt.Sprintf(format, v...), "component", "nats-server")
}
func (l slogLogger) Fatalf(format string, v ...any) {
	l.l.Error(fmt.Sprintf(format, v...), "component", "nats-server")
}
func (l slogLogger) Errorf(format string, v ...any) {
	l.l.Error(fmt.Sprintf(format, v...), "component", "nats-server")
}
func (l slogLogger) Debugf(format string, v ...any) {
	l.l.Debug(fmt.Sprintf(format, v...), "component", "nats-server")
}
func (l slogLogger) Tracef(format string, v ...any) {
	l.l.Debug(fmt.Sprintf(format, v...), "component", "nats-server")
}
