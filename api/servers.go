package api

import (
	"encoding/json"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/supervisor"
)

// The servers: the daemon's health, each server's state, switches, logs and traffic.

// PingResult identifies the running daemon.
type PingResult struct {
	Version     string `json:"version"`
	Pid         int    `json:"pid"`
	Home        string `json:"home"`
	ConfigError string `json:"configError,omitempty"`
	Paused      bool   `json:"paused,omitempty"` // "Pause all" is on
	// Goroutines is a health figure for leak checks.
	Goroutines int `json:"goroutines"`
}

// StatusResult is every server's state.
type StatusResult struct {
	Servers     []supervisor.Status `json:"servers"`
	ConfigError string              `json:"configError,omitempty"`
	Paused      bool                `json:"paused,omitempty"` // "Pause all" is on
}

// ToolsResult lists the tools a server presented the last time a client asked.
type ToolsResult struct {
	Tools []ToolInfo `json:"tools"`
}

// ToolInfo is what MCP Tray knows of one tool, as the server last listed it.
type ToolInfo struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"inputSchema,omitempty"`
	Annotations json.RawMessage `json:"annotations,omitempty"`
}

// NameParams names one server.
type NameParams struct {
	Name string `json:"name"`
}

// LogsParams selects log lines (logs) or relayed messages (traffic).
type LogsParams struct {
	Name   string `json:"name"`
	Tail   int    `json:"tail"`
	Follow bool   `json:"follow"`
}

// TrafficRecord is one relayed message in `mcptray logs NAME --traffic`: never its body. It
// is the traffic log's own type (gateway.TrafficLog).
type TrafficRecord = gateway.TrafficRecord

// PauseParams switches "Pause all" on or off; pause answers with the state asked for.
type PauseParams struct {
	Paused bool `json:"paused"`
}

// ServerSwitchParams turns a server on or off (servers.enable).
type ServerSwitchParams struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

// ServerModeParams sets how a server's processes are shared (servers.mode).
type ServerModeParams struct {
	Name string      `json:"name"`
	Mode config.Mode `json:"mode"`
}

// ServerDetail is what servers.details says about one configured server beyond its status.
type ServerDetail struct {
	Name     string      `json:"name"`
	Command  string      `json:"command"`
	Args     []string    `json:"args"`
	Mode     config.Mode `json:"mode"`
	Disabled bool        `json:"disabled"`
	Secrets  []string    `json:"secrets"`
	// Catalog and Version say where an installed server came from; empty for hand-added ones.
	Catalog string `json:"catalog,omitempty"`
	Version string `json:"version,omitempty"`
	// KubeContext is the kubeconfig context of a Kubernetes server.
	KubeContext string `json:"kubeContext,omitempty"`
	// MemoryBytes is the resident memory of the server's ready process (its warm spare or
	// shared process) and its children; 0 when none runs or the platform cannot tell.
	MemoryBytes int64 `json:"memoryBytes"`
	// Sandbox says in plain words what the server may touch ("can read and change files in
	// Documents/notes; cannot use the internet"), or that it runs without a sandbox.
	Sandbox string `json:"sandbox"`
	// Confined is true when the server runs in its sandbox.
	Confined bool `json:"confined"`
	// URL is a remote server's address (docs/remote.md); "" for a program on this computer.
	URL string `json:"url,omitempty"`
	// Limits and DLP are the server's guardrails as config.json has them (docs/guardrails.md).
	Limits []config.Limit `json:"limits,omitempty"`
	DLP    *config.DLP    `json:"dlp,omitempty"`
}

// ServerDetailsResult is the answer of servers.details, sorted by name.
type ServerDetailsResult struct {
	Servers []ServerDetail `json:"servers"`
}

// SandboxParams names a server and, for servers.sandbox, what it may touch from now on:
// {"read": [...], "write": [...], "network": true|false} to confine it, or false to run it
// without a sandbox. servers.sandbox.show takes the name only and answers with the sandbox as
// config.json has it (Sandbox nil when nobody chose yet).
type SandboxParams struct {
	Name    string          `json:"name"`
	Sandbox *config.Sandbox `json:"sandbox"`
}

// ProbeParams names the server probe connects to.
type ProbeParams struct {
	Server string `json:"server"`
}
