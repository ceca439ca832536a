package cluster_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// The workload: trade events (each its own aggregate stream) and business
// participations in a few shared trade events (aggregate streams that
// several writers race on). IDs are deterministic, so a retry after any
// failure sends the very same entry again.

var fairKinds = []domain.TradeEventKind{domain.KindProvincialFair, domain.KindDistrictFair,
	domain.KindMarketSession, domain.KindConference, domain.KindOutsideFair}

// fair is a trade event whose details follow from n.
func fair(id string, n int) domain.TradeEventHeld {
	d := domain.MustDate(2021+n%4, 1+n%12, 1+n%28)
	return domain.TradeEventHeld{TradeEventID: id, Kind: fairKinds[n%len(fairKinds)], Name: "Hội chợ " + id,
		StartDate: d, EndDate: d.AddDays(n % 5), Venue: "Quảng trường Phạm Văn Đồng", Organiser: "Sở Công Thương",
		Address: domain.Address{Commune: "phường Cẩm Thành", Province: "Quảng Ngãi"}, Synthetic: true}
}

// sharedFair is the i-th trade event that every writer adds participations to.
func sharedFair(i int) domain.TradeEventHeld { return fair(fmt.Sprintf("shared-%d", i), 7+i) }

// workItem is the n-th entry of writer w: a trade event of its own or a
// participation in shared trade event n % shared.
func workItem(w string, n, shared int) (id string, e domain.Event) {
	id = fmt.Sprintf("%s-%d", w, n)
	if n%2 == 0 {
		return id, domain.TradeEventParticipation{TradeEventID: sharedFair(n / 2 % shared).TradeEventID,
			BusinessID: id, BusinessName: "Doanh nghiệp " + id, Synthetic: true}
	}
	return id, fair(id, n)
}

// seedShared records the shared trade events (idempotently).
func seedShared(ctx context.Context, tb testing.TB, l *ledger.Ledger, shared int) {
	tb.Helper()
	for i := range shared {
		e := sharedFair(i)
		if _, _, err := recordRetrying(ctx, l, "seed-"+e.TradeEventID, e); err != nil {
			tb.Fatalf("seed %s: %v", e.TradeEventID, err)
		}
	}
}

// recordRetrying records an entry as a careful client does: on any failure
// that is not a refusal of the entry itself (a timeout, a lost connection, a
// leader election, a conflict it could not settle) it tries again with the
// same ID, until ctx is done.
func recordRetrying(ctx context.Context, l *ledger.Ledger, id string, e domain.Event) (ledger.Position, int, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		pos, err := l.RecordEvent(actx, e, ledger.Meta{ID: id, Actor: "cluster-test", Source: "cluster_test.go"})
		cancel()
		if err == nil {
			return pos, attempt, nil
		}
		if domain.ErrorCode(err) == domain.CodeInvalid {
			return pos, attempt, err
		}
		select {
		case <-ctx.Done():
			return pos, attempt, fmt.Errorf("gave up after %d attempts: %w (last error: %v)", attempt, ctx.Err(), err)
		case <-time.After(time.Duration(min(attempt, 10)) * 50 * time.Millisecond):
		}
	}
}

// readLog reads the whole log through a store.
//
// Right after a node was killed and restarted the cluster may still be settling (a replica
// rebuilding its stream state, a leader being elected) and a read can time out: the checker
// reads again, from the start, for up to a minute, since what it checks is what the log holds,
// not how soon it can be read.
func readLog(ctx context.Context, tb testing.TB, s *eventstore.Store) []eventstore.Envelope {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for attempt := 1; ; attempt++ {
		var out []eventstore.Envelope
		err := s.Read(ctx, 1, func(e eventstore.Envelope) error { out = append(out, e); return nil })
		if err == nil {
			return out
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			tb.Fatalf("read the log (attempt %d): %v", attempt, err)
		}
		tb.Logf("read the log (attempt %d): %v; reading again", attempt, err)
		time.Sleep(time.Second)
	}
}

func toRecorded(envs []eventstore.Envelope) []domain.Recorded {
	out := make([]domain.Recorded, len(envs))
	for i, e := range envs {
		out[i] = ledger.ToRecorded(e)
	}
	return out
}

// checkLog checks that the log holds every acknowledged ID exactly once and
// nothing else, that the global sequence runs 1..N and that every aggregate
// stream's versions run 1..n without gaps.
func checkLog(tb testing.TB, envs []eventstore.Envelope, acked map[string]bool) {
	tb.Helper()
	count := map[string]int{}
	versions := map[string]uint64{}
	for i, e := range envs {
		count[e.ID]++
		if e.Sequence != uint64(i+1) {
			tb.Errorf("event %d (%s) is at sequence %d, want %d: the log has a gap", i+1, e.ID, e.Sequence, i+1)
		}
		if e.Version != versions[e.Stream]+1 {
			tb.Errorf("event %s of stream %s has version %d after version %d: want %d",
				e.ID, e.Stream, e.Version, versions[e.Stream], versions[e.Stream]+1)
		}
		versions[e.Stream] = e.Version
	}
	var twice, missing, unknown []string
	for id, n := range count {
		if n > 1 {
			twice = append(twice, fmt.Sprintf("%s×%d", id, n))
		}
		if !acked[id] {
			unknown = append(unknown, id)
		}
	}
	for id := range acked {
		if count[id] == 0 {
			missing = append(missing, id)
		}
	}
	sort.Strings(twice)
	sort.Strings(missing)
	sort.Strings(unknown)
	if len(twice) > 0 {
		tb.Errorf("%d IDs are stored more than once: %v", len(twice), twice)
	}
	if len(missing) > 0 {
		tb.Errorf("%d acknowledged IDs are missing from the log: %v", len(missing), missing)
	}
	if len(unknown) > 0 {
		tb.Errorf("%d IDs in the log were never acknowledged: %v", len(unknown), unknown)
	}
}

// figureQueries are the questions the figures are compared on.
func figureQueries() []domain.Query {
	return []domain.Query{
		{AsOf: domain.MustDate(2025, 12, 31)},
		{AsOf: domain.MustDate(2023, 6, 30)},
		{AsOf: domain.MustDate(2024, 3, 1), From: domain.MustDate(2023, 1, 1)},
	}
}

// checkFigures compares each projection's figures with domain.Evaluate on
// the log.
func checkFigures(tb testing.TB, log []domain.Recorded, projs map[string]*projections.Projection) {
	tb.Helper()
	for _, q := range figureQueries() {
		want := domain.Evaluate(log, q)
		for name, p := range projs {
			got := p.Figures(q)
			if got.Position != uint64(len(log)) {
				tb.Errorf("%s: figures at position %d, want %d", name, got.Position, len(log))
			}
			for _, f := range domain.Figures() {
				if got.Figures[f.ID] != want.Count(f.ID) {
					tb.Errorf("%s: %s on %s = %d, domain.Evaluate on the log says %d",
						name, f.ID, q.AsOf, got.Figures[f.ID], want.Count(f.ID))
				}
			}
		}
	}
}

// openProjection opens read models in a fresh bbolt file.
func openProjection(tb testing.TB, name string) *projections.Projection {
	tb.Helper()
	p, err := projections.Open(filepath.Join(tb.TempDir(), name+".db"), projections.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}
