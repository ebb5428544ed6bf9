package testbin

import (
	"fmt"
	"os"
	"testing"
)

// Main is the TestMain of a package whose tests run the real binary: it builds mcptray (and,
// when fake is not nil, the fake MCP server, whose path it stores in *fake), runs the tests,
// calls Cleanup and exits with the tests' code. If a build fails, it prints why and exits 1
// without running any test. It never returns.
func Main(m *testing.M, fake *string) {
	_, err := MCPTray()
	if err == nil && fake != nil {
		*fake, err = FakeServer()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	Cleanup()
	os.Exit(code)
}
