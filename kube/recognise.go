package kube

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// servers.json lists, as data, the MCP servers and programs that reach Kubernetes clusters.
//
//go:embed servers.json
var serversJSON []byte

type known struct {
	Packages []struct {
		Name        string   `json:"name"`
		SwitchTools []string `json:"switchTools"`
	} `json:"packages"`
	Commands []string `json:"commands"`
}

var loadKnown = sync.OnceValue(func() known {
	var k known
	if err := json.Unmarshal(serversJSON, &k); err != nil {
		panic("kube/servers.json: " + err.Error()) // embedded: caught by the package's tests
	}
	for i := range k.Packages {
		k.Packages[i].Name = strings.ToLower(k.Packages[i].Name)
	}
	return k
})

// Recognition says why a server is a Kubernetes server.
type Recognition struct {
	// Package is the known server package or program it starts ("" when recognised otherwise).
	Package string
	// Reason is a short phrase for a person, such as `it runs kubectl`.
	Reason string
}

// Recognise reports whether a server started as command args with env (and secrets, the names
// of variables whose values come from the keychain) can reach a Kubernetes cluster: it starts
// a known Kubernetes, Helm, Flux or Argo CD server (servers.json) or one of their programs
// (kubectl, helm, …), as the command, an argument, a word of a shell command line or (for a
// package) a folder in a path; or it is
// given KUBECONFIG, or --kubeconfig, --context or --kube-context. Recognition errs on the side
// of guarding: a server wrongly recognised only needs a context chosen before it starts.
func Recognise(command string, args []string, env map[string]string, secrets []string) (Recognition, bool) {
	k := loadKnown()
	for _, arg := range append([]string{command}, args...) {
		for _, word := range strings.Fields(arg) {
			full, base := programNames(word)
			parts := strings.Split(strings.ReplaceAll(full, `\`, "/"), "/")
			for _, p := range k.Packages {
				// node …/node_modules/mcp-server-kubernetes/dist/index.js starts it too.
				if full == p.Name || base == p.Name || slices.Contains(parts, p.Name) {
					return Recognition{Package: p.Name, Reason: fmt.Sprintf("it starts %s", p.Name)}, true
				}
			}
			if slices.Contains(k.Commands, base) {
				return Recognition{Package: base, Reason: fmt.Sprintf("it runs %s", base)}, true
			}
		}
	}
	for name := range env {
		if strings.EqualFold(name, "KUBECONFIG") {
			return Recognition{Reason: "it is given KUBECONFIG"}, true
		}
	}
	for _, name := range secrets {
		if strings.EqualFold(name, "KUBECONFIG") {
			return Recognition{Reason: "it is given KUBECONFIG"}, true
		}
	}
	for _, a := range args {
		for _, f := range []string{"--kubeconfig", "--context", "--kube-context"} {
			if a == f || strings.HasPrefix(a, f+"=") {
				return Recognition{Reason: "it is started with " + f}, true
			}
		}
	}
	return Recognition{}, false
}

// programNames returns a command-line word as a package or program name, lower case and
// without a version or tag (npx name@1.2.3, uvx name==1.2, image:tag, name.exe), both whole
// (@scope/name) and as its last path element (name).
func programNames(word string) (full, base string) {
	w := strings.ToLower(strings.Trim(word, `"'`))
	if i := strings.Index(w, "=="); i > 0 {
		w = w[:i]
	}
	if i := strings.LastIndexByte(w, '@'); i > 0 { // not the @ of a scope
		w = w[:i]
	}
	if i := strings.LastIndexByte(w, ':'); i > 0 && !strings.Contains(w[i:], "/") && !strings.Contains(w[i:], `\`) {
		w = w[:i] // an image tag; a Windows drive letter has a path after it
	}
	base = filepath.Base(strings.ReplaceAll(w, `\`, "/"))
	for _, ext := range []string{".exe", ".cmd", ".bat", ".ps1"} {
		base = strings.TrimSuffix(base, ext)
	}
	return w, base
}

// SwitchTools returns the tools of a known server package that change its Kubernetes context,
// whatever their annotations say; nil for other packages.
func SwitchTools(pkg string) []string {
	for _, p := range loadKnown().Packages {
		if p.Name == strings.ToLower(pkg) {
			return slices.Clone(p.SwitchTools)
		}
	}
	return nil
}

// SwitchesContext reports whether tool is, in some known Kubernetes server package, a tool that
// changes the server's context (kubectl_context of mcp-server-kubernetes, for one).
func SwitchesContext(tool string) bool {
	for _, p := range loadKnown().Packages {
		if slices.Contains(p.SwitchTools, tool) {
			return true
		}
	}
	return false
}
