package installer

import (
	"fmt"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
)

// FreezeOffer is the one sentence offering to install server name (s) into MCP Tray's folder
// (`mcptray server freeze`), for a server that runs through npx or uvx and could be frozen
// (Freezable); "" when it cannot be or already is. It is escaped for a terminal.
func FreezeOffer(name string, s *config.Server) string {
	if s.Frozen != nil {
		return ""
	}
	p, _, why := Freezable(s)
	if why != "" {
		return ""
	}
	runner := "npx"
	if p.Registry == "pypi" {
		runner = "uvx"
	}
	return fmt.Sprintf("%s runs through %s, which may fetch its dependencies afresh at any start; install it into MCP Tray's folder with: mcptray server freeze %s", display.Line(name), runner, display.Line(name))
}
