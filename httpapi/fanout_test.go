package httpapi_test

import (
	"fmt"
	"testing"
)

// The figure changes of a day are computed once per log position, whatever the number of its
// subscribers: ocopledger_figure_computations_total grows by the positions appended with one
// subscriber as with forty, and by twice that with two days streamed.
func TestStreamFiguresComputedOncePerChange(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	computations := func() float64 {
		t.Helper()
		v, ok := value(e.scrape(), "ocopledger_figure_computations_total")
		if !ok {
			t.Fatal("/metrics lacks ocopledger_figure_computations_total")
		}
		return v
	}
	const perRound = 3
	n := 0
	round := func(subscribers int, days ...string) float64 {
		t.Helper()
		var cs []*sseClient
		for i := 0; i < subscribers; i++ {
			cs = append(cs, e.subscribe("/v1/stream/figures?as_of="+days[i%len(days)], viewerToken, ""))
		}
		before := computations()
		for i := 0; i < perRound; i++ {
			n++
			e.record("ocop.certified", cert(fmt.Sprintf("once-%d", n), 4, "2024-01-01"))
		}
		for i, c := range cs {
			for j := 0; j < perRound; j++ {
				if m := c.next(t); m.Event != "figures" {
					t.Fatalf("subscriber %d, message %d: %+v, want a figure change", i, j, m)
				}
			}
		}
		got := computations() - before
		for _, c := range cs {
			c.Close()
		}
		return got
	}
	if got := round(1, "2025-08-07"); got != perRound {
		t.Errorf("1 subscriber, %d positions: %v computations, want %d", perRound, got, perRound)
	}
	if got := round(40, "2025-08-07"); got != perRound {
		t.Errorf("40 subscribers of one day, %d positions: %v computations, want %d (one per position)", perRound, got, perRound)
	}
	if got := round(40, "2025-08-07", "2025-09-01"); got != 2*perRound {
		t.Errorf("40 subscribers of two days, %d positions: %v computations, want %d (one per position and day)", perRound, got, 2*perRound)
	}
}
