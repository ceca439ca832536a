package witness_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ocopledger/ocopledger/provenance"
	"github.com/ocopledger/ocopledger/witness"
)

// A witness for the inspectorate: its key is made in its state folder on first start, its
// verifier key published; then it follows the ledger every minute until ctx ends or the ledger
// shows a fork.
func Example() {
	ctx := context.Background()
	key, err := witness.LoadKey("/var/lib/inspectorate", "inspectorate.example/witness")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(key.VerifierKey) // for the ledger's serve --witness-key and the auditors
	ledgerKey, err := provenance.NewVerifiers("ocopledger.example/quang-ngai/OCOP_LEDGER+14fe7750+AX...")
	if err != nil {
		log.Fatal(err)
	}
	w, err := witness.Open(witness.Config{
		Ledger: "https://ledger.example", Verifiers: ledgerKey, Key: key, Dir: "/var/lib/inspectorate",
		Every:   time.Minute,
		OnRound: func(r witness.Round) error { log.Printf("checkpoint of %d entries: %v", r.Size, r.Outcome); return nil },
		OnError: func(err error, retryIn time.Duration) { log.Printf("%v (again in %s)", err, retryIn) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	if err := w.Run(ctx); err != nil {
		log.Fatal(err) // a fork: the evidence is in the state folder
	}
}
