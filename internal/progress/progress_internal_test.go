package progress

import (
	"bytes"
	"regexp"
	"testing"
)

// Off a terminal the bar writes nothing; on one, quick work shows nothing until it is done, and
// the finished bar is full and ends its line.
func TestBar(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, Options{Label: "building figures"})
	b.Update(5, 10)
	b.Update(10, 10)
	b.Done()
	if buf.Len() != 0 {
		t.Errorf("off a terminal the bar wrote %q, want nothing", buf.String())
	}

	b = New(&buf, Options{Label: "dựng lại số liệu", Always: true}) // as if buf were a terminal
	b.Update(5, 10)
	if buf.Len() != 0 {
		t.Errorf("half way after no time the bar wrote %q, want nothing yet", buf.String())
	}
	b.Update(10, 10)
	b.Done()
	want := regexp.MustCompile(`^\rdựng lại số liệu \[█{30}\] 10/10 \(\d+/s\) \n$`)
	if !want.MatchString(buf.String()) {
		t.Errorf("the finished bar wrote %q, want it to match %s", buf.String(), want)
	}
}
