package provenance

import (
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// ReadVerifiers returns the log's verifiers given with --key (or --ledger-key): each a verifier
// key, or a file holding keys, one a line.
func ReadVerifiers(keys []string) (note.Verifiers, error) {
	vkeys, err := readKeys("key", keys)
	if err != nil {
		return nil, err
	}
	if len(vkeys) == 0 {
		return nil, domain.Invalid("key", "holds no verifier key")
	}
	return NewVerifiers(vkeys...)
}

// ReadWitnessVerifiers returns the witnesses' verifiers given with --witness-key: each a key, or
// a file holding keys, one a line.
func ReadWitnessVerifiers(keys []string) ([]note.Verifier, error) {
	vkeys, err := readKeys("witness-key", keys)
	if err != nil {
		return nil, err
	}
	return NewWitnessVerifiers(vkeys...)
}

// readKeys returns the keys given with the option field: each a key, or a file holding keys, one
// a line ('#' begins a comment line).
func readKeys(field string, keys []string) ([]string, error) {
	var vkeys []string
	for _, k := range keys {
		if _, err := os.Stat(k); err != nil {
			vkeys = append(vkeys, k)
			continue
		}
		data, err := userfile.ReadSmall(field, k)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				vkeys = append(vkeys, line)
			}
		}
	}
	return vkeys, nil
}
