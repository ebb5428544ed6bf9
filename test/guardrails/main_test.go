// Package guardrails tests timeouts, rate limits, concurrency caps, data-loss checks and
// OpenTelemetry through the real mcptray binary (with the mcptray-otel helper beside it) and
// the fake MCP server.
package guardrails

import (
	"fmt"
	"os"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var fake string // the fake MCP server, built by TestMain

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == metaServerArg {
		metaServer(os.Stdin, os.Stdout)
		os.Exit(0)
	}
	if _, err := testbin.OTelHelper(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testbin.Main(m, &fake)
}
