package httpapi

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
)

// query is a request's query parameters, checked against the ones an endpoint takes.
type query struct {
	v url.Values
}

// params refuses parameters the endpoint does not take (a typo must not be silently ignored)
// and parameters given twice. Every endpoint also takes lang (vi or en), the language of its
// error messages (errorLang) and of its labels where it has them; allowed need not list it.
func params(r *http.Request, allowed ...string) (query, error) {
	v := r.URL.Query()
	var names []string
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k != "lang" && !contains(allowed, k) {
			if len(allowed) == 0 {
				return query{}, domain.Invalid(k, "is not a parameter of %s, which takes none (besides lang)", r.URL.Path)
			}
			return query{}, domain.Invalid(k, "is not a parameter of %s; it takes: %s", r.URL.Path, strings.Join(allowed, ", "))
		}
		if len(v[k]) > 1 {
			return query{}, domain.Invalid(k, "is given %d times; give it once", len(v[k]))
		}
	}
	q := query{v: v}
	if _, err := q.lang(); err != nil {
		return query{}, err
	}
	return q, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (q query) get(k string) string { return strings.TrimSpace(q.v.Get(k)) }

func (q query) uint(k string, def uint64) (uint64, error) {
	s := q.get(k)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, domain.Invalid(k, "%q is not a whole number", s)
	}
	return n, nil
}

func (q query) date(k string, def domain.Date) (domain.Date, error) {
	s := q.get(k)
	if s == "" {
		return def, nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return domain.NoDate, domain.Invalid(k, "%v", err) // it quotes s and says how to write a date
	}
	return d, nil
}

func (q query) knownAt(k string) (time.Time, error) {
	t, err := domain.ParseKnownAt(q.get(k))
	if err != nil {
		return time.Time{}, domain.Invalid(k, "%v", err)
	}
	return t, nil
}

// figureQuery reads as_of (default today in Vietnam), known_at (default now) and from.
func (s *Server) figureQuery(q query) (domain.Query, error) {
	return QueryText{AsOf: q.get("as_of"), KnownAt: q.get("known_at"), From: q.get("from")}.Query(s.cfg.Now(), "_")
}

// QueryText is a figures query as written: the API's parameters as_of, known_at and from, the
// command line's --as-of, --known-at and --from; "" leaves one at its default.
type QueryText struct{ AsOf, KnownAt, From string }

// Query reads the query at now: the day (default today in Vietnam), the knowledge time (default
// now) and the start of the period of flow figures (default domain.ReportPeriodStart). An error
// names the field as the caller writes it: sep joins its words ("_": as_of, "-": as-of).
func (t QueryText) Query(now time.Time, sep string) (domain.Query, error) {
	name := func(s string) string { return strings.ReplaceAll(s, "_", sep) }
	date := func(field, s string, def domain.Date) (domain.Date, error) {
		if s == "" {
			return def, nil
		}
		d, err := domain.ParseDate(s)
		if err != nil {
			return domain.NoDate, domain.Invalid(name(field), "%v", err) // it quotes s and says how to write a date
		}
		return d, nil
	}
	asOf, err := date("as_of", t.AsOf, domain.DateOf(now))
	if err != nil {
		return domain.Query{}, err
	}
	known, err := domain.ParseKnownAt(t.KnownAt)
	if err != nil {
		return domain.Query{}, domain.Invalid(name("known_at"), "%v", err)
	}
	from, err := date("from", t.From, domain.ReportPeriodStart)
	if err != nil {
		return domain.Query{}, err
	}
	return domain.Query{AsOf: asOf, KnownAt: known, From: from}, nil
}

// PeriodQuery is Query for the command line's questions whose --from starts the period of the
// flow figures (figures, explain, diff, report): a period given must not end before it starts.
func (t QueryText) PeriodQuery(now time.Time) (domain.Query, error) {
	q, err := t.Query(now, "-")
	if err == nil && t.From != "" && q.From > q.AsOf {
		err = domain.Invalid("from", "%s is after --as-of %s", q.From.VN(), q.AsOf.VN())
	}
	return q, err
}

func (q query) lang() (string, error) {
	switch l := q.get("lang"); l {
	case "":
		return "vi", nil
	case "vi", "en":
		return l, nil
	default:
		return "", domain.Invalid("lang", "%q: give vi or en", l)
	}
}
