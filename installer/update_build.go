package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/store"
)

// ToolCheck is what a ToolChecker found in a new version's tools before switching to it.
type ToolCheck struct {
	Tools []string // tool names
	// Changed are the tools whose definition differs from the one the person last saw.
	Changed []string
	// Findings are the scanner's findings, one sentence each ("tool: what it found").
	Findings []string
}

// ToolChecker is implemented by a Runtime that can look at a new version before an update
// switches to it. CheckTools lists the tools of server as it would run with the definition
// next, started where it cannot harm (confined, in a throwaway folder, with placeholder
// secrets), scans them and compares them with the pins. It changes nothing, and returns
// ErrCannotCheck where the computer cannot confine a server.
type ToolChecker interface {
	CheckTools(ctx context.Context, server string, next *config.Server) (ToolCheck, error)
}

// ErrCannotCheck is returned by a ToolChecker on a computer that cannot confine a server.
var ErrCannotCheck = errors.New("this computer cannot check a server's tools in a sandbox")

// findingsDigest binds UpdateParams.AcceptFindings to the findings the person saw.
func findingsDigest(version string, findings []string) string {
	sum := sha256.Sum256([]byte(version + "\x00" + strings.Join(findings, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// buildBeside builds the new version of a server installed into MCP Tray's folder next to
// the installed one (store.Store.Build never touches it) and gives next the built tree's
// command line. A folder of the same version left by an update that was not switched on is
// built afresh: nothing records it, so nothing vouches for it.
func (in *Installer) buildBeside(ctx context.Context, server string, pv UpdatePreview, next *config.Server, say func(Step, string, ...any)) error {
	p, serverArgs, ok := FreezePlan(pv.entry, pv.plan)
	if !ok || in.Store == nil {
		return failf("%s is installed in MCP Tray's folder, and MCP Tray cannot install version %s there.", server, pv.Latest)
	}
	p.Scripts = pv.old.Frozen.Scripts
	if rb := pv.old.Rollback; rb != nil && rb.Frozen != nil && rb.Frozen.Dir == in.Store.Dir(server, p.Version) {
		return failf("Version %s of %s is the one kept for going back; return to it with: mcptray update %s --rollback", pv.Latest, server, server)
	}
	say(StepDownloading, "Building version %s of %s beside version %s.", pv.Latest, server, pv.Installed)
	progress := func(msg string) { say(StepDownloading, "%s", msg) }
	f, argv, err := in.Store.Build(ctx, server, p, progress)
	if errors.Is(err, store.ErrExists) && in.Store.Dir(server, p.Version) != pv.old.Frozen.Dir {
		if err = in.Store.Remove(server, p.Version); err == nil {
			f, argv, err = in.Store.Build(ctx, server, p, progress)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return failf("Version %s of %s could not be built, so it stays at version %s: %s", pv.Latest, server, pv.Installed, err)
	}
	if len(argv) == 0 {
		return failf("Building version %s of %s gave no program to start, so it stays at version %s.", pv.Latest, server, pv.Installed)
	}
	next.Frozen = &f
	next.Command, next.Args = argv[0], append(argv[1:len(argv):len(argv)], serverArgs...)
	return nil
}
