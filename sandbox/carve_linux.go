package sandbox

import (
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"
)

// carved splits every grant that holds a place in hidden around it, for a sandbox without
// namespaces: Landlock only grants, so the helper cannot cover a hidden place beneath a
// granted folder as it does in a mount namespace (hide), and granting the folder would grant
// the place. A split grant becomes a listing of the folder alone (its names, the hidden
// ones' too) and the grant's rights on each of its entries but the hidden ones, down every
// folder on the way to a hidden place. Links among the entries are left out (Landlock judges
// the place a link leads to, which has its own rule when it is granted), and each entry is
// opened without following links beneath the folder it was listed in (openGrant), so an entry
// swapped for a link after the listing is refused, not followed. What the split costs: an
// entry made in such a folder after the server started (and a new file at the top of it) is
// out of the server's reach until its next start.
func carved(in []grant, hidden []string) []grant {
	var out []grant
	holds := func(p string) bool {
		return slices.ContainsFunc(hidden, func(h string) bool { return h != p && within(h, p) })
	}
	var split func(g grant, dir string)
	split = func(g grant, dir string) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return // not there or not a folder: nothing beneath it is granted
		}
		beneath := append(slices.Clone(g.beneath), dir)
		out = append(out, grant{dir, g.rights & unix.LANDLOCK_ACCESS_FS_READ_DIR, beneath})
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			switch {
			case slices.Contains(hidden, p), e.Type()&os.ModeSymlink != 0:
			case holds(p):
				if e.IsDir() {
					split(g, p)
				}
			default:
				out = append(out, grant{p, g.rights, beneath})
			}
		}
	}
	for _, g := range in {
		if holds(g.path) && !slices.ContainsFunc(hidden, func(h string) bool { return within(g.path, h) }) {
			split(g, g.path)
			continue
		}
		out = append(out, g)
	}
	return out
}
