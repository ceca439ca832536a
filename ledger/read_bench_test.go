package ledger_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/ledger"
)

// benchEvents is the size of the synthetic ledger BenchmarkLedgerRead reads
// (OCOP_BENCH_EVENTS overrides it).
func benchEvents() int {
	if n, err := strconv.Atoi(os.Getenv("OCOP_BENCH_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// cpuTime is the CPU time (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLedgerRead imports a synthetic ledger (synth.Generate, as
// bench/main.go does) into an embedded store once, then times full reads of
// it, each sub-benchmark reading the whole log b.N times:
//
//   - consumer: a bare ordered consumer taking the messages and their
//     metadata, no decoding (the ceiling);
//   - store: eventstore.Store.Read with a no-op fn (envelope decoded);
//   - ledger: ledger.Ledger.Read with a no-op fn (envelope and payload
//     decoded into domain.Recorded).
//
// Run with e.g. go test -run '^$' -bench LedgerRead -benchtime 3x ./ledger/
func BenchmarkLedgerRead(b *testing.B) {
	s := storetest.MustOpenStore(b)
	ctx := b.Context()
	n := importSynthetic(b, s, benchEvents())
	l := ledger.New(s, nil)

	run := func(b *testing.B, read func() (int, error)) {
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := cpuTime()
		start := time.Now()
		for range b.N {
			got, err := read()
			if err != nil {
				b.Fatal(err)
			}
			if got != n {
				b.Fatalf("read %d events, want %d", got, n)
			}
		}
		el := time.Since(start)
		cpu := cpuTime() - cpu0
		b.ReportMetric(float64(n*b.N)/el.Seconds(), "events/s")
		b.ReportMetric(float64(el.Nanoseconds())/float64(n*b.N), "ns/event")
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n*b.N), "cpu-ns/event")
	}

	b.Run("consumer", func(b *testing.B) {
		run(b, func() (int, error) {
			cons, err := s.JetStream().OrderedConsumer(ctx, s.StreamName(), jetstream.OrderedConsumerConfig{
				DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: 1})
			if err != nil {
				return 0, err
			}
			it, err := cons.Messages(jetstream.PullMaxMessages(2000))
			if err != nil {
				return 0, err
			}
			defer it.Stop()
			got := 0
			for got < n {
				m, err := it.Next()
				if err != nil {
					return got, err
				}
				if _, err := m.Metadata(); err != nil {
					return got, err
				}
				_ = m.Data()
				got++
			}
			return got, nil
		})
	})
	b.Run("store", func(b *testing.B) {
		run(b, func() (int, error) {
			got := 0
			err := s.Read(ctx, 1, func(eventstore.Envelope) error { got++; return nil })
			return got, err
		})
	})
	b.Run("ledger", func(b *testing.B) {
		run(b, func() (int, error) {
			got, unknown := 0, 0
			err := l.Read(ctx, 1, func(r domain.Recorded) error {
				got++
				if r.Event == nil {
					unknown++
				}
				return nil
			})
			if unknown > 0 {
				b.Fatalf("%d events did not decode", unknown)
			}
			return got, err
		})
	})
}
