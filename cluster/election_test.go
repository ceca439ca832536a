package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// answer is what one POST of an entry got.
type answer struct {
	status     int
	took       time.Duration
	retryAfter string
	code       string
	err        error
}

// postOnce sends an entry once (Idempotency-Key = id) and says what came back and how fast.
func (p *serveProc) postOnce(ctx context.Context, client *http.Client, id string, e domain.Event) answer {
	body, _ := json.Marshal(e)
	req, _ := http.NewRequestWithContext(ctx, "POST", p.url("/v1/events/"+url.PathEscape(e.EventType())), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+serveToken)
	req.Header.Set("Idempotency-Key", id)
	start := time.Now()
	resp, err := client.Do(req)
	a := answer{took: time.Since(start), err: err}
	if err != nil {
		return a
	}
	defer resp.Body.Close()
	var eb struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&eb)
	a.status, a.retryAfter, a.code = resp.StatusCode, resp.Header.Get("Retry-After"), eb.Error.Code
	return a
}

// TestLeaderKillAnswers503WithinTwoSeconds: one writer records entry after entry through
// `serve` (the command line of docker-compose.yml) while the stream leader is killed with
// SIGKILL, twice. While the cluster elects a new leader, every POST is answered within 2 s:
// 201 (or 200 for an entry an earlier attempt stored), or 503 "unavailable" with Retry-After,
// never 500 and never a wait of 7–20 s. The writer sends a refused entry again with the same
// Idempotency-Key; every acknowledged entry is in the log exactly once.
func TestLeaderKillAnswers503WithinTwoSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a three-node cluster and a server")
	}
	const kills, limit = 2, 2 * time.Second
	bin := buildBinary(t, "github.com/ocopledger/ocopledger/cmd/ocopledger", "ocopledger")
	c := startCluster(t)
	ctx := t.Context()
	p := composeServe(t, bin, c, composeLedgerCommand(t), "ledger1")
	p.supervise(t)
	p.waitReady(t, 60*time.Second)

	tl := newTally()
	seed := sharedFair(0)
	if _, err := p.post(ctx, "seed-"+seed.TradeEventID, seed); err != nil {
		t.Fatal(err)
	}
	tl.add("seed-"+seed.TradeEventID, ledgerPosition(false), 1)

	client := &http.Client{Timeout: 60 * time.Second} // to measure slow answers, not cut them
	var mu sync.Mutex
	var answers []answer
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := 0; ; n++ {
			id, e := workItem("elect", n, 1)
			for attempt := 1; ; attempt++ {
				select {
				case <-stop:
					return
				default:
				}
				a := p.postOnce(ctx, client, id, e)
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
				if a.status == http.StatusCreated || a.status == http.StatusOK {
					tl.add(id, ledgerPosition(a.status == http.StatusOK), attempt)
					break
				}
				if a.status >= 400 && a.status < 500 {
					t.Errorf("%s refused: %d %s", id, a.status, a.code)
					return
				}
				wait := 200 * time.Millisecond // a client honouring Retry-After waits longer; sooner probes the election
				if a.err != nil {
					wait = time.Second // serve itself is restarting
				}
				time.Sleep(wait)
			}
		}
	})

	obs, err := c.connect("ledger", ledgerPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	js, _ := jetstream.New(obs)
	for round := 1; round <= kills; round++ {
		waitProgress(t, tl, tl.n.Load(), 15, 60*time.Second)
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		leader, err := c.streamLeader(lctx, js, eventstore.DefaultStreamName)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: kill -9 %s, the stream leader, after %d acknowledged entries", round, leader.name, tl.n.Load())
		leader.kill()
		time.Sleep(time.Second)
		c.start(leader)
	}
	waitProgress(t, tl, tl.n.Load(), 15, 60*time.Second)
	close(stop)
	wg.Wait()

	byStatus := map[string]int{}
	var slow, wrong []string
	var took []time.Duration
	for _, a := range answers {
		key := fmt.Sprint(a.status)
		if a.err != nil {
			key = "no answer"
		}
		byStatus[key]++
		took = append(took, a.took)
		if a.took > limit {
			slow = append(slow, fmt.Sprintf("%d after %s", a.status, a.took.Round(time.Millisecond)))
		}
		switch {
		case a.err != nil:
			wrong = append(wrong, a.err.Error())
		case a.status == http.StatusServiceUnavailable && (a.code != "unavailable" || a.retryAfter == ""):
			wrong = append(wrong, fmt.Sprintf("503 %q with Retry-After %q", a.code, a.retryAfter))
		case a.status != http.StatusCreated && a.status != http.StatusOK && a.status != http.StatusServiceUnavailable:
			wrong = append(wrong, fmt.Sprintf("%d %s", a.status, a.code))
		}
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	t.Logf("%d POSTs across %d leader kills: %v; median %s, slowest %s", len(answers), kills, byStatus,
		took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	if byStatus["503"] == 0 {
		t.Errorf("no POST met an election (no 503): the test did not observe what it checks")
	}
	if len(slow) > 0 {
		t.Errorf("%d answers took longer than %s: %v", len(slow), limit, slow)
	}
	if len(wrong) > 0 {
		t.Errorf("%d answers were neither 201/200 nor 503 unavailable with Retry-After: %v", len(wrong), wrong)
	}
	s := openStore(t, c, "checker")
	checkLog(t, readLog(ctx, t, s), tl.acked)
}
