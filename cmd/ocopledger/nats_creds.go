package main

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/domain"
)

// natsCredsOption is the connection option of --nats-creds: a file as natsReaderFile (JSON with
// user and password), or a NATS credentials file (JWT and NKey seed).
func natsCredsOption(path string) (nats.Option, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		f, oerr := openInput("nats-creds", path) // says why in a clerk's words
		if oerr != nil {
			return nil, oerr
		}
		f.Close()
		return nil, domain.Invalid("nats-creds", "%s cannot be read: %v", path, cause(err))
	}
	if !strings.HasPrefix(strings.TrimSpace(string(b)), "{") {
		return nats.UserCredentials(path), nil
	}
	c, err := datadir.ReadNATSCredentials("nats-creds", path)
	if err != nil {
		return nil, err
	}
	return nats.UserInfo(c.User, c.Password), nil
}

// natsContext fills the NATS options that neither an option nor the environment gave from the
// context --context names, a file of the nats command line tool, as that tool does:
// $XDG_CONFIG_HOME/nats/context/NAME.json, else ~/.config/nats/context/NAME.json.
func (m *Main) natsContext() error {
	name := m.NatsContext
	if name == "" {
		return nil
	}
	if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") {
		return domain.Invalid("context", "%q is not the name of a nats context", name)
	}
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return domain.Invalid("context", "%q is not the name of a nats context", name)
		}
		dir = filepath.Join(home, ".config")
	}
	path := filepath.Join(dir, "nats", "context", name+".json")
	f, err := openInput("context", path)
	if err != nil {
		return err
	}
	defer f.Close()
	var c struct {
		URL      string `json:"url"`
		Creds    string `json:"creds"`
		User     string `json:"user"`
		Password string `json:"password"`
		CA       string `json:"ca"`
		Cert     string `json:"cert"`
		Key      string `json:"key"`
		NKey     string `json:"nkey"`
		Token    string `json:"token"`
	}
	if err := json.NewDecoder(f).Decode(&c); err != nil {
		return domain.Invalid("context", "%s is not a nats context: %v", path, err)
	}
	if c.NKey != "" || c.Token != "" {
		return domain.Invalid("context", "the nats context %s signs in with an NKey or a token, which ocopledger does not take: give creds, or user and password", name)
	}
	home, _ := os.UserHomeDir()
	expand := func(p string) string {
		if rest, ok := strings.CutPrefix(p, "~/"); ok && home != "" {
			return filepath.Join(home, rest)
		}
		return p
	}
	m.NatsURL = cmp.Or(m.NatsURL, c.URL)
	m.NatsCreds = cmp.Or(m.NatsCreds, expand(c.Creds))
	m.NatsUser = cmp.Or(m.NatsUser, c.User)
	m.NatsPass = cmp.Or(m.NatsPass, c.Password)
	m.NatsCA = cmp.Or(m.NatsCA, expand(c.CA))
	m.NatsCert = cmp.Or(m.NatsCert, expand(c.Cert))
	m.NatsKey = cmp.Or(m.NatsKey, expand(c.Key))
	return nil
}
