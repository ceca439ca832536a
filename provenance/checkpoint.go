package provenance

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/ocopledger/ocopledger/domain"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// DefaultOrigin names the log in its checkpoints when the deployment names none. It is a
// synthetic example: the Department sets its own (a schema-less URL-like name it controls).
const DefaultOrigin = "ocopledger.example/quang-ngai/OCOP_LEDGER"

// Checkpoint is a commitment to the log's first Size entries: the root hash of the Merkle tree of
// their stored bodies, under the log's name (origin). Its text is the C2SP tlog-checkpoint format
// (c2sp.org/tlog-checkpoint):
//
//	ocopledger.example/quang-ngai/OCOP_LEDGER
//	4519
//	mY2OBv6uoI4+gWDk3CLbGrH/0IuISVvmg1xbD2rsbnY=
//
// one line each, every line ending in "\n"; optional extension lines may follow. Signed, it is a
// note (golang.org/x/mod/sumdb/note): this text, a blank line, and a line per signature.
type Checkpoint struct {
	Origin     string
	Size       int64
	Root       tlog.Hash
	Extensions []string // lines after the root, if any, without their "\n"
}

// Marshal returns the checkpoint's text, the body that is signed.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(c.Origin)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatInt(c.Size, 10))
	b.WriteByte('\n')
	b.WriteString(base64.StdEncoding.EncodeToString(c.Root[:]))
	b.WriteByte('\n')
	for _, e := range c.Extensions {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// String is the checkpoint's text.
func (c Checkpoint) String() string { return string(c.Marshal()) }

// ParseCheckpoint parses a checkpoint's text (the body of the note, without signatures).
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return Checkpoint{}, domain.Invalid("checkpoint", "is not a checkpoint: its text must end with a new line")
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return Checkpoint{}, domain.Invalid("checkpoint", "is not a checkpoint: it needs three lines (the log's name, the number of entries, the root hash), it has %d", len(lines))
	}
	var c Checkpoint
	c.Origin = lines[0]
	if err := checkOrigin(c.Origin); err != nil {
		return Checkpoint{}, err
	}
	size, err := strconv.ParseUint(lines[1], 10, 63)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) {
		return Checkpoint{}, domain.Invalid("checkpoint", "line 2 %q is not a number of entries (decimal digits, no leading zero)", lines[1])
	}
	c.Size = int64(size)
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, domain.Invalid("checkpoint", "line 3 %q is not a root hash (32 bytes in base64)", lines[2])
	}
	copy(c.Root[:], root)
	for i, e := range lines[3:] {
		if e == "" {
			return Checkpoint{}, domain.Invalid("checkpoint", "line %d is empty: a checkpoint has no empty line", i+4)
		}
	}
	if len(lines) > 3 {
		c.Extensions = lines[3:]
	}
	return c, nil
}

// checkOrigin checks a log's name: one non-empty line of printable characters (C2SP asks for a
// schema-less URL such as example.org/log), also usable as a note key name (no space, no '+').
func checkOrigin(origin string) error {
	if origin == "" {
		return domain.Invalid("origin", "is empty: give the log's name, a schema-less URL such as %s", DefaultOrigin)
	}
	for _, r := range origin {
		if r <= ' ' || r == '+' || r == 0x7f || r == '\uFFFD' {
			return domain.Invalid("origin", "%q may not contain spaces, '+' or control characters: give a schema-less URL such as %s", origin, DefaultOrigin)
		}
	}
	return nil
}

// SignedCheckpoint is a checkpoint with its signed note.
type SignedCheckpoint struct {
	Checkpoint
	Note []byte // the whole signed note: the checkpoint's text, a blank line, the signatures
}

// Sign signs the checkpoint with signer (the log's key, whose name must be the origin).
func Sign(c Checkpoint, signer note.Signer) (SignedCheckpoint, error) {
	if err := checkOrigin(c.Origin); err != nil {
		return SignedCheckpoint{}, err
	}
	if signer.Name() != c.Origin {
		return SignedCheckpoint{}, domain.Invalid("origin", "the checkpoint of %q cannot be signed with the key of %q: a log signs with a key of its own name", c.Origin, signer.Name())
	}
	msg, err := note.Sign(&note.Note{Text: string(c.Marshal())}, signer)
	if err != nil {
		return SignedCheckpoint{}, err
	}
	return SignedCheckpoint{Checkpoint: c, Note: msg}, nil
}

// Open parses a signed checkpoint and checks its signatures with verifiers: it needs a valid
// signature by a key named as the checkpoint's origin (the log's own), and refuses a note that a
// known key signed wrongly. Other signatures (witnesses' cosignatures) may be present.
func Open(msg []byte, verifiers note.Verifiers) (SignedCheckpoint, error) {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unverified):
			names := make([]string, 0, len(unverified.Note.UnverifiedSigs))
			for _, s := range unverified.Note.UnverifiedSigs {
				names = append(names, s.Name)
			}
			return SignedCheckpoint{}, domain.HistoryMismatch("the checkpoint is not signed by the key given (it is signed by: %s)", strings.Join(names, ", "))
		case errors.As(err, &invalid):
			return SignedCheckpoint{}, domain.HistoryMismatch("the checkpoint's signature by %s does not verify: the checkpoint was altered after it was signed", invalid.Name)
		}
		return SignedCheckpoint{}, domain.Invalid("checkpoint", "is not a signed checkpoint: %v", err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return SignedCheckpoint{}, err
	}
	for _, s := range n.Sigs {
		if s.Name == c.Origin {
			return SignedCheckpoint{Checkpoint: c, Note: msg}, nil
		}
	}
	return SignedCheckpoint{}, domain.HistoryMismatch("the checkpoint of %s is not signed by that log's key (it is signed by %s)", c.Origin, n.Sigs[0].Name)
}
