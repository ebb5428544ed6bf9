package api

import "github.com/mcptray/mcptray/clients/reconcile"

// The AI apps ("clients") whose config files MCP Tray keeps pointed at it.

// The status of the AI apps is the reconciler's own type (clients/reconcile), which owns that
// data; these names are how the faces reach it.
type (
	// ClientsResult is the answer of clients.list, clients.reconcile, clients.set and
	// clients.status, and what `mcptray client list --json` prints (see docs/clients.md).
	ClientsResult = reconcile.ClientsResult
	// ClientStatus is one AI client: detected or named in config.json.
	ClientStatus = reconcile.ClientStatus
	// ClientFile is one config file of a client and what it holds now.
	ClientFile = reconcile.ClientFile
	// ClientRef names an AI client MCP Tray knows: ClientsResult.Others lists those not
	// detected and not named in config.json, which clients.set can connect all the same.
	ClientRef = reconcile.ClientRef
	// ClientEvent is something MCP Tray did to, or found in, a client's file.
	ClientEvent = reconcile.ClientEvent
	// ClientEventKind says what a ClientEvent is (reconcile.Changed, Healed, Error, GaveUp).
	ClientEventKind = reconcile.Kind
)

// ClientParams names one client; for clients.reconcile empty means every client.
type ClientParams struct {
	Client string `json:"client"`
}

// ClientSetParams says which servers an AI client sees (clients.set).
type ClientSetParams struct {
	Client  string `json:"client"`
	Enabled bool   `json:"enabled"`
	// Servers limits the client to these servers; empty means every server.
	Servers []string `json:"servers"`
}

// ClientImportParams asks for an import plan (DryRun) or carries it out (clients.import).
type ClientImportParams struct {
	Client string `json:"client"`
	DryRun bool   `json:"dryRun"`
	// AllowAutoApproved lets the tools the client ran without asking (Cline's autoApprove) run
	// without asking in MCP Tray too: allow rules. Only the person's answer may set it.
	AllowAutoApproved bool `json:"allowAutoApproved,omitempty"`
}

// ClientImportResult is what clients.import planned or did.
type ClientImportResult struct {
	Client string `json:"client"`
	Name   string `json:"name"` // the client's name for people
	// Done is false for a dry run.
	Done     bool                `json:"done"`
	Servers  []ClientImportEntry `json:"servers"`
	Skipped  []ClientImportSkip  `json:"skipped"`
	Backups  []string            `json:"backups"`
	Warnings []string            `json:"warnings"`
	// AutoApproved is true when some entries name tools the client ran without asking; they
	// become allow rules only with AllowAutoApproved.
	AutoApproved bool `json:"autoApproved,omitempty"`
	// RestartHint says how to restart the client so it sees the change.
	RestartHint string `json:"restartHint"`
	// Clients is every client's status after the import (config.json as it is now).
	Clients *ClientsResult `json:"clients,omitempty"`
}

// ClientImportEntry is one of the client's entries that becomes an MCP Tray server.
type ClientImportEntry struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Path    string   `json:"path"`
	Note    string   `json:"note,omitempty"`
	Command []string `json:"command,omitempty"`
	// Secrets are the names of the values that go to the keychain.
	Secrets []string `json:"secrets"`
}

// ClientImportSkip is an entry the import leaves alone, and why.
type ClientImportSkip struct {
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

// ClientRestoreResult is what clients.restore put back.
type ClientRestoreResult struct {
	Client   string   `json:"client"`
	Files    []string `json:"files"`
	Messages []string `json:"messages"`
	Disabled bool     `json:"disabled"`
	Warnings []string `json:"warnings"`
	// Clients is every client's status after the restore.
	Clients *ClientsResult `json:"clients,omitempty"`
}
