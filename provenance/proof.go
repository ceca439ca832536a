package provenance

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/ocopledger/ocopledger/domain"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// InclusionProof proves that the entry at Position is in the log of TreeSize entries that a signed
// checkpoint commits to. Its JSON form (hashes in standard base64):
//
//	{"type":"inclusion","position":2254,"tree_size":4519,"leaf_hash":"…","hashes":["…",…],
//	 "checkpoint":"<the signed note of the checkpoint of size tree_size>"}
//
// hashes is the RFC 6962 audit path of leaf position−1, nearest the leaf first (tlog.RecordProof).
type InclusionProof struct {
	Type       string      `json:"type"` // "inclusion"
	Position   int64       `json:"position"`
	TreeSize   int64       `json:"tree_size"`
	LeafHash   tlog.Hash   `json:"leaf_hash"`
	Hashes     []tlog.Hash `json:"hashes"`
	Checkpoint string      `json:"checkpoint"`
}

// ConsistencyProof proves that the log of OldSize entries is a prefix of the log of NewSize
// entries, both committed to by signed checkpoints. Its JSON form:
//
//	{"type":"consistency","old_size":4519,"new_size":5000,"hashes":["…",…],
//	 "old_checkpoint":"<signed note>","new_checkpoint":"<signed note>"}
//
// hashes is the RFC 6962 consistency proof (tlog.TreeProof).
type ConsistencyProof struct {
	Type          string      `json:"type"` // "consistency"
	OldSize       int64       `json:"old_size"`
	NewSize       int64       `json:"new_size"`
	Hashes        []tlog.Hash `json:"hashes"`
	OldCheckpoint string      `json:"old_checkpoint"`
	NewCheckpoint string      `json:"new_checkpoint"`
}

// Proof types, the "type" of a proof's JSON form.
const (
	InclusionType   = "inclusion"
	ConsistencyType = "consistency"
)

// ProveInclusion builds the inclusion proof of the entry at position (1-based) in the tree in b,
// against cp, which must be a checkpoint of that tree.
func ProveInclusion(b *bolt.Bucket, position int64, cp SignedCheckpoint) (InclusionProof, error) {
	if position < 1 || position > cp.Size {
		return InclusionProof{}, domain.NotFound("there is no entry at position %d in the log of %d entries of this checkpoint", position, cp.Size)
	}
	if err := matchTree(b, cp.Checkpoint); err != nil {
		return InclusionProof{}, err
	}
	leaf, err := Hashes(b).ReadHashes([]int64{tlog.StoredHashIndex(0, position-1)})
	if err != nil {
		return InclusionProof{}, err
	}
	p, err := RecordProof(b, position-1, cp.Size)
	if err != nil {
		return InclusionProof{}, err
	}
	return InclusionProof{Type: InclusionType, Position: position, TreeSize: cp.Size, LeafHash: leaf[0],
		Hashes: nonNil(p), Checkpoint: string(cp.Note)}, nil
}

// ProveConsistency builds the proof that the log of oldCP is a prefix of the log of newCP, both
// checkpoints of the tree in b.
func ProveConsistency(b *bolt.Bucket, oldCP, newCP SignedCheckpoint) (ConsistencyProof, error) {
	if oldCP.Size < 1 || oldCP.Size > newCP.Size {
		return ConsistencyProof{}, domain.Invalid("old_size", "a consistency proof goes from a checkpoint of 1 entry or more to one at least as large, not from %d entries to %d", oldCP.Size, newCP.Size)
	}
	for _, cp := range []Checkpoint{oldCP.Checkpoint, newCP.Checkpoint} {
		if err := matchTree(b, cp); err != nil {
			return ConsistencyProof{}, err
		}
	}
	p, err := TreeProof(b, oldCP.Size, newCP.Size)
	if err != nil {
		return ConsistencyProof{}, err
	}
	return ConsistencyProof{Type: ConsistencyType, OldSize: oldCP.Size, NewSize: newCP.Size, Hashes: nonNil(p),
		OldCheckpoint: string(oldCP.Note), NewCheckpoint: string(newCP.Note)}, nil
}

