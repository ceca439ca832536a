package datadir

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/ocopledger/ocopledger/domain"
)

// OpenInput opens a file the clerk named with the option or argument field, saying in a
// clerk's words why it cannot be read.
func OpenInput(field, path string) (*os.File, error) {
	f, err := os.Open(path)
	var e *domain.Error
	switch {
	case errors.Is(err, os.ErrNotExist):
		e = domain.Invalid(field, "there is no file %s", path)
	case errors.Is(err, os.ErrPermission):
		e = domain.Invalid(field, "%s cannot be read: you have no permission to read it", path)
	case err != nil:
		e = domain.Invalid(field, "%s cannot be read: %v", path, Cause(err))
	default:
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, domain.Invalid(field, "%s is a folder, not a file", path)
		}
		return f, nil
	}
	e.Err = err
	return nil, e
}

// CreateOutput creates the file the clerk named with the option field, saying why it cannot be
// written.
func CreateOutput(field, path string) (*os.File, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, domain.Invalid(field, "%s is a folder, not a file", path)
	}
	f, err := os.Create(path)
	var e *domain.Error
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, os.ErrNotExist):
		e = domain.Invalid(field, "the folder %s does not exist", filepath.Dir(path))
	case errors.Is(err, os.ErrPermission):
		e = domain.Invalid(field, "%s cannot be written: you have no permission to write there", path)
	default:
		e = domain.Invalid(field, "%s cannot be written: %v", path, Cause(err))
	}
	e.Err = err
	return nil, e
}

// checkReadable reports, in a clerk's words, why the file named with field cannot be read.
func checkReadable(field, path string) error {
	f, err := OpenInput(field, path)
	if err != nil {
		return err
	}
	return f.Close()
}
