package provenance

import (
	"bufio"
	"encoding/base64"
	"io"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ocopledger/ocopledger/domain"
)

// A hashes file holds the leaf hash of each entry of an export, line i the base64 (RFC 4648,
// standard, padded) SHA-256 leaf hash of line i of the export, as `ocopledger export --hashes`
// writes it. It proves nothing by itself: CheckLeaves checks it against signed checkpoints, and
// then, an export whose root differs from a checkpoint's has its changed line named exactly
// (VerifyOptions.Leaves) instead of a range between two checkpoints.

// WriteLeaf writes one line of a hashes file.
func WriteLeaf(w io.Writer, leaf tlog.Hash) error {
	var b [45]byte
	base64.StdEncoding.Encode(b[:44], leaf[:])
	b[44] = '\n'
	_, err := w.Write(b[:])
	return err
}

// ReadLeaves reads a hashes file, naming the first line that is not a base64 hash.
func ReadLeaves(r io.Reader) ([]tlog.Hash, error) {
	var out []tlog.Hash
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		// Decode writes up to 3 bytes for every 4 characters: room for 33 before the length is known.
		var buf [tlog.HashSize + 1]byte
		text := sc.Bytes()
		n, err := 0, error(nil)
		if len(text) == base64.StdEncoding.EncodedLen(tlog.HashSize) {
			n, err = base64.StdEncoding.Decode(buf[:], text)
		}
		if err != nil || n != tlog.HashSize {
			return nil, domain.Invalid("hashes", "line %d is not a leaf hash (44 characters of base64)", line)
		}
		out = append(out, tlog.Hash(buf[:tlog.HashSize]))
	}
	return out, sc.Err()
}

// CheckLeaves checks leaves against checkpoints: for every checkpoint the leaves cover, the root
// of its first Size leaves must be its root, and at least one checkpoint must be covered. It
// returns the leaves the checkpoints vouch for: those up to the largest checkpoint covered.
func CheckLeaves(leaves []tlog.Hash, checkpoints []Checkpoint) ([]tlog.Hash, error) {
	var f frontier
	covered := false
	var vouched int64
	byStart := make(map[int64][]Checkpoint)
	for _, c := range checkpoints {
		if c.Size <= int64(len(leaves)) && c.Size > 0 {
			byStart[c.Size] = append(byStart[c.Size], c)
			covered = true
			vouched = max(vouched, c.Size)
		}
	}
	if !covered {
		return nil, domain.Invalid("hashes", "holds %d leaf hashes: no checkpoint given is that short, so nothing vouches for them", len(leaves))
	}
	for i, leaf := range leaves[:vouched] {
		n := int64(i) + 1
		if err := f.append(n-1, leaf); err != nil {
			return nil, err
		}
		for _, c := range byStart[n] {
			root, err := tlog.TreeHash(n, &f)
			if err != nil {
				return nil, err
			}
			if root != c.Root {
				return nil, domain.HistoryMismatch("the first %d hashes of the hashes file do not hash to the root of the checkpoint of %d entries: it is not this log's", n, n)
			}
		}
	}
	return leaves[:vouched], nil
}
