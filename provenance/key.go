package provenance

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"golang.org/x/mod/sumdb/note"
)

const (
	// KeyFileName is the signing key's file in the data directory, made on first use (mode 0600).
	KeyFileName = "checkpoint-signing.key"
	// KeyFileEnv names a signing key file given by the deployment instead of the data directory's.
	KeyFileEnv = "OCOPLEDGER_SIGNING_KEY_FILE"
)

// Key is the log's signing key (an Ed25519 note key named as the log's origin).
type Key struct {
	Signer      note.Signer
	Verifier    note.Verifier
	VerifierKey string // the public key to publish: "<origin>+<key hash>+<base64>"
	Origin      string // the key's name, which is the log's origin
	Path        string // the file it was read from or written to
	Created     bool   // made now, by LoadOrCreateKey
}

// KeyOptions says where the key comes from.
type KeyOptions struct {
	// File is a key file given by the deployment (a flag); empty means $OCOPLEDGER_SIGNING_KEY_FILE,
	// or else the data directory's KeyFileName. A file named here or in the environment must exist.
	File string
	// Origin is the log's name, for a new key; an existing key must have this name. Empty means the
	// existing key's name, or DefaultOrigin for a new one.
	Origin string
}

// LoadOrCreateKey reads the log's signing key, or makes one in dataDir (mode 0600) if there is
// none there and no key file is named.
func LoadOrCreateKey(dataDir string, opt KeyOptions) (*Key, error) {
	path := opt.File
	if path == "" {
		path = os.Getenv(KeyFileEnv)
	}
	if path != "" {
		return readKey(path, opt.Origin)
	}
	path = filepath.Join(dataDir, KeyFileName)
	k, err := readKey(path, opt.Origin)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	origin := opt.Origin
	if origin == "" {
		origin = DefaultOrigin
	}
	if err := checkOrigin(origin); err != nil {
		return nil, err
	}
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return nil, err
	}
	if err := writeNewFile(path, []byte(skey+"\n")); err != nil {
		if errors.Is(err, fs.ErrExist) { // made meanwhile by another process: use that one
			return readKey(path, opt.Origin)
		}
		return nil, fmt.Errorf("provenance: writing the signing key %s: %w", path, err)
	}
	k, err = parseKey(skey, path, opt.Origin)
	if k != nil {
		k.Created = true
	}
	return k, err
}

// writeNewFile writes data to a new file at path, mode 0600, whole or not at all: it is written
// to a temporary file, synced, then linked to path, which fails if path exists.
func writeNewFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".signing-key-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func readKey(path, origin string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			e := domain.Invalid("signing-key", "there is no key file %s", path)
			e.Err = err
			return nil, e
		}
		return nil, fmt.Errorf("provenance: reading the signing key %s: %w", path, err)
	}
	return parseKey(strings.TrimSpace(string(data)), path, origin)
}

func parseKey(skey, path, origin string) (*Key, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, domain.Invalid("signing-key", "the file %s does not hold a signing key (a line PRIVATE+KEY+…, as ocopledger key makes)", path)
	}
	if origin != "" && signer.Name() != origin {
		return nil, domain.Invalid("origin", "the signing key in %s is the key of %q, not of %q: a log keeps its name for good", path, signer.Name(), origin)
	}
	vkey, err := verifierKey(skey)
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	return &Key{Signer: signer, Verifier: verifier, VerifierKey: vkey, Origin: signer.Name(), Path: path}, nil
}

// verifierKey derives the verifier key from a note signer key
// "PRIVATE+KEY+<name>+<hash>+<base64(alg ‖ seed)>".
func verifierKey(skey string) (string, error) {
	// Cut as note.NewSigner does: the base64 part may itself contain '+'.
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+")
	name, rest, ok2 := strings.Cut(rest, "+")
	_, b64, ok3 := strings.Cut(rest, "+")
	if !ok || !ok2 || !ok3 {
		return "", errors.New("provenance: not a signer key")
	}
	seed, err := decodeKey(b64)
	if err != nil {
		return "", err
	}
	return note.NewEd25519VerifierKey(name, seed.Public().(ed25519.PublicKey))
}

// NewVerifiers returns the verifiers for published verifier keys ("<origin>+<hash>+<base64>", as
// `ocopledger key` prints them).
func NewVerifiers(vkeys ...string) (note.Verifiers, error) {
	var list []note.Verifier
	for _, k := range vkeys {
		v, err := note.NewVerifier(strings.TrimSpace(k))
		if err != nil {
			return nil, domain.Invalid("key", "%q is not a verifier key (it looks like name+1a2b3c4d+base64…, as ocopledger key prints it)", k)
		}
		list = append(list, v)
	}
	return note.VerifierList(list...), nil
}

// decodeKey decodes the base64 part of an Ed25519 note signer key: the algorithm byte (1) and the
// 32-byte seed.
func decodeKey(b64 string) (ed25519.PrivateKey, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return nil, errors.New("provenance: not an Ed25519 signer key")
	}
	return ed25519.NewKeyFromSeed(raw[1:]), nil
}
