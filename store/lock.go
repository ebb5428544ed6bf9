package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// lockedPackage is one package npm installed, as its package-lock.json records it.
type lockedPackage struct {
	Path      string // where it is installed: node_modules/NAME, or nested deeper
	Name      string
	Version   string
	Integrity string
}

type npmLock struct {
	packages []lockedPackage
}

// parseLock reads a package-lock.json (version 2 or 3): every installed package with its
// exact version and checksum. Bundled packages (inside another's tarball) and links are left
// out: the tarball that holds them is checked.
func parseLock(b []byte) (npmLock, error) {
	var doc struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Name      string `json:"name"`
			Version   string `json:"version"`
			Integrity string `json:"integrity"`
			Link      bool   `json:"link"`
			InBundle  bool   `json:"inBundle"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return npmLock{}, fmt.Errorf("npm's package-lock.json could not be read: %w", err)
	}
	if doc.LockfileVersion < 2 {
		return npmLock{}, fmt.Errorf("npm wrote a package-lock.json of version %d; MCP Tray needs version 2 or later", doc.LockfileVersion)
	}
	var l npmLock
	for path, p := range doc.Packages {
		if path == "" || p.Link || p.InBundle {
			continue
		}
		i := strings.LastIndex(path, "node_modules/")
		if i < 0 {
			continue
		}
		name := path[i+len("node_modules/"):]
		if p.Name != "" {
			name = p.Name // an alias: "node_modules/x" holds the package p.Name
		}
		if p.Integrity == "" {
			return npmLock{}, fmt.Errorf("npm's lock has no checksum for %s@%s", name, p.Version)
		}
		l.packages = append(l.packages, lockedPackage{Path: path, Name: name, Version: p.Version, Integrity: p.Integrity})
	}
	sort.Slice(l.packages, func(i, j int) bool {
		a, b := l.packages[i], l.packages[j]
		return a.Path < b.Path
	})
	return l, nil
}

// find returns the top-level package name (the one installed at node_modules/name).
func (l npmLock) find(name string) (lockedPackage, bool) {
	for _, p := range l.packages {
		if p.Path == "node_modules/"+name {
			return p, true
		}
	}
	return lockedPackage{}, false
}
