package clihelp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ocopledger/ocopledger/domain"
	"github.com/ocopledger/ocopledger/i18n"
	"github.com/ocopledger/ocopledger/internal/userfile"
	"github.com/ocopledger/ocopledger/ledger"
)

// UsageError is a mistake in how a command was called (exit code 2): what is wrong, as a domain
// error the catalogue translates; it is said with a hint to the command's help.
type UsageError struct{ Err *domain.Error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef returns a usage error. The format is English and a constant; its Vietnamese form is in
// the catalogue (i18n/messages_vi.go).
func Usagef(format string, args ...any) error {
	return UsageError{Err: domain.Invalid("", format, args...)}
}

// AsUsage makes an invalid option's error a usage error; other errors stay as they are.
func AsUsage(err error) error {
	var e *domain.Error
	if errors.As(err, &e) && e.Code == domain.CodeInvalid {
		return UsageError{Err: e}
	}
	return err
}

// Bilingual is an error said in Vietnamese and in English, whatever --lang asks for.
type Bilingual struct{ Err error }

func (b Bilingual) Error() string { return b.Err.Error() }
func (b Bilingual) Unwrap() error { return b.Err }

// NotACommand is a word where a command's name should stand.
type NotACommand string

func (n NotACommand) Error() string { return string(n) + " is not a command" }

// flagErrors say in words a clerk understands what the options parser refused, one kind of
// pflag error each; nil when err is not of its kind. cmd is the command ("" for the program).
var flagErrors = []func(err error, cmd string) *domain.Error{
	func(err error, cmd string) *domain.Error {
		e, ok := as[*pflag.NotExistError](err)
		switch {
		case !ok:
			return nil
		case len(e.GetSpecifiedShortnames()) > 1:
			// -data: a long option written with one dash, as the flag package allowed.
			return notAnOption("-" + e.GetSpecifiedShortnames())
		case cmd == "":
			return domain.Invalid(e.GetSpecifiedName(), "is not an option of every command: write it after the command's name, as in ocopledger <command> --%s …", e.GetSpecifiedName())
		}
		return domain.Invalid(e.GetSpecifiedName(), "is not an option of ocopledger %s", cmd)
	},
	func(err error, _ string) *domain.Error {
		if e, ok := as[*pflag.ValueRequiredError](err); ok {
			return domain.Invalid(e.GetFlag().Name, "has no value: write --%s and its value", e.GetFlag().Name)
		}
		return nil
	},
	func(err error, _ string) *domain.Error {
		if e, ok := as[*pflag.InvalidSyntaxError](err); ok {
			return notAnOption(e.GetSpecifiedFlag())
		}
		return nil
	},
	func(err error, _ string) *domain.Error {
		e, ok := as[*pflag.InvalidValueError](err)
		if !ok {
			return nil
		}
		f, value := e.GetFlag(), e.GetValue()
		switch f.Value.Type() {
		case "bool":
			return domain.Invalid(f.Name, "%q is not true or false: write --%s, or --%s=false", value, f.Name, f.Name)
		case "int", "int64", "uint", "uint64":
			// pflag keeps no cause ("must be an integer"): whether the number is too large is ours.
			if _, perr := strconv.ParseInt(strings.TrimPrefix(value, "-"), 0, 64); errors.Is(perr, strconv.ErrRange) {
				return domain.Invalid(f.Name, "%q is too large a number", value)
			}
			return domain.Invalid(f.Name, "%q is not a whole number", value)
		}
		return domain.Invalid(f.Name, "%q is not a value this option takes (%s)", value, userfile.Cause(errors.Unwrap(err)))
	},
}

func notAnOption(arg string) *domain.Error {
	return domain.Invalid("", "%q is not an option: write an option as --name value or --name=value", arg)
}

func as[T error](err error) (T, bool) {
	var t T
	return t, errors.As(err, &t)
}

// FlagError is the usage error of what the options parser refused for the command cmd ("" for
// the program), naming the flag.
func FlagError(err error, cmd string) error {
	for _, f := range flagErrors {
		if e := f(err, cmd); e != nil {
			return UsageError{Err: e}
		}
	}
	return UsageError{Err: domain.Invalid("", "%v", err)}
}

// Exit codes that are not a domain.Code's (domain.ExitCode gives those).
const (
	ExitOK          = 0
	ExitInterrupted = 130 // as a shell says of a command stopped by Ctrl-C
)

// Fail writes err for a clerk to w, in the language and form (--json) asked for, and returns
// the exit code its kind means: the domain code's, 2 for a usage error, 130 when interrupted.
func (c *Common) Fail(w io.Writer, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, c.T("ocopledger: lệnh đã bị ngắt giữa chừng", "ocopledger: interrupted"))
		return ExitInterrupted
	}
	var bi Bilingual
	if errors.As(err, &bi) {
		fmt.Fprintf(w, "ocopledger: lỗi: %s\nocopledger: error: %s\n", i18n.Localize(bi.Err, "vi"), bi.Err)
		return domain.ExitCode(domain.CodeInvalid)
	}
	err = ledger.ReadError(err) // whichever command read the log: the positions it lacks are named (exit 6)
	code := domain.ErrorCode(err)
	msg := i18n.Localize(err, c.Lang)
	if c.JSON {
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "field": domain.ErrorField(err),
			"message": msg, "message_en": err.Error()}})
		return domain.ExitCode(code)
	}
	fmt.Fprintf(w, "ocopledger: %s: %s\n", c.T("lỗi", "error"), msg)
	if _, usage := as[UsageError](err); usage && c.Cmd != "" {
		fmt.Fprintf(w, c.T("(xem hướng dẫn: ocopledger help %s)\n", "(see ocopledger help %s)\n"), c.Cmd)
	}
	return domain.ExitCode(code)
}
