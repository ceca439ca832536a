package httpapi_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/httpapi"
)

func TestAccessOpensTheAPIOnlyOnLoopback(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := (httpapi.Access{Addr: "0.0.0.0:8080"}).Auth(log); domain.ErrorField(err) != "addr" {
		t.Errorf("no tokens on 0.0.0.0: %v, want an error naming addr", err)
	}
	auth, err := httpapi.Access{Addr: "127.0.0.1:0"}.Auth(log)
	if err != nil || !auth.Open() || auth.Mode() != "open-local" || !strings.Contains(logs.String(), "OPEN LOCAL MODE") {
		t.Errorf("no tokens on loopback: %v, mode %q, logs %q", err, auth.Mode(), logs.String())
	}
}

func TestAccessTakesTheFileAndTheEnvironment(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte("s3cret-token-for-clerks-0001 recorder clerk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	auth, err := httpapi.Access{TokensFile: file, Addr: "0.0.0.0:8080", PublicRead: true}.Auth(log)
	if err != nil || auth.Open() || auth.Mode() != "tokens, public read" || !auth.PublicRead() {
		t.Fatalf("a token file: %v, mode %q", err, auth.Mode())
	}
	if _, err := (httpapi.Access{TokensEnv: "not a token list", Addr: "0.0.0.0:8080"}).Auth(log); domain.ErrorField(err) != "OCOPLEDGER_TOKENS" {
		t.Errorf("a wrong $OCOPLEDGER_TOKENS: %v, want it named", err)
	}
}
