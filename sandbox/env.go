package sandbox

import (
	"strings"

	"github.com/mcptray/mcptray/internal/credential"
)

// inheritedNames are the variables of MCP Tray's own environment a confined server is given:
// what programs and their runtimes need to run and reach the network the person set up
// (locale, home and XDG folders, proxies, certificate bundles, the runtimes' own settings).
// Everything else stays behind: MCP Tray's environment is the person's session's, or the AI
// app's that started it, and holds their tokens (red team: GITHUB_TOKEN and
// AWS_SECRET_ACCESS_KEY reached every confined server). A server's own variables and
// secrets, which the person gave it, are added after this.
var (
	inheritedNames = map[string]bool{"PATH": true, "HOME": true, "USER": true, "LOGNAME": true, "SHELL": true,
		"LANG": true, "LANGUAGE": true, "TZ": true, "TERM": true, "TMPDIR": true, "PWD": true,
		"HTTP_PROXY": true, "HTTPS_PROXY": true, "NO_PROXY": true, "ALL_PROXY": true,
		"SSL_CERT_FILE": true, "SSL_CERT_DIR": true, "REQUESTS_CA_BUNDLE": true, "CURL_CA_BUNDLE": true,
		"GOPATH": true, "GOROOT": true, "GOCACHE": true, "GOMODCACHE": true, "GOPROXY": true, "GOFLAGS": true, "GOTOOLCHAIN": true}
	inheritedPrefixes = []string{"LC_", "XDG_", "NODE_", "NPM_CONFIG_", "UV_", "PIP_", "PYTHON", "VIRTUAL_ENV",
		"DENO_", "BUN_", "JAVA_", "CARGO_", "RUSTUP_", "NVM_", "VOLTA_", "PNPM_"}
)

// Inherited returns the part of env (MCP Tray's own environment) a confined server may see.
func Inherited(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); inherited(k) {
			out = append(out, kv)
		}
	}
	return out
}

// inherited reports whether the variable called name is passed on. A name that looks like a
// credential's (credential.Name) is kept back even under an inherited prefix
// (NODE_AUTH_TOKEN, UV_INDEX_PASSWORD, CARGO_REGISTRIES_X_TOKEN); the words are matched as
// words, so settings such as UV_KEYRING_PROVIDER, XDG_SESSION_ID or
// NPM_CONFIG_INIT_AUTHOR_NAME pass. Values are not judged (credential.InURL): a proxy or a
// package index given with its password (HTTPS_PROXY, UV_INDEX_URL) is what lets a server
// reach the network or install itself at all, and the person set it up for exactly that.
func inherited(name string) bool {
	if credential.Name(name) {
		return false
	}
	upper := strings.ToUpper(name)
	if inheritedNames[upper] {
		return true
	}
	for _, p := range inheritedPrefixes {
		if strings.HasPrefix(upper, p) {
			return true
		}
	}
	return false
}
