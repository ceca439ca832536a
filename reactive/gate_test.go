package reactive

import (
	"testing"
	"time"
)

// The gate that ends a subscription's context only once no callback is in flight (the
// watermill-nats v2.1.3 close/send race): it waits for a callback in flight, lets none in after
// it is closed, and gives up waiting after its limit.
func TestCallbackGateWaitsForCallbacksInFlight(t *testing.T) {
	g := newCallbackGate()
	if !g.enter() {
		t.Fatal("an open gate refused a callback")
	}
	done := make(chan struct{})
	go func() { g.closeAndWait(time.Minute); close(done) }()
	select {
	case <-done:
		t.Fatal("closeAndWait returned while a callback was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	deadline := time.Now().Add(5 * time.Second)
	for g.enter() {
		g.leave()
		if time.Now().After(deadline) {
			t.Fatal("the gate still lets callbacks in after closeAndWait began")
		}
	}
	g.leave()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("closeAndWait did not return once the callback in flight left")
	}

	stuck := newCallbackGate()
	stuck.enter()
	start := time.Now()
	stuck.closeAndWait(50 * time.Millisecond)
	if time.Since(start) > 5*time.Second {
		t.Fatal("closeAndWait did not give up after its limit")
	}
	empty := newCallbackGate()
	empty.closeAndWait(time.Minute) // nothing in flight: returns at once
}
