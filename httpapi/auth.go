package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
)

// Role is what a token may do. Each role includes the ones below it.
type Role int

const (
	RoleNone     Role = iota
	RoleViewer        // read figures, the log and the streams
	RoleRecorder      // also record events
	RoleAdmin         // also manage webhooks and rebuild the read models
)

// ParseRole reads "viewer", "recorder" or "admin".
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "viewer":
		return RoleViewer, nil
	case "recorder":
		return RoleRecorder, nil
	case "admin":
		return RoleAdmin, nil
	}
	return RoleNone, domain.Invalid("role", "%q is not a role: give viewer, recorder or admin", s)
}

func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleRecorder:
		return "recorder"
	case RoleAdmin:
		return "admin"
	}
	return "none"
}

// Token grants a role to whoever presents it, recorded as Identity (the actor of their entries).
type Token struct {
	Token    string `json:"token"`
	Role     string `json:"role"`
	Identity string `json:"identity"`
}

// ParseTokens reads a token file: a JSON array of {"token","role","identity"}, or lines
// "token role identity" (blank lines and lines starting with # are skipped).
func ParseTokens(data []byte) ([]Token, error) {
	trimmed := bytes.TrimSpace(data)
	var out []Token
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &out); err != nil {
			return nil, domain.Invalid("tokens", "the token file is not a JSON array of {token, role, identity}: %v", err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			if len(f) != 3 {
				return nil, domain.Invalid("tokens", "line %d: give \"token role identity\"", n)
			}
			out = append(out, Token{Token: f[0], Role: f[1], Identity: f[2]})
		}
	}
	return out, checkTokens(out)
}

// ParseTokensEnv reads the form of $OCOPLEDGER_TOKENS: "token:role:identity,…".
func ParseTokensEnv(s string) ([]Token, error) {
	var out []Token
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.SplitN(part, ":", 3)
		if len(f) != 3 {
			return nil, domain.Invalid("tokens", "%q: give token:role:identity", redact(part))
		}
		out = append(out, Token{Token: f[0], Role: f[1], Identity: f[2]})
	}
	return out, checkTokens(out)
}

func redact(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return "…" + s[i:]
	}
	return "…"
}

func checkTokens(ts []Token) error {
	seen := map[string]bool{}
	for i, t := range ts {
		if len(t.Token) < 16 {
			return domain.Invalid("tokens", "token %d (%s) is shorter than 16 characters", i+1, t.Identity)
		}
		if _, err := ParseRole(t.Role); err != nil {
			return domain.Invalid("tokens", "token %d (%s): %q is not a role: give viewer, recorder or admin", i+1, t.Identity, t.Role)
		}
		if strings.TrimSpace(t.Identity) == "" {
			return domain.Invalid("tokens", "token %d has no identity", i+1)
		}
		if seen[t.Token] {
			return domain.Invalid("tokens", "token %d (%s) is given twice", i+1, t.Identity)
		}
		seen[t.Token] = true
	}
	return nil
}

// Auth checks bearer tokens. With no tokens at all it is in open local mode: everything is
// allowed as identity "local" (the caller must only listen on a loopback address then).
type Auth struct {
	entries    []authEntry
	publicRead bool
}

type authEntry struct {
	hash     [32]byte
	role     Role
	identity string
}

// NewAuth returns an Auth over the tokens; publicRead lets anyone read without a token.
func NewAuth(tokens []Token, publicRead bool) (*Auth, error) {
	if err := checkTokens(tokens); err != nil {
		return nil, err
	}
	a := &Auth{publicRead: publicRead}
	for _, t := range tokens {
		r, _ := ParseRole(t.Role)
		a.entries = append(a.entries, authEntry{hash: sha256.Sum256([]byte(t.Token)), role: r, identity: t.Identity})
	}
	return a, nil
}

// Open reports open local mode: no tokens configured.
func (a *Auth) Open() bool { return a == nil || len(a.entries) == 0 }

// lookup finds the token in constant time with respect to the tokens held: every entry is
// compared, and comparisons are of fixed-length hashes.
func (a *Auth) lookup(token string) (authEntry, bool) {
	h := sha256.Sum256([]byte(token))
	var found authEntry
	ok := 0
	for _, e := range a.entries {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 {
			found, ok = e, 1
		}
	}
	return found, ok == 1
}

type identityKey struct{}

// Principal is who is calling.
type Principal struct {
	Identity string
	Role     Role
}

// PrincipalFrom returns the caller authenticated by Require.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(identityKey{}).(Principal)
	return p, ok
}

// IdentityFrom returns the identity of the caller, or "".
func IdentityFrom(ctx context.Context) string {
	p, _ := PrincipalFrom(ctx)
	return p.Identity
}

// Authenticate returns who presents the request's bearer token.
func (a *Auth) Authenticate(r *http.Request) (Principal, error) {
	if a.Open() {
		return Principal{Identity: "local", Role: RoleAdmin}, nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return Principal{}, nil
	}
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return Principal{}, domain.Unauthorized("Authorization", "give a bearer token: Authorization: Bearer <token>")
	}
	e, ok := a.lookup(strings.TrimSpace(tok))
	if !ok {
		return Principal{}, domain.Unauthorized("Authorization", "this token is not known")
	}
	return Principal{Identity: e.identity, Role: e.role}, nil
}

// Require wraps h so that it needs a bearer token of at least role ("viewer", "recorder",
// "admin"); the caller is then in the request context (PrincipalFrom). It panics on an unknown
// role, a programming mistake.
func (a *Auth) Require(role string, h http.Handler) http.Handler {
	need, err := ParseRole(role)
	if err != nil {
		panic(fmt.Sprintf("httpapi: Require(%q): %v", role, err))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ocopledger", error="invalid_token"`)
			WriteError(w, r, nil, err)
			return
		}
		if p.Role == RoleNone && need == RoleViewer && a.publicRead {
			p = Principal{Identity: "public", Role: RoleViewer}
		}
		if p.Role == RoleNone {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ocopledger"`)
			WriteError(w, r, nil, domain.Unauthorized("Authorization", "this needs a bearer token with the role %s or above", need))
			return
		}
		if p.Role < need {
			WriteError(w, r, nil, domain.Forbidden("%s has the role %s; this needs %s", p.Identity, p.Role, need))
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityKey{}, p)))
	})
}
