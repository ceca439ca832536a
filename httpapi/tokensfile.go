package httpapi

import (
	"errors"
	"io"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// LoadTokens reads the tokens of a token file (--tokens; ParseTokens) and of env, the value of
// $OCOPLEDGER_TOKENS (ParseTokensEnv); either may be empty. A mistake in env is named by it.
func LoadTokens(file, env string) ([]Token, error) {
	var out []Token
	if file != "" {
		f, err := userfile.Open("tokens", file)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		ts, err := ParseTokens(b)
		if err != nil {
			return nil, err // its field is tokens, the flag
		}
		out = append(out, ts...)
	}
	if env != "" {
		ts, err := ParseTokensEnv(env)
		if err != nil {
			var e *domain.Error
			if errors.As(err, &e) {
				c := *e
				c.Field = "OCOPLEDGER_TOKENS" // where the clerk wrote it
				return nil, &c
			}
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}
