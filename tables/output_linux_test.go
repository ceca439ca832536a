package tables_test

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/tables"
)

// openTerminal opens a new pseudo-terminal and returns its terminal side.
func openTerminal(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

// An XLSX file is not written to a terminal, only to --out or an output sent to a file.
func TestOutputXLSXNotToATerminal(t *testing.T) {
	tty := openTerminal(t)
	if _, _, err := (tables.Output{Format: "xlsx"}).Parse(tty); domain.ErrorField(err) != "out" {
		t.Errorf("xlsx to a terminal: %v; want an error on field out", err)
	}
	if _, _, err := (tables.Output{Format: "xlsx", Out: "a.xlsx"}).Parse(tty); err != nil {
		t.Errorf("xlsx to --out: %v", err)
	}
	if _, _, err := (tables.Output{Format: "xlsx"}).Parse(os.NewFile(^uintptr(0), "none")); err != nil {
		t.Errorf("xlsx to a file that is no terminal: %v", err)
	}
}
