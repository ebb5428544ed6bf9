// Package clients tests MCP Tray's AI client entries through the real mcptray binary, started
// the way each client starts it (Codex, for one, passes only a few environment variables).
package clients

import (
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

var fake string // the fake MCP server, built by TestMain

func TestMain(m *testing.M) { testbin.Main(m, &fake) }
