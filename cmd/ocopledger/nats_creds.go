package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
)

// natsReaderFile is the file in the data folder with the user and password the external NATS
// clients of --listen-nats read the log with. It is made on first use (0600) unless it exists
// or $OCOPLEDGER_NATS_READER ("user:password") gives them.
const natsReaderFile = "nats-reader.json"

// natsCredentials is the content of natsReaderFile; `--nats-creds FILE` reads it too.
type natsCredentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// listenUsers returns the accounts of the embedded server's NATS listener and the file that
// holds them ("" when they come from the environment).
func (m *Main) listenUsers() ([]eventstore.ListenUser, string, error) {
	if env := os.Getenv("OCOPLEDGER_NATS_READER"); env != "" {
		user, pass, ok := strings.Cut(env, ":")
		if !ok || user == "" || len(pass) < 16 {
			return nil, "", domain.Invalid("OCOPLEDGER_NATS_READER", "write it as user:password, with a password of 16 characters or more")
		}
		return []eventstore.ListenUser{{User: user, Password: pass}}, "", nil
	}
	path, err := filepath.Abs(filepath.Join(m.DataDir, natsReaderFile))
	if err != nil {
		return nil, "", err
	}
	c, err := readNATSCredentials("listen-nats", path)
	if errors.Is(err, os.ErrNotExist) {
		c = natsCredentials{User: "reader", Password: eventstore.NewPassword()}
		b, _ := json.MarshalIndent(c, "", "  ")
		if err := os.MkdirAll(m.DataDir, 0o755); err != nil {
			return nil, "", dataDirError(m.DataDir, err)
		}
		// O_EXCL: never overwrite a file another process has just written.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, "", domain.Invalid("listen-nats", "the NATS credentials file %s cannot be written: %v", path, cause(err))
		}
		_, err = f.Write(append(b, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, "", domain.Invalid("listen-nats", "the NATS credentials file %s cannot be written: %v", path, cause(err))
		}
	} else if err != nil {
		return nil, "", err
	}
	return []eventstore.ListenUser{{User: c.User, Password: c.Password}}, path, nil
}

// readNATSCredentials reads a credentials file as natsReaderFile holds them; it refuses one that
// other users of the machine may read. An error matching os.ErrNotExist means there is none.
func readNATSCredentials(field, path string) (natsCredentials, error) {
	var c natsCredentials
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return c, err
		}
		return c, domain.Invalid(field, "%s cannot be read: %v", path, cause(err))
	}
	if st.Mode().Perm()&0o077 != 0 {
		return c, domain.Invalid(field, "the NATS credentials file %s may be read by other users of this machine: allow only its owner (chmod 600 %s)", path, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, domain.Invalid(field, "%s cannot be read: %v", path, cause(err))
	}
	if err := json.Unmarshal(b, &c); err != nil || c.User == "" || len(c.Password) < 16 {
		return c, domain.Invalid(field, "%s is not a NATS credentials file: it holds {\"user\": …, \"password\": …} with a password of 16 characters or more", path)
	}
	return c, nil
}

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
	c, err := readNATSCredentials("nats-creds", path)
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
