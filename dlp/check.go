package dlp

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/mcptray/mcptray/redact"
)

// Kind is what sort of thing a finding is.
type Kind int

// The kinds of findings.
const (
	// Secret is the value of a keychain secret of another server than the one called.
	Secret Kind = iota + 1
	// PrivateKey is a PEM or OpenSSH private key.
	PrivateKey
	// Credential is a token, key or password in a well-known format.
	Credential
)

// Finding is one thing found in a call. It never holds the value.
type Finding struct {
	Kind Kind
	// What says what it is in words: `the secret GITHUB_TOKEN of "github"`, "an AWS access key".
	What string
	// Owner is the server whose keychain secret it is; "" for other kinds.
	Owner string
}

// Checker finds the person's keychain secrets and well-known credentials in tool calls. It is
// safe for concurrent use; the zero value knows no secrets and still finds formats.
type Checker struct {
	secrets atomic.Pointer[redact.Redactor]
}

// SetSecrets replaces the secrets it knows: server → key → value. The map is not retained.
func (c *Checker) SetSecrets(byServer map[string]map[string]string) {
	all := map[string]string{}
	for server, kv := range byServer {
		for k, v := range kv {
			all[server+"/"+k] = v
		}
	}
	c.secrets.Store(redact.New(all))
}

// Check returns what b (a call's arguments or a result, as JSON) carries: secrets of servers
// other than server, private keys and credentials, each once.
func (c *Checker) Check(server string, b []byte) []Finding {
	var out []Finding
	for _, name := range c.secrets.Load().Found(b) {
		owner, key, _ := strings.Cut(name, "/")
		if owner == server {
			continue // the server holds it already
		}
		out = append(out, Finding{Kind: Secret, Owner: owner, What: fmt.Sprintf("the secret %s of %q", key, owner)})
	}
	for i := range formats {
		f := &formats[i]
		if f.hinted(b) && f.re.Match(b) {
			out = append(out, Finding{Kind: f.kind, What: f.what})
		}
	}
	return out
}

// Redact returns b with every known secret (of any server) and every credential and private
// key replaced by a marker; b itself when there is nothing to replace.
func (c *Checker) Redact(b []byte) []byte {
	return Mask(c.secrets.Load().Redact(b))
}

// Mask returns b with every private key and credential in a well-known format replaced by a
// marker such as "[redacted: an AWS access key]"; b itself when there is none.
func Mask(b []byte) []byte {
	for i := range formats {
		f := &formats[i]
		if f.hinted(b) && f.re.Match(b) {
			b = f.re.ReplaceAllLiteral(b, []byte("[redacted: "+f.what+"]"))
		}
	}
	return b
}

// Describe says in one sentence what findings a call's arguments carry, for the prompt and
// the audit log: "The arguments carry the secret TOKEN of "github" and a private key."
func Describe(findings []Finding) string {
	if len(findings) == 0 {
		return ""
	}
	parts := make([]string, len(findings))
	for i, f := range findings {
		parts[i] = f.What
	}
	list := parts[0]
	if n := len(parts); n > 1 {
		list = strings.Join(parts[:n-1], ", ") + " and " + parts[n-1]
	}
	return "The arguments carry " + list + "."
}

// Sensitive reports whether any finding is one the default asks about: another server's
// keychain secret or a private key.
func Sensitive(findings []Finding) bool {
	for _, f := range findings {
		if f.Kind == Secret || f.Kind == PrivateKey {
			return true
		}
	}
	return false
}
