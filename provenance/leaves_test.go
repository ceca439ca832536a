package provenance_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/provenance"
)

// hashesFile writes the hashes file of an export's lines, as export --hashes does.
func hashesFile(tb testing.TB, lines [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		if err := provenance.WriteLeaf(&b, provenance.LeafHash(l)); err != nil {
			tb.Fatal(err)
		}
	}
	return b.Bytes()
}

// A hashes file checked against the checkpoints names the changed line of a tampered export
// exactly, where the checkpoints alone bound it to a range; a hashes file that is not the log's,
// or that no checkpoint covers, is refused and names nothing.
func TestHashesFileNamesTheChangedLine(t *testing.T) {
	const n = 500
	lines := exportLines(t, n)
	cps := checkpointsOf(t, lines, 300, n)
	leaves, err := provenance.ReadLeaves(bytes.NewReader(hashesFile(t, lines)))
	if err != nil || len(leaves) != n {
		t.Fatalf("ReadLeaves: %d, %v", len(leaves), err)
	}
	vouched, err := provenance.CheckLeaves(leaves, cps)
	if err != nil || len(vouched) != n {
		t.Fatalf("CheckLeaves of the log's hashes: %d, %v", len(vouched), err)
	}
	changed := make([][]byte, n)
	for i := range lines {
		changed[i] = bytes.Clone(lines[i])
	}
	i := bytes.Index(changed[250], []byte(`"data":{`)) + 10
	changed[250][i] ^= 0x01
	export := join(changed)

	_, err = provenance.VerifyExport(context.Background(), bytes.NewReader(export), cps, provenance.VerifyOptions{Leaves: vouched})
	var le *provenance.LineError
	if !errors.As(err, &le) || le.Line != 251 || !strings.Contains(err.Error(), "line 251 differs from the log: its hash is not the leaf hash of position 251") {
		t.Fatalf("with the hashes file: %v, want line 251 named", err)
	}
	_, err = provenance.VerifyExport(context.Background(), bytes.NewReader(export), cps, provenance.VerifyOptions{})
	if !errors.As(err, &le) || le.Line != 0 || le.From != 1 || le.To != 300 {
		t.Fatalf("without it: %v, want lines 1–300", err)
	}
	// The export intact verifies with the hashes file too.
	if _, err := provenance.VerifyExport(context.Background(), bytes.NewReader(join(lines)), cps, provenance.VerifyOptions{Leaves: vouched}); err != nil {
		t.Fatalf("the intact export with the hashes file: %v", err)
	}

	// Hashes of the tampered export do not match the checkpoints: refused.
	bad, _ := provenance.ReadLeaves(bytes.NewReader(hashesFile(t, changed)))
	if _, err := provenance.CheckLeaves(bad, cps); domain.ErrorCode(err) != domain.CodeHistoryMismatch || !strings.Contains(err.Error(), "do not hash to the root of the checkpoint of 300 entries") {
		t.Errorf("CheckLeaves of another log's hashes: %v", err)
	}
	// Shorter than every checkpoint: nothing vouches for them.
	if _, err := provenance.CheckLeaves(leaves[:299], cps); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("CheckLeaves of 299 hashes: %v", err)
	}
	// Between two checkpoints: only the prefix a checkpoint covers is vouched for.
	if v, err := provenance.CheckLeaves(leaves[:400], cps); err != nil || len(v) != 300 {
		t.Errorf("CheckLeaves of 400 hashes: %d, %v; want the 300 the checkpoint covers", len(v), err)
	}
	// Not a hashes file: the line named.
	if _, err := provenance.ReadLeaves(strings.NewReader(strings.Repeat("A", 43) + "=\n" + strings.Repeat("A", 44) + "\n")); err == nil || !strings.Contains(err.Error(), "line 2 is not a leaf hash") {
		t.Errorf("ReadLeaves of garbage: %v", err)
	}
}

// Anything read as a hashes file is leaf hashes or an error naming the line, never a panic.
func FuzzReadLeaves(f *testing.F) {
	f.Add([]byte(strings.Repeat("A", 43) + "=\n"))
	f.Add([]byte(strings.Repeat("A", 44) + "\n"))
	f.Add([]byte(strings.Repeat("/", 42) + "==\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		leaves, err := provenance.ReadLeaves(bytes.NewReader(data))
		if err == nil {
			var b bytes.Buffer
			for _, l := range leaves {
				provenance.WriteLeaf(&b, l)
			}
			if again, err := provenance.ReadLeaves(&b); err != nil || len(again) != len(leaves) {
				t.Fatalf("written again: %d, %v", len(again), err)
			}
		}
	})
}
