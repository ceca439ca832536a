//go:build !windows && !openbsd && !netbsd && !wasm && !illumos && !solaris && !plan9

package eventstore

import "syscall"

// diskFree returns the bytes an unprivileged writer may still use on the file system of dir;
// ok is false where that cannot be told.
func diskFree(dir string) (free int64, ok bool) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return 0, false
	}
	return int64(fs.Bavail) * int64(fs.Bsize), true
}
