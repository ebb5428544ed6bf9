package policy

import (
	"encoding/json"
	"fmt"
	"strings"
)

// kubeNamespaceArgs are argument names (lower case, without "_" and "-") by which Kubernetes
// MCP servers let a caller pick a namespace; kubeAllNamespacesArgs pick every namespace.
var (
	kubeNamespaceArgs     = map[string]bool{"namespace": true, "ns": true, "namespacename": true, "kubenamespace": true, "targetnamespace": true}
	kubeAllNamespacesArgs = map[string]bool{"allnamespaces": true}
)

// kubeNamespaceProblem returns why a call on a Kubernetes server limited to the namespace
// allowed is refused, or "" when its arguments name no other namespace, at any depth: as a
// member (namespace, ns, … naming another; allNamespaces true) or as kubectl flags in a
// string or an array (-n, --namespace naming another; -A, --all-namespaces). An empty or
// absent namespace is the server's own, which its kubeconfig sets to allowed.
func kubeNamespaceProblem(args []byte, allowed string) string {
	if !containsFold(args, "n") { // every name and flag checked here has an n
		return ""
	}
	var v any
	if json.Unmarshal(args, &v) != nil {
		return ""
	}
	return nsValueProblem(v, allowed, 0)
}

func nsValueProblem(v any, allowed string, depth int) string {
	if depth > 64 {
		return "These arguments are nested too deeply for MCP Tray to check, so the call is refused."
	}
	switch v := v.(type) {
	case map[string]any:
		for k, raw := range v {
			if p := nsMemberProblem(k, raw, allowed); p != "" {
				return p
			}
			if p := nsValueProblem(raw, allowed, depth+1); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				if p := nsValueProblem(e, allowed, depth+1); p != "" {
					return p
				}
				continue
			}
			// A flag and its value as two elements: ["get", "pods", "-n", "kube-system"].
			words := strings.Fields(s)
			if n := len(words); n > 0 && (words[n-1] == "-n" || words[n-1] == "--namespace") && i+1 < len(v) {
				next, _ := v[i+1].(string)
				words = append(words, next)
			}
			if p := nsFlagProblem(words, allowed); p != "" {
				return p
			}
		}
	case string:
		if strings.Contains(v, "-") {
			return nsFlagProblem(strings.Fields(v), allowed)
		}
	}
	return ""
}

// nsMemberProblem checks one member by its name.
func nsMemberProblem(k string, raw any, allowed string) string {
	key := normalizeArgName(k)
	switch {
	case kubeAllNamespacesArgs[key]:
		if raw == true || raw == "true" {
			return nsAllSentence(allowed)
		}
	case kubeNamespaceArgs[key]:
		if raw == nil || raw == "" || raw == allowed {
			return ""
		}
		if s, ok := raw.(string); ok {
			return fmt.Sprintf("This call asks for the Kubernetes namespace %q, but this server may only use the namespace %q; change that with `mcptray kube use` if you mean to.", s, allowed)
		}
		return fmt.Sprintf("This call names a Kubernetes namespace in a form MCP Tray cannot check (argument %q), and this server may only use the namespace %q, so it is refused.", k, allowed)
	}
	return ""
}

// nsFlagProblem checks command-line words for kubectl flags that leave the allowed namespace.
// A flag that ends the words has no value MCP Tray can check, and is refused.
func nsFlagProblem(words []string, allowed string) string {
	for i, w := range words {
		var value string
		switch {
		case w == "-A" || w == "--all-namespaces" || w == "--all-namespaces=true":
			return nsAllSentence(allowed)
		case w == "-n" || w == "--namespace":
			if i+1 == len(words) {
				return fmt.Sprintf("This call passes %s without a namespace MCP Tray can check, but this server may only use the namespace %q, so it is refused.", w, allowed)
			}
			value = words[i+1]
		case strings.HasPrefix(w, "--namespace="):
			value = strings.TrimPrefix(w, "--namespace=")
		case strings.HasPrefix(w, "-n="):
			value = strings.TrimPrefix(w, "-n=")
		case strings.HasPrefix(w, "-n") && len(w) > 2 && !strings.HasPrefix(w, "--"):
			value = w[2:] // -nkube-system, as kubectl takes it
		default:
			continue
		}
		if value != allowed {
			return fmt.Sprintf("This call passes a namespace other than %q, the only one this server may use, so it is refused; change that with `mcptray kube use` if you mean to.", allowed)
		}
	}
	return ""
}

func nsAllSentence(allowed string) string {
	return fmt.Sprintf("This call asks for every Kubernetes namespace, but this server may only use the namespace %q, so it is refused.", allowed)
}

// kubeNamespaceOmitted returns why a call on a server limited to the namespace allowed is
// refused because it leaves the namespace to the server, or "" when it does not. A tool whose
// input schema takes a namespace but whose call names none picks one itself — published
// servers fill in "default" rather than the kubeconfig's namespace — so the call must name
// allowed. definition is the tool's pinned definition (Tool.Definition).
func kubeNamespaceOmitted(definition, args []byte, tool, allowed string) string {
	var def struct {
		InputSchema struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"inputSchema"`
	}
	if json.Unmarshal(definition, &def) != nil {
		return ""
	}
	var takes []string
	for name := range def.InputSchema.Properties {
		if kubeNamespaceArgs[normalizeArgName(name)] {
			takes = append(takes, name)
		}
	}
	if len(takes) == 0 {
		return ""
	}
	var given map[string]any
	json.Unmarshal(args, &given)
	for k, v := range given {
		if kubeNamespaceArgs[normalizeArgName(k)] && v != nil && v != "" {
			return "" // named: kubeNamespaceProblem has checked it is allowed
		}
	}
	return fmt.Sprintf("The tool %q picks its own Kubernetes namespace when a call names none, and this server may only use the namespace %q: call it again with %s set to %q.", tool, allowed, takes[0], allowed)
}
