package provenance_test

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ocopledger/ocopledger/provenance"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"
)

// The tree grows in the same bbolt transaction as the read models; a checkpoint of it is signed
// with the log's key, and anyone with the published verifier key checks it.
func Example() {
	dir, _ := os.MkdirTemp("", "provenance-example")
	defer os.RemoveAll(dir)
	db, _ := bolt.Open(filepath.Join(dir, "readmodels.db"), 0o600, nil)
	defer db.Close()

	bodies := [][]byte{[]byte(`{"id":"e1"}`), []byte(`{"id":"e2"}`), []byte(`{"id":"e3"}`)}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucketIfNotExists([]byte(provenance.TreeBucket))
		a, _ := provenance.NewAppender(b)
		for _, body := range bodies {
			a.Append(provenance.LeafHash(body))
		}
		return a.Flush()
	})

	skey, vkey, _ := note.GenerateKey(rand.Reader, provenance.DefaultOrigin)
	signer, _ := note.NewSigner(skey)
	var signed provenance.SignedCheckpoint
	db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(provenance.TreeBucket))
		size, _ := provenance.Size(b)
		root, _ := provenance.Root(b, size)
		signed, _ = provenance.Sign(provenance.Checkpoint{Origin: provenance.DefaultOrigin, Size: size, Root: root}, signer)
		return nil
	})

	verifiers, _ := provenance.NewVerifiers(vkey)
	cp, err := provenance.Open(signed.Note, verifiers)
	fmt.Println(cp.Origin, cp.Size, cp.Root, err)
	// Output: ocopledger.example/quang-ngai/OCOP_LEDGER 3 USAE4TBu66PD4luBV7VlokLMdfbpgvnVR+9r+hzKaUE= <nil>
}
