package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/mcptray/mcptray/kube"
)

// kubeContext is the Kubernetes context the call runs in, "" for other servers.
func (c *Call) kubeContext() string {
	if c.Kube {
		return c.Scope
	}
	return ""
}

// kubeCallProblem returns why a call on a Kubernetes server is refused, or "": a tool that
// switches the server's context (kept per server package in kube/servers.json, such as
// kubectl_context of mcp-server-kubernetes, annotated read-only though it can change the
// current context), or arguments that leave the chosen context (kubeArgumentProblem).
func kubeCallProblem(c *Call) string {
	if kube.SwitchesContext(c.Tool) {
		return fmt.Sprintf("The tool %q switches Kubernetes contexts, so MCP Tray refuses it on this server: it may only use %q. To use another context, run: mcptray kube use %s CONTEXT", c.Tool, c.Scope, c.Server)
	}
	if p := kubeArgumentProblem(c.Arguments, c.Scope); p != "" {
		return p
	}
	if c.Namespace != "" {
		return kubeNamespaceProblem(c.Arguments, c.Namespace)
	}
	return ""
}

// Argument names (lower case, without "_" and "-") by which Kubernetes MCP servers let a
// caller pick a context or a kubeconfig of its own.
var (
	kubeContextArgs    = map[string]bool{"context": true, "kubecontext": true, "contextname": true, "kubectlcontext": true}
	kubeConfigFileArgs = map[string]bool{"kubeconfig": true, "kubeconfigpath": true, "kubeconfigfile": true, "kubeconfigcontent": true, "kubeconfigdata": true}
)

// kubeArgumentProblem returns why a Kubernetes call's arguments are refused, or "" when they
// name no context other than chosen and no kubeconfig, at any depth: as a member name
// (context, kubeconfig, …) or as a command-line flag in a string (--context, --kubeconfig,
// …, as tools that pass flags to kubectl take them). Such arguments would let a model reach
// a cluster the person did not choose. Values are never echoed (a kubeconfig argument may
// hold credentials); a context name is not secret and is named.
func kubeArgumentProblem(args []byte, chosen string) string {
	// Most calls name none of these: skip decoding them. An escape could hide a word from
	// this look, so arguments with one are always decoded.
	if bytes.IndexByte(args, '\\') < 0 && !containsFold(args, "context") && !containsFold(args, "config") &&
		!bytes.Contains(args, []byte("--")) {
		return ""
	}
	var v any
	if json.Unmarshal(args, &v) != nil {
		return ""
	}
	return kubeValueProblem(v, chosen, 0)
}

// kubeFlags are kubectl flags that pick a cluster, a user or a kubeconfig; only --context
// naming the chosen context is allowed.
var kubeFlags = []string{"--kubeconfig", "--context", "--cluster", "--user", "--server", "--token", "--as"}

func kubeValueProblem(v any, chosen string, depth int) string {
	if depth > 64 {
		return "These arguments are nested too deeply for MCP Tray to check, so the call is refused."
	}
	switch v := v.(type) {
	case map[string]any:
		for k, raw := range v {
			if p := kubeMemberProblem(k, raw, chosen); p != "" {
				return p
			}
			if p := kubeValueProblem(raw, chosen, depth+1); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range v {
			// A flag and its value as two elements: ["--context", "staging"].
			if s, ok := e.(string); ok && s == "--context" {
				if i+1 < len(v) && v[i+1] == chosen {
					continue
				}
				return fmt.Sprintf("This call passes --context, which would let the server leave the Kubernetes context you chose (%q), so it is refused.", chosen)
			}
			if p := kubeValueProblem(e, chosen, depth+1); p != "" {
				return p
			}
		}
	case string:
		return kubeFlagProblem(v, chosen)
	}
	return ""
}

// kubeMemberProblem checks one member by its name.
func kubeMemberProblem(k string, raw any, chosen string) string {
	key := normalizeArgName(k)
	if !kubeContextArgs[key] && !kubeConfigFileArgs[key] {
		return ""
	}
	if raw == nil {
		return ""
	}
	v, isString := raw.(string)
	if isString && v == "" {
		return ""
	}
	if kubeConfigFileArgs[key] {
		return fmt.Sprintf("This call gives the server a kubeconfig of its own (argument %q); MCP Tray lets this server use only the context you chose for it.", k)
	}
	if !isString {
		return fmt.Sprintf("This call names a Kubernetes context in a form MCP Tray cannot check (argument %q), so it is refused.", k)
	}
	if v != chosen {
		return fmt.Sprintf("This call asks for the Kubernetes context %q, but this server may only use %q; switch its context in MCP Tray if you mean to.", v, chosen)
	}
	return ""
}

// kubeFlagProblem checks every word of a string for a kubectl flag that leaves the chosen
// context, and for a KUBECONFIG= assignment.
func kubeFlagProblem(s, chosen string) string {
	if !strings.Contains(s, "--") && !containsFold([]byte(s), "kubeconfig") {
		return ""
	}
	words := strings.Fields(s)
	for i, w := range words {
		if strings.HasPrefix(strings.ToUpper(w), "KUBECONFIG=") {
			return "This call sets KUBECONFIG for a command; MCP Tray lets this server use only the context you chose for it."
		}
		for _, f := range kubeFlags {
			if w != f && !strings.HasPrefix(w, f+"=") {
				continue
			}
			if f == "--context" {
				if w == "--context="+chosen || (w == "--context" && i+1 < len(words) && words[i+1] == chosen) {
					continue
				}
				if w == "--context" && i+1 == len(words) {
					continue // the value is the next element of the array, checked there
				}
			}
			return fmt.Sprintf("This call passes %s, which would let the server leave the Kubernetes context you chose (%q), so it is refused.", f, chosen)
		}
	}
	return ""
}

// normalizeArgName lower-cases name and drops "_" and "-", so that kube_context, kubeContext
// and kube-context compare equal.
func normalizeArgName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if r != '_' && r != '-' {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// containsFold reports whether b contains the lower-case ASCII word, ignoring ASCII case.
func containsFold(b []byte, word string) bool {
	for i := 0; i+len(word) <= len(b); i++ {
		j := 0
		for j < len(word) && b[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}
