package sandbox

import (
	"path/filepath"
	"strings"
)

// Describe says in plain sentences what a server confined by s can do, as the window and
// `mcptray server status` show it: "can read and change files in Documents/notes; cannot use
// the internet". Folders in the home are shown relative to it. When a folder holds places
// where keys are kept (keyPlaces), it says they stay hidden.
func Describe(s Spec, home string) string {
	var parts []string
	if len(s.Write) > 0 {
		parts = append(parts, "can read and change files in "+folders(s.Write, home))
	}
	if len(s.Read) > 0 {
		parts = append(parts, "can read files in "+folders(s.Read, home))
	}
	if len(parts) == 0 {
		parts = append(parts, "can use only its own files")
	}
	var given []string
	for _, p := range append(append([]string(nil), s.Read...), s.Write...) {
		given = append(given, expand(p, home))
	}
	if len(keysToHide(home, given)) > 0 {
		parts = append(parts, "cannot see the keys, passwords and browser data in them")
	}
	if s.Network {
		parts = append(parts, "can use the internet")
	} else {
		parts = append(parts, "cannot use the internet")
	}
	return strings.Join(parts, "; ")
}

// folders lists paths for a sentence: "Documents/notes", "your home folder", "/srv/data".
func folders(paths []string, home string) string {
	names := make([]string, 0, len(paths))
	for _, p := range paths {
		p = expand(p, home)
		switch {
		case home != "" && p == filepath.Clean(home):
			names = append(names, "your home folder")
		case home != "" && within(p, home):
			rel, _ := filepath.Rel(home, p)
			names = append(names, filepath.ToSlash(rel))
		default:
			names = append(names, p)
		}
	}
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
