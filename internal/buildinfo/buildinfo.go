// Package buildinfo says which build of ocopledger is running, from the build information the Go
// toolchain writes into the binary: what `ocopledger version` prints and /metrics' labels of
// ocopledger_build_info.
package buildinfo

import (
	"cmp"
	"runtime/debug"
	"time"
)

// version, when set at build time with
// -ldflags "-X github.com/ocopledger/ocopledger/internal/buildinfo.version=…", replaces the
// module version the build information gives.
var version string

// Info is the build of the running binary: the module's version, and the commit it was built
// from in a git checkout.
type Info struct {
	Version  string    `json:"version"`
	Commit   string    `json:"commit,omitempty"`
	Time     time.Time `json:"commit_time,omitzero"`
	Modified bool      `json:"modified"` // built with changes not committed
	Go       string    `json:"go"`
}

// Read returns the build of the running binary.
func Read() Info {
	v := Info{Version: version}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		v.Version = cmp.Or(v.Version, "(devel)")
		return v
	}
	v.Version, v.Go = cmp.Or(v.Version, bi.Main.Version, "(devel)"), bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time, _ = time.Parse(time.RFC3339, s.Value)
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}
