package policy

import (
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

// Argument names (folded by normalizeArgName) by which Kubernetes MCP servers let a caller
// pick a context or a kubeconfig of its own, or change who the call runs as or where it goes.
// kubeFlagMemberArgs are members that servers turn into kubectl flags: a flags object
// ({"flags": {"server": …}}) is read as the flags it becomes.
var (
	kubeContextArgs    = map[string]bool{"context": true, "kubecontext": true, "contextname": true, "kubectlcontext": true}
	kubeConfigFileArgs = map[string]bool{"kubeconfig": true, "kubeconfigpath": true, "kubeconfigfile": true, "kubeconfigcontent": true, "kubeconfigdata": true}
	kubeIdentityArgs   = map[string]bool{"asgroup": true, "asgroups": true, "asuid": true, "impersonate": true, "impersonateuser": true,
		"impersonategroup": true, "impersonategroups": true, "kubeapiserver": true, "kubetoken": true, "kubeasuser": true,
		"kubeasgroup": true, "kubecafile": true, "kubeinsecureskiptlsverify": true, "kubetlsservername": true}
)

// kubeArgumentProblem returns why a Kubernetes call's arguments are refused, or "" when they
// name no context other than chosen, no kubeconfig, no other API server, credentials or
// identity, at any depth: as a member name (context, kubeconfig, …; in a flags object, any
// kubectl flag), or as a command-line flag in a string or across the strings of an array, read
// as kubectl and a shell read them (--context, --kubeconfig, -s, --as-group, quoted or not);
// nor write or dump the server's kubeconfig (kubectl config set…, config view --raw). Such
// arguments would let a model reach a cluster the person did not choose or send the person's
// credentials elsewhere. Values are never echoed (a kubeconfig argument may hold
// credentials); a context name is not secret and is named.
func kubeArgumentProblem(args []byte, chosen string) string {
	v, ok := decodeKubeArgs(args)
	if !ok {
		return ""
	}
	return kubeValueProblem(v, chosen, 0, false)
}

// decodeKubeArgs decodes a call's arguments; ok is false when there is nothing to check. The
// relay has already refused arguments that are not valid JSON.
func decodeKubeArgs(args []byte) (any, bool) {
	s := strings.TrimSpace(string(args))
	if s == "" || s == "{}" || s == "null" {
		return nil, false
	}
	var v any
	if json.Unmarshal(args, &v) != nil {
		return nil, false
	}
	return v, true
}

func kubeValueProblem(v any, chosen string, depth int, inFlags bool) string {
	if depth > 64 {
		return "These arguments are nested too deeply for MCP Tray to check, so the call is refused."
	}
	switch v := v.(type) {
	case map[string]any:
		if p := kubeConfigObjectProblem(v); p != "" {
			return p
		}
		for k, raw := range v {
			if p := kubeMemberProblem(k, raw, chosen, inFlags); p != "" {
				return p
			}
			if p := kubeValueProblem(raw, chosen, depth+1, isFlagsMember(k)); p != "" {
				return p
			}
		}
	case []any:
		// Servers pass an array to kubectl as its words, or join it into one line: read the
		// words of consecutive strings together, so that a flag and its value in two elements
		// (["get pods --context", "prod"]) are read as one.
		var words []string
		flush := func() string {
			p := kubeWordsProblem(words, chosen)
			words = words[:0]
			return p
		}
		for _, e := range v {
			if s, ok := e.(string); ok {
				words = append(words, commandWords(s)...)
				continue
			}
			if p := flush(); p != "" {
				return p
			}
			if p := kubeValueProblem(e, chosen, depth+1, false); p != "" {
				return p
			}
		}
		return flush()
	case string:
		return kubeWordsProblem(commandWords(v), chosen)
	}
	return ""
}

// isFlagsMember reports whether a member named k holds an object that servers turn into
// command-line flags ({"flags": {"namespace": "x"}} becomes --namespace=x).
func isFlagsMember(k string) bool {
	n := normalizeArgName(k)
	return strings.Contains(n, "flag") || n == "options" || n == "opts"
}

// kubeMemberProblem checks one member by its name. In a flags object (inFlags) the member is
// also read as the flag it becomes.
func kubeMemberProblem(k string, raw any, chosen string, inFlags bool) string {
	if raw == nil || raw == false || raw == "" {
		return ""
	}
	key := normalizeArgName(k)
	switch {
	case kubeConfigFileArgs[key]:
		return fmt.Sprintf("This call gives the server a kubeconfig of its own (argument %q); MCP Tray lets this server use only the context you chose for it.", k)
	case kubeIdentityArgs[key]:
		return fmt.Sprintf("This call changes who the server acts as, or which API server it reaches (argument %q), which would let it leave the Kubernetes context you chose (%q), so it is refused.", k, chosen)
	case !kubeContextArgs[key]:
		if strings.HasPrefix(k, "-") || inFlags {
			return kubeWordsProblem(flagWords(k, raw), chosen)
		}
		return ""
	}
	v, isString := raw.(string)
	if !isString {
		return fmt.Sprintf("This call names a Kubernetes context in a form MCP Tray cannot check (argument %q), so it is refused.", k)
	}
	if v != chosen {
		return fmt.Sprintf("This call asks for the Kubernetes context %q, but this server may only use %q; switch its context in MCP Tray if you mean to.", v, chosen)
	}
	return ""
}

// flagWords is the command-line flag a member of a flags object becomes: {"server": "x"} is
// --server=x, {"s": "x"} is -s=x, {"all-namespaces": true} is --all-namespaces.
func flagWords(k string, raw any) []string {
	name := k
	if !strings.HasPrefix(name, "-") {
		name = "--" + name
		if len([]rune(k)) == 1 {
			name = "-" + k
		}
	}
	switch v := raw.(type) {
	case bool:
		return []string{name}
	case string:
		return []string{name + "=" + v}
	default:
		b, _ := json.Marshal(v)
		return []string{name + "=" + string(b)}
	}
}

// kubeLongFlags are kubectl's and helm's flags (without "--", lower case) that pick another
// kubeconfig, API server, credentials or identity, or turn off the server's certificate check;
// none of them is allowed. --context and --kube-context are allowed naming the chosen context.
var kubeLongFlags = map[string]bool{
	"kubeconfig": true, "cluster": true, "user": true, "server": true, "token": true,
	"as": true, "as-group": true, "as-uid": true, "username": true, "password": true,
	"insecure-skip-tls-verify": true, "certificate-authority": true, "client-certificate": true,
	"client-key": true, "tls-server-name": true, "auth-provider": true, "auth-provider-arg": true,
	"exec-command": true, "exec-arg": true, "exec-api-version": true, "exec-env": true,
	"kube-apiserver": true, "kube-token": true, "kube-ca-file": true, "kube-as-user": true,
	"kube-as-group": true, "kube-tls-server-name": true, "kube-insecure-skip-tls-verify": true,
}

// shortValueLetters are kubectl shorthand flags that take a value: in a shorthand cluster
// (-wn x, -ojson) pflag reads the rest of the word after one of them as its value.
const shortValueLetters = "cklLnosv"

// kubeWordsProblem checks command-line words for a kubectl flag that leaves the chosen
// context, a KUBECONFIG= assignment, and kubectl config commands that write the kubeconfig or
// print its credentials.
func kubeWordsProblem(words []string, chosen string) string {
	for i := 0; i < len(words); i++ {
		w := words[i]
		if hasFoldPrefix(w, "KUBECONFIG=") {
			return "This call sets KUBECONFIG for a command; MCP Tray lets this server use only the context you chose for it."
		}
		switch {
		case strings.HasPrefix(w, "--"):
			name, value, hasValue := strings.Cut(w[2:], "=")
			name = strings.ToLower(name)
			if name == "context" || name == "kube-context" {
				if !hasValue {
					if i+1 == len(words) {
						return fmt.Sprintf("This call passes --%s without a context MCP Tray can check, and this server may only use %q, so it is refused.", name, chosen)
					}
					i++
					value = words[i]
				}
				if value != chosen {
					return fmt.Sprintf("This call passes --%s, which would let the server leave the Kubernetes context you chose (%q), so it is refused.", name, chosen)
				}
				continue
			}
			if kubeLongFlags[name] {
				return fmt.Sprintf("This call passes --%s, which would let the server leave the Kubernetes context you chose (%q), so it is refused.", name, chosen)
			}
		case strings.HasPrefix(w, "-") && len(w) > 1:
			for _, r := range w[1:] {
				if r == 's' {
					return fmt.Sprintf("This call passes -s (--server), which would let the server leave the Kubernetes context you chose (%q), so it is refused.", chosen)
				}
				if strings.ContainsRune(shortValueLetters, r) || r == '=' {
					break
				}
			}
		}
	}
	return kubeConfigCommandProblem(words)
}

// kubeConfigWrites are the kubectl config subcommands that change the kubeconfig file; the
// server's is the one-context file MCP Tray wrote, and a changed server address there would
// send the person's credentials elsewhere.
var kubeConfigWrites = map[string]bool{"set": true, "set-cluster": true, "set-context": true, "set-credentials": true,
	"unset": true, "use-context": true, "use": true, "rename-context": true, "delete-context": true,
	"delete-cluster": true, "delete-user": true}

// kubeConfigCommandProblem refuses `config` followed by a subcommand that writes the
// kubeconfig, or by `view` with --raw (which prints the credentials to the AI app).
func kubeConfigCommandProblem(words []string) string {
	at := -1
	for i, w := range words {
		if strings.EqualFold(w, "config") {
			at = i
			break
		}
	}
	if at < 0 {
		return ""
	}
	view, raw := false, false // in any order: kubectl takes flags before or after the subcommand
	for _, w := range words[at+1:] {
		lw := strings.ToLower(w)
		if kubeConfigWrites[lw] {
			return "This call changes the server's kubeconfig (kubectl config " + lw + "), which holds only the context you chose; MCP Tray refuses it. To use another context, switch it in MCP Tray."
		}
		view = view || lw == "view"
		raw = raw || lw == "--raw" || strings.HasPrefix(lw, "--raw=") && lw != "--raw=false"
	}
	if view && raw {
		return "This call prints the server's kubeconfig with its credentials (kubectl config view --raw), so MCP Tray refuses it."
	}
	return ""
}

// kubeConfigObjectProblem reads an object that spells a kubectl config command in its members
// ({"command": "config", "subCommand": "set", "flags": {"raw": true}}) as one command line.
func kubeConfigObjectProblem(m map[string]any) string {
	words := []string{}
	isConfig := false
	for k, raw := range m {
		switch v := raw.(type) {
		case string:
			isConfig = isConfig || strings.EqualFold(v, "config")
			words = append(words, commandWords(v)...)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					words = append(words, commandWords(s)...)
				}
			}
		case map[string]any:
			if isFlagsMember(k) {
				for fk, fv := range v {
					if fv != nil && fv != false && fv != "" {
						words = append(words, flagWords(fk, fv)...)
					}
				}
			}
		}
	}
	if !isConfig {
		return ""
	}
	return kubeConfigCommandProblem(append([]string{"config"}, words...))
}

// commandWords splits s into words as a shell would, closely enough to find flags: at white
// space and at ; & | ( ) < > and backquotes, with quotes and backslashes taken out, so that
// "--context=prod" and --con\text=prod read as --context=prod.
func commandWords(s string) []string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(";&|()<>`", r)
	})
	for i, w := range words {
		if strings.ContainsAny(w, `"'\`) {
			words[i] = strings.Map(func(r rune) rune {
				if r == '"' || r == '\'' || r == '\\' {
					return -1
				}
				return r
			}, w)
		}
	}
	return words
}

func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// normalizeArgName folds name as encoding/json matches member names to struct fields (a Go
// server reads "name\u017Fpace", with a long s, as namespace) and drops "_" and "-", so that
// kube_context, kubeContext and kube-context compare equal.
func normalizeArgName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if r == '_' || r == '-' {
			continue
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the smallest rune of r's case-folding orbit, lower-cased: the same rune for
// every spelling that unicode.SimpleFold (and so bytes.EqualFold) takes as equal.
func foldRune(r rune) rune {
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return unicode.ToLower(min)
}
