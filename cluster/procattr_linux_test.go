package cluster_test

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill a child process when the test binary
// dies, so that a test that panics or times out leaves no server running.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
