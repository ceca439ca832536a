package demo_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/demo"
	"github.com/ocopledger/ocopledger/domain"
)

func TestHistoryIsDeterministic(t *testing.T) {
	a, b := demo.History(), demo.History()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("two calls of History returned different histories")
	}
	if n := len(a); n < 3000 || n > 6000 {
		t.Errorf("the demo has %d entries; want 3000–6000 (it must load in well under a minute)", n)
	}
}

func TestHistoryEnvelopes(t *testing.T) {
	h := demo.History()
	idPattern := regexp.MustCompile(`^demo-\d{6}$`)
	seen := map[string]bool{}
	var last time.Time
	end := time.Date(2025, 10, 31, 0, 0, 0, 0, domain.Vietnam)
	for i, e := range h {
		m := e.Meta
		if !idPattern.MatchString(m.ID) || seen[m.ID] {
			t.Fatalf("entry %d: id %q is not a new demo-NNNNNN id", i, m.ID)
		}
		seen[m.ID] = true
		if m.RecordedAt.Before(last) {
			t.Fatalf("entry %s is recorded at %s, before the entry before it (%s)", m.ID, m.RecordedAt, last)
		}
		last = m.RecordedAt
		if !m.RecordedAt.Before(end) {
			t.Fatalf("entry %s is recorded at %s, after 30/10/2025", m.ID, m.RecordedAt)
		}
		if m.Actor != "demo" || m.Source == "" {
			t.Fatalf("entry %s: actor %q, source %q; want actor demo and a source", m.ID, m.Actor, m.Source)
		}
	}
}

// TestEveryEntryPassesDecide replays the history stream by stream through the rules.
func TestEveryEntryPassesDecide(t *testing.T) {
	byStream := map[string][]domain.Recorded{}
	for _, r := range demo.Recorded(demo.History()) {
		if _, err := domain.Decide(byStream[r.Stream], r.Event); err != nil {
			t.Fatalf("entry %s (%s on %s) is refused: %v", r.ID, r.Type, r.Stream, err)
		}
		byStream[r.Stream] = append(byStream[r.Stream], r)
	}
}

// TestReportReproduced is the demo's promise: on 07/08/2025, as known at the end of that day,
// every figure equals Công văn 470. It uses the naive reference evaluator.
func TestReportReproduced(t *testing.T) {
	log := demo.Recorded(demo.History())
	want := demo.ReportFigures()
	ev := domain.Evaluate(log, domain.Query{AsOf: demo.ReportDate, KnownAt: demo.ReportKnownAt()})
	for _, f := range domain.Figures() {
		w, ok := want[f.ID]
		if !ok {
			t.Errorf("the report states no %s", f.ID)
			continue
		}
		if got := ev.Count(f.ID); got != w {
			t.Errorf("%s on 07/08/2025 as known then = %d, the report states %d", f.ID, got, w)
		}
	}
	// The report entry itself states the same figures.
	for _, r := range log {
		if rep, ok := r.Event.(domain.ReportFiled); ok && rep.ReportID == demo.ReportID() {
			if !reflect.DeepEqual(rep.Figures, want) {
				t.Errorf("report.filed states %v, want %v", rep.Figures, want)
			}
			if got := r.RecordedAt.In(domain.Vietnam).Format("2006-01-02 15:04"); got != "2025-08-07 16:00" {
				t.Errorf("report.filed recorded at %s, want 2025-08-07 16:00 Vietnam time", got)
			}
		}
	}
}

// TestKnownNowDiffers: entries recorded after the report change at least three figures of its day.
func TestKnownNowDiffers(t *testing.T) {
	log := demo.Recorded(demo.History())
	then := domain.Evaluate(log, domain.Query{AsOf: demo.ReportDate, KnownAt: demo.ReportKnownAt()})
	now := domain.Evaluate(log, domain.Query{AsOf: demo.ReportDate})
	var differ []string
	for _, f := range domain.Figures() {
		if a, b := then.Count(f.ID), now.Count(f.ID); a != b {
			differ = append(differ, f.ID)
			t.Logf("%s: %d as known on 07/08/2025, %d as known now", f.ID, a, b)
		}
	}
	if len(differ) < 3 {
		t.Errorf("only %d figures differ as known now (%v); want at least 3", len(differ), differ)
	}
	if late := demo.LateEntries(demo.History()); len(late) < 5 {
		t.Errorf("%d entries recorded after the report; want the late certificate, revocation, sales point and corrections", len(late))
	}
}

// TestSyntheticIsLabelled: whatever is synthetic says so in its name; the real products are those
// of the domain brief.
func TestSyntheticIsLabelled(t *testing.T) {
	label := "giả lập"
	realOCOP := 0
	for _, e := range demo.History() {
		var name string
		var synthetic bool
		switch v := e.Event.(type) {
		case domain.OCOPCertified:
			name, synthetic = v.ProductName+" / "+v.ProducerName, v.Synthetic
			if !v.Synthetic {
				realOCOP++
			}
		case domain.ProducerRegistered:
			name, synthetic = v.Name, v.Synthetic
		case domain.CNNTTBRecognized:
			name, synthetic = v.ProductName+" / "+v.ProducerName, v.Synthetic
		case domain.SalesPointOpened:
			name, synthetic = v.Name, v.Synthetic
		case domain.TradeEventHeld:
			name, synthetic = v.Name, v.Synthetic
		case domain.TradeEventParticipation:
			name, synthetic = v.BusinessName, v.Synthetic
		case domain.ListingCreated:
			name, synthetic = v.ProductName+" / "+v.BusinessName, v.Synthetic
		default:
			continue
		}
		if synthetic && !strings.Contains(name, label) {
			t.Errorf("entry %s is synthetic but its name %q does not say so", e.Meta.ID, name)
		}
		if !synthetic && strings.HasPrefix(name, "Sản phẩm OCOP mẫu") {
			t.Errorf("entry %s: %q is a demo name but not flagged synthetic", e.Meta.ID, name)
		}
	}
	if realOCOP != 34 {
		t.Errorf("%d certifications of real products; the brief names 34", realOCOP)
	}
}
