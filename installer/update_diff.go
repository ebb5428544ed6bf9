package installer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// Change is one difference, other than the version, between an installed server and the
// update offered for it. An update with a change switches only when the person accepted it
// (UpdateParams.Accept); the version alone changes silently.
type Change struct {
	// What is "package", "source", "command", "argument", "environment", "secret" or "hazard".
	What string `json:"what"`
	// Sentence says the change in one plain sentence; values are quoted as written.
	Sentence string `json:"sentence"`
}

// versionMark stands for the version in arguments, so that "pkg@1.0" and "pkg@2.0" compare
// equal and only what else changed shows.
const versionMark = "\x00VERSION\x00"

// diffUpdate lists what else than the version changes when old (installed at oldVersion)
// becomes next (planned from newRef): the package and where it comes from, the command and
// its arguments, the environment and secrets, and every hazard the person has not allowed
// before. A server started by a package runner (npx, uvx, docker) names its package and
// registry in its arguments, so comparing them with the version set aside finds a swapped
// package or registry too. For a server installed into MCP Tray's folder (old.Frozen), whose
// command is the built tree, the package comes from Frozen, and only the arguments the new
// version adds for the server are compared.
func diffUpdate(old *config.Server, oldVersion string, newRef catalog.PackageRef, next *config.Server, plan catalog.InstallPlan, hazards []catalog.Hazard) []Change {
	var out []Change
	add := func(what, format string, args ...any) {
		out = append(out, Change{What: what, Sentence: fmt.Sprintf(format, args...)})
	}
	// An image pinned to a digest is compared as the docker command line it was planned as:
	// what it runs is named by its arguments, the image by its tag.
	oldArgs, tree := old.Args, old.Frozen != nil
	if f := old.Frozen; f != nil && f.Registry == "oci" {
		oldArgs, tree = unpinned(old.Args, f), false
	}
	if f := old.Frozen; f != nil {
		if f.Package != newRef.Identifier || f.Registry != newRef.Registry {
			add("package", "It replaces the package %q with another one, %q.", f.Package, newRef.Identifier)
		}
		if newRef.RegistryURL != "" {
			add("source", "It fetches the package from %q instead of the usual registry.", newRef.RegistryURL)
		}
		if index := indexURL(plan); tree && index != "" {
			add("source", "It fetches the package from the Python package index %q instead of pypi.org.", index)
		}
	}
	if !tree {
		if programOf(old.Command) != programOf(next.Command) {
			add("command", "It runs %q instead of %q.", next.Command, old.Command)
		}
		was, now := marked(oldArgs, oldVersion), marked(next.Args, newRef.Version)
		added, dropped := minus(now, was), minus(was, now)
		if i, j := versioned(added), versioned(dropped); i >= 0 && j >= 0 {
			add("package", "It replaces the package %q with another one, %q.", unmark(dropped[j], oldVersion), unmark(added[i], newRef.Version))
			added, dropped = slices.Delete(added, i, i+1), slices.Delete(dropped, j, j+1)
		}
		for _, a := range added {
			add("argument", "It adds the argument %q.", unmark(a, newRef.Version))
		}
		for _, a := range dropped {
			add("argument", "It drops the argument %q.", unmark(a, oldVersion))
		}
		if len(added) == 0 && len(dropped) == 0 && len(out) == 0 && !slices.Equal(was, now) {
			add("argument", "It changes the order of its arguments.")
		}
	} else {
		for _, a := range minus(plan.PackageArgs(), old.Args) {
			add("argument", "It adds the argument %q.", a)
		}
	}
	for _, k := range unionKeys(old.Env, next.Env) {
		was, hadIt := old.Env[k]
		now, hasIt := next.Env[k]
		switch {
		case !hadIt:
			add("environment", "It adds the setting %s=%q.", k, now)
		case !hasIt:
			add("environment", "It drops the setting %s.", k)
		case was != now:
			add("environment", "It changes the setting %s from %q to %q.", k, was, now)
		}
	}
	for _, s := range minus(next.Secrets, old.Secrets) {
		add("secret", "It wants a new secret, %s.", s)
	}
	for _, h := range hazards {
		if !slices.Contains(old.Allowed, h.Key) {
			out = append(out, Change{What: "hazard", Sentence: HazardSentence(HazardView{Key: h.Key, Item: h.Item, Reason: h.Reason})})
		}
	}
	return out
}

// unpinned is the arguments of an image pinned to a digest with the image named by the tag
// the digest was taken from, as the plan named it.
func unpinned(args []string, f *config.Frozen) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if a == f.Package+"@"+f.Lock {
			out[i] = f.Package + ":" + f.Version
		}
	}
	return out
}

// indexURL is the Python package index a uvx plan names before its package, "" for none.
func indexURL(plan catalog.InstallPlan) string {
	if plan.Runtime != catalog.RuntimeUVX {
		return ""
	}
	launch := plan.Args[:len(plan.Args)-len(plan.PackageArgs())]
	for i, a := range launch {
		if v, ok := strings.CutPrefix(a, "--index-url="); ok {
			return v
		}
		if a == "--index-url" && i+1 < len(launch) {
			return launch[i+1]
		}
	}
	return ""
}

// changesDigest is what UpdateParams.Accept must hold for an update with changes: it binds
// the consent to exactly this new version and definition, so that an offer swapped between
// showing it and switching is refused.
func changesDigest(latest string, next *config.Server, changes []Change) string {
	if len(changes) == 0 {
		return ""
	}
	data, _ := json.Marshal(struct {
		Latest  string
		Command string
		Args    []string
		Env     map[string]string
		Secrets []string
		Changes []Change
	}{latest, next.Command, next.Args, next.Env, next.Secrets, changes})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

func programOf(command string) string {
	c := strings.ToLower(command)
	if i := strings.LastIndexAny(c, `/\`); i >= 0 {
		c = c[i+1:]
	}
	return strings.TrimSuffix(c, ".exe")
}

func marked(args []string, version string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if version != "" {
			a = strings.ReplaceAll(a, version, versionMark)
		}
		out[i] = a
	}
	return out
}

// versioned is the index of the one argument naming the versioned package, or -1.
func versioned(args []string) int {
	found := -1
	for i, a := range args {
		if strings.Contains(a, versionMark) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

func unmark(a, version string) string { return strings.ReplaceAll(a, versionMark, version) }

// minus is a − b as multisets, in a's order.
func minus(a, b []string) []string {
	left := map[string]int{}
	for _, x := range b {
		left[x]++
	}
	var out []string
	for _, x := range a {
		if left[x] > 0 {
			left[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

func unionKeys(a, b map[string]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
