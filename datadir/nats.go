package datadir

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// NATS is how to reach a NATS server given by the user instead of the embedded one: its URL and
// the credentials, as the nats command line tool takes them (--nats, --nats-creds, --nats-ca…,
// a context). Errors name the option the clerk wrote.
type NATS struct {
	URL, User, Password string
	Creds               string // a NATS .creds file, or a NATSReaderFile
	CA, Cert, Key       string // TLS: the servers' CA; this client's certificate and key
}

// FromContext fills the settings not given from the nats command line tool's context name, as
// that tool does: $XDG_CONFIG_HOME/nats/context/NAME.json, else ~/.config/nats/context/NAME.json.
func (n *NATS) FromContext(name string) error {
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
	f, err := userfile.Open("context", path)
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
	n.URL = cmp.Or(n.URL, c.URL)
	n.Creds = cmp.Or(n.Creds, expand(c.Creds))
	n.User = cmp.Or(n.User, c.User)
	n.Password = cmp.Or(n.Password, c.Password)
	n.CA = cmp.Or(n.CA, expand(c.CA))
	n.Cert = cmp.Or(n.Cert, expand(c.Cert))
	n.Key = cmp.Or(n.Key, expand(c.Key))
	return nil
}

// Options returns the connection options: the user, the credentials file and TLS, after checking
// that the files can be read (so that a wrong path is named, not a failure to connect).
func (n NATS) Options() ([]nats.Option, error) {
	var opts []nats.Option
	if n.User != "" {
		opts = append(opts, nats.UserInfo(n.User, n.Password))
	}
	if n.Creds != "" {
		o, err := credsOption(n.Creds)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o)
	}
	if n.CA == "" && n.Cert == "" && n.Key == "" {
		return opts, nil
	}
	if n.URL == "" {
		return nil, domain.Invalid("nats-ca", "TLS options apply to a NATS server given with --nats, not to the embedded one")
	}
	if (n.Cert == "") != (n.Key == "") {
		return nil, domain.Invalid("nats-cert", "give --nats-cert and --nats-key together")
	}
	for _, f := range []struct{ field, path string }{{"nats-ca", n.CA}, {"nats-cert", n.Cert}, {"nats-key", n.Key}} {
		if f.path == "" {
			continue
		}
		if err := userfile.CheckReadable(f.field, f.path); err != nil {
			return nil, err
		}
	}
	if n.CA != "" {
		opts = append(opts, nats.RootCAs(n.CA))
	}
	if n.Cert != "" {
		opts = append(opts, nats.ClientCert(n.Cert, n.Key))
	}
	return opts, nil
}

// credsOption is the connection option of a credentials file: a NATSReaderFile (JSON with user
// and password), or a NATS credentials file (JWT and NKey seed).
func credsOption(path string) (nats.Option, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if err := userfile.CheckReadable("nats-creds", path); err != nil {
			return nil, err // says why in a clerk's words
		}
		return nil, domain.Invalid("nats-creds", "%s cannot be read: %v", path, userfile.Cause(err))
	}
	if !strings.HasPrefix(strings.TrimSpace(string(b)), "{") {
		return nats.UserCredentials(path), nil
	}
	c, err := ReadNATSCredentials("nats-creds", path)
	if err != nil {
		return nil, err
	}
	return nats.UserInfo(c.User, c.Password), nil
}
