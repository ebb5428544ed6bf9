// Package config owns config.json, MCP Tray's desired state: which servers exist, how they
// run, which secrets (names only) they need, their tool policies and which AI clients see
// them. It never holds a secret value.
//
// Every writer goes through Update, which takes an exclusive lock, re-reads the file, applies
// the change, validates and saves atomically, so the GUI, the CLI and a person editing by hand
// never lose each other's changes. Fields this version does not know survive a load/save cycle.
//
// config.json can be written by any program of the person's. What the person accepted is kept
// apart, sealed, in accepted.json (accepted.go); Review says which differences loosen and so
// wait for the person, and Update's write hook (hook.go) records MCP Tray's own writes as
// accepted, change by change (Carry).
package config

import (
	"encoding/json"
	"maps"
	"slices"
)

// Mode says how a server's processes are shared between connected clients.
type Mode string

const (
	// ModeSession gives every client connection its own server process (the default).
	ModeSession Mode = "session"
	// ModeShared runs one process that every connected client shares.
	ModeShared Mode = "shared"
)

// Rule is a tool-call policy: allow, ask or deny.
type Rule string

// The rules a person can give a tool.
const (
	RuleAllow Rule = "allow"
	RuleAsk   Rule = "ask"
	RuleDeny  Rule = "deny"
)

// Config is the whole of config.json.
type Config struct {
	// Servers by name. Names are what clients see and what `mcptray connect NAME` takes.
	Servers map[string]*Server `json:"servers"`
	// Clients by client id ("claude-desktop", "cursor", …): which servers each one sees.
	Clients map[string]*ClientBinding `json:"clients,omitempty"`
	// Settings are app-wide preferences.
	Settings Settings `json:"settings,omitzero"`

	extra map[string]json.RawMessage
}

// Server is one MCP server as the person configured it.
type Server struct {
	// Command runs a local server; a remote server has URL instead (Remote).
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	// Secrets names the environment variables whose values live in the OS keychain.
	Secrets []string `json:"secrets,omitempty"`
	// Dir is the working directory; empty means the MCP Tray home.
	Dir      string `json:"cwd,omitempty"`
	Mode     Mode   `json:"mode,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
	// NoSpare turns off the warm spare process kept ready for the next connection.
	NoSpare bool `json:"noSpare,omitempty"`
	// Policy holds the person's per-tool rules for this server.
	Policy *Policy `json:"policy,omitempty"`
	// Source records where an installed server came from (catalog id and pinned version).
	Source *Source `json:"source,omitempty"`
	// Kube is set for Kubernetes servers.
	Kube *Kube `json:"kube,omitempty"`
	// Sandbox is what the server may touch when confined; nil means the person has not
	// chosen (see Sandbox for the three forms in config.json).
	Sandbox *Sandbox `json:"sandbox,omitempty"`
	// Frozen is set when the server was installed into MCP Tray's own folder: Command and
	// Args run exactly the tree built there, and that tree is verified before every start.
	Frozen *Frozen `json:"frozen,omitempty"`
	// Rollback is the definition before the last update, for `mcptray update NAME
	// --rollback`; its own Rollback is always nil.
	Rollback *Server `json:"rollback,omitempty"`
	// Allowed are the hazards (HazardView keys such as "env:NODE_OPTIONS") the person allowed
	// one by one for this server.
	Allowed []string `json:"allowed,omitempty"`
	// Limits are the server's timeouts, rate limits and concurrency caps (see Limit).
	Limits []Limit `json:"limits,omitempty"`
	// DLP is the server's data-loss checks; nil means the default (see DLPAction).
	DLP *DLP `json:"dlp,omitempty"`
	// Remote, when its URL is set, is a server on the network instead of a program (remote.go).
	Remote

	extra map[string]json.RawMessage
}

// Policy is a server's tool-call rules.
type Policy struct {
	// Trust allows every tool of the server without asking.
	Trust bool `json:"trust,omitempty"`
	// Tools maps a tool name to the person's rule for it.
	Tools map[string]Rule `json:"tools,omitempty"`

	extra map[string]json.RawMessage
}

// Source records a catalog install.
type Source struct {
	Catalog string `json:"catalog,omitempty"`
	Version string `json:"version,omitempty"`

	extra map[string]json.RawMessage
}

// Frozen is a server installed into MCP Tray's own folder: what runs is exactly what was
// built and verified. The store package builds and verifies it.
type Frozen struct {
	// Registry is "npm", "pypi", "oci" or "mcpb" (a Claude extension bundle).
	Registry string `json:"registry"`
	// Package is the package or image name, e.g. "@modelcontextprotocol/server-everything".
	Package string `json:"package"`
	// Version is the exact version installed (for OCI, the tag the digest was taken from).
	Version string `json:"version"`
	// Dir is the absolute folder of the installed tree: <home>/servers/NAME/VERSION.
	Dir string `json:"dir"`
	// Lock is "sha256:…" of the kept lock file (package-lock.json, the requirements lock)
	// or, for OCI, the image digest.
	Lock string `json:"lock"`
	// Tree is "sha256:…" of the installed tree's manifest; a mismatch stops the server.
	Tree string `json:"tree"`
	// Scripts says install scripts were allowed to run.
	Scripts bool `json:"scripts,omitempty"`
	// Provenance is the source repository the registry's provenance names, "" when none.
	Provenance string `json:"provenance,omitempty"`
}

