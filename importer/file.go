package importer

import (
	"cmp"
	"context"
	"path/filepath"
	"strings"

	"github.com/ocopledger/ocopledger/ledger"
)

// File is the import of a file as `ocopledger import` does it.
type File struct {
	Path string // an .xlsx or .csv file
	Kind string // the ID of its kind of table (--kind)
	// Options: the source defaults to the file's name.
	Options
	// Rejects, if set, is the .xlsx file the rows with an error are written to (WriteRejects);
	// under Partial it defaults to the file's name ending in -loi.xlsx.
	Rejects string
}

// Import reads the file and imports its table into the ledger open gives (Import); rejects is
// the file the rows with an error were written to ("" when none was). An error about a file
// names its option (file, rejects) and is said in lang.
func (f File) Import(ctx context.Context, open func() (*ledger.Ledger, error), lang string) (out Outcome, rejects string, err error) {
	k, err := KindFor("kind", f.Kind)
	if err != nil {
		return out, "", err
	}
	table, err := ReadFile(f.Path)
	if err != nil {
		return out, "", FieldError("file", err, lang)
	}
	l, err := open()
	if err != nil {
		return out, "", err
	}
	f.Source = cmp.Or(f.Source, filepath.Base(f.Path))
	if f.Partial && f.Rejects == "" {
		f.Rejects = strings.TrimSuffix(f.Path, filepath.Ext(f.Path)) + "-loi.xlsx"
	}
	if out, err = Import(ctx, l, k, table, f.Options); err != nil {
		return out, "", err
	}
	if f.Rejects == "" || out.Rejected == nil {
		return out, "", nil
	}
	if err := WriteRejects(out.Rejected, f.Rejects); err != nil {
		return out, "", FieldError("rejects", err, lang)
	}
	return out, f.Rejects, nil
}
