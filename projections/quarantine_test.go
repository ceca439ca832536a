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
// others: a stored message that is not an event, an event of a type this build does not know,
// and CNNTTB recognitions dated 2099 (whose fold computes a validity beyond the programme's
// era), one opening a record and one in a record with history that goes on after it. It returns
// the log, the same log without those entries, and their positions.
func poisonLog(t *testing.T, n int) (log, clean projections.SliceSource, poison []uint64) {
	t.Helper()
	base := synthLog(n)
	var existing domain.Recorded // a CNNTTB record with more entries after its first
	for i, r := range base {
		if r.Type == domain.TypeCNNTTBRecognized && i < n/2 {
			for _, later := range base[i+1:] {
				if later.Stream == r.Stream {
					existing = r
					break
				}
			}
			if existing.Stream != "" {
				break
			}
		}
	}
	if existing.Stream == "" {
		t.Fatal("the synthetic log has no CNNTTB record with two entries")
	}
	far := func(stream, id string) domain.Recorded {
		e := existing.Event.(domain.CNNTTBRecognized)
		e.ProductID = strings.TrimPrefix(stream, domain.KindCNNTTB+".")
		e.RoundYear, e.IssuedOn, e.Certificate = 2099, domain.MustDate(2099, 5, 1), "far-"+id
		return domain.Recorded{ID: id, Type: e.EventType(), Stream: stream, RecordedAt: existing.RecordedAt, Event: e}
	}
	insert := map[int]domain.Recorded{
		100: {Stream: "product.evil2", Unreadable: domain.Invalid("", "the message stored at position %d is not an entry of the ledger: %s", 101, "garbage")},
		500: {ID: "future-1", Type: "future.thing", Stream: "future.x", Unreadable: errors.New("unknown type")},
		900: far(domain.KindCNNTTB+".far-new", "far-1"),
	}
	for i, r := range base {
		if r.Stream == existing.Stream && r.ID != existing.ID && i > 900 {
			insert[i] = far(existing.Stream, "far-2") // just before a later entry of the same record
			break
		}
	}
	for i, r := range base {
		if bad, ok := insert[i]; ok {
			bad.Sequence = uint64(len(log) + 1)
			if bad.RecordedAt.IsZero() && len(log) > 0 {
				bad.RecordedAt = log[len(log)-1].RecordedAt
			}
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
	if !strings.Contains(want[0].Reason, "not an entry of the ledger") || !strings.Contains(want[0].ReasonVI, "không phải là một mục ghi") {
		t.Errorf("reason of the garbage %q / %q", want[0].Reason, want[0].ReasonVI)
	}
	if !strings.Contains(want[2].Reason, "folding this entry into its record failed") {
		t.Errorf("reason of the far-future recognition %q", want[2].Reason)
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
