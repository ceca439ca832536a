package reactive

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// Subscription is a webhook: where to POST which events, and the secret that signs them.
type Subscription struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Filter Filter `json:"filter"`
	// Secret keys the HMAC of X-Ocop-Signature. It is stored, never shown by the API.
	Secret     string     `json:"secret,omitempty"`
	Status     string     `json:"status"` // "active" or "disabled"
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
	// FromSequence is the end of the log when the subscription was made: it receives the events
	// recorded after it, not the history before.
	FromSequence uint64 `json:"from_sequence"`
}

// Subscription statuses.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Public returns the subscription without its secret.
func (s Subscription) Public() Subscription {
	s.Secret = ""
	return s
}

// Filter selects events. An empty list selects everything on that axis.
type Filter struct {
	// Types are event types, e.g. "ocop.certified".
	Types []string `json:"types,omitempty"`
	// Streams are aggregate streams, e.g. "product.toi-ly-son"; a trailing * makes a prefix,
	// e.g. "cnnttb.*" or "product.qn-*".
	Streams []string `json:"streams,omitempty"`
}

// Match reports whether an event of type typ on stream passes the filter.
func (f Filter) Match(typ, stream string) bool {
	if len(f.Types) > 0 && !contains(f.Types, typ) {
		return false
	}
	if len(f.Streams) == 0 {
		return true
	}
	for _, s := range f.Streams {
		if eventstore.MatchPattern(s, stream) {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// NewSubscription is what a client asks for in POST /v1/webhooks.
type NewSubscription struct {
	URL    string `json:"url"`
	Filter Filter `json:"filter"`
	Secret string `json:"secret"`
}

// MinSecretLen is the shortest secret accepted: a short secret makes signatures guessable.
const MinSecretLen = 16

// Validate checks a request; errors name the field.
func (n NewSubscription) Validate() error {
	u, err := url.Parse(n.URL)
	switch {
	case strings.TrimSpace(n.URL) == "":
		return domain.Invalid("url", "is empty: give the http(s) address that receives the events")
	case err != nil:
		return domain.Invalid("url", "%q is not a URL that can be read: write it like https://example.gov.vn/ocop-hooks, without spaces", n.URL)
	case u.Scheme != "http" && u.Scheme != "https":
		return domain.Invalid("url", "%q must start with http:// or https://", n.URL)
	case u.Host == "":
		return domain.Invalid("url", "%q has no host", n.URL)
	case u.User != nil:
		return domain.Invalid("url", "must not carry a user name or password; the signature authenticates the ledger")
	case len(n.URL) > 2000:
		return domain.Invalid("url", "is longer than 2000 characters")
	}
	if len(n.Secret) < MinSecretLen {
		return domain.Invalid("secret", "must be at least %d characters (it keys the HMAC-SHA256 signature)", MinSecretLen)
	}
	if len(n.Secret) > 512 {
		return domain.Invalid("secret", "is longer than 512 characters")
	}
	if len(n.Filter.Types) > 100 || len(n.Filter.Streams) > 100 {
		return domain.Invalid("filter", "at most 100 types and 100 streams")
	}
	for i, t := range n.Filter.Types {
		if !domain.KnownType(t) {
			return domain.Invalid(fmt.Sprintf("filter.types[%d]", i), "%q is not an event type; known types: %s", t, strings.Join(domain.EventTypes(), ", "))
		}
	}
	for i, s := range n.Filter.Streams {
		p, prefix := strings.CutSuffix(s, "*")
		if strings.Contains(p, "*") || p == "" && !prefix {
			return domain.Invalid(fmt.Sprintf("filter.streams[%d]", i), "%q: give a stream such as product.toi-ly-son, or a prefix ending in *, such as cnnttb.*", s)
		}
		if !prefix {
			if err := eventstore.ValidStreamName(p); err != nil {
				return domain.Invalid(fmt.Sprintf("filter.streams[%d]", i), "%q is not a stream name: write kind.id with one dot, using only letters a–z or A–Z, digits, '-' and '_', at most %d characters (e.g. product.toi-ly-son)", s, eventstore.MaxStreamNameLen)
			}
		}
	}
	return nil
}

// registry keeps the subscriptions of the KV bucket. Reads cost one status call when nothing
// changed: the copy is reloaded whenever the bucket's last revision moved.
type registry struct {
	kv jetstream.KeyValue

	mu   sync.Mutex
	rev  uint64
	subs map[string]Subscription
}

func openRegistry(ctx context.Context, js jetstream.JetStream, replicas int) (*registry, error) {
	kv, err := retryUnanswered(ctx, func(ctx context.Context) (jetstream.KeyValue, error) {
		return js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:      BucketWebhooks,
			Description: "ocopledger webhook subscriptions (configuration, not ledger history)",
			History:     5,
			Replicas:    replicas,
			Storage:     jetstream.FileStorage,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reactive: bucket %s: %w", BucketWebhooks, err)
	}
	return &registry{kv: kv}, nil
}

// all returns every subscription (a copy), as the bucket holds them now.
func (r *registry) all(ctx context.Context) (map[string]Subscription, error) {
	st, err := r.kv.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("reactive: webhooks: %w", err)
	}
	var last uint64
	if bs, ok := st.(*jetstream.KeyValueBucketStatus); ok {
		last = bs.StreamInfo().State.LastSeq
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subs == nil || last == 0 || last != r.rev {
		subs := map[string]Subscription{}
		if st.Values() > 0 { // the key lister of an empty bucket may never end
			if subs, err = r.load(ctx); err != nil {
				return nil, err
			}
		}
		r.subs, r.rev = subs, last
	}
	out := make(map[string]Subscription, len(r.subs))
	for k, v := range r.subs {
		out[k] = v
	}
	return out, nil
}

func (r *registry) load(ctx context.Context) (map[string]Subscription, error) {
	keys, err := r.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("reactive: webhooks: %w", err)
	}
	defer keys.Stop()
	out := map[string]Subscription{}
	for {
		var k string
		var more bool
		select {
		case k, more = <-keys.Keys():
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if !more {
			return out, nil
		}
		e, err := r.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reactive: webhook %s: %w", k, err)
		}
		var s Subscription
		if err := json.Unmarshal(e.Value(), &s); err != nil {
			return nil, fmt.Errorf("reactive: webhook %s: %w", k, err)
		}
		out[k] = s
	}
}

// list returns the subscriptions sorted by creation.
func (r *registry) list(ctx context.Context) ([]Subscription, error) {
	m, err := r.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Subscription, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func (r *registry) get(ctx context.Context, id string) (Subscription, uint64, error) {
	if !validSubID(id) {
		return Subscription{}, 0, domain.NotFound("no webhook %q", id)
	}
	e, err := r.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return Subscription{}, 0, domain.NotFound("no webhook %q", id)
	}
	if err != nil {
		return Subscription{}, 0, fmt.Errorf("reactive: webhook %s: %w", id, err)
	}
	var s Subscription
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		return Subscription{}, 0, fmt.Errorf("reactive: webhook %s: %w", id, err)
	}
	return s, e.Revision(), nil
}

func (r *registry) create(ctx context.Context, s Subscription) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if _, err := r.kv.Create(ctx, s.ID, b); err != nil {
		return fmt.Errorf("reactive: store webhook: %w", err)
	}
	return nil
}

// disable marks a subscription disabled (compare-and-set on its revision; idempotent).
func (r *registry) disable(ctx context.Context, id string, now time.Time) (Subscription, error) {
	for range 10 {
		s, rev, err := r.get(ctx, id)
		if err != nil || s.Status == StatusDisabled {
			return s, err
		}
		s.Status, s.DisabledAt = StatusDisabled, &now
		b, err := json.Marshal(s)
		if err != nil {
			return s, err
		}
		_, err = r.kv.Update(ctx, id, b, rev)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) { // ErrKeyExists: the revision moved (codes 10071, 10164)
			return s, fmt.Errorf("reactive: disable webhook %s: %w", id, err)
		}
	}
	return Subscription{}, domain.Conflict("webhook %s is being changed by others; try again", id)
}

// newSubID returns a subscription ID: usable as a NATS subject token and a consumer name.
func newSubID() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "wh_" + hex.EncodeToString(b[:])
}

func validSubID(id string) bool {
	if !strings.HasPrefix(id, "wh_") || len(id) > 64 {
		return false
	}
	for _, r := range id[3:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}
