package projections_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// Issue 14, item 4: "as known now" is the clock's time, not the recording time of the last
// entry of the log (a log recorded in 2024 answered known_at 2024); the answer read again at the
// known_at it gave is the same.
func TestAsKnownNowIsTheClock(t *testing.T) {
	// The synthetic ledger runs up to the clock's time: keep the prefix recorded more than a day
	// ago, so that the clock's time and the log's last entry differ.
	log := synthLog(3000)
	for len(log) > 0 && !log[len(log)-1].RecordedAt.Before(time.Now().Add(-24*time.Hour)) {
		log = log[:len(log)-1]
	}
	if len(log) < 1000 {
		t.Fatalf("only %d synthetic entries were recorded more than a day ago", len(log))
	}
	p, err := projections.Open(filepath.Join(t.TempDir(), "p.db"), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.CatchUp(context.Background(), log, nil); err != nil {
		t.Fatal(err)
	}
	q := domain.Query{AsOf: domain.MustDate(2025, 8, 7)}
	before := time.Now()
	res := p.Figures(q)
	if res.KnownAt.Before(before.Add(-time.Second)) || res.KnownAt.After(time.Now()) {
		t.Errorf("as known now answered known_at %s, want the clock's time %s (the log's last entry is of %s)", res.KnownAt, before.UTC(), log[len(log)-1].RecordedAt)
	}
	q.KnownAt = res.KnownAt
	again := p.Figures(q)
	if again.Position != res.Position || again.Figures["ocop.valid"] != res.Figures["ocop.valid"] {
		t.Errorf("read again at known_at: position %d, ocop.valid %d; first %d, %d", again.Position, again.Figures["ocop.valid"], res.Position, res.Figures["ocop.valid"])
	}
}
