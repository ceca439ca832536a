package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/ocopledger/ocopledger/httpapi"
)

// The Mux keeps the patterns in the order they were registered, and under /v1/ answers a path
// it has no route for, or a method a path does not take, as the API answers every error.
func TestMuxNoRoute(t *testing.T) {
	mux := httpapi.NewMux()
	ok := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok "+r.PathValue("id")) }
	mux.HandleFunc("GET /v1/things/{id}", ok)
	mux.HandleFunc("POST /v1/things/{id}", ok)
	mux.Handle("GET /{$}", http.HandlerFunc(ok))
	if got, want := mux.Patterns(), []string{"GET /v1/things/{id}", "POST /v1/things/{id}", "GET /{$}"}; !slices.Equal(got, want) {
		t.Errorf("Patterns() = %q, want %q", got, want)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, c := range []struct {
		method, path, lang string
		status             int
		allow, code, field string
		message            string // the JSON message, or the plain body when code is ""
	}{
		{"GET", "/v1/things/7", "", 200, "", "", "", "ok 7"},
		{"GET", "/v1/nothing", "", 404, "", "not_found", "path", "path: API không có đường dẫn /v1/nothing; danh sách đường dẫn có trong /v1/openapi.json"},
		{"GET", "/v1/nothing", "en", 404, "", "not_found", "path", "path: the API has no /v1/nothing; its routes are listed in /v1/openapi.json"},
		{"DELETE", "/v1/things/7", "en", 405, "GET, HEAD, POST", "invalid", "method", "method: DELETE is not a method of /v1/things/7; it takes: GET, HEAD, POST"},
		// Outside /v1/ the ServeMux answers as it always does.
		{"GET", "/elsewhere", "en", 404, "", "", "", "404 page not found\n"},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		if c.lang != "" {
			req.Header.Set("Accept-Language", c.lang)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status || res.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: got %d Allow %q, want %d Allow %q", c.method, c.path, res.StatusCode, res.Header.Get("Allow"), c.status, c.allow)
		}
		if c.code == "" {
			if string(body) != c.message {
				t.Errorf("%s %s: got body %q, want %q", c.method, c.path, body, c.message)
			}
			continue
		}
		var e struct {
			Error struct{ Code, Field, Message string }
		}
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%s %s: %v in %q", c.method, c.path, err, body)
		}
		if e.Error.Code != c.code || e.Error.Field != c.field || e.Error.Message != c.message {
			t.Errorf("%s %s: got %+v, want code %q field %q message %q", c.method, c.path, e.Error, c.code, c.field, c.message)
		}
	}
}
