// Command ocopledger is the event-sourced ledger of the OCOP programme: it records every
// certification, recognition, fair, sales point and listing as an immutable event in NATS
// JetStream (embedded by default) and answers the Department's figures for any date, as known at
// any time.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocopledger/ocopledger/internal/profile"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain(os.Stdin, os.Stdout, os.Stderr)
	stopProfile := profile.Start(profile.FromEnv())
	code := m.Run(ctx, os.Args[1:])
	stopProfile()
	stop()
	m.Close()
	os.Exit(code)
}
