package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/eventstore/storetest"
	"github.com/ocopledger/ocopledger/httpapi"
	"github.com/ocopledger/ocopledger/ledger"
	"github.com/ocopledger/ocopledger/projections"
)

// /v1/log on a store that cannot give back a position (bytes flipped in its message block)
// names the position with a history mismatch (409), not a page that silently skips it.
func TestLogNamesAPositionTheStoreCannotRead(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	s, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "product.p1", 0, storetest.Events("evt", 300)...); err != nil {
		t.Fatal(err)
	}
	s.Close()
	storetest.FlipInMessage(t, dir, eventstore.DefaultStreamName, `"id":"evt-150"`)
	s, err = eventstore.Open(ctx, eventstore.Config{DataDir: dir, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := projections.Open(filepath.Join(t.TempDir(), "rm.db"), projections.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	auth, err := httpapi.NewAuth(testTokens, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Ledger: ledger.New(s, nil), Projection: p, Auth: auth,
		Rebuild: func(context.Context) error { return nil }}).Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+viewerToken)
		req.Header.Set("Accept-Language", "en")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	code, body := get("/v1/log?from=100&limit=100")
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || code != http.StatusConflict || e.Error.Code != "history_mismatch" ||
		!strings.Contains(e.Error.Message, "at positions 150:") {
		t.Errorf("GET /v1/log over position 150: %d %s; want 409 history_mismatch naming 150", code, body)
	}
	// A page before the damage reads as before.
	if code, body := get("/v1/log?from=1&limit=100"); code != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`"id":"evt-%d"`, 100)) {
		t.Errorf("GET /v1/log of 1–100: %d %.200s", code, body)
	}
}
