package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/sandbox"
)

// Sandbox is what a server may touch when it runs confined (package sandbox enforces it).
// In config.json it is one of:
//
//	no "sandbox" member        the person has not chosen: the server runs unconfined and
//	                           MCP Tray offers to confine it (servers added by hand or
//	                           imported from a client start like this)
//	"sandbox": false           the person chose to run it unconfined
//	"sandbox": {"read": [...], "write": [...], "network": true|false}
//	                           confined: it may read the read folders, read and change the
//	                           write folders, and use the network only when network is true
//	                           (a missing "network" means false). Paths are absolute or start
//	                           with "~/". Catalog servers start like this.
//
// Beyond these folders a confined server can always read the system and its runtime and use
// its own state and temp folders; it never reaches MCP Tray's home or socket.
type Sandbox struct {
	// Off records the person's choice to run the server unconfined ("sandbox": false).
	Off     bool     `json:"-"`
	Read    []string `json:"read,omitempty"`
	Write   []string `json:"write,omitempty"`
	Network bool     `json:"network"`

	extra map[string]json.RawMessage
}

// Confined reports whether s confines its server: set and not turned off.
func (s *Sandbox) Confined() bool { return s != nil && !s.Off }

type plainSandbox Sandbox

// UnmarshalJSON reads false as Off, true as confined with nothing granted, and an object as
// the folders and network it names, keeping unknown fields for the next save.
func (s *Sandbox) UnmarshalJSON(b []byte) (err error) {
	switch t := bytes.TrimSpace(b); {
	case bytes.Equal(t, []byte("false")):
		*s = Sandbox{Off: true}
		return nil
	case bytes.Equal(t, []byte("true")):
		*s = Sandbox{}
		return nil
	}
	var q plainSandbox
	extra, err := splitKnown(b, &q)
	*s = Sandbox(q)
	s.extra = extra
	return err
}

// MarshalJSON writes false for Off, else the known fields and any unknown ones read earlier.
func (s Sandbox) MarshalJSON() ([]byte, error) {
	if s.Off {
		return []byte("false"), nil
	}
	return joinKnown(plainSandbox(s), s.extra)
}

// sandboxLoosening says how going from a to p lets the server touch more, as the end of a
// sentence about it ("could use the internet"), or "" when it does not: confinement removed
// or turned off, a folder added to read or write (a folder moved from read to write
// included), the network turned on, or fields this version does not know changed. Confining
// a server that was not, or taking away folders or the network, tightens.
func sandboxLoosening(a, p *Sandbox) string {
	if !a.Confined() {
		return "" // nothing to loosen: it ran unconfined
	}
	if !p.Confined() {
		return "would run outside its sandbox, able to touch everything you can"
	}
	var more []string
	for _, dir := range p.Write {
		if !slices.Contains(a.Write, dir) {
			more = append(more, "could read and change files in "+q(dir))
		}
	}
	for _, dir := range p.Read {
		if !slices.Contains(a.Read, dir) && !slices.Contains(a.Write, dir) {
			more = append(more, "could read files in "+q(dir))
		}
	}
	if p.Network && !a.Network {
		more = append(more, "could use the internet")
	}
	if len(more) == 0 && !sameJSON(a.extra, p.extra) {
		more = append(more, "would have sandbox settings MCP Tray does not know changed")
	}
	return strings.Join(more, "; ")
}

// Spec is s as package sandbox takes it; the zero Spec (nothing granted, no network) when s
// is nil or off — check Confined first.
func (s *Sandbox) Spec() sandbox.Spec {
	if !s.Confined() {
		return sandbox.Spec{}
	}
	return sandbox.Spec{Read: slices.Clone(s.Read), Write: slices.Clone(s.Write), Network: s.Network}
}

// SandboxOf is the config form of spec: nil (not chosen) when spec is nil.
func SandboxOf(spec *sandbox.Spec) *Sandbox {
	if spec == nil {
		return nil
	}
	return &Sandbox{Read: slices.Clone(spec.Read), Write: slices.Clone(spec.Write), Network: spec.Network}
}

// Sentence says what a server with sandbox s can touch, to follow its name or "This server":
// "can read and change files in Documents/notes; cannot use the internet", or that it runs
// without a sandbox (as the person chose, or because nobody chose yet).
func (s *Sandbox) Sentence(home string) string {
	switch {
	case s == nil:
		return "runs without a sandbox: it can touch everything you can"
	case s.Off:
		return "runs without a sandbox, as you chose: it can touch everything you can"
	}
	return sandbox.Describe(s.Spec(), home)
}

// invalid names the first folder list with a path a sandbox cannot grant (not a full path nor
// one starting with "~/"), and says why; "" when every path is usable. A path the sandbox
// would skip must not look granted to the person reading config.json.
func (s *Sandbox) invalid() (field, msg string) {
	if !s.Confined() {
		return "", ""
	}
	for _, l := range []struct {
		name  string
		paths []string
	}{{"read", s.Read}, {"write", s.Write}} {
		for _, p := range l.paths {
			if p != "~" && !strings.HasPrefix(p, "~/") && !filepath.IsAbs(p) {
				return l.name, fmt.Sprintf("has %q, which is not a full path: write it as a full path or starting with ~/", p)
			}
		}
	}
	return "", ""
}
