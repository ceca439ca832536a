package httpapi

import (
	"log/slog"

	"github.com/ocopledger/ocopledger/domain"
)

// Access says who may use the API: the tokens of a file (--tokens) and of $OCOPLEDGER_TOKENS,
// whether anyone may read without a token, and the address the API listens on.
type Access struct {
	TokensFile, TokensEnv string
	PublicRead            bool
	Addr                  string
}

// Auth returns the Auth of a's tokens. With none the API is open to whoever reaches it (open
// local mode): that is refused unless Addr is a loopback address, and log is warned of it.
func (a Access) Auth(log *slog.Logger) (*Auth, error) {
	tokens, err := LoadTokens(a.TokensFile, a.TokensEnv)
	if err != nil {
		return nil, err
	}
	auth, err := NewAuth(tokens, a.PublicRead)
	if err != nil || !auth.Open() {
		return auth, err
	}
	if !Loopback(a.Addr) {
		return nil, domain.Invalid("addr", "no tokens are configured, so the server would be open to anyone who reaches %s: give --tokens FILE or $OCOPLEDGER_TOKENS, or listen on 127.0.0.1", a.Addr)
	}
	log.Warn("OPEN LOCAL MODE: no tokens configured; everyone who can reach " + a.Addr + " may read and record, as \"local\". Give --tokens FILE or $OCOPLEDGER_TOKENS to require tokens.")
	return auth, nil
}

// Mode names who may use the API, for the log: "tokens", "tokens, public read" or "open-local".
func (a *Auth) Mode() string {
	switch {
	case a.Open():
		return "open-local"
	case a.publicRead:
		return "tokens, public read"
	}
	return "tokens"
}

// PublicRead reports whether anyone may read without a token.
func (a *Auth) PublicRead() bool { return a != nil && a.publicRead }
