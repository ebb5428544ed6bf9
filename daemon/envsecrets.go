package daemon

import (
	"os"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/internal/credential"
)

// envSecretMin is the shortest value of MCP Tray's own environment that is taken out of
// servers' output: shorter ones would take ordinary words with them.
const envSecretMin = 8

// envRedactor returns the redaction of the credentials in environ, MCP Tray's own
// environment, which every server it starts inherits (OTEL_EXPORTER_OTLP_HEADERS,
// AWS_SECRET_ACCESS_KEY, a token exported in the shell that started MCP Tray): a server that
// prints its environment or quotes a variable must not put them into its log, its status or
// the traffic record (red team, 6 December 2026). A variable counts when its name or its value
// looks like a credential (credential.Name, credential.Value), as `client import` judges an AI
// app's settings, and so does each name=value pair in it that does (headers); longer values
// are replaced first, so one that holds another is taken out whole. It returns nil when there
// is none.
func envRedactor(environ []string) func(string) string {
	type secret struct{ name, value string }
	var found []secret
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || len(value) < envSecretMin || strings.HasPrefix(name, "MCPTRAY_") || credential.Reference(value) {
			continue
		}
		if credential.Name(name) || credential.Value(value) {
			found = append(found, secret{name, value})
		}
		// Headers in a variable (OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer …,x-key=…):
		// each credential among them, and a bearer token without its scheme, on its own. Only
		// where the name says headers: the session bus's address has a "guid=" of the same
		// shape, which is no secret.
		if !strings.Contains(strings.ToUpper(name), "HEADERS") {
			continue
		}
		for _, pair := range strings.Split(value, ",") {
			k, v, ok := strings.Cut(pair, "=")
			v = strings.TrimSpace(v)
			if !ok || len(v) < envSecretMin || !(credential.Name(strings.TrimSpace(k)) || credential.Value(v)) {
				continue
			}
			found = append(found, secret{name, v})
			if _, token, ok := strings.Cut(v, " "); ok && len(token) >= envSecretMin {
				found = append(found, secret{name, token})
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b secret) int { return len(b.value) - len(a.value) })
	pairs := make([]string, 0, 2*len(found))
	starts := make([]string, 0, len(found))
	for _, s := range found {
		pairs = append(pairs, s.value, "[redacted: "+s.name+" of MCP Tray's environment]")
		starts = append(starts, s.value[:envSecretMin])
	}
	r := strings.NewReplacer(pairs...)
	// It runs on every relayed message's traffic record: a text that holds no secret's first
	// bytes, as nearly all do, costs a few comparisons.
	return func(text string) string {
		if len(text) < envSecretMin {
			return text
		}
		for _, start := range starts {
			if strings.Contains(text, start) {
				return r.Replace(text)
			}
		}
		return text
	}
}

// withEnvRedaction is redact followed by the redaction of MCP Tray's own credentials
// (envRedactor over os.Environ), or redact alone when there are none.
func withEnvRedaction(redact func(string) string) func(string) string {
	env := envRedactor(os.Environ())
	if env == nil {
		return redact
	}
	return func(s string) string { return env(redact(s)) }
}
