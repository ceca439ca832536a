// Package domain is the centre of ocopledger: the events of the OCOP programme, the value types
// that cannot hold invalid values, the legal rules (each in one place), the aggregates that decide
// which events a command yields, and the single definition of every reported figure.
//
// It imports only the standard library. Adapters (the JetStream event store, the bbolt
// projections, the HTTP server) import it; it imports none of them.
//
// Two clocks run through it. World time is civil dates in Vietnam ([Date]): decision dates,
// validity periods, fair dates. Knowledge time is when the ledger learned a fact
// ([Recorded].RecordedAt). A figure is asked for a day D as known at an instant K ([Query]);
// [Evaluate] answers it naively from the raw log and is the reference the projections must match.
package domain
