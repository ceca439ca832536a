// Command httpappends drives many concurrent HTTP clients appending to different records
// through `ocopledger serve`'s API (POST /v1/events/salespoint.opened, each entry a new sales
// point: a record of its own, read, decided and appended with its version check) and prints
// the rate and latencies. eventstore/bench/appends.sh runs it beside `nats bench`.
//
//	go run ./eventstore/bench/httpappends --url http://127.0.0.1:8080 --clients 64 --appends 20000
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nuid"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the API's base URL")
	clients := flag.Int("clients", 64, "concurrent clients, each with its own connection")
	appends := flag.Int("appends", 20000, "appends in all")
	token := flag.String("token", "", "bearer token of a writer (none: the embedded default needs none on 127.0.0.1)")
	flag.Parse()
	if err := run(*url, *clients, *appends, *token); err != nil {
		fmt.Fprintln(os.Stderr, "httpappends:", err)
		os.Exit(1)
	}
}

func run(base string, clients, appends int, token string) error {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	run := nuid.Next()[:8] // a new set of records every run
	post := func(i int) error {
		id := fmt.Sprintf("load-%s-%06d", run, i)
		body := fmt.Sprintf(`{"salespoint_id":"%s","name":"Điểm thử %s (giả lập)","site_type":"commercial_centre","funding":"private",`+
			`"operator":"Thương nhân giả lập","address":{"commune":"xã Tịnh Phong","district":"huyện Sơn Tịnh","province":"Quảng Ngãi"},`+
			`"opened_on":"2024-%02d-%02d","synthetic":true}`, id, id, 1+i%12, 1+i%28)
		req, err := http.NewRequest("POST", base+"/v1/events/salespoint.opened", strings.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", id)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("append %s: status %d: %s", id, resp.StatusCode, b)
		}
		return nil
	}
	// One append per client first: connections open, the server warm.
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	lat := make([][]time.Duration, clients)
	work := func(c int, until int64) {
		for {
			i := next.Add(1) - 1
			if i >= until {
				return
			}
			t0 := time.Now()
			if err := post(int(i)); err != nil {
				errs <- err
				return
			}
			lat[c] = append(lat[c], time.Since(t0))
		}
	}
	for c := range clients {
		wg.Go(func() { work(c, int64(clients)) })
	}
	wg.Wait()
	next.Store(int64(clients))
	lat = make([][]time.Duration, clients)
	start := time.Now()
	for c := range clients {
		wg.Go(func() { work(c, int64(clients+appends)) })
	}
	wg.Wait()
	el := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	p := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))].Microseconds()) / 1000 }
	fmt.Printf("%d appends to different records, %d clients: %.0f appends/s, p50 %.1f ms, p99 %.1f ms\n",
		len(all), clients, float64(len(all))/el.Seconds(), p(0.50), p(0.99))
	return nil
}
