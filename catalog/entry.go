package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// MetaKey is the _meta key under which MCP Tray keeps its own catalog metadata in a
// server.json document.
const MetaKey = "io.github.mcptray/catalog"

// Runtime needs, as written in Meta.Needs.
const (
	NeedsNode   = "node"
	NeedsPython = "python"
	NeedsDocker = "docker"
)

// Meta is MCP Tray's catalog metadata for an entry, stored in _meta under MetaKey. Entries
// from the live registry usually have none; the accessors on Entry then fall back to the
// server.json fields.
type Meta struct {
	ID         string `json:"id"`                // short catalog id, e.g. "github"
	Category   string `json:"category"`          // e.g. "Developer tools"
	Summary    string `json:"summary"`           // one plain-language line for a non-engineer
	ReadOnly   bool   `json:"readOnly"`          // true if the server only looks, never changes
	Needs      string `json:"needs"`             // "node", "python" or "docker"
	Shareable  bool   `json:"shareable"`         // safe to run one process for all clients
	Kubernetes bool   `json:"kubernetes"`        // talks to a cluster through a kubeconfig
	Source     string `json:"source"`            // link to the server's source code
	Command    string `json:"command,omitempty"` // executable, when it differs from the package name
	// Offline marks a server that works on local files only: it runs without network.
	Offline bool `json:"offline,omitempty"`
	// DataFile is how the server takes the file it keeps its data in, for servers whose
	// default place is beside their own code: installed into MCP Tray's folder, that code is
	// read-only and checked before every start. nil: the server needs no such file.
	DataFile *DataFile `json:"dataFile,omitempty"`
	// Timeout is the timeout a call to this server should have ("2m", as config.Limit's),
	// for a server whose tools can hang; installing it sets it as the server's timeout. ""
	// suggests none (calls then have no timeout, the default).
	Timeout string `json:"timeout,omitempty"`
	// Audience is who the catalog lists the entry for: "" everyone, AudienceDevelopers
	// people who build or test MCP clients (a test server). See Entry.ForDevelopers.
	Audience string `json:"audience,omitempty"`
}

// AudienceDevelopers is the Meta.Audience of an entry meant for developers only.
const AudienceDevelopers = "developers"

// DataFile names the environment variable a server reads its data file's path from, and the
// file's name. When the person gives no path, the installer puts the file in the server's own
// folder (config.Home.StateDir), which a confined server may write.
type DataFile struct {
	Env  string `json:"env"`
	Name string `json:"name"`
}

// Origin says where an entry came from.
type Origin int

// Origins, in the order Search prefers them when scores tie.
const (
	OriginEmbedded Origin = iota // shipped inside MCP Tray
	OriginRegistry               // from the MCP Registry API (live or cached)
	OriginFile                   // parsed by the caller from some other source
)

// String names the origin for people: "built-in", "registry" or "file".
func (o Origin) String() string {
	switch o {
	case OriginEmbedded:
		return "built-in"
	case OriginRegistry:
		return "registry"
	default:
		return "file"
	}
}

// Entry is one parsed, validated catalog entry. It keeps the original document bytes so that
// fields MCP Tray does not model survive a round trip. Treat an Entry as read-only; it is then
// safe to share between goroutines.
type Entry struct {
	Server Server
	Meta   Meta   // zero unless the document has a MetaKey block
	Origin Origin // where the entry came from
	// Status is the registry's status for the entry ("active", "deprecated"); empty for
	// entries that did not come from the registry.
	Status string

	raw []byte
}

// Parse decodes and validates one server.json document. It refuses documents MCP Tray cannot
// install safely: see validate for the rules. Unknown fields are kept, not rejected. The
// returned error wraps ErrInvalidEntry and names the offending field.
func Parse(data []byte) (Entry, error) {
	return parse(data, true)
}

