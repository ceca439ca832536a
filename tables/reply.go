package tables

import (
	"fmt"
	"strings"
)

// Reply is an answer of the command line that is not a table, in both of its forms: JSON (the
// value to encode) and the text a clerk reads, in the language it was made for.
type Reply struct {
	JSON any
	Text string
}

// text builds the text of a reply in one language.
type text struct {
	strings.Builder
	lang string
}

// f writes the vi or en format, as lang asks, with args.
func (t *text) f(vi, en string, args ...any) { fmt.Fprintf(t, Label{vi, en}.In(t.lang), args...) }
