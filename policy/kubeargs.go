package policy

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// kubeContext is the Kubernetes context the call runs in, "" for other servers.
func (c *Call) kubeContext() string {
	if c.Kube {
		return c.Scope
	}
	return ""
}

// Argument names (lower case, without "_" and "-") by which Kubernetes MCP servers let a
// caller pick a context or a kubeconfig of its own.
var (
	kubeContextArgs    = map[string]bool{"context": true, "kubecontext": true, "contextname": true, "kubectlcontext": true}
	kubeConfigFileArgs = map[string]bool{"kubeconfig": true, "kubeconfigpath": true, "kubeconfigfile": true, "kubeconfigcontent": true, "kubeconfigdata": true}
)

// kubeArgumentProblem returns why a Kubernetes call's top-level arguments are refused, or ""
// when they name no context other than chosen and no kubeconfig: such arguments would let a
// model reach a cluster the person did not choose. Values are never echoed (a kubeconfig
// argument may hold credentials); a context name is not secret and is named.
func kubeArgumentProblem(args []byte, chosen string) string {
	// Most calls name neither: skip decoding them.
	if !containsFold(args, "context") && !containsFold(args, "config") {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(args, &m) != nil {
		return ""
	}
	for k, raw := range m {
		key := normalizeArgName(k)
		if !kubeContextArgs[key] && !kubeConfigFileArgs[key] {
			continue
		}
		if string(raw) == "null" {
			continue
		}
		var v string
		isString := json.Unmarshal(raw, &v) == nil
		if isString && v == "" {
			continue
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
