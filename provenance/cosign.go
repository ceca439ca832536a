package provenance

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	cosig "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// Witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1 with Ed25519): a witness that
// checked a checkpoint consistent with every one it cosigned before adds a note signature line
//
//	— <witness name> base64(key ID ‖ timestamp ‖ signature)
//
// where key ID = SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4], timestamp is the signing time in
// POSIX seconds (8 bytes big-endian), and signature is Ed25519 over
// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint's text. The signer and verifier
// are transparency-dev/formats' note implementation of that specification.

// WitnessKeyFileName is a witness's signing key in its state folder, made on first start (0600).
const WitnessKeyFileName = "witness-signing.key"

// WitnessKey is a witness's cosigning key.
type WitnessKey struct {
	Signer      note.Signer
	Verifier    note.Verifier
	VerifierKey string // the public key to publish: "<name>+<key ID>+<base64(0x04 ‖ public key)>"
	Name        string
	Path        string
	Created     bool
}

// LoadOrCreateWitnessKey reads the witness key in dir, or makes one named name there (empty name:
// "witness.example/<host name>"). An existing key keeps its name; a different name is refused.
func LoadOrCreateWitnessKey(dir, name string) (*WitnessKey, error) {
	path := filepath.Join(dir, WitnessKeyFileName)
	data, err := os.ReadFile(path)
	created := false
	if errors.Is(err, fs.ErrNotExist) {
		if name == "" {
			host, _ := os.Hostname()
			name = "witness.example/" + strings.Map(func(r rune) rune {
				if r <= ' ' || r == '+' {
					return '-'
				}
				return r
			}, host)
		}
		if err := checkOrigin(name); err != nil {
			return nil, domain.Invalid("witness-name", "%q may not contain spaces, '+' or control characters: give a schema-less URL such as witness.example/inspectorate", name)
		}
		skey, _, gerr := note.GenerateKey(rand.Reader, name)
		if gerr != nil {
			return nil, gerr
		}
		if werr := writeNewFile(path, []byte(skey+"\n")); werr != nil && !errors.Is(werr, fs.ErrExist) {
			return nil, fmt.Errorf("provenance: writing the witness key %s: %w", path, werr)
		}
		data, err = os.ReadFile(path)
		created = true
	}
	if err != nil {
		return nil, fmt.Errorf("provenance: reading the witness key %s: %w", path, err)
	}
	skey := strings.TrimSpace(string(data))
	k, err := NewWitnessKey(skey)
	if err != nil {
		return nil, domain.Invalid("witness-key", "the file %s does not hold a witness key (a line PRIVATE+KEY+…, as ocopledger witness makes)", path)
	}
	if name != "" && k.Name != name {
		return nil, domain.Invalid("witness-name", "the witness key in %s is the key of %q, not of %q: a witness keeps its name for good", path, k.Name, name)
	}
	k.Path, k.Created = path, created
	return k, nil
}

// NewWitnessKey makes the cosigning key of a note signer key (Ed25519, "PRIVATE+KEY+…").
func NewWitnessKey(skey string) (*WitnessKey, error) {
	s, err := cosig.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, err
	}
	vkey, err := verifierKey(skey)
	if err != nil {
		return nil, err
	}
	if vkey, err = cosig.VKeyToCosignatureV1(vkey); err != nil {
		return nil, err
	}
	return &WitnessKey{Signer: s, Verifier: s.Verifier(), VerifierKey: vkey, Name: s.Name()}, nil
}

// NewWitnessVerifiers returns the verifiers of witnesses' published keys (as `ocopledger witness
// --print-key` prints them; a plain Ed25519 note key of the witness is taken as its cosignature key).
func NewWitnessVerifiers(vkeys ...string) ([]note.Verifier, error) {
	var out []note.Verifier
	for _, k := range vkeys {
		v, err := cosig.NewVerifierForCosignatureV1(strings.TrimSpace(k))
		if err != nil {
			return nil, domain.Invalid("witness-key", "%q is not a witness key (it looks like name+1a2b3c4d+base64…, as ocopledger witness --print-key prints it)", k)
		}
		out = append(out, v)
	}
	return out, nil
}

// Cosign adds the witness's cosignature to a signed checkpoint note and returns the note with it,
// and the cosignature line alone ("— name base64…\n"). The caller has checked the checkpoint.
func Cosign(signedNote []byte, k *WitnessKey) (cosigned []byte, line string, err error) {
	text, _, ok := strings.Cut(string(signedNote), "\n\n")
	if !ok {
		return nil, "", domain.Invalid("checkpoint", "is not a signed checkpoint: there is no blank line before its signatures")
	}
	own, err := note.Sign(&note.Note{Text: text + "\n"}, k.Signer)
	if err != nil {
		return nil, "", err
	}
	_, line, _ = strings.Cut(string(own), "\n\n")
	return append(append([]byte(nil), signedNote...), line...), line, nil
}

// Cosignature is a witness's valid cosignature of a checkpoint.
type Cosignature struct {
	Witness string    `json:"witness"` // the witness's name
	KeyID   uint32    `json:"key_id"`
	Time    time.Time `json:"time"` // when the witness signed
	Line    string    `json:"line"` // the note signature line, "— name base64…"
}

// OpenCosigned opens a signed checkpoint note that may carry cosignatures: it checks the log's
// signature with logVerifiers (as Open does) and returns the valid cosignatures by the witnesses
// among witnesses. A cosignature by a known witness that does not verify is refused; signatures
// by keys not given are ignored.
func OpenCosigned(msg []byte, logVerifiers note.Verifiers, witnesses []note.Verifier) (SignedCheckpoint, []Cosignature, error) {
	cp, err := Open(msg, logVerifiers)
	if err != nil {
		return cp, nil, err
	}
	if len(witnesses) == 0 {
		return cp, nil, nil
	}
	n, err := note.Open(msg, note.VerifierList(witnesses...))
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		return cp, nil, nil
	case errors.As(err, &invalid):
		return cp, nil, domain.HistoryMismatch("the cosignature of witness %s does not verify: the checkpoint was altered after the witness signed it", invalid.Name)
	case err != nil:
		return cp, nil, domain.Invalid("checkpoint", "is not a signed checkpoint: %v", err)
	}
	var out []Cosignature
	for _, s := range n.Sigs {
		t, err := cosig.CoSigV1Timestamp(s)
		if err != nil {
			continue
		}
		out = append(out, Cosignature{Witness: s.Name, KeyID: s.Hash, Time: t.UTC(), Line: "— " + s.Name + " " + s.Base64 + "\n"})
	}
	return cp, out, nil
}

// CheckWitnessed checks that a signed checkpoint carries valid cosignatures by at least quorum
// distinct witnesses among witnesses, and returns them.
func CheckWitnessed(msg []byte, logVerifiers note.Verifiers, witnesses []note.Verifier, quorum int) (SignedCheckpoint, []Cosignature, error) {
	cp, cs, err := OpenCosigned(msg, logVerifiers, witnesses)
	if err != nil {
		return cp, cs, err
	}
	seen := map[uint32]bool{}
	for _, c := range cs {
		seen[c.KeyID] = true
	}
	if len(seen) < quorum {
		return cp, cs, domain.HistoryMismatch("the checkpoint of %d entries is cosigned by %d of the witnesses given, %d are required", cp.Size, len(seen), quorum)
	}
	return cp, cs, nil
}
