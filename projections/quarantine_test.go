package projections_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// poisonLog is a synthetic log with entries the read models cannot fold put in among the
// others: a stored message that is not an event, an event of a type this build does not know, a
// CNNTTB recognition dated 2099 (which the gate refuses: the reader hands it over unreadable), and
// an entry in a record with history, which goes on after it, whose fold panics (see
// SetFoldPanics: entries with ID "panics"). It returns the log, the same log without those
// entries, and their positions.
func poisonLog(t *testing.T, n int) (log, clean projections.SliceSource, poison []uint64) {
	t.Helper()
	base := synthLog(n)
	first, second := -1, -1 // two entries of one CNNTTB record in the first half of the log
	for i := 0; i < n/2 && second < 0; i++ {
		if base[i].Type != domain.TypeCNNTTBRecognized {
			continue
		}
		for j := i + 1; j < n/2; j++ {
			if base[j].Stream == base[i].Stream {
				first, second = i, j
				break
			}
		}
	}
	if second < 0 {
		t.Fatal("the synthetic log has no CNNTTB record with two entries")
	}
	rec := base[first]
	far := rec.Event.(domain.CNNTTBRecognized)
	far.ProductID, far.RoundYear, far.IssuedOn, far.Certificate = "far-new", 2099, domain.MustDate(2099, 5, 1), "far-1"
	refused := domain.ValidateAt(far, rec.RecordedAt)
	if refused == nil {
		t.Fatal("the gate accepts a recognition dated 2099")
	}
	again := rec.Event.(domain.CNNTTBRecognized)
	again.Certificate = "again-1"
	insert := map[int]domain.Recorded{
		100:    {Stream: "product.evil2", Unreadable: domain.Invalid("", "the message stored at position %d is not an entry of the ledger: %s", 101, "garbage")},
		500:    {ID: "future-1", Type: "future.thing", Stream: "future.x", Unreadable: errors.New("unknown type")},
		n / 2:  {ID: "far-1", Type: far.EventType(), Stream: far.Stream(), Unreadable: refused},
		second: {ID: "panics", Type: again.EventType(), Stream: rec.Stream, Event: again}, // just before the record's next entry
	}
	for i, r := range base {
		if bad, ok := insert[i]; ok {
			bad.Sequence = uint64(len(log) + 1)
			bad.RecordedAt = log[len(log)-1].RecordedAt
			log = append(log, bad)
			poison = append(poison, bad.Sequence)
		}
		r.Sequence = uint64(len(log) + 1)
		log = append(log, r)
		clean = append(clean, r)
	}
	return log, clean, poison
}

func positions(qs []projections.Quarantined) []uint64 {
	var out []uint64
	for _, q := range qs {
		out = append(out, q.Position)
	}
	return out
}

