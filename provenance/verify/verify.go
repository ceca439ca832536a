// Package verify is the auditor's check, without any server: an export of the log against signed
// checkpoints (with the cosignatures of witnesses where they are required), the checkpoints
// alone, or a proof. Its inputs are what an auditor holds (the contents of the files given, the
// export to read; or the files' names: ProofFile, CheckpointFiles, ExportFile); its results are
// values for the caller to show. The formats are in docs/auditors.md.
package verify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
)

// File is a file given to check: its name, as errors should name it, and its contents.
type File struct {
	Name string
	Data []byte
}

// Keys are the keys a checkpoint must be signed with.
type Keys struct {
	Log       note.Verifiers  // the log's verifier keys
	Witnesses []note.Verifier // witnesses whose cosignatures are required
	// Quorum is how many of Witnesses must have cosigned each checkpoint.
	Quorum int
}

// Checkpoint is a signed checkpoint whose log signature verified, with the valid cosignatures of
// the witnesses given.
type Checkpoint struct {
	provenance.Checkpoint
	Cosignatures []provenance.Cosignature
}

// Checkpoints opens the signed checkpoints in f, a note or a JSON answer of the ledger that
// carries notes (GET /v1/checkpoints, a --json answer: every string member named "checkpoint",
// or "cosigned" where the ledger gives the note with its cosignatures, at any depth), and checks
// each is signed by keys.Log and cosigned by keys.Quorum of keys.Witnesses.
func Checkpoints(f File, keys Keys) ([]Checkpoint, error) {
	notes, err := checkpointNotes(f)
	if err != nil {
		return nil, err
	}
	var out []Checkpoint
	for _, n := range notes {
		sc, cs, err := provenance.CheckWitnessed(n, keys.Log, keys.Witnesses, keys.Quorum)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out = append(out, Checkpoint{sc.Checkpoint, cs})
	}
	return out, nil
}

func checkpointNotes(f File) ([][]byte, error) {
	trimmed := bytes.TrimSpace(f.Data)
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') {
		return [][]byte{f.Data}, nil
	}
	var v any
	if err := json.Unmarshal(trimmed, &v); err != nil {
		return nil, domain.Invalid("checkpoint", "%s is neither a signed checkpoint nor a JSON answer holding one: %v", f.Name, err)
	}
	var notes [][]byte
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			cosigned, _ := v["cosigned"].(string) // the note with the witnesses' cosignatures
			for k, x := range v {
				if k == "cosigned" && cosigned != "" {
					notes = append(notes, []byte(cosigned))
				} else if s, ok := x.(string); ok && k == "checkpoint" && cosigned == "" {
					notes = append(notes, []byte(s))
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	if len(notes) == 0 {
		return nil, domain.Invalid("checkpoint", "%s is JSON without a signed checkpoint in it (a member \"checkpoint\" holding the note)", f.Name)
	}
	return notes, nil
}

// ExportOptions tunes Export.
type ExportOptions struct {
	// Hashes, if set, is the export's hashes file (export --hashes), named HashesName in errors:
	// when it matches the checkpoints, a changed line is named exactly instead of a range of lines.
	Hashes     io.Reader
	HashesName string
}

// ExportResult is what Export found in an export that verifies, and how long it took.
type ExportResult struct {
	*provenance.ExportReport
	Took time.Duration
}

// Export checks the export read from r against checkpoints (opened by Checkpoints), as
// provenance.VerifyExport does. An export that does not verify gets a *provenance.LineError.
func Export(ctx context.Context, r io.Reader, checkpoints []Checkpoint, opt ExportOptions) (*ExportResult, error) {
	start := time.Now()
	cps := make([]provenance.Checkpoint, len(checkpoints))
	for i, c := range checkpoints {
		cps[i] = c.Checkpoint
	}
	var vopts provenance.VerifyOptions
	if opt.Hashes != nil {
		leaves, err := provenance.ReadLeaves(bufio.NewReader(opt.Hashes))
		if err != nil {
			return nil, err
		}
		if vopts.Leaves, err = provenance.CheckLeaves(leaves, cps); err != nil {
			return nil, fmt.Errorf("%s: %w", opt.HashesName, err)
		}
	}
	rep, err := provenance.VerifyExport(ctx, bufio.NewReaderSize(r, 1<<20), cps, vopts)
	if err != nil {
		return nil, err
	}
	return &ExportResult{rep, time.Since(start)}, nil
}

// ProofResult is a proof that verified: one of Inclusion and Consistency, with the checkpoints
// it verified against.
type ProofResult struct {
	Inclusion   *provenance.InclusionProof
	Consistency *provenance.ConsistencyProof
	// Checkpoint is the checkpoint of the log an inclusion proof shows the entry in, or the newer
	// one of a consistency proof; Old is the older one of a consistency proof.
	Checkpoint, Old provenance.Checkpoint
}

// Proof checks a proof in its JSON form (docs/auditors.md) against the log's keys.
func Proof(data []byte, log note.Verifiers) (*ProofResult, error) {
	p, err := provenance.ParseProof(data)
	if err != nil {
		return nil, err
	}
	switch p := p.(type) {
	case *provenance.InclusionProof:
		cp, err := provenance.VerifyInclusion(*p, log)
		if err != nil {
			return nil, err
		}
		return &ProofResult{Inclusion: p, Checkpoint: cp.Checkpoint}, nil
	case *provenance.ConsistencyProof:
		oldCP, newCP, err := provenance.VerifyConsistency(*p, log)
		if err != nil {
			return nil, err
		}
		return &ProofResult{Consistency: p, Checkpoint: newCP.Checkpoint, Old: oldCP.Checkpoint}, nil
	}
	return nil, fmt.Errorf("verify: a proof of type %T", p)
}
