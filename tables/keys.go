package tables

import (
	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/provenance"
)

// SigningKey is the answer of key: the log's verifier key to publish (the text), with its
// origin, its signing key's file and whether it was made now (the JSON).
func SigningKey(k *provenance.Key) Reply {
	return Reply{map[string]any{"verifier_key": k.VerifierKey, "origin": k.Origin, "signing_key_file": k.Path, "created": k.Created},
		k.VerifierKey + "\n"}
}

// WitnessKey is the answer of witness --print-key: the witness's verifier key to give the
// ledgers it cosigns, with its name, its signing key's file and whether it was made now.
func WitnessKey(k *provenance.WitnessKey) Reply {
	return Reply{map[string]any{"verifier_key": k.VerifierKey, "name": k.Name, "signing_key_file": k.Path, "created": k.Created},
		k.VerifierKey + "\n"}
}

// Checkpoint is the answer of checkpoint: the signed note (the text), or the checkpoint and
// whether it was published now or before (the JSON).
func Checkpoint(e *checkpoint.Entry, made bool) Reply {
	return Reply{map[string]any{"checkpoint": e, "published_now": made}, e.Note}
}
