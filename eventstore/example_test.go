package eventstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/ocopledger/ocopledger/eventstore"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "ledger")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	seq, err := store.LastSequence(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("events in a new ledger:", seq)
	// Output: events in a new ledger: 0
}

func ExampleStore_Append() {
	dir, err := os.MkdirTemp("", "ledger")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := eventstore.Open(ctx, eventstore.Config{DataDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	certified := eventstore.Proposed{
		ID:     "evt-0001",
		Type:   "ocop.certified",
		Schema: 1,
		Data:   json.RawMessage(`{"stars":4}`),
		Actor:  "Nguyễn Văn A",
		Source: "Công văn 470/SCT-QLTM",
	}
	// A new aggregate stream is at version 0.
	res, err := store.Append(ctx, "product.qn-toi-ly-son", 0, certified)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("version", res.Version, "sequence", res.LastSequence)

	// The answer was lost and the client retries: no second copy.
	res, err = store.Append(ctx, "product.qn-toi-ly-son", 0, certified)
	fmt.Println("retry:", res.Duplicate, err)

	events, err := store.ReadStream(ctx, "product.qn-toi-ly-son")
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range events {
		fmt.Println(e.Version, e.Type, e.Source, string(e.Data))
	}
	// Output:
	// version 1 sequence 1
	// retry: true <nil>
	// 1 ocop.certified Công văn 470/SCT-QLTM {"stars":4}
}
