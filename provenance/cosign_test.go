package provenance_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
	"golang.org/x/mod/sumdb/tlog"
)

// TestCosignatureFormat checks a witness's cosignature against c2sp.org/tlog-cosignature written
// out by hand (not through the library that makes it): the key ID is SHA-256(name ‖ "\n" ‖ 0x04 ‖
// public key)[:4], the signature is key ID ‖ timestamp ‖ Ed25519 over "cosignature/v1\ntime T\n"
// and the checkpoint's text.
func TestCosignatureFormat(t *testing.T) {
	dir := t.TempDir()
	w, err := provenance.LoadOrCreateWitnessKey(dir, "witness.example/inspectorate")
	if err != nil || !w.Created {
		t.Fatalf("LoadOrCreateWitnessKey: %+v, %v", w, err)
	}
	again, err := provenance.LoadOrCreateWitnessKey(dir, "")
	if err != nil || again.Created || again.VerifierKey != w.VerifierKey {
		t.Fatalf("second LoadOrCreateWitnessKey: %+v, %v; want the same key", again, err)
	}
	if _, err := provenance.LoadOrCreateWitnessKey(dir, "witness.example/other"); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a key of another name: %v, want invalid", err)
	}

	signer, verifiers := mustKey(t, "example.org/log")
	cp, err := provenance.Sign(provenance.Checkpoint{Origin: "example.org/log", Size: 7, Root: tlog.RecordHash([]byte("r"))}, signer)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().Unix()
	cosigned, line, err := provenance.Cosign(cp.Note, w)
	if err != nil {
		t.Fatal(err)
	}
	if string(cosigned) != string(cp.Note)+line {
		t.Fatalf("the cosigned note is not the note with the line added:\n%s", cosigned)
	}

	// The published key: name+keyID+base64(0x04 ‖ public key).
	parts := strings.SplitN(w.VerifierKey, "+", 3)
	pub, _ := base64.StdEncoding.DecodeString(parts[2])
	if parts[0] != "witness.example/inspectorate" || len(pub) != 33 || pub[0] != 0x04 {
		t.Fatalf("verifier key %q is not name+id+base64(0x04 ‖ key)", w.VerifierKey)
	}
	sum := sha256.Sum256(append([]byte(parts[0]+"\n"), pub...))
	if parts[1] != fmt.Sprintf("%08x", sum[:4]) {
		t.Fatalf("key ID %s is not SHA-256(name ‖ \\n ‖ 0x04 ‖ key)[:4] = %x", parts[1], sum[:4])
	}

	// The signature line.
	name, b64, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(line, "— "), "\n"), " ")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if !ok || err != nil || name != parts[0] || len(raw) != 4+8+64 {
		t.Fatalf("line %q is not — name base64(id ‖ time ‖ sig)", line)
	}
	if string(raw[:4]) != string(sum[:4]) {
		t.Fatalf("the line's key ID %x is not %x", raw[:4], sum[:4])
	}
	ts := int64(binary.BigEndian.Uint64(raw[4:12]))
	if ts < before || ts > time.Now().Unix() {
		t.Fatalf("timestamp %d is not now", ts)
	}
	msg := "cosignature/v1\ntime " + strconv.FormatInt(ts, 10) + "\n" + cp.String()
	if !ed25519.Verify(ed25519.PublicKey(pub[1:]), []byte(msg), raw[12:]) {
		t.Fatalf("the signature does not verify over %q", msg)
	}

	// Verified through the library, with a quorum.
	wv, err := provenance.NewWitnessVerifiers(w.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	got, cs, err := provenance.CheckWitnessed(cosigned, verifiers, wv, 1)
	if err != nil || got.Size != 7 || len(cs) != 1 || cs[0].Witness != name || cs[0].Time.Unix() != ts {
		t.Fatalf("CheckWitnessed: %+v %+v %v", got, cs, err)
	}
	if _, _, err := provenance.CheckWitnessed(cp.Note, verifiers, wv, 1); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("a note without cosignature: %v, want a history mismatch", err)
	}
	other, _ := provenance.LoadOrCreateWitnessKey(t.TempDir(), "witness.example/other")
	ov, _ := provenance.NewWitnessVerifiers(other.VerifierKey)
	if _, _, err := provenance.CheckWitnessed(cosigned, verifiers, append(wv, ov...), 2); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("a quorum of 2 with one cosignature: %v, want a history mismatch", err)
	}
	// A cosignature over another checkpoint (the size changed) does not verify.
	forged := strings.Replace(string(cp.Note), "\n7\n", "\n8\n", 1)
	forgedCP, _ := provenance.Sign(provenance.Checkpoint{Origin: "example.org/log", Size: 8, Root: cp.Root}, signer)
	if _, _, err := provenance.CheckWitnessed([]byte(string(forgedCP.Note)+line), verifiers, wv, 1); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Fatalf("a cosignature moved to another checkpoint (%q): %v, want a history mismatch", forged, err)
	}
}
