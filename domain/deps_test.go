package domain_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The domain is the centre: it may depend on itself and the standard library, nothing else.
func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	const self = "github.com/ocopledger/ocopledger/domain"
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != self {
			t.Errorf("domain depends on %s; it may import only the standard library", pkg)
		}
	}
}
