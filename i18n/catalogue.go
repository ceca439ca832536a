package i18n

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"

	"github.com/ocopledger/ocopledger/domain"
)

// tables are the Vietnamese forms the catalogue is built from, by English format: the domain's
// rule messages and the adapters' messages.
func tables() []map[string]string {
	dom := map[string]string{}
	for en, vi := range domain.MessagesVI() {
		dom[en] = vi
	}
	return []map[string]string{dom, messagesVI, messagesVIGuard, messagesVIDrill, messagesVIImports, messagesVITables}
}

// catalogue holds every message in both languages: its English format is its key and its English
// text. buildErr is why an entry could not be added (a test keeps it nil).
var catalogue, buildErr = build()

func build() (*catalog.Builder, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.Vietnamese))
	var errs []error
	for _, t := range tables() {
		for en, vi := range t {
			errs = append(errs, b.SetString(language.English, en, en), b.SetString(language.Vietnamese, en, vi))
		}
	}
	errs = append(errs, setHelp(b)...)
	return b, errors.Join(errs...)
}

// format is the catalogue's format of key in lang, and whether it has one. Messages are formatted
// with fmt, not message.Printer: a year, a log position or a port in a message is written as it
// is ("2025", not "2.025"); the numbers of reports and of the command line's answers are grouped
// with Int.
func format(lang, key string) (string, bool) {
	tag := language.English
	if lang == "vi" {
		tag = language.Vietnamese
	}
	var r renderer
	if err := catalogue.Context(tag, &r).Execute(key); err != nil {
		return "", false
	}
	return r.s, true
}

// renderer takes the format the catalogue holds for a key, without formatting it.
type renderer struct{ s string }

func (r *renderer) Render(s string) { r.s += s }
func (r *renderer) Arg(int) any     { return nil }

// template is an error that records the format and arguments its English text was built from:
// domain's *Error and the messages of its errorf.
type template interface {
	error
	Template() (format string, args []any)
}

// Localize returns the message of err for a reader of lang: English (err.Error()) unless lang is
// "vi", and then the Vietnamese form of the message err holds, with its field prefix kept
// ("stars: 2 sao không được cấp giấy chứng nhận: …"). Text that wraps the message, and messages
// the catalogue does not have, stay English. Transports call it at the edge.
func Localize(err error, lang string) string {
	if err == nil {
		return ""
	}
	en := err.Error()
	if lang != "vi" {
		return en
	}
	var t template
	if !errors.As(err, &t) {
		return en
	}
	inner := t.Error()
	if i := strings.Index(en, inner); i >= 0 {
		return en[:i] + vietnamese(t) + en[i+len(inner):]
	}
	return en
}

// vietnamese is the Error() text of t in Vietnamese.
func vietnamese(t template) string {
	f, args := t.Template()
	e, isError := t.(*domain.Error)
	msg := t.Error()
	if isError {
		msg = e.Message
	}
	// Translate only a message that is still what its format and arguments make (one built by
	// hand, or changed after it was built, stays as it is).
	if vi, ok := format("vi", f); ok && f != "" && fmt.Sprintf(f, args...) == msg {
		msg = fmt.Sprintf(vi, vietnameseArgs(args)...)
	}
	if isError && e.Field != "" {
		return e.Field + ": " + msg
	}
	return msg
}

// vietnameseArgs puts the arguments of a message in Vietnamese: errors (a cause quoted in the
// message) and the domain's labels (an authority, a level); anything else (numbers, IDs, dates
// already written dd/mm/yyyy) reads the same in both languages.
func vietnameseArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case error:
			out[i] = Localize(a, "vi")
		case interface{ Vietnamese() string }:
			out[i] = a.Vietnamese()
		default:
			out[i] = a
		}
	}
	return out
}
