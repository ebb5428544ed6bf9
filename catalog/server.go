package catalog

import "encoding/json"

// Server is the typed view of an official MCP Registry server.json document (schema
// 2025-09-16 and later, camelCase fields). Fields MCP Tray does not know stay in the raw
// document kept by Entry, so a round trip through Entry.MarshalJSON loses nothing.
type Server struct {
	Schema      string      `json:"$schema,omitempty"`
	Name        string      `json:"name"`
	Title       string      `json:"title,omitempty"`
	Description string      `json:"description"`
	Version     string      `json:"version"`
	WebsiteURL  string      `json:"websiteUrl,omitempty"`
	Repository  *Repository `json:"repository,omitempty"`
	Packages    []Package   `json:"packages,omitempty"`
	Remotes     []Remote    `json:"remotes,omitempty"`
	// Icons are the server's own pictures, as published; see Entry.Icon for which is shown.
	Icons Icons `json:"icons,omitempty"`

	// Meta holds the _meta extension blocks keyed by reverse-DNS name. MCP Tray's own block
	// lives under MetaKey and is decoded into Entry.Meta.
	Meta map[string]json.RawMessage `json:"_meta,omitempty"`
}

// Repository says where the server's source code lives.
type Repository struct {
	URL       string `json:"url"`
	Source    string `json:"source"`
	Subfolder string `json:"subfolder,omitempty"`
	ID        string `json:"id,omitempty"`
}

// Registry types MCP Tray can install. Others (nuget, cargo) are refused by Parse. A
// RegistryMCPB package is a Claude extension bundle: Identifier is the bundle's web address
// and FileSHA256 its checksum (see BundleOf); the bundle's own manifest says how it runs.
const (
	RegistryNPM  = "npm"
	RegistryPyPI = "pypi"
	RegistryOCI  = "oci"
	RegistryMCPB = "mcpb"
)

// Package is one way to run the server locally: a package in a registry plus the command-line
// arguments and environment it needs.
type Package struct {
	RegistryType         string          `json:"registryType"`
	RegistryBaseURL      string          `json:"registryBaseUrl,omitempty"`
	Identifier           string          `json:"identifier"`
	Version              string          `json:"version,omitempty"`
	FileSHA256           string          `json:"fileSha256,omitempty"`
	RuntimeHint          string          `json:"runtimeHint,omitempty"`
	Transport            Transport       `json:"transport"`
	RuntimeArguments     []Argument      `json:"runtimeArguments,omitempty"`
	PackageArguments     []Argument      `json:"packageArguments,omitempty"`
	EnvironmentVariables []KeyValueInput `json:"environmentVariables,omitempty"`
}

// Transport says how a client talks to the server. Packages must use "stdio"; remotes use
// "streamable-http" or "sse" with a URL.
type Transport struct {
	Type    string          `json:"type"`
	URL     string          `json:"url,omitempty"`
	Headers []KeyValueInput `json:"headers,omitempty"`
}

// Remote is a server that already runs somewhere else and is reached over HTTP.
type Remote struct {
	Type      string           `json:"type"`
	URL       string           `json:"url"`
	Headers   []KeyValueInput  `json:"headers,omitempty"`
	Variables map[string]Input `json:"variables,omitempty"`
}

// Input formats from the schema. An empty format means "string".
const (
	FormatString   = "string"
	FormatNumber   = "number"
	FormatBoolean  = "boolean"
	FormatFilepath = "filepath"
)

// Input describes one value a person may have to provide.
type Input struct {
	Description string   `json:"description,omitempty"`
	Value       string   `json:"value,omitempty"`
	Default     string   `json:"default,omitempty"`
	Placeholder string   `json:"placeholder,omitempty"`
	Format      string   `json:"format,omitempty"`
	IsRequired  bool     `json:"isRequired,omitempty"`
	IsSecret    bool     `json:"isSecret,omitempty"`
	Choices     []string `json:"choices,omitempty"`
}

// InputWithVariables is an Input whose Value may contain {name} placeholders, each defined
// in Variables. A placeholder with no definition stays as written, as the schema says.
type InputWithVariables struct {
	Input
	Variables map[string]Input `json:"variables,omitempty"`
}

// Argument types.
const (
	ArgPositional = "positional"
	ArgNamed      = "named"
)

// Argument is one command-line argument: a positional value, or a named flag with an optional
// value. Either Value is fixed by the entry, or the person is asked for it.
type Argument struct {
	Type       string `json:"type"`
	Name       string `json:"name,omitempty"`
	ValueHint  string `json:"valueHint,omitempty"`
	IsRepeated bool   `json:"isRepeated,omitempty"`
	InputWithVariables
}

// KeyValueInput is an environment variable (for packages) or an HTTP header (for remotes).
type KeyValueInput struct {
	Name string `json:"name"`
	InputWithVariables
}
