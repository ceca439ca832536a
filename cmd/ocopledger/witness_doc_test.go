package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/provenance"
)

// The cosignature example of docs/auditors.md is what c2sp.org/tlog-cosignature gives, computed
// here by hand from the witness's published seed and timestamp, and it verifies with the
// library the ledger and verify use.
func TestAuditorsDocCosignatureExample(t *testing.T) {
	ex := docExamples(t)
	const name = "witness.example/inspectorate"
	const timestamp = 1754560200 // 2025-08-07T09:50:00Z
	seed := sha256.Sum256([]byte("ocopledger docs/auditors.md example witness key"))
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	keyMaterial := append([]byte{0x04}, pub...)
	id := sha256.Sum256(append([]byte(name+"\n"), keyMaterial...))
	vkey := fmt.Sprintf("%s+%x+%s", name, id[:4], base64.StdEncoding.EncodeToString(keyMaterial))
	if got := strings.TrimSpace(ex["witness-key"]); got != vkey {
		t.Errorf("witness key: the doc says %q, the seed gives %q", got, vkey)
	}
	cp5 := ex["checkpoint-5"]
	text, _, _ := strings.Cut(cp5, "\n\n")
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s\n", timestamp, text)
	if got := ex["cosigned-message"]; got != msg {
		t.Errorf("the signed message: the doc says %q, the spec gives %q", got, msg)
	}
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(seed[:]), []byte(msg))
	raw := binary.BigEndian.AppendUint64(append([]byte(nil), id[:4]...), timestamp)
	line := "— " + name + " " + base64.StdEncoding.EncodeToString(append(raw, sig...)) + "\n"
	if got := ex["cosigned-5"]; got != cp5+line {
		t.Errorf("the cosigned checkpoint: the doc says\n%s\nthe spec gives\n%s", got, cp5+line)
	}
	verifiers, err := provenance.NewVerifiers(strings.TrimSpace(ex["verifier-key"]))
	if err != nil {
		t.Fatal(err)
	}
	witnesses, err := provenance.NewWitnessVerifiers(vkey)
	if err != nil {
		t.Fatal(err)
	}
	_, cs, err := provenance.CheckWitnessed([]byte(cp5+line), verifiers, witnesses, 1)
	if err != nil || len(cs) != 1 || cs[0].Time.Unix() != timestamp {
		t.Fatalf("the example does not verify: %+v %v", cs, err)
	}
}
