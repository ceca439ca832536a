package tables_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ocopledger/ocopledger/checkpoint"
	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/tables"
)

// key's, witness --print-key's and checkpoint's answers, as the command line printed them before
// they moved here: the key or the note as text, and as JSON the same fields as then.
func TestKeysAndCheckpointReplies(t *testing.T) {
	k := &provenance.Key{VerifierKey: "ocop.example+1234abcd+AAAA", Origin: "ocop.example", Path: "/data/signing.key", Created: true}
	w := &provenance.WitnessKey{VerifierKey: "w.example+5678+BBBB", Name: "w.example", Path: "/w/witness.key"}
	e := &checkpoint.Entry{Seq: 3, Size: 42, Note: "ocop.example\n42\nroot\n\n— sig\n"}
	for _, c := range []struct {
		name     string
		r        tables.Reply
		text, js string
	}{
		{"key", tables.SigningKey(k), "ocop.example+1234abcd+AAAA\n",
			`{"created":true,"origin":"ocop.example","signing_key_file":"/data/signing.key","verifier_key":"ocop.example+1234abcd+AAAA"}`},
		{"witness", tables.WitnessKey(w), "w.example+5678+BBBB\n",
			`{"created":false,"name":"w.example","signing_key_file":"/w/witness.key","verifier_key":"w.example+5678+BBBB"}`},
		{"checkpoint", tables.Checkpoint(e, false), e.Note,
			`{"checkpoint":{"seq":3,"published":"0001-01-01T00:00:00Z","size":42,"root":null,"checkpoint":"ocop.example\n42\nroot\n\n— sig\n"},"published_now":false}`},
	} {
		var b bytes.Buffer
		if err := tables.WriteJSON(&b, c.r.JSON); err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b.Bytes()); err != nil {
			t.Fatal(err)
		}
		if c.r.Text != c.text || compact.String() != c.js {
			t.Errorf("%s: text %q, JSON %s; want %q and %s", c.name, c.r.Text, compact.String(), c.text, c.js)
		}
	}
}
