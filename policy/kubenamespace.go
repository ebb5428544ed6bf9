package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
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
// member (namespace, ns, … naming another; allNamespaces true), as kubectl flags in a string
// or across the strings of an array (-n, --namespace, -wn naming another; -A, -wA,
// --all-namespaces), as an API path (/api/v1/namespaces/other/…, what kubectl get --raw
// takes) or as the namespace of a manifest given as text (namespace: other, in YAML or JSON).
// An empty or absent namespace is the server's own, which its kubeconfig sets to allowed.
func kubeNamespaceProblem(args []byte, allowed string) string {
	v, ok := decodeKubeArgs(args)
	if !ok {
		return ""
	}
	return nsValueProblem(v, allowed, 0, false)
}

func nsValueProblem(v any, allowed string, depth int, inFlags bool) string {
	if depth > 64 {
		return "These arguments are nested too deeply for MCP Tray to check, so the call is refused."
	}
	switch v := v.(type) {
	case map[string]any:
		for k, raw := range v {
			if p := nsMemberProblem(k, raw, allowed); p != "" {
				return p
			}
			if (inFlags || strings.HasPrefix(k, "-")) && raw != nil && raw != false && raw != "" {
				if p := nsFlagProblem(flagWords(k, raw), allowed); p != "" {
					return p
				}
			}
			if p := nsValueProblem(raw, allowed, depth+1, isFlagsMember(k)); p != "" {
				return p
			}
		}
	case []any:
		// A flag and its value as two elements: ["get", "pods", "-n", "kube-system"], or
		// ["get pods -n", "kube-system"] for a server that joins them into one line.
		var words []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				if p := nsFlagProblem(words, allowed); p != "" {
					return p
				}
				words = words[:0]
				if p := nsValueProblem(e, allowed, depth+1, false); p != "" {
					return p
				}
				continue
			}
			if p := nsTextProblem(s, allowed); p != "" {
				return p
			}
			words = append(words, commandWords(s)...)
		}
		return nsFlagProblem(words, allowed)
	case string:
		if p := nsTextProblem(v, allowed); p != "" {
			return p
		}
		return nsFlagProblem(commandWords(v), allowed)
	}
	return ""
}

// nsMemberProblem checks one member by its name.
func nsMemberProblem(k string, raw any, allowed string) string {
	key := normalizeArgName(k)
	switch {
	case kubeAllNamespacesArgs[key]:
		if !isFalse(raw) {
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

// isFalse reports whether an argument value reads as false, absent or empty (allNamespaces
// false): anything else may be taken as true by a server.
func isFalse(raw any) bool {
	switch v := raw.(type) {
	case nil:
		return true
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		b, err := strconv.ParseBool(v)
		return v == "" || err == nil && !b
	}
	return false
}

// nsPath finds API paths naming a namespace (/api/v1/namespaces/NAME/…); nsManifest finds
// the namespace of a manifest given as YAML or JSON text (namespace: NAME, "namespace":
// "NAME", targetNamespace: NAME).
var (
	nsPath     = regexp.MustCompile(`/namespaces/([^/?#\s"']+)/`)
	nsManifest = regexp.MustCompile(`(?i)(?:^|[\s{,"'])(?:target)?namespace["']?[ \t]*:[ \t]*["']?([a-z0-9][a-z0-9._-]*)`)
)

// nsTextProblem checks a string for an API path or a manifest naming another namespace.
func nsTextProblem(s, allowed string) string {
	if !strings.Contains(s, "amespace") {
		return ""
	}
	for _, re := range []*regexp.Regexp{nsPath, nsManifest} {
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			if m[1] != allowed {
				return fmt.Sprintf("This call names a Kubernetes namespace other than %q (in a path or a manifest), and this server may only use that one, so it is refused; change that with `mcptray kube use` if you mean to.", allowed)
			}
		}
	}
	return ""
}

// nsFlagProblem checks command-line words for kubectl flags that leave the allowed namespace,
// including shorthand clusters as pflag reads them (-wn other, -wA). A flag that ends the
// words has no value MCP Tray can check, and is refused.
func nsFlagProblem(words []string, allowed string) string {
	for i, w := range words {
		var value string
		long, lv, hasValue := strings.Cut(strings.TrimPrefix(w, "--"), "=")
		switch {
		case !strings.HasPrefix(w, "-") || w == "-" || w == "--":
			continue
		case strings.HasPrefix(w, "--") && strings.EqualFold(long, "all-namespaces"):
			if !hasValue || !isFalse(lv) {
				return nsAllSentence(allowed)
			}
			continue
		case strings.HasPrefix(w, "--") && strings.EqualFold(long, "namespace"):
			if hasValue {
				value = lv
				break
			}
			if i+1 == len(words) {
				return fmt.Sprintf("This call passes %s without a namespace MCP Tray can check, but this server may only use the namespace %q, so it is refused.", w, allowed)
			}
			value = words[i+1]
		case strings.HasPrefix(w, "--"):
			continue
		default: // a shorthand cluster: bool letters, then perhaps one that takes a value
			found := false
			for j, r := range w[1:] {
				if r == 'A' {
					return nsAllSentence(allowed)
				}
				if r == 'n' {
					value, found = strings.TrimPrefix(w[2+j:], "="), true
					break
				}
				if strings.ContainsRune(shortValueLetters, r) || r == '=' {
					break
				}
			}
			if !found {
				continue
			}
			if value == "" {
				if i+1 == len(words) {
					return fmt.Sprintf("This call passes -n without a namespace MCP Tray can check, but this server may only use the namespace %q, so it is refused.", allowed)
				}
				value = words[i+1]
			}
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
