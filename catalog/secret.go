package catalog

import "fmt"

// SecretValue holds a secret answer. Every way of printing or serializing it (fmt verbs,
// JSON, text) shows "[redacted]"; only Reveal returns the value, so a plan can be logged or
// printed with --json without leaking a token.
type SecretValue string

const redacted = "[redacted]"

// Reveal returns the secret itself. Call it only to hand the value to the keychain.
func (s SecretValue) Reveal() string { return string(s) }

// String returns "[redacted]".
func (s SecretValue) String() string { return redacted }

// GoString returns "[redacted]", so %#v does not leak the value either.
func (s SecretValue) GoString() string { return redacted }

// Format prints "[redacted]" for every verb, including %x and %q.
func (s SecretValue) Format(f fmt.State, _ rune) { fmt.Fprint(f, redacted) }

// MarshalText returns "[redacted]"; JSON encoding uses it.
func (s SecretValue) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Secret is one secret the server needs, kept apart from the command line and from the
// non-secret environment. The daemon stores Value in the OS keychain under the server's name
// and Env (or Header), and injects it when it starts the server.
type Secret struct {
	Env    string      `json:"env,omitempty"`    // environment variable the server reads
	Header string      `json:"header,omitempty"` // HTTP header, for remote servers
	Value  SecretValue `json:"value"`            // always serialized as "[redacted]"
}
