package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/httpapi"
)

func TestStreamEventsResume(t *testing.T) {
	// A ring of 4 makes the resume below read part of the gap from the log.
	e := newEnv(t, envOpt{tokens: testTokens, ring: 4})
	e.record("ocop.certified", cert("old-1", 4, "2024-01-01")) // before subscribing: not sent

	c := e.subscribe("/v1/stream/events", viewerToken, "")
	a := e.record("ocop.certified", cert("s-1", 4, "2024-01-01"), "X-Source", "QĐ 1")
	b := e.record("ocop.certified", cert("s-2", 4, "2024-01-01"))
	m := c.next(t)
	var env httpapi.Envelope
	if err := json.Unmarshal([]byte(m.Data), &env); err != nil {
		t.Fatal(err)
	}
	if m.ID != fmt.Sprint(a.Sequence) || m.Event != "ocop.certified" || env.Sequence != a.Sequence || env.Actor != "ruby" || env.Source != "QĐ 1" {
		t.Fatalf("first message %+v, want id %d", m, a.Sequence)
	}
	if m := c.next(t); m.ID != fmt.Sprint(b.Sequence) {
		t.Fatalf("second message id %s, want %d", m.ID, b.Sequence)
	}
	c.Close()

	var missed []string
	for i := 0; i < 10; i++ {
		missed = append(missed, fmt.Sprint(e.record("ocop.certified", cert(fmt.Sprintf("gap-%d", i), 4, "2024-01-01")).Sequence))
	}
	c2 := e.subscribe("/v1/stream/events", viewerToken, fmt.Sprint(b.Sequence))
	var got []sseMsg
	for range missed {
		got = append(got, c2.next(t))
	}
	live := e.record("ocop.certified", cert("live", 4, "2024-01-01"))
	got = append(got, c2.next(t))
	want := append(missed, fmt.Sprint(live.Sequence))
	if seqs(got) != fmt.Sprint(want) {
		t.Fatalf("after resuming from %d: got %s, want %v", b.Sequence, seqs(got), want)
	}
	c2.none(t, 200*time.Millisecond)

	// ?since= works like Last-Event-ID; filters by type and stream prefix.
	c3 := e.subscribe("/v1/stream/events?since=0&stream=product.gap-*", viewerToken, "")
	for i := 0; i < 10; i++ {
		m := c3.next(t)
		if !strings.Contains(m.Data, fmt.Sprintf(`"stream":"product.gap-%d"`, i)) {
			t.Fatalf("filtered replay %d: %s", i, m.Data)
		}
	}
	c3.none(t, 200*time.Millisecond)
}

func TestStreamHeartbeatAndAuth(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens, heartbeat: 50 * time.Millisecond})
	c := e.subscribe("/v1/stream/events", viewerToken, "")
	deadline := time.After(5 * time.Second)
	for {
		select {
		case s := <-c.comments:
			if s == "keepalive" {
				goto ok
			}
		case <-deadline:
			t.Fatal("no heartbeat")
		}
	}
ok:
	if r := e.get("/v1/stream/events", ""); r.Status != 401 {
		t.Errorf("stream without a token: %d", r.Status)
	}
	if r := e.do("GET", "/v1/stream/events", viewerToken, nil, "Last-Event-ID", "abc"); r.Status != 400 {
		t.Errorf("bad Last-Event-ID: %d", r.Status)
	}
}

func TestStreamFiguresResume(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	const path = "/v1/stream/figures?as_of=2025-08-07"
	c := e.subscribe(path, viewerToken, "")
	a := e.record("ocop.certified", cert("f-1", 4, "2024-01-01"))
	m := c.next(t)
	var ch httpapi.FigureChanges
	json.Unmarshal([]byte(m.Data), &ch)
	if m.ID != fmt.Sprint(a.Sequence) || ch.Position != a.Sequence || !hasChange(ch, "ocop.valid", 0, 1) || !hasChange(ch, "ocop.valid.stars4", 0, 1) {
		t.Fatalf("first change %+v", m)
	}
	c.Close()

	b := e.record("ocop.certified", cert("f-2", 3, "2023-06-01"))
	e.record("ocop.certified", cert("f-later", 4, "2025-09-01")) // not valid yet on 07/08/2025: no change
	d := e.record("ocop.certified", cert("f-3", 4, "2024-05-01"))
	e.waitApplied()

	c2 := e.subscribe(path, viewerToken, fmt.Sprint(a.Sequence))
	m1, m2 := c2.next(t), c2.next(t)
	if m1.ID != fmt.Sprint(b.Sequence) || m2.ID != fmt.Sprint(d.Sequence) {
		t.Fatalf("resumed from %d: got ids %s, %s; want %d, %d", a.Sequence, m1.ID, m2.ID, b.Sequence, d.Sequence)
	}
	json.Unmarshal([]byte(m2.Data), &ch)
	if !hasChange(ch, "ocop.valid", 2, 3) {
		t.Errorf("second resumed change: %s", m2.Data)
	}
	c2.none(t, 200*time.Millisecond)
	live := e.record("ocop.certified", cert("f-4", 5, "2024-05-01"))
	if m := c2.next(t); m.ID != fmt.Sprint(live.Sequence) {
		t.Errorf("live change id %s, want %d", m.ID, live.Sequence)
	}
	if r := e.get("/v1/stream/figures?as_of=2025-02-30", viewerToken); r.Status != 400 {
		t.Errorf("bad as_of: %d", r.Status)
	}
}

func hasChange(ch httpapi.FigureChanges, fig string, old, new int64) bool {
	for _, c := range ch.Changes {
		if c.Figure == fig && c.Old == old && c.New == new {
			return true
		}
	}
	return false
}
