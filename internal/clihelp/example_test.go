package clihelp_test

import (
	"os"

	"github.com/ocopledger/ocopledger/internal/clihelp"
)

// A command line built from the catalogue: the program, one command with its own flag and a flag
// every command takes, described by Describe and written by Help in English.
func ExampleHelp() {
	root := clihelp.Command("en", "")
	root.PersistentFlags().Bool("json", false, "")
	expiring := clihelp.Command("en", "expiring")
	expiring.Flags().String("within", "30d", "")
	root.AddCommand(expiring)
	clihelp.Describe("en", root)
	clihelp.Help(os.Stdout, "en", expiring)
	// Output:
	// Usage: ocopledger expiring [--within 30d] [--as-of D] [--known-at K]
	//
	// certificates that reach the end of their validity soon (producers must be warned 30 days ahead)
	//
	// Examples:
	//   ocopledger expiring --as-of 07/08/2025
	//   ocopledger expiring --within 90d --json
	//
	// Options of the expiring command:
	//   --within <value>
	//         the window, in days (30d or 30) (default: 30d)
	//
	// Options of every command:
	//   --json
	//         print JSON instead of text
}
