package provenance_test

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func mustKey(tb testing.TB, origin string) (note.Signer, note.Verifiers) {
	tb.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := provenance.NewVerifiers(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return s, v
}

func TestCheckpointText(t *testing.T) {
	c := provenance.Checkpoint{Origin: "example.org/log", Size: 4519, Root: tlog.RecordHash([]byte("x"))}
	text := c.Marshal()
	want := "example.org/log\n4519\n" + c.Root.String() + "\n"
	if string(text) != want {
		t.Fatalf("Marshal = %q, want %q", text, want)
	}
	got, err := provenance.ParseCheckpoint(text)
	if err != nil || got.Origin != c.Origin || got.Size != c.Size || got.Root != c.Root || got.Extensions != nil {
		t.Fatalf("ParseCheckpoint(Marshal) = %+v, %v; want %+v", got, err, c)
	}
	c.Extensions = []string{"ext one", "ext two"}
	got, err = provenance.ParseCheckpoint(c.Marshal())
	if err != nil || strings.Join(got.Extensions, "|") != "ext one|ext two" {
		t.Fatalf("extensions: %+v, %v", got, err)
	}
	for _, bad := range []string{
		"",
		"example.org/log\n4519\n" + c.Root.String(), // no final new line
		"example.org/log\n4519\n",
		"\n4519\n" + c.Root.String() + "\n",
		"example.org/log\n04519\n" + c.Root.String() + "\n",
		"example.org/log\n-1\n" + c.Root.String() + "\n",
		"example.org/log\n4519\nAAAA\n",
		"example.org/log\n4519\n" + c.Root.String() + "\n\n",
		"example log\n4519\n" + c.Root.String() + "\n",
	} {
		if _, err := provenance.ParseCheckpoint([]byte(bad)); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("ParseCheckpoint(%q) = %v, want an invalid-input error", bad, err)
		}
	}
}

func TestSignedCheckpointRoundTrip(t *testing.T) {
	const origin = "ocopledger.example/test"
	signer, verifiers := mustKey(t, origin)
	c := provenance.Checkpoint{Origin: origin, Size: 7, Root: tlog.RecordHash([]byte("root"))}
	sc, err := provenance.Sign(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sc.Note, append(c.Marshal(), '\n')) || !bytes.Contains(sc.Note, []byte("\n— "+origin+" ")) {
		t.Fatalf("signed note is not the checkpoint text, a blank line and a signature:\n%s", sc.Note)
	}
	got, err := provenance.Open(sc.Note, verifiers)
	if err != nil || got.Size != 7 || got.Root != c.Root || got.Origin != origin {
		t.Fatalf("Open = %+v, %v", got, err)
	}

	// Another key of the same name, a key of another name: not verified.
	_, other := mustKey(t, origin)
	if _, err := provenance.Open(sc.Note, other); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Errorf("Open with another key = %v, want a history mismatch", err)
	}
	_, elsewhere := mustKey(t, "elsewhere.example/log")
	if _, err := provenance.Open(sc.Note, elsewhere); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
		t.Errorf("Open with another log's key = %v, want a history mismatch", err)
	}
	// An altered body: the size, the root.
	for _, altered := range [][]byte{
		bytes.Replace(sc.Note, []byte("\n7\n"), []byte("\n8\n"), 1),
		bytes.Replace(sc.Note, []byte(c.Root.String()), []byte(tlog.RecordHash([]byte("other")).String()), 1),
	} {
		if bytes.Equal(altered, sc.Note) {
			t.Fatal("the alteration changed nothing")
		}
		if _, err := provenance.Open(altered, verifiers); domain.ErrorCode(err) != domain.CodeHistoryMismatch {
			t.Errorf("Open of an altered checkpoint = %v, want a history mismatch", err)
		}
	}
	// Not a note at all.
	if _, err := provenance.Open(c.Marshal(), verifiers); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("Open of an unsigned checkpoint = %v, want invalid input", err)
	}
	// A log signs only with its own key.
	if _, err := provenance.Sign(provenance.Checkpoint{Origin: "elsewhere.example/log", Size: 1}, signer); err == nil {
		t.Error("Sign with a key of another name succeeded")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	t.Setenv(provenance.KeyFileEnv, "")
	dir := t.TempDir()
	k, err := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !k.Created || k.Origin != provenance.DefaultOrigin || k.Path != filepath.Join(dir, provenance.KeyFileName) {
		t.Fatalf("new key: %+v", k)
	}
	st, err := os.Stat(k.Path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	again, err := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{})
	if err != nil || again.Created || again.VerifierKey != k.VerifierKey {
		t.Fatalf("second load: %+v, %v; want the same key, not created", again, err)
	}
	if !strings.HasPrefix(k.VerifierKey, provenance.DefaultOrigin+"+") {
		t.Errorf("verifier key %q is not named as the log", k.VerifierKey)
	}
	// What the key signs, its published verifier key verifies.
	sc, err := provenance.Sign(provenance.Checkpoint{Origin: k.Origin, Size: 1, Root: provenance.LeafHash([]byte("a"))}, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	v, err := provenance.NewVerifiers(k.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.Open(sc.Note, v); err != nil {
		t.Fatalf("the published key does not verify the key's signature: %v", err)
	}
	// A log keeps its name.
	if _, err := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{Origin: "other.example/log"}); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("loading the key under another origin = %v, want invalid", err)
	}
	// A key file named by the environment must exist; then it is used.
	t.Setenv(provenance.KeyFileEnv, filepath.Join(dir, "nope.key"))
	if _, err := provenance.LoadOrCreateKey(t.TempDir(), provenance.KeyOptions{}); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("a missing key file named by %s = %v, want invalid", provenance.KeyFileEnv, err)
	}
	t.Setenv(provenance.KeyFileEnv, k.Path)
	fromEnv, err := provenance.LoadOrCreateKey(t.TempDir(), provenance.KeyOptions{})
	if err != nil || fromEnv.VerifierKey != k.VerifierKey {
		t.Fatalf("key from %s: %+v, %v", provenance.KeyFileEnv, fromEnv, err)
	}
	// A file that is not a key.
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("hello\n"), 0o600)
	if _, err := provenance.LoadOrCreateKey(dir, provenance.KeyOptions{File: bad}); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("a file that is not a key = %v, want invalid", err)
	}
}

// Keys are random: many of them, so that every shape of their base64 (with '+' and '/') is met.
func TestManyKeysVerify(t *testing.T) {
	t.Setenv(provenance.KeyFileEnv, "")
	for i := range 64 {
		k, err := provenance.LoadOrCreateKey(t.TempDir(), provenance.KeyOptions{})
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		sc, err := provenance.Sign(provenance.Checkpoint{Origin: k.Origin, Size: 1, Root: provenance.LeafHash([]byte("a"))}, k.Signer)
		if err != nil {
			t.Fatal(err)
		}
		v, err := provenance.NewVerifiers(k.VerifierKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := provenance.Open(sc.Note, v); err != nil {
			t.Fatalf("key %d (%s): its verifier key does not verify its signature: %v", i, k.VerifierKey, err)
		}
	}
}
