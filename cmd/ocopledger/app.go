package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ocopledger/ocopledger/datadir"
	"github.com/ocopledger/ocopledger/internal/clihelp"
	"github.com/ocopledger/ocopledger/internal/progress"
	"github.com/ocopledger/ocopledger/projections"
	"github.com/ocopledger/ocopledger/tables"
	"github.com/spf13/cobra"
)

// Main holds what a command needs: the streams, the common options and, opened on demand, the
// data directory's ledger.
type Main struct {
	In       io.Reader
	Out, Err io.Writer
	clihelp.Common
	// historyEvery and scrubAfter, when set, are how often serve checks the log's history and
	// when it first reads the whole log again (the tests' shorter times; ledger.WatchConfig).
	historyEvery, scrubAfter time.Duration

	nd     *datadir.Node
	closer []func() error
}

// NewMain returns a Main writing to the given streams.
func NewMain(in io.Reader, out, errw io.Writer) *Main {
	return &Main{In: in, Out: out, Err: errw}
}

// Close releases whatever the command opened, newest first.
func (m *Main) Close() error {
	var err error
	if m.nd != nil {
		err = m.nd.Close()
	}
	m.nd = nil
	for i := len(m.closer) - 1; i >= 0; i-- {
		err = cmp.Or(err, m.closer[i]())
	}
	m.closer = nil
	return err
}

// Run runs the command line args and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	// The help and the messages are in the language the line asks for, before it is parsed.
	m.Lang, m.JSON = clihelp.PreScan(args)
	return m.Execute(ctx, newRootCmd(m), args, m.Err)
}

// newRootCmd builds the command line: the options every command takes, and each command.
func newRootCmd(m *Main) *cobra.Command {
	return m.Root(m.In, m.Out, m.Err,
		newFiguresCmd(m), newExplainCmd(m), newDiffCmd(m), newTimelineCmd(m), newExpiringCmd(m), newRebuildCmd(m),
		newRecordCmd(m), newImportCmd(m), newLogCmd(m), newExportCmd(m), newRestoreCmd(m), newStatusCmd(m), newDemoCmd(m),
		newReportCmd(m), newReconcileCmd(m), newServeCmd(m), newWatchCmd(m),
		newCheckpointCmd(m), newProveCmd(m), newVerifyCmd(m), newKeyCmd(m), newWitnessCmd(m),
		newVersionCmd(m),
	)
}

// node is the data directory's ledger, opened part by part as the command asks.
func (m *Main) node() *datadir.Node {
	if m.nd == nil {
		m.nd = m.Open()
	}
	return m.nd
}

// Figures opens the read models and brings them up to the end of the log, with a progress bar
// on a terminal when there is much to do.
func (m *Main) Figures(ctx context.Context) (*projections.Projection, error) {
	bar := progress.New(m.Err, progress.Options{Label: m.T("dựng lại số liệu", "building figures")})
	defer bar.Done()
	return m.node().Figures(ctx, bar.Update)
}

// reply prints a reply as JSON or as text, as --json asks.
func (m *Main) reply(a tables.Reply) error {
	if m.JSON {
		return tables.WriteJSON(m.Out, a.JSON)
	}
	fmt.Fprint(m.Out, a.Text)
	return nil
}
