package reactive

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
)

// Mount puts the webhook API on mux (an *http.ServeMux, or anything that registers patterns the
// same way), each route wrapped by require("admin", …):
//
//	POST /v1/webhooks                    {url, filter:{types,streams}, secret} → 201 the subscription
//	GET  /v1/webhooks                    the subscriptions
//	GET  /v1/webhooks/{id}               one subscription
//	POST /v1/webhooks/{id}/disable       stop delivering to it
//	GET  /v1/webhooks/{id}/deliveries    its delivery log (?limit=, default 100)
//	GET  /v1/webhooks/poison             the poison queue (?limit=, default 100)
//
// Secrets are never shown. Errors are answered by writeError, which `ocopledger serve` sets to
// httpapi.WriteError so that they read like every other error of the API:
// {"error":{"code","field","message","message_en"}}, message in the language the request asks
// for. With writeError nil they have the same shape, message in Vietnamese (no choice of
// language) and message_en in English.
func (w *Webhooks) Mount(mux interface {
	Handle(pattern string, h http.Handler)
}, require func(role string, h http.Handler) http.Handler,
	writeError func(rw http.ResponseWriter, r *http.Request, err error)) {
	if require == nil {
		require = func(_ string, h http.Handler) http.Handler { return h }
	}
	api := webhookAPI{Webhooks: w, fail: writeError}
	if api.fail == nil {
		api.fail = w.writeError
	}
	admin := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, require("admin", h)) }
	admin("POST /v1/webhooks", api.handleCreate)
	admin("GET /v1/webhooks", api.handleList)
	admin("GET /v1/webhooks/poison", api.handlePoison)
	admin("GET /v1/webhooks/{id}", api.handleGet)
	admin("POST /v1/webhooks/{id}/disable", api.handleDisable)
	admin("GET /v1/webhooks/{id}/deliveries", api.handleDeliveries)
}

// webhookAPI is the HTTP side of the webhooks, with how it answers errors.
type webhookAPI struct {
	*Webhooks
	fail func(rw http.ResponseWriter, r *http.Request, err error)
}

// Create registers a subscription after checking it.
func (w *Webhooks) Create(ctx context.Context, n NewSubscription) (Subscription, error) {
	if err := n.Validate(); err != nil {
		return Subscription{}, err
	}
	last, err := w.cfg.Store.LastSequence(ctx)
	if err != nil {
		return Subscription{}, err
	}
	if n.Filter.Types == nil {
		n.Filter.Types = []string{}
	}
	if n.Filter.Streams == nil {
		n.Filter.Streams = []string{}
	}
	s := Subscription{ID: newSubID(), URL: n.URL, Filter: n.Filter, Secret: n.Secret, Status: StatusActive,
		CreatedAt: w.cfg.Now().UTC(), FromSequence: last}
	if err := w.subs.create(ctx, s); err != nil {
		return Subscription{}, err
	}
	w.poke()
	return s, nil
}

// Disable stops deliveries to a subscription; it stays listed, with its log.
func (w *Webhooks) Disable(ctx context.Context, id string) (Subscription, error) {
	s, err := w.subs.disable(ctx, id, w.cfg.Now().UTC())
	if err == nil {
		w.poke()
	}
	return s, err
}

// Subscriptions lists the subscriptions, oldest first.
func (w *Webhooks) Subscriptions(ctx context.Context) ([]Subscription, error) {
	return w.subs.list(ctx)
}

// Subscription returns one subscription.
func (w *Webhooks) Subscription(ctx context.Context, id string) (Subscription, error) {
	s, _, err := w.subs.get(ctx, id)
	return s, err
}

func (w *Webhooks) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w webhookAPI) handleCreate(rw http.ResponseWriter, r *http.Request) {
	var n NewSubscription
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		w.fail(rw, r, subscriptionBodyError(err))
		return
	}
	s, err := w.Create(r.Context(), n)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	writeJSON(rw, http.StatusCreated, s.Public())
}