// Entries that cannot be folded are quarantined, the same ones by every projection (bulk
// rebuild or live batches, any cache size), kept across a reopen and a rebuild; the figures are
// those of the log without them, and name them.
func TestPoisonEntriesAreQuarantinedDeterministically(t *testing.T) {
	log, clean, poison := poisonLog(t, 3000)
	defer projections.SetFoldPanics(func(r domain.Recorded) bool { return r.ID == "panics" })()
	ctx := context.Background()
	dir := t.TempDir()
	open := func(name string, batch int) *projections.Projection {
		p, err := projections.Open(filepath.Join(dir, name), projections.Options{BatchSize: batch})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	bulk := open("bulk.db", 100) // a rebuild from zero (the log is longer than bulkMin)
	if err := bulk.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	var live *projections.Projection
	func() {
		defer projections.SetCacheMax(2)()
		defer projections.SetBulkMin(1 << 30)()
		live = open("live.db", 7)
		if err := live.CatchUp(ctx, log, nil); err != nil {
			t.Fatal(err)
		}
	}()
	defer live.Close()
	want := bulk.Quarantined()
	if got := positions(want); !reflect.DeepEqual(got, poison) {
		t.Fatalf("quarantined positions %v, want %v", got, poison)
	}
	for _, q := range want {
		if q.Reason == "" || q.ReasonVI == "" || q.Stream == "" || q.Subject != "ocop.events."+q.Stream || q.Judge != projections.Judge() {
			t.Errorf("quarantined entry %+v lacks its names", q)
		}
	}
	byID := map[string]projections.Quarantined{}
	for _, q := range want {
		byID[q.ID] = q
	}
	if q := byID[""]; !strings.Contains(q.Reason, "not an entry of the ledger") || !strings.Contains(q.ReasonVI, "không phải là một mục ghi") {
		t.Errorf("reason of the garbage %q / %q", q.Reason, q.ReasonVI)
	}
	if q := byID["panics"]; !strings.Contains(q.Reason, "folding this entry into its record failed") {
		t.Errorf("reason of the entry whose fold panics %+v", q)
	}
	if q := byID["far-1"]; !strings.Contains(q.Reason, "2099") {
		t.Errorf("reason of the far-future recognition %q", q.Reason)
	}
	if got := live.Quarantined(); !reflect.DeepEqual(got, want) {
		t.Errorf("live batches quarantine %+v, a rebuild %+v", got, want)
	}
	check := func(name string, p *projections.Projection) {
		t.Helper()
		for _, q := range []domain.Query{{AsOf: domain.MustDate(2024, 6, 30)}, {AsOf: domain.MustDate(2030, 1, 1)}} {
			w := domain.Evaluate(clean, q)
			got := p.Figures(q)
			for _, f := range domain.Figures() {
				if got.Figures[f.ID] != w.Count(f.ID) {
					t.Errorf("%s: %s on %s = %d, the log without the poison gives %d", name, f.ID, q.AsOf, got.Figures[f.ID], w.Count(f.ID))
				}
			}
			if !reflect.DeepEqual(got.Warnings, want) {
				t.Errorf("%s: warnings %+v, want the quarantined entries", name, got.Warnings)
			}
		}
		if st := p.Status(); st.Quarantined != len(poison) || st.Unacknowledged != len(poison) {
			t.Errorf("%s: status %+v", name, st)
		}
	}
	check("bulk", bulk)
	check("live", live)
	// Known as of before the first poison entry: no warning.
	if w := bulk.FiguresAtPosition(domain.Query{AsOf: domain.MustDate(2024, 6, 30)}, poison[0]-1).Warnings; len(w) != 0 {
		t.Errorf("figures as known before position %d warn of %+v", poison[0], w)
	}
	// Kept across a reopen, and the same after a rebuild.
	if err := bulk.Close(); err != nil {
		t.Fatal(err)
	}
	bulk = open("bulk.db", 100)
	defer bulk.Close()
	if got := bulk.Quarantined(); !reflect.DeepEqual(got, want) {
		t.Errorf("after a reopen: %+v", got)
	}
	if err := bulk.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := bulk.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	if got := bulk.Quarantined(); !reflect.DeepEqual(got, want) {
		t.Errorf("after a rebuild: %+v", got)
	}
	check("rebuilt", bulk)
}

// An admin's acknowledgement flags a quarantined entry; the entry stays named.
func TestAcknowledgeQuarantined(t *testing.T) {
	log, _, poison := poisonLog(t, 1500)
	defer projections.SetFoldPanics(func(r domain.Recorded) bool { return r.ID == "panics" })()
	ack := func(pos uint64, seq uint64) domain.Recorded {
		return domain.Recorded{ID: "ack-" + string(rune('a'+seq%26)), Type: domain.TypeQuarantineAcknowledged, Stream: domain.QuarantineStream,
			Sequence: seq, Actor: "admin", RecordedAt: log[len(log)-1].RecordedAt,
			Event: domain.QuarantineAcknowledged{Position: int(pos), ReasonSeen: "garbage", Note: "published through an open NATS port"}}
	}
	end := uint64(len(log))
	log = append(log, ack(poison[0], end+1), ack(end+5, end+2)) // the second names no quarantined entry
	p, err := projections.Open(filepath.Join(t.TempDir(), "p.db"), projections.Options{BatchSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.CatchUp(context.Background(), log, nil); err != nil {
		t.Fatal(err)
	}
	qs := p.Quarantined()
	if len(qs) != len(poison) || qs[0].Acknowledged == nil || qs[0].Acknowledged.Position != end+1 ||
		qs[0].Acknowledged.Actor != "admin" || qs[0].Acknowledged.Note == "" {
		t.Fatalf("after the acknowledgement: %+v", qs)
	}
	for _, q := range qs[1:] {
		if q.Acknowledged != nil {
			t.Errorf("position %d acknowledged too", q.Position)
		}
	}
	if st := p.Status(); st.Quarantined != len(poison) || st.Unacknowledged != len(poison)-1 {
		t.Errorf("status %+v", st)
	}
}

// A build whose catalogue differs from the one that judged the quarantined entries examines them
// again: an entry of a type the old build did not know is folded in its place.
func TestNewJudgeExaminesQuarantineAgain(t *testing.T) {
	log := synthLog(1500)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	// The old build did not know the type of entry k.
	k := 700
	for log[k].Type != domain.TypeListingCreated {
		k++
	}
	old := append(projections.SliceSource(nil), log...)
	old[k].Event, old[k].Unreadable = nil, domain.Invalid("type", "%q is not a known event type; known types: %s", log[k].Type, "…")
	restore := projections.SetCatalogueVersion("older")
	p, err := projections.Open(path, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CatchUp(ctx, old, nil); err != nil {
		t.Fatal(err)
	}
	if qs := p.Quarantined(); len(qs) != 1 || qs[0].Position != log[k].Sequence || qs[0].Judge != projections.Judge() {
		t.Fatalf("the old build quarantines %+v", qs)
	}
	q := domain.Query{AsOf: domain.MustDate(2030, 1, 1)}
	before := p.Figures(q)
	p.Close()
	restore()
	// Same judge: nothing to examine again.
	func() {
		defer projections.SetCatalogueVersion("older")()
		p, err := projections.Open(path, projections.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		if p.Rebuilt() {
			t.Error("reopened by the same build: rebuilt")
		}
	}()
	p, err = projections.Open(path, projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !p.Rebuilt() {
		t.Fatal("a build with another catalogue did not examine the quarantined entry again")
	}
	if err := p.CatchUp(ctx, log, nil); err != nil {
		t.Fatal(err)
	}
	if qs := p.Quarantined(); len(qs) != 0 {
		t.Errorf("still quarantined: %+v", qs)
	}
	after := p.Figures(q)
	w := domain.Evaluate(log, q)
	changed := false
	for _, f := range domain.Figures() {
		if after.Figures[f.ID] != w.Count(f.ID) {
			t.Errorf("%s = %d, the whole log gives %d", f.ID, after.Figures[f.ID], w.Count(f.ID))
		}
		changed = changed || after.Figures[f.ID] != before.Figures[f.ID]
	}
	if !changed {
		t.Error("folding the entry in changed no figure: the test proves nothing")
	}
}
