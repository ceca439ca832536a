package reactive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
	"golang.org/x/text/unicode/norm"
)

// NotifierActor is the actor of the entries the expiry notifier records.
const NotifierActor = "expiry-notifier"

// NotifierConfig configures a Notifier.
type NotifierConfig struct {
	Ledger     *ledger.Ledger
	Projection *projections.Projection
	Logger     *slog.Logger
	// Now gives the time whose Vietnamese date is "today"; default time.Now.
	Now func() time.Time
	// After is how long to wait past midnight in Vietnam before the daily sweep; default 1 minute.
	After time.Duration
	// OnSweep, if set, is called after each sweep of Run (e.g. to count entries in metrics).
	OnSweep func(SweepResult, error)
	// OnPanic, if set, is called when a sweep panics (it is logged with its stack and retried
	// like a failed sweep), e.g. to count it in metrics.
	OnPanic func(part string)
}

// Notifier records the observations the law asks for on time: 30 days before an OCOP
// certificate expires (ocop.expiry_noticed), on or after its expiry (ocop.expired), and after a
// CNNTTB certificate's 31 December of its fourth year (cnnttb.expired). Each entry has a
// deterministic ID, so several instances sweeping at once record it once: the store drops a
// repeated ID and the aggregate refuses a second notice or expiry.
type Notifier struct {
	cfg NotifierConfig
	log *slog.Logger

	mu   sync.Mutex
	done map[string]bool // entry IDs recorded (or found recorded) by this process
}

// NewNotifier returns a notifier.
func NewNotifier(cfg NotifierConfig) *Notifier {
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After <= 0 {
		cfg.After = time.Minute
	}
	return &Notifier{cfg: cfg, log: cfg.Logger, done: map[string]bool{}}
}

// SweepResult counts what a sweep recorded.
type SweepResult struct {
	Today    domain.Date `json:"today"`
	Noticed  int         `json:"noticed"`
	Expired  int         `json:"expired"`
	CNNTTB   int         `json:"cnnttb_expired"`
	Existing int         `json:"existing"` // already recorded (by another instance or an earlier run)
}

// sweepTopic is the in-process topic of the notifier's sweep requests.
const sweepTopic = "ocop.expiry.sweep"

// Run sweeps once the projection has caught up with the log as it stands at start (its read
// models whole: see projections.WaitReady), then each day
// just after midnight in Vietnam, until ctx is done (then it returns nil). Each sweep is a message
// handled by a Watermill router, with the reactive side's middleware: a correlation ID, retries
// with backoff for a sweep that fails (the ledger unreachable during a fail-over), and recovery.
func (n *Notifier) Run(ctx context.Context) error {
	end, err := n.cfg.Ledger.LastSequence(ctx)
	if err != nil {
		return err
	}
	if err := n.cfg.Projection.WaitReady(ctx, end); err != nil {
		return nil
	}
	wlog := wmLogger(n.log)
	ticks := gochannel.NewGoChannel(gochannel.Config{}, wlog)
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, wlog)
	if err != nil {
		return err
	}
	router.AddMiddleware(middleware.CorrelationID,
		middleware.Retry{MaxRetries: 3, InitialInterval: time.Second, MaxInterval: 30 * time.Second, Multiplier: 2, Logger: wlog}.Middleware,
		recoverer(n.log, "expiry-notifier", n.cfg.OnPanic))
	router.AddConsumerHandler("expiry-sweep", sweepTopic, ticks, func(msg *message.Message) error {
		res, err := n.Sweep(msg.Context())
		if n.cfg.OnSweep != nil && ctx.Err() == nil {
			n.cfg.OnSweep(res, err)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			n.log.Error("expiry notifier: sweep", "err", err)
			return err
		}
		if res.Noticed+res.Expired+res.CNNTTB > 0 {
			n.log.Info("expiry notifier: recorded", "today", res.Today, "noticed", res.Noticed, "expired", res.Expired, "cnnttb_expired", res.CNNTTB)
		}
		return nil
	})
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- router.Run(rctx) }()
	select {
	case <-router.Running():
	case err := <-done:
		return err
	}
	for {
		tick := message.NewMessage(watermill.NewUUID(), []byte(domain.DateOf(n.cfg.Now()).String()))
		middleware.SetCorrelationID(watermill.NewShortUUID(), tick)
		if err := ticks.Publish(sweepTopic, tick); err != nil {
			return err
		}
		now := n.cfg.Now()
		next := domain.DateOf(now).AddDays(1).Time().Add(n.cfg.After)
		t := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			stop()
			<-done
			return nil
		case <-t.C:
		}
	}
}

