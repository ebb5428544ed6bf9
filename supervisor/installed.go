package supervisor

import "github.com/mcptray/mcptray/store"

// verifyInstalled checks, before every start, that a server installed into MCP Tray's folder
// still runs exactly the files that were installed. A mismatch is permanent: the server
// stays stopped with the sentence naming the changed file, and is not restarted in a loop.
func (u *unit) verifyInstalled() error {
	if u.spec.Frozen.Registry == "" {
		return nil
	}
	if err := store.Verify(u.spec.Frozen); err != nil {
		return Permanent(err)
	}
	return nil
}
