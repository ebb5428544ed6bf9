package installer

import (
	"cmp"
	"fmt"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/remote"
)

// PlanRun is how the server an install plan adds will run once installed.
type PlanRun struct {
	// Note is one sentence, escaped for a terminal, about what MCP Tray installs or pins
	// before the server first starts (FreezePlan); "" when it runs as the plan says.
	Note string
	// Run is the command line it runs, with "<digest>" or "<NAME>" standing for what the
	// install fixes.
	Run []string
}

// RunOf says how the server plan p of entry e adds will run: from MCP Tray's own folder when
// the install freezes it (npm and PyPI packages), by digest for an image, else as p says.
func RunOf(e catalog.Entry, p catalog.InstallPlan) PlanRun {
	if p.Remote != nil {
		return PlanRun{Note: fmt.Sprintf("It runs on the internet at %s: nothing is installed or run on this computer; MCP Tray connects to %s.",
			display.Line(remote.Host(p.Remote.URL)), display.Line(p.Remote.URL))}
	}
	pkg, args, ok := FreezePlan(e, p)
	switch {
	case ok && pkg.Registry == "oci":
		// Store pins the tag to the digest it names now.
		return PlanRun{
			Note: fmt.Sprintf("It will pin the image %s to the digest its tag names now, so a tag pushed again later changes nothing.",
				display.Line(pkg.Name+":"+pkg.Version)),
			Run: append(append(append([]string{p.Command}, pkg.Args...), pkg.Name+"@<digest>"), args...),
		}
	case ok && pkg.Registry == "pypi":
		// Installed into a Python environment of its own: uvx never runs.
		return PlanRun{
			Note: fmt.Sprintf("It will install %s from %s into MCP Tray's own folder, from a lock with every file's checksum, so nothing is downloaded when it starts.",
				display.Line(pkg.Name+"=="+pkg.Version), display.Line(cmp.Or(pkg.RegistryURL, "pypi.org"))),
			Run: append([]string{"python", "<" + cmp.Or(pkg.Bin, pkg.Name) + ">"}, args...),
		}
	case ok:
		// Installed into MCP Tray's folder (Store): npx never runs.
		return PlanRun{
			Note: fmt.Sprintf("It will install %s from npm into MCP Tray's own folder, checked, so nothing is downloaded when it starts.",
				display.Line(pkg.Name+"@"+pkg.Version)),
			Run: append([]string{"node", "<" + pkg.Name + ">"}, args...),
		}
	}
	return PlanRun{Run: append([]string{p.Command}, p.Args...)}
}