// lookBack spaces the days whose valid certificates a sweep lists: every certificate that ends
// by expiry is valid for more than this many days (36 months for OCOP, three years and more for
// CNNTTB), so one of the sampled days falls within it.
const lookBack = 1000

// Sweep records what is due today. It reads the projection (as known now) and records through
// the ledger; it is safe to run in several processes at once.
func (n *Notifier) Sweep(ctx context.Context) (SweepResult, error) {
	today := domain.DateOf(n.cfg.Now())
	res := SweepResult{Today: today}
	// Notices: certificates valid today whose last day is within 30 days.
	soon, err := n.cfg.Projection.Expiring(ctx, domain.Query{AsOf: today}, domain.OCOPNoticeDays)
	if err != nil {
		return res, err
	}
	for _, x := range soon {
		if x.Figure != "ocop.valid" {
			continue // CNNTTB has no notice in the law
		}
		until := x.LastDay.AddDays(1)
		product := productOf(x)
		e := domain.OCOPExpiryNoticed{ProductID: product, Certificate: x.Attrs.Decision, ExpiresOn: until, NoticedOn: today}
		if err := n.record(ctx, entryID("notice", product, x.Attrs.Decision), e, &res.Noticed, &res); err != nil {
			return res, err
		}
	}
	// Expiries: certificates that reached their natural end by today. Each was valid on its last
	// day, which is one of the days [d-lookBack+1, d] for some sampled d.
	seen := map[string]bool{}
	for d := today.AddDays(-1); d >= domain.MustDate(domain.MinYear, 1, 1); d = d.AddDays(-lookBack) {
		valid, err := n.cfg.Projection.Expiring(ctx, domain.Query{AsOf: d}, lookBack)
		if err != nil {
			return res, err
		}
		for _, x := range valid {
			until := x.LastDay.AddDays(1)
			if until > today {
				continue
			}
			var id string
			var e domain.Event
			count := &res.Expired
			product := productOf(x)
			if x.Figure == "ocop.valid" {
				id = entryID("expired", product, x.Attrs.Decision)
				e = domain.OCOPExpired{ProductID: product, Certificate: x.Attrs.Decision, ExpiredOn: until}
			} else {
				id = entryID("cnnttb-expired", product, string(x.Attrs.Level)+"-"+x.Attrs.Decision)
				e = domain.CNNTTBExpired{ProductID: product, Level: x.Attrs.Level, Certificate: x.Attrs.Decision, ExpiredOn: until}
				count = &res.CNNTTB
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			if err := n.record(ctx, id, e, count, &res); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// productOf returns the product ID of an expiring certificate: its stream is "<kind>.<product>"
// (a CNNTTB item also names the certificate, so the item is not the product).
func productOf(x projections.Expiry) string {
	if _, id, ok := strings.Cut(x.Stream, "."); ok {
		return id
	}
	return x.Item
}

// record records e once under the deterministic id. An entry already recorded — by us, by
// another instance, or refused by the aggregate as already noticed/expired — counts as done.
func (n *Notifier) record(ctx context.Context, id string, e domain.Event, count *int, res *SweepResult) error {
	n.mu.Lock()
	done := n.done[id]
	n.mu.Unlock()
	if done {
		return nil
	}
	pos, err := n.cfg.Ledger.RecordEvent(ctx, e, ledger.Meta{ID: id, Actor: NotifierActor,
		Source: "ocopledger expiry notifier (QĐ 148/QĐ-TTg; TT 26/2014/TT-BCT)"})
	switch {
	case err == nil && !pos.Duplicate:
		*count++
	case err == nil, domain.ErrorCode(err) == domain.CodeConflict:
		res.Existing++
	case errors.Is(err, context.Canceled):
		return err
	default:
		// One bad certificate must not stop the others: report it and go on.
		n.log.Error("expiry notifier: record", "id", id, "type", e.EventType(), "err", err)
		return nil
	}
	n.mu.Lock()
	n.done[id] = true
	n.mu.Unlock()
	return nil
}

// entryID returns the deterministic entry ID "<kind>-<product>-<certificate>": the certificate
// number folded to lower-case ASCII letters and digits with '-' for the rest (1425/QĐ-UBND →
// 1425-qd-ubnd). An ID that would pass 128 characters is cut and ends with a hash of the whole.
func entryID(kind, product, certificate string) string {
	id := kind + "-" + product + "-" + fold(certificate)
	if len(id) > 128 {
		h := sha256.Sum256([]byte(id))
		id = id[:128-17] + "-" + hex.EncodeToString(h[:8])
	}
	return id
}

func fold(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'đ':
			r = 'd'
		case unicode.Is(unicode.Mn, r):
			continue
		}
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
