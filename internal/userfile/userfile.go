// Package userfile opens, creates and reads the files a person names on the command line (an
// option's or an argument's value), saying in a clerk's words, and naming the option, why one
// cannot be used.
package userfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/ocopledger/ocopledger/domain"
)

// Open opens a file the clerk named with the option or argument field, saying in a
// clerk's words why it cannot be read.
func Open(field, path string) (*os.File, error) {
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

// Create creates the file the clerk named with the option field, saying why it cannot be
// written.
func Create(field, path string) (*os.File, error) {
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

// CheckReadable reports, in a clerk's words, why the file named with field cannot be read.
func CheckReadable(field, path string) error {
	f, err := Open(field, path)
	if err != nil {
		return err
	}
	return f.Close()
}

// ReadSmall reads a small file (a key, a checkpoint, a proof: at most 1 MiB).
func ReadSmall(field, path string) ([]byte, error) {
	f, err := Open(field, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, domain.Invalid(field, "%s cannot be read: %v", path, Cause(err))
	}
	if len(data) > 1<<20 {
		return nil, domain.Invalid(field, "%s is larger than 1 MiB: it is not a checkpoint, a key or a proof", path)
	}
	return data, nil
}

// Cause is what the system said about a file, without the operation and path it repeats.
func Cause(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Write writes the file the clerk named with the option field through write, under the name
// path+".partial" until it is complete: synced, then renamed to path. A command that fails or
// is stopped half way thus never leaves a file that looks whole (the partial one is removed).
// With path "", write writes to std.
func Write(field, path string, std io.Writer, write func(w io.Writer) error) error {
	if path == "" {
		return write(std)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return domain.Invalid(field, "%s is a folder, not a file", path)
	}
	f, err := Create(field, path+".partial")
	if err != nil {
		return err
	}
	kept := false
	defer func() {
		if !kept {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	kept = true
	return nil
}
