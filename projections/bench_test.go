package projections_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/synth"
)

func synthLog(n int) projections.SliceSource {
	entries := synth.Generate(synth.Config{Events: n, Seed: 1})
	log := make(projections.SliceSource, len(entries))
	versions := map[string]uint64{}
	for i, e := range entries {
		s := e.Event.Stream()
		versions[s]++
		raw, _ := json.Marshal(e.Event) // as the ledger's reader hands it over: decoded, with its raw payload
		log[i] = domain.Recorded{ID: e.ID, Type: e.Event.EventType(), Stream: s, Version: versions[s], Sequence: uint64(i + 1), RecordedAt: e.RecordedAt, Event: e.Event, Raw: raw}
	}
	return log
}

// BenchmarkRebuild measures a full rebuild of the read models from an in-memory log.
func BenchmarkRebuild(b *testing.B) {
	log := synthLog(benchEvents)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := projections.Open(filepath.Join(b.TempDir(), "p.db"), projections.Options{BatchSize: benchBatch})
		if err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		if err := p.CatchUp(context.Background(), log, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(log))/time.Since(t).Seconds(), "events/s")
		p.Close()
	}
}

var benchEvents = func() int {
	if n, err := strconv.Atoi(os.Getenv("OCOPLEDGER_BENCH_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 50000
}()

var benchBatch = func() int {
	n, _ := strconv.Atoi(os.Getenv("OCOPLEDGER_BENCH_BATCH"))
	return n
}()
