package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A subscriber that resumes from a position the log does not have (beyond its end: an ID from
// another ledger, or a restored one) is refused with 400 naming the header and the end, instead of
// waiting in silence for positions that already went by under other numbers. So is a resume point
// that is not a position. The end itself is a valid resume point (nothing missed yet).
func TestStreamResumeBeyondTheEnd(t *testing.T) {
	e := newEnv(t, envOpt{tokens: testTokens})
	for i := range 3 {
		e.record("ocop.certified", cert(fmt.Sprintf("r-%d", i), 4, "2024-01-01"))
	}
	e.waitApplied()
	for _, c := range []struct {
		path, lastID, field, contains string
	}{
		{"/v1/stream/events", "1000", "Last-Event-ID", "1000"},
		{"/v1/stream/events", "4", "Last-Event-ID", "3"},
		{"/v1/stream/events?since=99", "", "since", "99"},
		{"/v1/stream/figures", "1000", "Last-Event-ID", "1000"},
		{"/v1/stream/figures?since=4", "", "since", "3"},
		{"/v1/stream/events", "soon", "Last-Event-ID", "soon"},
		{"/v1/stream/events", "-1", "Last-Event-ID", "-1"},
		{"/v1/stream/events", "1e3", "Last-Event-ID", "1e3"},
		{"/v1/stream/figures", "3.0", "Last-Event-ID", "3.0"},
		{"/v1/stream/events?since=x", "", "since", "x"},
	} {
		var hdr []string
		if c.lastID != "" {
			hdr = []string{"Last-Event-ID", c.lastID}
		}
		for _, lang := range []string{"vi", "en"} {
			r := e.openStream(c.path+map[string]string{"vi": "", "en": sep(c.path) + "lang=en"}[lang], hdr...)
			if r.Status != 400 {
				t.Errorf("%s Last-Event-ID %q (%s): got %d %.200s, want 400", c.path, c.lastID, lang, r.Status, r.Body)
				continue
			}
			code, field := r.errFields(t)
			msg, _ := r.json(t)["error"].(map[string]any)["message"].(string)
			if code != "invalid" || field != c.field || !strings.Contains(msg, c.contains) {
				t.Errorf("%s Last-Event-ID %q (%s): got %s, want invalid naming %s and %s", c.path, c.lastID, lang, r.Body, c.field, c.contains)
			}
			if lang == "vi" && !vietnamese(msg) {
				t.Errorf("%s Last-Event-ID %q: the message is not Vietnamese: %s", c.path, c.lastID, msg)
			}
		}
	}
	// At the end: accepted, and the next entry arrives.
	for _, path := range []string{"/v1/stream/events", "/v1/stream/figures?as_of=2025-01-01"} {
		e.waitApplied()
		c := e.subscribe(path, viewerToken, fmt.Sprint(e.lastSeq()))
		e.record("ocop.certified", cert("r-next-"+fmt.Sprint(len(path)), 4, "2024-01-01"))
		if m := c.next(t); m.ID != fmt.Sprint(e.lastSeq()) {
			t.Errorf("%s resumed at the end: got id %s, want %d", path, m.ID, e.lastSeq())
		}
		c.Close()
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// openStream opens a stream as the viewer and reads its answer, unless it is a stream (200),
// which it closes at once.
func (e *testEnv) openStream(path string, hdr ...string) resp {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+viewerToken)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		return resp{res.StatusCode, res.Header, []byte("(a stream)")}
	}
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}
