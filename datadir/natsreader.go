package datadir

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/eventstore"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// NATSCredentials is the content of NATSReaderFile: the user and password the NATS clients of
// the embedded server's listener (--listen-nats) read the log with; `--nats-creds FILE` reads it.
type NATSCredentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// ListenUsers returns the accounts of the embedded server's NATS listener and the file that
// holds them: env ("user:password", $OCOPLEDGER_NATS_READER) when set (file ""), else
// NATSReaderFile, made on first use (0600).
func (d Dir) ListenUsers(env string) ([]eventstore.ListenUser, string, error) {
	if env != "" {
		user, pass, ok := strings.Cut(env, ":")
		if !ok || user == "" || len(pass) < 16 {
			return nil, "", domain.Invalid("OCOPLEDGER_NATS_READER", "write it as user:password, with a password of 16 characters or more")
		}
		return []eventstore.ListenUser{{User: user, Password: pass}}, "", nil
	}
	path, err := filepath.Abs(filepath.Join(d.Path, NATSReaderFile))
	if err != nil {
		return nil, "", err
	}
	c, err := ReadNATSCredentials("listen-nats", path)
	if errors.Is(err, os.ErrNotExist) {
		c = NATSCredentials{User: "reader", Password: eventstore.NewPassword()}
		b, _ := json.MarshalIndent(c, "", "  ")
		if err := d.Make(); err != nil {
			return nil, "", err
		}
		// O_EXCL: never overwrite a file another process has just written.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, "", domain.Invalid("listen-nats", "the NATS credentials file %s cannot be written: %v", path, userfile.Cause(err))
		}
		_, err = f.Write(append(b, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, "", domain.Invalid("listen-nats", "the NATS credentials file %s cannot be written: %v", path, userfile.Cause(err))
		}
	} else if err != nil {
		return nil, "", err
	}
	return []eventstore.ListenUser{{User: c.User, Password: c.Password}}, path, nil
}

// ReadNATSCredentials reads a credentials file as NATSReaderFile holds them; it refuses one that
// other users of the machine may read. field names the option that gave it. An error matching
// os.ErrNotExist means there is none.
func ReadNATSCredentials(field, path string) (NATSCredentials, error) {
	var c NATSCredentials
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return c, err
		}
		return c, domain.Invalid(field, "%s cannot be read: %v", path, userfile.Cause(err))
	}
	if st.Mode().Perm()&0o077 != 0 {
		return c, domain.Invalid(field, "the NATS credentials file %s may be read by other users of this machine: allow only its owner (chmod 600 %s)", path, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, domain.Invalid(field, "%s cannot be read: %v", path, userfile.Cause(err))
	}
	if err := json.Unmarshal(b, &c); err != nil || c.User == "" || len(c.Password) < 16 {
		return c, domain.Invalid(field, "%s is not a NATS credentials file: it holds {\"user\": …, \"password\": …} with a password of 16 characters or more", path)
	}
	return c, nil
}
