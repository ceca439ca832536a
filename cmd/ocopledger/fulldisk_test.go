package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
)

// smallDisk mounts a tmpfs of the given size on a fresh directory and unmounts it when the test
// ends; the test is skipped where mounting is not permitted (it needs root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("a full disk is tested on a small tmpfs, and mounting one is not permitted here (it needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		// Something may still be closing files on it: try again, then detach it anyway so that
		// no mount outlives the test.
		var out []byte
		var err error
		for range 20 {
			if out, err = exec.Command("umount", dir).CombinedOutput(); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		exec.Command("umount", "-l", dir).Run()
		t.Errorf("umount %s: %v %s", dir, err, out)
	})
	return dir
}

// fillDisk writes a file in dir until the disk is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 64<<10)
	for _, n := range []int{len(block), 4096, 512, 1} {
		for {
			if _, err := f.Write(block[:n]); err != nil {
				break
			}
		}
	}
	return path
}

// salesPoint is the body of a salespoint.opened entry.
func salesPoint(i int) string {
	return fmt.Sprintf(`{"salespoint_id":"disk-%03d","name":"Điểm thử %03d (giả lập)","site_type":"commercial_centre","funding":"private","operator":"Thương nhân giả lập","address":{"commune":"xã Tịnh Phong","district":"huyện Sơn Tịnh","province":"Quảng Ngãi"},"opened_on":"2024-%02d-%02d","synthetic":true}`,
		i, i, 1+i%12, 1+i%28)
}

// metric returns the value of an unlabelled metric of serve's /metrics, or "" if absent.
func metric(t *testing.T, base, name string) string {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// A full disk under `serve`: an append answers 507 with a clerk's sentence within 2 s, /readyz
// says not ready and why, and once space is freed appends are accepted again by the same
// process; every acknowledged entry is in the log once. The command line says the same and exits 1.
func TestFullDiskAnswers507AndRecovers(t *testing.T) {
	disk := smallDisk(t, "16m")
	data := filepath.Join(disk, "data")
	t.Setenv("OCOPLEDGER_TOKENS", serveAdminToken+":admin:ana")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	m := NewMain(strings.NewReader(""), io.Discard, &logs)
	code := make(chan int, 1)
	go func() {
		c := m.Run(ctx, []string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--instance", "test"})
		m.Close() // before saying it stopped: the command line opens the same data directory next
		code <- c
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case c := <-code:
			if c != 0 {
				t.Errorf("serve exit code %d after a stop; log:\n%s", c, logs.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	}
	t.Cleanup(stop)
	re := regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/`)
	waitFor(t, "the start line", func() bool { return re.MatchString(logs.String()) })
	base := "http://" + re.FindStringSubmatch(logs.String())[1]
	readyz := func() (int, map[string]any) {
		res, err := http.Get(base + "/readyz?lang=en")
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	waitFor(t, "/readyz", func() bool { s, _ := readyz(); return s == 200 })

	post := func(i int, lang string) (int, time.Duration, apiError, http.Header) {
		req, _ := http.NewRequest("POST", base+"/v1/events/salespoint.opened"+lang, strings.NewReader(salesPoint(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+serveAdminToken)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("disk-test-%03d", i))
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %d: %v", i, err)
		}
		defer res.Body.Close()
		var e apiError
		json.NewDecoder(res.Body).Decode(&e)
		return res.StatusCode, time.Since(start), e, res.Header
	}
	var acked []int
	for i := range 10 {
		if s, _, e, _ := post(i, ""); s != 201 {
			t.Fatalf("POST %d with room on the disk: %d %+v", i, s, e)
		}
		acked = append(acked, i)
	}

	filler := fillDisk(t, disk)
	status, took, e, _ := post(100, "")
	if status != http.StatusInsufficientStorage || e.Error.Code != "storage_full" {
		t.Fatalf("POST on a full disk: %d %+v, want 507 storage_full", status, e)
	}
	if took > 2*time.Second {
		t.Errorf("POST on a full disk took %s, want at most 2 s", took)
	}
	if !strings.HasPrefix(e.Error.Message, "bộ nhớ lưu trữ của sổ cái đã đầy") || !strings.HasPrefix(e.Error.MessageEN, "the ledger's storage is full") {
		t.Errorf("POST on a full disk says %q / %q, want the clerk's sentence", e.Error.Message, e.Error.MessageEN)
	}
	t.Logf("POST on a full disk: %d after %s: %s", status, took.Round(time.Millisecond), e.Error.Message)
	if status, body := readyz(); status != 503 || body["ready"] != false || !strings.Contains(fmt.Sprint(body["storage"]), "storage is full") {
		t.Errorf("/readyz on a full disk: %d %v, want 503 naming the full storage", status, body)
	}
	if m := metric(t, base, "ocopledger_storage_full"); m != "1" {
		t.Errorf("ocopledger_storage_full on a full disk = %q, want 1", m)
	}

	os.Remove(filler)
	waitFor(t, "/readyz once space is freed", func() bool { s, _ := readyz(); return s == 200 })
	if m := metric(t, base, "ocopledger_storage_full"); m != "0" {
		t.Errorf("ocopledger_storage_full once space is freed = %q, want 0", m)
	}
	for i := 100; i < 105; i++ {
		if s, _, e, _ := post(i, ""); s != 201 {
			t.Fatalf("POST %d once space is freed: %d %+v", i, s, e)
		}
		acked = append(acked, i)
	}
	stop()

	// The command line, on the same full disk: its own sentence, exit 1, nothing recorded.
	filler = fillDisk(t, disk)
	exit, _, errs := run(t, data, salesPoint(200), "record", "salespoint.opened", "--lang", "en")
	if exit != 1 || !strings.Contains(errs, "the ledger's storage is full") {
		t.Errorf("record on a full disk: exit %d, %q; want exit 1 and the storage-full sentence", exit, errs)
	}
	t.Logf("record on a full disk: exit %d: %s", exit, strings.TrimSpace(errs))
	os.Remove(filler)
	if exit, out, errs := run(t, data, salesPoint(201), "record", "salespoint.opened", "--id", "disk-test-201"); exit != 0 {
		t.Fatalf("record once space is freed: exit %d %s%s", exit, out, errs)
	}
	acked = append(acked, 201)

	s, err := eventstore.Open(context.Background(), eventstore.Config{DataDir: filepath.Join(data, "jetstream")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]int{}
	if err := s.Read(context.Background(), 1, func(e eventstore.Envelope) error { seen[e.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, i := range acked {
		if n := seen[fmt.Sprintf("disk-test-%03d", i)]; n != 1 {
			t.Errorf("acknowledged entry %d is in the log %d times", i, n)
		}
	}
	if len(seen) != len(acked) {
		t.Errorf("the log holds %d entries, %d were acknowledged", len(seen), len(acked))
	}
}
