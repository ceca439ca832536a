package verify_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"

	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/provenance/verify"
)

// An auditor holds an export, a checkpoint file and the log's verifier key: the checkpoint's
// signature is checked, then the export against it.
func Example() {
	export := `{"id":"e1","type":"test.noted","stream":"product.a","version":1,"recorded_at":"2025-07-01T09:00:00+07:00"}
{"id":"e2","type":"test.noted","stream":"product.b","version":1,"recorded_at":"2025-07-02T09:00:00+07:00"}
{"id":"e3","type":"test.noted","stream":"product.a","version":2,"recorded_at":"2025-07-03T09:00:00+07:00"}
`
	// What the ledger published: a signed checkpoint of the three entries.
	dir, _ := os.MkdirTemp("", "verify-example")
	defer os.RemoveAll(dir)
	db, _ := bolt.Open(filepath.Join(dir, "tree.db"), 0o600, nil)
	defer db.Close()
	skey, vkey, _ := note.GenerateKey(rand.Reader, provenance.DefaultOrigin)
	signer, _ := note.NewSigner(skey)
	var signed provenance.SignedCheckpoint
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucketIfNotExists([]byte(provenance.TreeBucket))
		a, _ := provenance.NewAppender(b)
		for _, line := range strings.SplitAfter(strings.TrimSuffix(export, "\n"), "\n") {
			a.Append(provenance.LeafHash([]byte(strings.TrimSuffix(line, "\n"))))
		}
		a.Flush()
		root, _ := provenance.Root(b, 3)
		signed, _ = provenance.Sign(provenance.Checkpoint{Origin: provenance.DefaultOrigin, Size: 3, Root: root}, signer)
		return nil
	})

	// The auditor's check.
	log, _ := provenance.NewVerifiers(vkey)
	cps, err := verify.Checkpoints(verify.File{Name: "cp.txt", Data: signed.Note}, verify.Keys{Log: log})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := verify.Export(context.Background(), strings.NewReader(export), cps, verify.ExportOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d lines match the checkpoint of %d entries of %s\n", rep.Lines, rep.Checkpoints[0].Size, rep.Checkpoints[0].Origin)
	// Output: 3 lines match the checkpoint of 3 entries of ocopledger.example/quang-ngai/OCOP_LEDGER
}
