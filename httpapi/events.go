package httpapi

import (
	"errors"
	"fmt"
	"github.com/ocopledger/ocopledger/tables"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/ledger"
)

// Envelope is the JSON form of an entry of the log, as in `ocopledger export`: the ledger's
// wire type.
type Envelope = ledger.Entry

// recordResponse answers POST /v1/events/{type}.
type recordResponse struct {
	ledger.Position
	Duplicate bool `json:"duplicate"`
}

func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	typ := r.PathValue("type")
	label := typ
	if !domain.KnownType(typ) {
		label = "unknown"
	}
	pos, err := s.record(r, typ)
	status := http.StatusCreated
	if err != nil {
		var he *httpError
		if errors.As(err, &he) {
			status = he.status
		} else {
			status = domain.HTTPStatus(domain.ErrorCode(err))
		}
		s.appends.WithLabelValues(label, strconv.Itoa(status)).Inc()
		s.fail(w, r, err)
		return
	}
	if pos.Duplicate {
		status = http.StatusOK
	}
	s.appends.WithLabelValues(label, strconv.Itoa(status)).Inc()
	s.appendTime.Observe(time.Since(start).Seconds())
	w.Header().Set("Location", fmt.Sprintf("/v1/log?from=%d&limit=1", pos.Sequence))
	w.Header().Set("ETag", fmt.Sprintf("%q", strconv.FormatUint(pos.Version, 10)))
	writeJSON(w, status, recordResponse{Position: pos, Duplicate: pos.Duplicate})
}

func (s *Server) record(r *http.Request, typ string) (ledger.Position, error) {
	if !domain.KnownType(typ) {
		err := domain.Invalid("type", "%q is not a known event type; known types: %s", typ, strings.Join(domain.EventTypes(), ", "))
		err.Value = typ
		return ledger.Position{}, err
	}
	if typ == domain.TypeQuarantineAcknowledged {
		// Acknowledging a quarantined entry is an admin's decision about the ledger itself.
		if p, ok := PrincipalFrom(r.Context()); ok && p.Role < RoleAdmin {
			return ledger.Position{}, domain.Forbidden("%s has the role %s; this needs %s", p.Identity, p.Role, RoleAdmin)
		}
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		ct := r.Header.Get("Content-Type")
		return ledger.Position{}, withStatus(http.StatusUnsupportedMediaType, domain.CodeInvalid,
			domain.Invalid("Content-Type", "must be application/json: the body of an event is JSON, not %q", ct))
	}
	if r.ContentLength > ledger.MaxPayload {
		return ledger.Position{}, tooLarge(r.ContentLength)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, ledger.MaxPayload))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return ledger.Position{}, tooLarge(-1)
		}
		return ledger.Position{}, domain.Invalid("", "reading the body: %v", err)
	}
	if typ == domain.TypeQuarantineAcknowledged {
		if err := s.checkQuarantined(body); err != nil {
			return ledger.Position{}, err
		}
	}
	meta := ledger.Meta{
		Actor:         IdentityFrom(r.Context()), // never anything the client says
		Source:        r.Header.Get("X-Source"),
		CorrelationID: r.Header.Get("X-Correlation-Id"),
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if err := ledger.CheckEntryID("Idempotency-Key", key); err != nil {
			return ledger.Position{}, err
		}
		meta.ID = key
	}
	if m := r.Header.Get("If-Match"); m != "" {
		v, err := parseIfMatch(m)
		if err != nil {
			return ledger.Position{}, err
		}
		meta.ExpectedVersion = &v
	}
	return s.cfg.Ledger.Record(r.Context(), typ, body, meta)
}

// tooLarge refuses a body of n bytes (n ≤ 0: its length is not known, only that it is too long).
func tooLarge(n int64) error {
	kib := ledger.MaxPayload >> 10
	err := domain.Invalid("", "the body is longer than %d KiB, the most an entry may hold", kib)
	if n > 0 {
		err = domain.Invalid("", "the body is %d bytes; an entry may be at most %d KiB", n, kib)
	}
	return withStatus(http.StatusRequestEntityTooLarge, domain.CodeInvalid, err)
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// parseIfMatch reads the expected version: 3, "3" or W/"3".
func parseIfMatch(s string) (int64, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "W/")
	t = strings.Trim(t, `"`)
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v < 0 {
		return 0, domain.Invalid("If-Match", "%q is not a version: give the version of the record you read, e.g. \"3\"", s)
	}
	return v, nil
}

// logPage answers GET /v1/log.
type logPage struct {
	Events []Envelope `json:"events"`
	// Next is the position to ask for the next page from; null at the end of the log.
	Next *uint64 `json:"next"`
	End  uint64  `json:"end"` // the last position of the log when read
}

const maxScan = 20000 // events looked at per page when filtering

var errPageFull = errors.New("page full")

func (s *Server) handleLog(w http.ResponseWriter, r *http.Request) {
	q, err := params(r, "from", "limit", "stream", "type", "format", "sep")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, opts, err := tableFormat(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, err := q.uint("from", 1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := q.uint("limit", 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if limit < 1 || limit > 1000 {
		s.fail(w, r, domain.Invalid("limit", "%d: give 1 to 1000", limit))
		return
	}
	if from == 0 {
		from = 1
	}
	match := filter(q.get("type"), q.get("stream"))
	end, err := s.cfg.Ledger.LastSequence(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := logPage{Events: []Envelope{}, End: end}
	last, scanned := from-1, 0
	err = s.cfg.Ledger.ReadEntries(r.Context(), from, func(e Envelope) error {
		if e.Sequence > end {
			return errPageFull
		}
		last = e.Sequence
		scanned++
		if match(e.Type, e.Stream) {
			page.Events = append(page.Events, e)
		}
		if uint64(len(page.Events)) >= limit || scanned >= maxScan {
			return errPageFull
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPageFull) {
		s.fail(w, r, err)
		return
	}
	if last < end {
		n := last + 1
		page.Next = &n
	}
	if format.File() {
		lang, _ := q.lang() // checked by params
		s.writeTable(w, r, logTable(page, from, lang), format, opts)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// logTable is a page of the log as a table.
func logTable(page logPage, from uint64, lang string) *tables.Table {
	t := tables.Log(from, lang)
	for _, e := range page.Events {
		t.Rows = append(t.Rows, tables.LogRow(e, lang))
	}
	return t
}

// filter matches an event's type and stream: exact, or a prefix with a trailing *; "" matches all.
func filter(typ, stream string) func(t, s string) bool {
	return func(t, s string) bool { return eventstore.MatchPattern(typ, t) && eventstore.MatchPattern(stream, s) }
}