// matchTree checks that cp commits to the first cp.Size leaves of the tree in b.
func matchTree(b *bolt.Bucket, cp Checkpoint) error {
	n, err := Size(b)
	if err != nil {
		return err
	}
	if cp.Size > n {
		return domain.HistoryMismatch("the checkpoint covers %d entries but the log's tree has only %d", cp.Size, n)
	}
	root, err := tlog.TreeHash(cp.Size, Hashes(b))
	if err != nil {
		return err
	}
	if root != cp.Root {
		return domain.HistoryMismatch("the log's first %d entries do not hash to the root of the checkpoint of %d entries", cp.Size, cp.Size)
	}
	return nil
}

func nonNil(h []tlog.Hash) []tlog.Hash {
	if h == nil {
		return []tlog.Hash{}
	}
	return h
}

// VerifyInclusion checks an inclusion proof: its checkpoint is signed by the log's key among
// verifiers and is of the proof's tree size, and the audit path leads from the leaf hash to the
// checkpoint's root (tlog.CheckRecord). It returns the checkpoint.
func VerifyInclusion(p InclusionProof, verifiers note.Verifiers) (SignedCheckpoint, error) {
	cp, err := Open([]byte(p.Checkpoint), verifiers)
	if err != nil {
		return SignedCheckpoint{}, err
	}
	if p.TreeSize != cp.Size {
		return SignedCheckpoint{}, domain.HistoryMismatch("the proof is for a log of %d entries but its checkpoint is of %d", p.TreeSize, cp.Size)
	}
	if p.Position < 1 || p.Position > p.TreeSize {
		return SignedCheckpoint{}, domain.Invalid("position", "%d is not a position in a log of %d entries", p.Position, p.TreeSize)
	}
	if tlog.CheckRecord(p.Hashes, cp.Size, cp.Root, p.Position-1, p.LeafHash) != nil {
		return SignedCheckpoint{}, domain.HistoryMismatch("the proof does not show the entry at position %d in the log of the checkpoint of %d entries", p.Position, cp.Size)
	}
	return cp, nil
}

// VerifyConsistency checks a consistency proof: both checkpoints are signed by the log's key among
// verifiers, are of the same log and of the proof's sizes, and the proof shows the older log a
// prefix of the newer (tlog.CheckTree). It returns the two checkpoints.
func VerifyConsistency(p ConsistencyProof, verifiers note.Verifiers) (oldCP, newCP SignedCheckpoint, err error) {
	if oldCP, err = Open([]byte(p.OldCheckpoint), verifiers); err != nil {
		return oldCP, newCP, err
	}
	if newCP, err = Open([]byte(p.NewCheckpoint), verifiers); err != nil {
		return oldCP, newCP, err
	}
	switch {
	case oldCP.Origin != newCP.Origin:
		return oldCP, newCP, domain.HistoryMismatch("the two checkpoints are of different logs, %s and %s", oldCP.Origin, newCP.Origin)
	case p.OldSize != oldCP.Size || p.NewSize != newCP.Size:
		return oldCP, newCP, domain.HistoryMismatch("the proof is from %d entries to %d but its checkpoints are of %d and %d", p.OldSize, p.NewSize, oldCP.Size, newCP.Size)
	case oldCP.Size < 1 || oldCP.Size > newCP.Size:
		return oldCP, newCP, domain.Invalid("old_size", "a consistency proof goes from a checkpoint of 1 entry or more to one at least as large, not from %d entries to %d", oldCP.Size, newCP.Size)
	}
	if tlog.CheckTree(p.Hashes, newCP.Size, newCP.Root, oldCP.Size, oldCP.Root) != nil {
		return oldCP, newCP, domain.HistoryMismatch("the log of %d entries is not shown to begin with the log of %d entries: the proof does not verify", newCP.Size, oldCP.Size)
	}
	return oldCP, newCP, nil
}

// ParseProof reads a proof's JSON form: an *InclusionProof or a *ConsistencyProof, by its "type".
func ParseProof(data []byte) (any, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, domain.Invalid("proof", "is not a proof in JSON: %v", err)
	}
	var p any
	switch head.Type {
	case InclusionType:
		p = new(InclusionProof)
	case ConsistencyType:
		p = new(ConsistencyProof)
	default:
		return nil, domain.Invalid("type", "%q is not a kind of proof: give inclusion or consistency", head.Type)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, domain.Invalid("proof", "is not a proof in JSON: %v", err)
		}
		return nil, domain.Invalid("proof", "is not a proof of its kind: %v", err)
	}
	return p, nil
}
