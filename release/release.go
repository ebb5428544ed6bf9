// Package release keeps MCP Tray itself up to date: it reads a release manifest signed with
// MCP Tray's Ed25519 release key, offers a newer version for this computer, downloads its
// programs, checks each one's SHA-256 and size, and only then swaps them into place, keeping
// the previous programs beside them for a rollback.
//
// Nothing here runs on its own. The person agrees first (Settings.Enabled, off by default),
// a check runs at most once a day (Checker.Due), and a copy installed by a package manager
// (apt, dnf, Homebrew, an MSI or winget) is never replaced: Managed says which command
// updates it instead. The package never imports Fyne; the window and the command line call it.
package release

import "errors"

// AppID names MCP Tray in a manifest, so a manifest signed for another product with the same
// key is never taken for one of MCP Tray's.
const AppID = "io.github.mcptray"

// Errors a caller may match with errors.Is. Each one's text is a sentence for the person.
var (
	// ErrBadSignature: the manifest is not signed by MCP Tray's release key.
	ErrBadSignature = errors.New("the update's description is not signed by MCP Tray's release key, so it was not used")
	// ErrNotNewer: the manifest offers this version or an older one (a downgrade or a replay).
	ErrNotNewer = errors.New("there is no newer version of MCP Tray")
	// ErrNoPlatform: the manifest holds no programs for this computer's system.
	ErrNoPlatform = errors.New("the update has no programs for this computer's system")
	// ErrBadFile: a downloaded program's checksum or size differs from the signed manifest.
	ErrBadFile = errors.New("a downloaded program is not the one the signed update describes, so nothing was replaced")
	// ErrNoRollback: there is no previous version kept to go back to.
	ErrNoRollback = errors.New("there is no previous version of MCP Tray to go back to")
	// ErrNoKey: this build has no release key compiled in, so it cannot check updates.
	ErrNoKey = errors.New("this copy of MCP Tray was built without a release key, so it cannot check for updates")
)
