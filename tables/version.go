package tables

import "github.com/ocopledger/ocopledger/internal/buildinfo"

// Version is the answer of version: the module's version, the commit it was built from and when,
// whether it had changes not committed, and the Go version.
func Version(v buildinfo.Info, lang string) Reply {
	t := &text{lang: lang}
	t.f("ocopledger %s\n", "ocopledger %s\n", v.Version)
	if v.Commit != "" {
		t.f("commit %s", "commit %s", v.Commit)
		if !v.Time.IsZero() {
			t.f(" (%s)", " (%s)", InstantText(v.Time, lang))
		}
		if v.Modified {
			t.f(", có thay đổi chưa được commit", ", with changes not committed")
		}
		t.WriteString("\n")
	}
	if v.Go != "" {
		t.WriteString(v.Go + "\n")
	}
	return Reply{v, t.String()}
}