func (w webhookAPI) handleList(rw http.ResponseWriter, r *http.Request) {
	subs, err := w.Subscriptions(r.Context())
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	out := make([]Subscription, len(subs))
	for i, s := range subs {
		out[i] = s.Public()
	}
	writeJSON(rw, http.StatusOK, map[string]any{"webhooks": out})
}

func (w webhookAPI) handleGet(rw http.ResponseWriter, r *http.Request) {
	s, err := w.Subscription(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	writeJSON(rw, http.StatusOK, s.Public())
}

func (w webhookAPI) handleDisable(rw http.ResponseWriter, r *http.Request) {
	s, err := w.Disable(r.Context(), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	writeJSON(rw, http.StatusOK, s.Public())
}

func (w webhookAPI) handleDeliveries(rw http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	id := r.PathValue("id")
	as, err := w.Deliveries(r.Context(), id, limit)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if as == nil {
		as = []Attempt{}
	}
	writeJSON(rw, http.StatusOK, map[string]any{"webhook": id, "deliveries": as})
}

func (w webhookAPI) handlePoison(rw http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	ps, err := w.Poison(r.Context(), limit)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if ps == nil {
		ps = []Poisoned{}
	}
	writeJSON(rw, http.StatusOK, map[string]any{"poison": ps})
}

// subscriptionBodyError says, naming the field where it can, why the body of POST /v1/webhooks
// could not be read as a subscription.
func subscriptionBodyError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var e *domain.Error
	switch {
	case errors.Is(err, io.EOF):
		e = domain.Invalid("", "the body is empty: give a JSON object {\"url\": …, \"secret\": …, \"filter\": {\"types\": […], \"streams\": […]}}")
	case errors.Is(err, io.ErrUnexpectedEOF):
		e = domain.Invalid("", "the JSON of the body stops before its end (at most 64 KiB are read)")
	case errors.As(err, &se):
		e = domain.Invalid("", "the body is not valid JSON: the error is at byte %d", se.Offset)
	case errors.As(err, &te) && (te.Field == "filter.types" || te.Field == "filter.streams"):
		e = domain.Invalid(te.Field, "must be a list of texts in quotes, e.g. [\"ocop.certified\"]")
	case errors.As(err, &te) && te.Field == "filter":
		e = domain.Invalid(te.Field, "must be an object {\"types\": […], \"streams\": […]}")
	case errors.As(err, &te) && te.Field == "":
		e = domain.Invalid("", "the body must be a JSON object {\"url\": …, \"secret\": …, \"filter\": …}")
	case errors.As(err, &te):
		e = domain.Invalid(te.Field, "must be text in quotes")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e = domain.Invalid(f, "is not a field of a webhook subscription: give url, secret and filter (types, streams)")
	default:
		e = domain.Invalid("", "the body is not a webhook subscription: %v", err)
	}
	e.Err = err
	return e
}

func limitParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, domain.Invalid("limit", "%q: give a number from 1 to 10000", v)
	}
	return n, nil
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.WriteHeader(status)
	enc := json.NewEncoder(rw)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// writeError answers err when Mount was given no error writer: the body of the API's errors,
// message in Vietnamese (the Department's language) and message_en in English. Internal errors
// are logged and not shown.
func (w *Webhooks) writeError(rw http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	vi, en := i18n.Localize(err, "vi"), err.Error()
	if code == domain.CodeInternal {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client went away
		}
		w.log.Error("webhooks api", "method", r.Method, "path", r.URL.Path, "err", err)
		vi, en = "lỗi nội bộ; chi tiết có trong nhật ký của máy chủ", "internal error; the server log has the details"
	}
	detail := map[string]any{"code": code, "message": vi, "message_en": en}
	if f := domain.ErrorField(err); f != "" {
		detail["field"] = f
	}
	writeJSON(rw, domain.HTTPStatus(code), map[string]any{"error": detail})
}
