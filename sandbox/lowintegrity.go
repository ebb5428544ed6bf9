package sandbox

import "slices"

// lowIntegrityGaps says, for the Windows enforcement, which parts of r it cannot express. A
// low-integrity token (with the Job Object the supervisor already puts every server in) stops
// a server changing anything not labelled low — so its write folders are labelled low, and
// MCP Tray's pipe, at the default medium label, refuses it — but Windows has no read-down
// rule: a low-integrity process still reads whatever the person can, and it keeps the
// network. File-based rules finer than that need an AppContainer, which MCP Tray does not
// build yet. Each gap is one plain sentence for the window.
//
// It lives in a file without a build tag so that it is tested on every system.
func lowIntegrityGaps(r Rules, home string) []string {
	gaps := []string{"On Windows a confined server can still read every file you can read; it can change files only in its own folders and the folders you gave it."}
	if !r.Network {
		gaps = append(gaps, "On Windows MCP Tray cannot take the network away from a server: it can still use the internet.")
	}
	var outside []string
	for _, p := range r.Write {
		if home != "" && !within(p, home) && !slices.Contains(outside, p) && !slices.Contains(systemWritePaths(), p) {
			outside = append(outside, p)
		}
	}
	if len(outside) > 0 {
		gaps = append(gaps, "Folders outside your home ("+folders(outside, home)+") are labelled so a low-integrity program may change them; other low-integrity programs may change them too.")
	}
	return gaps
}
