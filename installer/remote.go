package installer

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/remote"
)

// A catalog entry with `remotes` and no package installs as a remote server (config.Remote):
// nothing is downloaded or run on this computer; MCP Tray's connector reaches the address,
// with the entry's secret headers kept in the keychain and named in config.json as
// ${secret:KEY}. The address must pass the same check as `mcptray server add --url`
// (remote.CheckURL: https, or http to this computer only).

// transportOf maps a registry remote's type to config.Remote.Transport.
func transportOf(registryType string) (string, bool) {
	switch registryType {
	case "streamable-http":
		return string(remote.Streamable), true
	case "sse":
		return string(remote.SSE), true
	}
	return "", false
}

// checkRemote says, as one sentence, why plan's remote server cannot be added; nil when it
// can.
func checkRemote(title string, p catalog.InstallPlan) error {
	if _, ok := transportOf(p.Remote.Transport); !ok {
		return failf("%s is reached in a way MCP Tray does not know (%q), so it cannot be installed.", display.Line(title), display.Line(p.Remote.Transport))
	}
	if _, err := remote.CheckURL(p.Remote.URL); err != nil {
		return failf("%s cannot be installed safely: %s.", display.Line(title), strings.TrimSuffix(err.Error(), "."))
	}
	seen := map[string]bool{}
	for _, s := range p.Secrets {
		if k := s.Key(); k == "" || seen[k] {
			return failf("%s names its secret headers so that MCP Tray cannot keep them apart, so it cannot be installed.", display.Line(title))
		} else {
			seen[k] = true
		}
	}
	for k, v := range p.Remote.Headers {
		if len(config.SecretRefs(v)) > 0 || len(config.SecretRefs(k)) > 0 {
			return failf("%s asks to send a saved secret in its header %s, which MCP Tray does not allow, so it cannot be installed.", display.Line(title), display.Line(k))
		}
	}
	return nil
}

// remoteDefinition is the remote server plan adds: its address, its transport, its
// non-secret headers as the entry gives them and each secret header as ${secret:KEY}.
func remoteDefinition(p catalog.InstallPlan) config.Remote {
	transport, _ := transportOf(p.Remote.Transport)
	r := config.Remote{URL: p.Remote.URL, Transport: transport}
	if len(p.Remote.Headers) > 0 || len(p.Secrets) > 0 {
		r.Headers = maps.Clone(p.Remote.Headers)
		if r.Headers == nil {
			r.Headers = map[string]string{}
		}
		for _, s := range p.Secrets {
			if s.Header != "" {
				r.Headers[s.Header] = "${secret:" + s.Key() + "}"
			}
		}
	}
	return r
}

// secretKeys are the keychain names of plan's secrets, in order.
func secretKeys(p catalog.InstallPlan) []string {
	var keys []string
	for _, s := range p.Secrets {
		keys = append(keys, s.Key())
	}
	return keys
}

// RemoteHost is where a remote-only entry runs ("api.example.com"), or "" for an entry that
// runs on this computer or whose address is only known once a question is answered.
func RemoteHost(e catalog.Entry) string {
	if len(e.Server.Packages) > 0 || len(e.Server.Remotes) == 0 {
		return ""
	}
	u, err := url.Parse(e.Server.Remotes[0].URL)
	if err != nil || u.Host == "" || strings.ContainsAny(u.Host, "{}") {
		return ""
	}
	return display.Line(u.Host)
}

// RemoteLine is the plain line a catalog card shows for a remote-only entry: "Runs on the
// internet at HOST", and which key it needs ("; needs a key: X-Api-Key"). Whether a server
// asks people to sign in is known only when it is first reached; the install then says so.
func RemoteLine(e catalog.Entry) string {
	line := "Runs on the internet"
	if h := RemoteHost(e); h != "" {
		line += " at " + h
	}
	if len(e.Server.Remotes) == 0 {
		return line
	}
	var keys []string
	for _, h := range e.Server.Remotes[0].Headers {
		if headerIsSecret(h) && !slices.Contains(keys, h.Name) {
			keys = append(keys, display.Line(h.Name))
		}
	}
	switch len(keys) {
	case 0:
		return line
	case 1:
		return line + "; needs a key: " + keys[0]
	}
	return line + "; needs keys: " + strings.Join(keys, ", ")
}

// headerIsSecret reports whether a header's value is (or contains) a secret.
func headerIsSecret(h catalog.KeyValueInput) bool {
	if h.IsSecret {
		return true
	}
	for _, v := range h.Variables {
		if v.IsSecret {
			return true
		}
	}
	return false
}

// needsSignIn reports whether err, a probe's, means the remote server wants the person to
// sign in: the install then ends without the tool list, and the server stays.
func needsSignIn(err error) bool { return errors.Is(err, remote.ErrNeedsSignIn) }

// signInMessage is the last line of an install of a remote server that wants a sign-in.
func signInMessage(title, name string) string {
	return fmt.Sprintf("%s is installed, but it needs you to sign in before it can be used: choose Sign in… for it in MCP Tray, or run: mcptray server login %s", title, name)
}
