package cluster_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

const (
	bulkChildEnv = "OCOPLEDGER_BULK_CHILD_DIR"
	bulkEntries  = 600
	bulkShared   = 3
	bulkKillAt   = 200
)

// TestKillLedgerProcessDuringBulkLoad: on the default embedded store, the
// ledger process is killed with SIGKILL in the middle of a bulk load. What
// it acknowledged is all there after restart (read with `ocopledger
// export`); the load then finishes by sending every entry again with the
// same IDs, and nothing is stored twice; read models rebuilt from the log
// equal the naive recomputation.
//
// The loading process is this test binary (bulkLoad), run as
// `cluster.test -test.run=^TestKillLedgerProcessDuringBulkLoad$` with
// OCOPLEDGER_BULK_CHILD_DIR set; it prints "acked <id>" for each entry
// the ledger acknowledged.
func TestKillLedgerProcessDuringBulkLoad(t *testing.T) {
	if dir := os.Getenv(bulkChildEnv); dir != "" {
		bulkLoad(dir)
		return
	}
	if testing.Short() {
		t.Skip("runs child processes")
	}
	cli := buildBinary(t, "github.com/ocopledger/ocopledger/cmd/ocopledger", "ocopledger")
	data := t.TempDir()

	first, _ := runBulkLoad(t, data, bulkKillAt)
	if len(first) < bulkKillAt {
		t.Fatalf("the first load acknowledged %d entries before it was killed, want %d", len(first), bulkKillAt)
	}
	envs := exportLog(t, cli, data)
	stored := map[string]bool{}
	for _, e := range envs {
		stored[e.ID] = true
	}
	for id := range first {
		if !stored[id] {
			t.Errorf("entry %s was acknowledged before kill -9 and is not in the log after restart", id)
		}
	}
	t.Logf("killed after %d acknowledged entries; %d events in the log on restart", len(first), len(envs))

	second, dups := runBulkLoad(t, data, 0)
	if len(second) != bulkEntries+bulkShared {
		t.Fatalf("the second load acknowledged %d entries, want all %d", len(second), bulkEntries+bulkShared)
	}
	envs = exportLog(t, cli, data)
	checkLog(t, envs, second)
	log := toRecorded(envs)
	t.Logf("second load: %d entries acknowledged, %d of them as already stored; log of %d events", len(second), dups, len(envs))

	// Read models rebuilt from the exported log, and from the store itself.
	fromExport := openProjection(t, "from-export")
	if err := fromExport.CatchUp(t.Context(), projections.SliceSource(log), nil); err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.Open(t.Context(), eventstore.Config{DataDir: filepath.Join(data, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fromStore := openProjection(t, "from-store")
	if err := fromStore.CatchUp(t.Context(), ledger.New(s, nil), nil); err != nil {
		t.Fatal(err)
	}
	checkFigures(t, log, map[string]*projections.Projection{"from export": fromExport, "from store": fromStore})
}

// runBulkLoad runs the bulk load in a child process on data and returns the
// IDs it acknowledged and how many of them were already stored. With
// killAt > 0 the child is killed with SIGKILL once it acknowledged killAt
// entries; otherwise it must finish.
func runBulkLoad(t *testing.T, data string, killAt int) (acked map[string]bool, dups int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKillLedgerProcessDuringBulkLoad$")
	cmd.Env = append(os.Environ(), bulkChildEnv+"="+data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked = map[string]bool{}
	done := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 2 && f[0] == "acked":
			acked[f[1]] = true
			if len(f) == 3 && f[2] == "duplicate" {
				dups++
			}
		case len(f) == 1 && f[0] == "done":
			done = true
		}
		if killAt > 0 && len(acked) >= killAt {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	err = cmd.Wait()
	if killAt == 0 && (err != nil || !done) {
		t.Fatalf("bulk load: %v, done %v\n%s", err, done, stderr.String())
	}
	return acked, dups
}

// bulkLoad is the child process: it records the shared trade events, then
// bulkEntries entries, each with its deterministic ID, on the embedded store
// in dir laid out as `ocopledger --data dir` does.
func bulkLoad(dir string) {
	ctx := context.Background()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "bulk load:", err)
		os.Exit(1)
	}
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: filepath.Join(dir, "jetstream")})
	if err != nil {
		fail(err)
	}
	l := ledger.New(s, nil)
	ack := func(id string, pos ledger.Position) {
		if pos.Duplicate {
			fmt.Printf("acked %s duplicate\n", id)
		} else {
			fmt.Printf("acked %s\n", id)
		}
	}
	for i := range bulkShared {
		e := sharedFair(i)
		pos, _, err := recordRetrying(ctx, l, "seed-"+e.TradeEventID, e)
		if err != nil {
			fail(err)
		}
		ack("seed-"+e.TradeEventID, pos)
	}
	for n := range bulkEntries {
		id, e := workItem("bulk", n, bulkShared)
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		pos, _, err := recordRetrying(rctx, l, id, e)
		cancel()
		if err != nil {
			fail(err)
		}
		ack(id, pos)
	}
	if err := s.Close(); err != nil {
		fail(err)
	}
	fmt.Println("done")
}

// exportLog runs `ocopledger export` on the data directory (the backup
// format 2: line i is the stored body of position i) and reads the events back.
func exportLog(t *testing.T, cli, data string) []eventstore.Envelope {
	t.Helper()
	file := filepath.Join(t.TempDir(), "export.jsonl")
	cmd := exec.CommandContext(t.Context(), cli, "export", "--data", data, "--out", file)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ocopledger export: %v\n%s", err, b)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var envs []eventstore.Envelope
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var w struct {
			ID            string          `json:"id"`
			Type          string          `json:"type"`
			Schema        int             `json:"schema"`
			Stream        string          `json:"stream"`
			Version       uint64          `json:"version"`
			RecordedAt    time.Time       `json:"recorded_at"`
			Backfilled    bool            `json:"backfilled"`
			Actor         string          `json:"actor"`
			Source        string          `json:"source"`
			CorrelationID string          `json:"correlation_id"`
			Data          json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil || w.ID == "" {
			t.Fatalf("export line %d is not an event (%v): %.200s", len(envs)+1, err, sc.Bytes())
		}
		envs = append(envs, eventstore.Envelope{ID: w.ID, Type: w.Type, Schema: w.Schema, Stream: w.Stream,
			Version: w.Version, Sequence: uint64(len(envs) + 1), RecordedAt: w.RecordedAt, Backfilled: w.Backfilled,
			Actor: w.Actor, Source: w.Source, CorrelationID: w.CorrelationID, Data: w.Data,
			Body: bytes.Clone(sc.Bytes())})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return envs
}
