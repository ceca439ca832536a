package reactive

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/ocopledger/ocopledger/domain"
)

// Mount puts the webhook API on mux, each route wrapped by require("admin", …):
//
//	POST /v1/webhooks                    {url, filter:{types,streams}, secret} → 201 the subscription
//	GET  /v1/webhooks                    the subscriptions
//	GET  /v1/webhooks/{id}               one subscription
//	POST /v1/webhooks/{id}/disable       stop delivering to it
//	GET  /v1/webhooks/{id}/deliveries    its delivery log (?limit=, default 100)
//	GET  /v1/webhooks/poison             the poison queue (?limit=, default 100)
//
// Secrets are never shown. Errors are {"error":{"code","field","message"}}.
func (w *Webhooks) Mount(mux *http.ServeMux, require func(role string, h http.Handler) http.Handler) {
	if require == nil {
		require = func(_ string, h http.Handler) http.Handler { return h }
	}
	admin := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, require("admin", h)) }
	admin("POST /v1/webhooks", w.handleCreate)
	admin("GET /v1/webhooks", w.handleList)
	admin("GET /v1/webhooks/poison", w.handlePoison)
	admin("GET /v1/webhooks/{id}", w.handleGet)
	admin("POST /v1/webhooks/{id}/disable", w.handleDisable)
	admin("GET /v1/webhooks/{id}/deliveries", w.handleDeliveries)
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

func (w *Webhooks) handleCreate(rw http.ResponseWriter, r *http.Request) {
	var n NewSubscription
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		w.writeError(rw, &domain.Error{Code: domain.CodeInvalid, Message: "the body is not a webhook subscription: " + err.Error()})
		return
	}
	s, err := w.Create(r.Context(), n)
	if err != nil {
		w.writeError(rw, err)
		return
	}
	writeJSON(rw, http.StatusCreated, s.Public())
}

func (w *Webhooks) handleList(rw http.ResponseWriter, r *http.Request) {
	subs, err := w.Subscriptions(r.Context())
	if err != nil {
		w.writeError(rw, err)
		return
	}
	out := make([]Subscription, len(subs))
	for i, s := range subs {
		out[i] = s.Public()
	}
	writeJSON(rw, http.StatusOK, map[string]any{"webhooks": out})
}

func (w *Webhooks) handleGet(rw http.ResponseWriter, r *http.Request) {
	s, err := w.Subscription(r.Context(), r.PathValue("id"))
	if err != nil {
		w.writeError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, s.Public())
}

func (w *Webhooks) handleDisable(rw http.ResponseWriter, r *http.Request) {
	s, err := w.Disable(r.Context(), r.PathValue("id"))
	if err != nil {
		w.writeError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, s.Public())
}

func (w *Webhooks) handleDeliveries(rw http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r)
	if err != nil {
		w.writeError(rw, err)
		return
	}
	id := r.PathValue("id")
	as, err := w.Deliveries(r.Context(), id, limit)
	if err != nil {
		w.writeError(rw, err)
		return
	}
	if as == nil {
		as = []Attempt{}
	}
	writeJSON(rw, http.StatusOK, map[string]any{"webhook": id, "deliveries": as})
}

func (w *Webhooks) handlePoison(rw http.ResponseWriter, r *http.Request) {
	limit, err := limitParam(r)
	if err != nil {
		w.writeError(rw, err)
		return
	}
	ps, err := w.Poison(r.Context(), limit)
	if err != nil {
		w.writeError(rw, err)
		return
	}
	if ps == nil {
		ps = []Poisoned{}
	}
	writeJSON(rw, http.StatusOK, map[string]any{"poison": ps})
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

func (w *Webhooks) writeError(rw http.ResponseWriter, err error) {
	if domain.ErrorCode(err) == domain.CodeInternal && !errors.Is(err, context.Canceled) {
		w.log.Error("webhooks api", "err", err)
	}
	code := domain.ErrorCode(err)
	var msg string
	var de *domain.Error
	if !errors.As(err, &de) {
		msg = "internal error" // details stay in the server log, not in the answer
	} else {
		msg = de.Message
	}
	writeJSON(rw, domain.HTTPStatus(code), map[string]any{"error": map[string]any{
		"code": code, "field": domain.ErrorField(err), "message": msg}})
}
