package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/projections"
)

// explainPage reads the page that limit and after of GET /v1/figures/{id}/explain ask for, and
// sets the Link header of the next; ok is false when limit is not given (the whole list).
func (s *Server) explainPage(w http.ResponseWriter, r *http.Request, resp figureResponse, q query) (page projections.ExplainPage, ok bool, err error) {
	if q.get("limit") == "" {
		if q.get("after") != "" {
			return page, false, domain.Invalid("after", "a cursor needs a page size: give limit too")
		}
		return page, false, nil
	}
	limit, err := q.uint("limit", 0)
	if err != nil {
		return page, false, err
	}
	if limit < 1 || limit > projections.MaxExplainLimit {
		return page, false, domain.Invalid("limit", "%d is not a page size: give 1 to %d items", limit, projections.MaxExplainLimit)
	}
	page, err = s.cfg.Projection.ExplainPage(r.Context(), resp.Figure.ID, domain.Query{AsOf: resp.AsOf, KnownAt: resp.KnownAt, From: resp.From}, q.get("after"), int(limit))
	if err == nil && page.Next != "" {
		// The next page is asked as known at this page's time, so that the pages add up to one list.
		v := url.Values{}
		for k, vs := range q.v {
			v[k] = vs
		}
		v.Set("after", page.Next)
		v.Set("known_at", resp.KnownAt.Format(time.RFC3339Nano))
		next := url.URL{Path: r.URL.Path, RawQuery: v.Encode()}
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	return page, true, err
}

// explainPageResponse answers GET /v1/figures/{id}/explain?limit=: one page and the cursor of
// the next (also in a Link header, rel="next").
type explainPageResponse struct {
	figureResponse
	Items []projections.ExplainItem `json:"items"`
	Next  string                    `json:"next,omitempty"`
}

// streamExplain writes GET /v1/figures/{id}/explain's whole list as it reads it, byte for byte
// what writeJSON writes of the list held whole: the answer without its items, then each item.
// An error after the first item can only end the answer short (the status is sent); it is logged.
func (s *Server) streamExplain(w http.ResponseWriter, r *http.Request, resp figureResponse) {
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		figureResponse
		Items []projections.ExplainItem `json:"items"`
	}{resp, []projections.ExplainItem{}}); err != nil {
		s.fail(w, r, err)
		return
	}
	prefix := bytes.TrimSuffix(head.Bytes(), []byte("]}\n")) // ends with "items":[
	var buf bytes.Buffer
	enc = json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	started := false
	start := func() {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		w.Write(prefix)
		started = true
	}
	n := 0
	for it, err := range s.cfg.Projection.ExplainSeq(r.Context(), resp.Figure.ID, domain.Query{AsOf: resp.AsOf, KnownAt: resp.KnownAt, From: resp.From}, "") {
		if err != nil {
			if !started {
				s.fail(w, r, err)
			} else {
				s.log.Warn("explain: the list ended short", "figure", resp.Figure.ID, "items", n, "err", err)
			}
			return
		}
		if !started {
			start()
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(it); err != nil {
			s.log.Warn("explain: the list ended short", "figure", resp.Figure.ID, "items", n, "err", err)
			return
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		n++
		if buf.Len() >= 32<<10 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return // the client went away
			}
			buf.Reset()
		}
	}
	if !started {
		start()
	}
	buf.WriteString("]}\n")
	w.Write(buf.Bytes())
}
