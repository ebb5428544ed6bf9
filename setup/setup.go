// Package setup moves an MCP Tray setup to another computer (a new laptop, a teammate's):
// Export turns config.json into one versioned JSON document with the servers, their rules
// and guardrail limits and which AI clients see which servers, naming the credentials each
// server needs but never holding one; Parse reads such a document back and refuses, with one
// sentence, one MCP Tray cannot take as a whole; Apply adds it to a config.
//
// The document is plain JSON:
//
//	{"mcptray": 1, "servers": {NAME: <config.json's server>}, "clients": {ID: {"enabled", "servers"}},
//	 "reinstall": {NAME: {"catalog", "version"}}}
//
// A setup file may come from anyone, so it is read as untrusted: names are checked, nothing
// is taken that only this computer can decide (a Kubernetes context, an install in MCP
// Tray's own folder, a sign-in), and what loosens the person's protections is for the
// command line to show before the person agrees.
package setup

import (
	"errors"

	"github.com/mcptray/mcptray/config"
)

// Version is the format version Export writes and the newest Parse reads.
const Version = 1

// File is a setup document.
type File struct {
	// MCPTray is the format version ("mcptray": 1); its presence marks the document as a
	// setup.
	MCPTray int `json:"mcptray"`
	// Servers by name, as config.json holds them, with secret names but no values.
	Servers map[string]*config.Server `json:"servers"`
	// Clients are the AI clients switched on, and which servers each sees (none: all).
	Clients map[string]*config.ClientBinding `json:"clients,omitempty"`
	// Reinstall names the servers that were installed from the catalog into MCP Tray's own
	// folder: that folder does not move, so they are installed again on the other computer.
	Reinstall map[string]Reinstall `json:"reinstall,omitempty"`
}

// Reinstall is a server to install again from the catalog.
type Reinstall struct {
	Catalog string `json:"catalog"`
	Version string `json:"version,omitempty"`
}

// Errors Parse and Apply wrap, for a caller that wants to tell them apart.
var (
	// ErrNotSetup: the document is not a setup made by mcptray export.
	ErrNotSetup = errors.New("not an MCP Tray setup")
	// ErrNewer: the document was made by a newer MCP Tray, in a format this one cannot read.
	ErrNewer = errors.New("setup from a newer MCP Tray")
	// ErrInvalid: the document is a setup, but something in it cannot be taken.
	ErrInvalid = errors.New("setup cannot be taken")
	// ErrExists: a server of the setup has the name of one MCP Tray already has.
	ErrExists = errors.New("server exists already")
)

// sentence is an error that is one sentence for the person and wraps kind.
type sentence struct {
	msg  string
	kind error
}

func (e *sentence) Error() string        { return e.msg }
func (e *sentence) Is(target error) bool { return target == e.kind }

// Secret is one credential a server of the setup needs.
type Secret struct{ Server, Key string }

// Needed lists the credentials the setup's servers need, by server name then in the
// server's order.
func (f File) Needed() []Secret {
	var out []Secret
	for _, name := range sortedKeys(f.Servers) {
		for _, k := range f.Servers[name].Secrets {
			out = append(out, Secret{Server: name, Key: k})
		}
	}
	return out
}
