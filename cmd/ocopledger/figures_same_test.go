package main

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// figuresAnswer is what the CLI (figures --json) and the API (GET /v1/figures) both answer.
type figuresAnswer struct {
	AsOf     string                                 `json:"as_of"`
	KnownAt  string                                 `json:"known_at"` // RFC 3339, the instant the answer was read at
	From     string                                 `json:"from"`
	Position uint64                                 `json:"position"`
	Figures  map[string]int64                       `json:"figures"`
	By       map[string]map[string]map[string]int64 `json:"by"`
}

// The same question put to the CLI and to the API gets the same figures and breakdowns, read at
// the same position and knowledge time, as known at a past time and as known now.
func TestFiguresSameFromCLIAndAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo into JetStream")
	}
	dir := t.TempDir()
	if code, _, errs := run(t, dir, "", "demo"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errs)
	}
	cli := func(args ...string) figuresAnswer {
		t.Helper()
		code, out, errs := run(t, dir, "", append([]string{"figures", "--json"}, args...)...)
		var a figuresAnswer
		if err := json.Unmarshal([]byte(out), &a); code != 0 || err != nil {
			t.Fatalf("figures %v: exit %d, %v: %s%s", args, code, err, out, errs)
		}
		return a
	}
	filed := cli("--as-of", "2025-08-07", "--known-at", "2025-08-07T16:00:00+07:00", "--by", "stars,funding,commune")
	now := cli("--as-of", "2025-08-07", "--by", "stars,level")

	base := serveGolden(t, dir)
	api := func(query string) figuresAnswer {
		t.Helper()
		res, err := http.Get(base + "/v1/figures?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		var a figuresAnswer
		if err := json.Unmarshal(body, &a); res.StatusCode != 200 || err != nil {
			t.Fatalf("GET /v1/figures?%s: %d %v: %s", query, res.StatusCode, err, body)
		}
		return a
	}
	same := func(what string, got, want figuresAnswer) {
		t.Helper()
		if got.AsOf != want.AsOf || got.From != want.From || got.Position != want.Position {
			t.Errorf("%s: the API answers as_of %s from %s at position %d; the CLI as_of %s from %s at %d",
				what, got.AsOf, got.From, got.Position, want.AsOf, want.From, want.Position)
		}
		if !maps.Equal(got.Figures, want.Figures) {
			t.Errorf("%s: the API's figures %v differ from the CLI's %v", what, got.Figures, want.Figures)
		}
		if len(want.By) == 0 || !reflect.DeepEqual(got.By, want.By) {
			t.Errorf("%s: the API's breakdowns %v differ from the CLI's %v", what, got.By, want.By)
		}
	}
	filedAPI := api("as_of=2025-08-07&known_at=2025-08-07T16:00:00%2B07:00&by=stars,funding,commune")
	same("as known when filed", filedAPI, filed)
	if a, b := parseTime(t, filedAPI.KnownAt), parseTime(t, filed.KnownAt); !a.Equal(b) {
		t.Errorf("as known when filed: the API says known_at %s, the CLI %s", filedAPI.KnownAt, filed.KnownAt)
	}
	// serve records entries of its own (the expiry notifier): asked as known at the instant the
	// CLI's answer as known now names, the API reads the position the CLI read.
	nowAPI := api("as_of=2025-08-07&by=stars,level&known_at=" + url.QueryEscape(parseTime(t, now.KnownAt).Format(time.RFC3339Nano)))
	same("as known now", nowAPI, now)
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("known_at %q: %v", s, err)
	}
	return v
}
