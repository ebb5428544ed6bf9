package testbin

import (
	"fmt"
	"os"
	"testing"
)

// OTelHelper returns the path of mcptray-otel, the OTLP export helper, building it on first
// use into the folder mcptray is built in: the daemon looks for it beside its own executable.
func OTelHelper() (string, error) { return build("mcptray-otel", "./cmd/mcptray-otel") }

// OTelMain is a TestMain for a package whose tests run the helper: it builds it into *helper,
// runs the tests, removes what was built and exits with their code.
func OTelMain(m *testing.M, helper *string) {
	var err error
	if *helper, err = OTelHelper(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	Cleanup()
	os.Exit(code)
}