// Kube is the Kubernetes settings of a server.
type Kube struct {
	// Context is the kubeconfig context the server may reach; empty means none chosen yet,
	// and the server is not started.
	Context string `json:"context,omitempty"`
	// Namespace, when set, limits the server to that namespace of its context: its
	// one-context kubeconfig names it, and calls that name another namespace are refused.
	Namespace string `json:"namespace,omitempty"`
	// None says the person declared the server not a Kubernetes server (`mcptray kube
	// forget`), though MCP Tray recognises it as one: it starts with the empty kubeconfig,
	// like any other server that is not a Kubernetes server. Context and Namespace are unused.
	None bool `json:"none,omitempty"`

	extra map[string]json.RawMessage
}

// ClientBinding says which servers an AI client sees.
type ClientBinding struct {
	Enabled bool `json:"enabled"`
	// Servers limits the client to these servers; empty means every enabled server.
	Servers []string `json:"servers,omitempty"`

	extra map[string]json.RawMessage
}

// Settings are app-wide preferences.
type Settings struct {
	// ApprovalTimeoutSeconds is how long a held tool call waits for the person; 0 means 55.
	ApprovalTimeoutSeconds int `json:"approvalTimeoutSeconds,omitempty"`
	// StartAtLogin starts MCP Tray when the person logs in; off by default.
	StartAtLogin bool `json:"startAtLogin,omitempty"`
	// Theme is "light", "dark" or empty for the system's.
	Theme string `json:"theme,omitempty"`
	// ProductionPatterns mark kubeconfig contexts as production when a context's name,
	// cluster or namespace contains one of them (case-insensitive); nil means the defaults
	// "prod", "production" and "live".
	ProductionPatterns []string `json:"productionPatterns,omitempty"`
	// ProductionContexts are contexts the person marked as production by name.
	ProductionContexts []string `json:"productionContexts,omitempty"`
	// RegistryURL is the MCP Registry searched besides the built-in catalog; empty means
	// the official one. "off" turns the live registry off.
	RegistryURL string `json:"registryURL,omitempty"`
	// Telemetry sends spans and metrics of tool calls over OTLP; nil or not enabled sends none.
	Telemetry *Telemetry `json:"telemetry,omitempty"`
	// AuditForward sends each audit record to a SIEM as it is written; nil sends nothing.
	AuditForward *AuditForward `json:"auditForward,omitempty"`
	// ClientMetadataURL is the https address of MCP Tray's OAuth client ID metadata document
	// (assets/oauth-client.json, docs/remote.md), MCP Tray's client id at a sign-in service
	// that takes such documents; empty means remote.DefaultClientMetadataURL. A team that
	// hosts its own copy puts its address here. "off" registers dynamically instead.
	ClientMetadataURL string `json:"clientMetadataURL,omitempty"`

	extra map[string]json.RawMessage
}

// ServerNames returns the configured server names in sorted order.
func (c *Config) ServerNames() []string {
	return slices.Sorted(maps.Keys(c.Servers))
}

// EnsurePolicy returns the server's policy with its tool map, creating both if missing.
func (s *Server) EnsurePolicy() *Policy {
	if s.Policy == nil {
		s.Policy = &Policy{}
	}
	if s.Policy.Tools == nil {
		s.Policy.Tools = map[string]Rule{}
	}
	return s.Policy
}

// EffectiveMode returns the server's mode with the default filled in.
func (s *Server) EffectiveMode() Mode {
	if s.Mode == "" {
		return ModeSession
	}
	return s.Mode
}

// Installed returns the server's frozen install, or the zero Frozen (Registry "") when it
// runs as configured, with nothing installed by MCP Tray.
func (s *Server) Installed() Frozen {
	if s.Frozen == nil {
		return Frozen{}
	}
	return *s.Frozen
}

// Clone returns a deep copy of s, so a reader can keep it while the config changes.
func (s *Server) Clone() *Server {
	b, err := json.Marshal(s)
	if err != nil {
		panic("config: marshaling a server cannot fail: " + err.Error())
	}
	var c Server
	if err := json.Unmarshal(b, &c); err != nil {
		panic("config: unmarshaling a marshaled server cannot fail: " + err.Error())
	}
	return &c
}

// Equal reports whether two servers are configured identically, unknown fields included.
func (s *Server) Equal(o *Server) bool {
	a, _ := json.Marshal(s)
	b, _ := json.Marshal(o)
	return string(a) == string(b)
}

// Clone returns a deep copy of c, unknown fields included.
func (c *Config) Clone() *Config {
	b, err := json.Marshal(c)
	if err != nil {
		panic("config: marshaling a config cannot fail: " + err.Error())
	}
	var o Config
	if err := json.Unmarshal(b, &o); err != nil {
		panic("config: unmarshaling a marshaled config cannot fail: " + err.Error())
	}
	if o.Servers == nil {
		o.Servers = map[string]*Server{}
	}
	return &o
}
