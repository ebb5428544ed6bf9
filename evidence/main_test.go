package evidence

import (
	"fmt"
	"os"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var helper string // mcptray-otel, built by TestMain

func TestMain(m *testing.M) {
	var err error
	if helper, err = testbin.OTelHelper(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}