// parseUncurated is Parse for documents from the MCP Registry or its cache: MCP Tray's own
// metadata (id, category, summary, read-only, runtime, command) is ignored, because only
// the built-in catalog may carry it; a registry entry that claims it is labelled by its
// registry name like any other.
func parseUncurated(data []byte) (Entry, error) {
	return parse(data, false)
}

func parse(data []byte, curated bool) (Entry, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Entry{}, fmt.Errorf("%w: the document is not a JSON object", ErrInvalidEntry)
	}
	var s Server
	if err := json.Unmarshal(trimmed, &s); err != nil {
		return Entry{}, fmt.Errorf("%w: %v", ErrInvalidEntry, err)
	}
	if err := validateServer(&s); err != nil {
		return Entry{}, err
	}
	e := Entry{Server: s, Origin: OriginFile, raw: bytes.Clone(trimmed)}
	if block, ok := s.Meta[MetaKey]; ok && curated {
		if err := json.Unmarshal(block, &e.Meta); err != nil {
			return Entry{}, fmt.Errorf("%w: _meta[%q]: %v", ErrInvalidEntry, MetaKey, err)
		}
		if err := validateMeta(e.Meta, s); err != nil {
			return Entry{}, err
		}
	}
	return e, nil
}

// MarshalJSON returns the document exactly as it was parsed, unknown fields included.
func (e Entry) MarshalJSON() ([]byte, error) {
	if e.raw == nil {
		return json.Marshal(e.Server)
	}
	return bytes.Clone(e.raw), nil
}

// Raw returns a copy of the document bytes as parsed.
func (e Entry) Raw() []byte { return bytes.Clone(e.raw) }

// ID is the name a person types to pick the entry: the catalog id for built-in entries, the
// registry name (e.g. "io.github.github/github-mcp-server") otherwise.
func (e Entry) ID() string {
	if e.Meta.ID != "" {
		return e.Meta.ID
	}
	return e.Server.Name
}

// Title is the display name: the server's title, else the last part of its registry name.
func (e Entry) Title() string {
	if e.Server.Title != "" {
		return e.Server.Title
	}
	return shortName(e.Server.Name)
}

// Summary is the one line to show a person: MCP Tray's plain-language summary if the entry has
// one, else the server's own description.
func (e Entry) Summary() string {
	if e.Meta.Summary != "" {
		return e.Meta.Summary
	}
	return e.Server.Description
}

// Category is the catalog category, or "" for registry entries without MCP Tray metadata.
func (e Entry) Category() string { return e.Meta.Category }

// ForDevelopers reports whether the entry is meant for developers only (Meta.Audience): the
// catalog's lists and the welcome window leave it out unless a person names it exactly or
// asks for every entry (ForEveryone); it stays installable by its id.
func (e Entry) ForDevelopers() bool { return strings.EqualFold(e.Meta.Audience, AudienceDevelopers) }

// Version is the server's version as published.
func (e Entry) Version() string { return e.Server.Version }

// Source is a link to the server's source code, or "" if the entry gives none.
func (e Entry) Source() string {
	switch {
	case e.Meta.Source != "":
		return e.Meta.Source
	case e.Server.Repository != nil:
		return e.Server.Repository.URL
	default:
		return e.Server.WebsiteURL
	}
}

// Needs is the runtime the entry needs on this computer ("node", "python", "docker"), or ""
// for a remote-only server.
func (e Entry) Needs() string {
	if e.Meta.Needs != "" {
		return e.Meta.Needs
	}
	if len(e.Server.Packages) > 0 {
		return needsFor(e.Server.Packages[0].RegistryType)
	}
	return ""
}

func needsFor(registryType string) string {
	switch registryType {
	case RegistryNPM:
		return NeedsNode
	case RegistryPyPI:
		return NeedsPython
	case RegistryOCI:
		return NeedsDocker
	}
	return ""
}

// shortName is the part of a registry name after the slash: "io.github.x/weather" → "weather".
func shortName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}
