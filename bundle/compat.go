package bundle

import (
	"fmt"
	"strconv"
	"strings"
)

// Platform is the manifest's name for goos ("darwin", "win32", "linux").
func Platform(goos string) string {
	if goos == "windows" {
		return "win32"
	}
	return goos
}

// NeedsRuntime is the runtime the bundle's server needs on this computer ("node", "python",
// "uv"), or "" for a binary server.
func (m *Manifest) NeedsRuntime() string {
	switch m.Server.Type {
	case TypeNode:
		return "node"
	case TypePython:
		return "python"
	case TypeUV:
		return "uv"
	}
	return ""
}

// CheckCompatibility refuses a bundle made for other platforms, or whose compatibility.runtimes
// asks for a version of Node.js or Python that this computer does not have. versions maps
// "node" and "python" to the installed version ("v20.11.1", "Python 3.12.2"), "" or missing
// when not installed; only the runtimes the manifest names and the server needs are checked.
func (m *Manifest) CheckCompatibility(goos string, versions map[string]string) error {
	c := m.Compatibility
	if c != nil && len(c.Platforms) > 0 {
		ok := false
		for _, p := range c.Platforms {
			ok = ok || p == Platform(goos)
		}
		if !ok {
			return refuse("%s is made for %s only, not for this computer (%s).", m.shownTitle(), plainPlatforms(c.Platforms), plainPlatforms([]string{Platform(goos)}))
		}
	}
	need := m.NeedsRuntime()
	if need == "uv" {
		need = "" // uv brings its own Python
	}
	if need == "" {
		return nil
	}
	plain := map[string]string{"node": "Node.js", "python": "Python"}[need]
	have := versions[need]
	if have == "" {
		return refuse("%s needs %s, which was not found on this computer; install it and try again.", m.shownTitle(), plain)
	}
	if c == nil || c.Runtimes[need] == "" {
		return nil
	}
	want := c.Runtimes[need]
	ok, err := satisfies(have, want)
	if err != nil {
		return refuse("%s asks for %s %q, which MCP Tray cannot read.", m.shownTitle(), plain, want)
	}
	if !ok {
		return refuse("%s needs %s %s, and this computer has %s; install a matching version and try again.", m.shownTitle(), plain, want, cleanVersion(have))
	}
	return nil
}

func plainPlatforms(ps []string) string {
	names := map[string]string{"darwin": "macOS", "win32": "Windows", "linux": "Linux"}
	var out []string
	for _, p := range ps {
		if n, ok := names[p]; ok {
			out = append(out, n)
		} else {
			out = append(out, p)
		}
	}
	return strings.Join(out, " and ")
}

// cleanVersion takes the version out of "v20.1.0" or "Python 3.12.2".
func cleanVersion(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.LastIndexByte(v, ' '); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimPrefix(v, "v")
}

type version [3]int

func parseVersion(s string) (v version, wild int, err error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	s, _, _ = strings.Cut(s, "-")
	s, _, _ = strings.Cut(s, "+")
	parts := strings.Split(s, ".")
	if len(parts) > 3 || s == "" {
		return v, 0, fmt.Errorf("bad version %q", s)
	}
	wild = 3
	for i, p := range parts {
		if p == "x" || p == "X" || p == "*" {
			return v, i, nil
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, 0, fmt.Errorf("bad version %q", s)
		}
		v[i] = n
	}
	if len(parts) < 3 {
		wild = len(parts)
	}
	return v, wild, nil
}

func (a version) cmp(b version) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// satisfies reports whether version have meets the npm-style range want: comparators
// (>=, >, <=, <, =, ^, ~, 1.x) joined by spaces (all must hold) and "||" (any group).
func satisfies(have, want string) (bool, error) {
	hv, _, err := parseVersion(cleanVersion(have))
	if err != nil {
		return false, err
	}
	any := false
	for _, group := range strings.Split(want, "||") {
		all := true
		fields := strings.Fields(group)
		if len(fields) == 0 {
			return false, fmt.Errorf("empty range")
		}
		for _, c := range fields {
			ok, err := comparator(hv, c)
			if err != nil {
				return false, err
			}
			all = all && ok
		}
		any = any || all
	}
	return any, nil
}

func comparator(h version, c string) (bool, error) {
	op := ""
	for _, p := range []string{">=", "<=", ">", "<", "=", "^", "~"} {
		if strings.HasPrefix(c, p) {
			op, c = p, c[len(p):]
			break
		}
	}
	if c == "*" || c == "x" {
		return true, nil
	}
	v, wild, err := parseVersion(c)
	if err != nil {
		return false, err
	}
	upper := func(at int) version { // the first version past the wildcard part
		u := v
		if at == 0 {
			return version{1 << 30}
		}
		u[at-1]++
		for i := at; i < 3; i++ {
			u[i] = 0
		}
		return u
	}
	switch op {
	case ">=":
		return h.cmp(v) >= 0, nil
	case ">":
		if wild < 3 {
			return h.cmp(upper(wild)) >= 0, nil
		}
		return h.cmp(v) > 0, nil
	case "<=":
		if wild < 3 {
			return h.cmp(upper(wild)) < 0, nil
		}
		return h.cmp(v) <= 0, nil
	case "<":
		return h.cmp(v) < 0, nil
	case "^":
		at := 1
		if v[0] == 0 {
			at = 2
		}
		return h.cmp(v) >= 0 && h.cmp(upper(min(at, wild))) < 0, nil
	case "~":
		return h.cmp(v) >= 0 && h.cmp(upper(min(2, wild))) < 0, nil
	}
	if wild < 3 {
		return h.cmp(v) >= 0 && h.cmp(upper(wild)) < 0, nil
	}
	return h.cmp(v) == 0, nil
}
