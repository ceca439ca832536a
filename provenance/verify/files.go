package verify

import (
	"context"
	"io"

	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/internal/userfile"
)

// Validate checks the witnesses' quorum, after setting its default: 0 is all of them.
func (k *Keys) Validate() error {
	switch {
	case k.Quorum == 0:
		k.Quorum = len(k.Witnesses)
	case k.Quorum < 0 || k.Quorum > len(k.Witnesses):
		return domain.Invalid("witnesses", "%d is not a number of the %d witnesses given with --witness-key", k.Quorum, len(k.Witnesses))
	}
	return nil
}

// ProofFile verifies the proof in the file path (--proof) against the log's verifier keys.
func ProofFile(path string, log note.Verifiers) (*ProofResult, error) {
	data, err := userfile.ReadSmall("proof", path)
	if err != nil {
		return nil, err
	}
	return Proof(data, log)
}

// CheckpointFiles opens the signed checkpoints in the files paths (--checkpoint), each checked
// as Checkpoints does.
func CheckpointFiles(paths []string, keys Keys) ([]Checkpoint, error) {
	var out []Checkpoint
	for _, path := range paths {
		data, err := userfile.ReadSmall("checkpoint", path)
		if err != nil {
			return nil, err
		}
		in, err := Checkpoints(File{Name: path, Data: data}, keys)
		if err != nil {
			return nil, err
		}
		out = append(out, in...)
	}
	return out, nil
}

// ExportFile checks the export in the file path ("-": read from stdin) against checkpoints, as
// Export does, with the export's hashes file if hashes names one (--hashes).
func ExportFile(ctx context.Context, path string, stdin io.Reader, checkpoints []Checkpoint, hashes string) (*ExportResult, error) {
	r := stdin
	if path != "-" {
		f, err := userfile.Open("file", path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var opt ExportOptions
	if hashes != "" {
		f, err := userfile.Open("hashes", hashes)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		opt.Hashes, opt.HashesName = f, hashes
	}
	return Export(ctx, r, checkpoints, opt)
}
