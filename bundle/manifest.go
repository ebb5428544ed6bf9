package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mcptray/mcptray/internal/display"
)

// Server types a manifest may name.
const (
	TypeNode   = "node"
	TypePython = "python"
	TypeBinary = "binary"
	TypeUV     = "uv"
)

// User config types.
const (
	ConfigString    = "string"
	ConfigNumber    = "number"
	ConfigBoolean   = "boolean"
	ConfigDirectory = "directory"
	ConfigFile      = "file"
)

// Manifest is the part of a bundle's manifest.json that MCP Tray uses (manifest versions 0.1
// to 0.4; dxt_version is the older name of manifest_version).
type Manifest struct {
	ManifestVersion string             `json:"manifest_version"`
	DXTVersion      string             `json:"dxt_version"`
	Name            string             `json:"name"`
	DisplayName     string             `json:"display_name"`
	Version         string             `json:"version"`
	Description     string             `json:"description"`
	Author          Author             `json:"author"`
	Homepage        string             `json:"homepage"`
	Repository      *Repository        `json:"repository"`
	Server          Server             `json:"server"`
	UserConfig      map[string]Setting `json:"user_config"`
	Compatibility   *Compatibility     `json:"compatibility"`
	Tools           []json.RawMessage  `json:"tools"`
	Meta            map[string]any     `json:"_meta"`
	order           []string           // user_config keys in the order the manifest lists them
}

// Author is who made the bundle, as the manifest says (not verified: see Signature).
type Author struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	URL   string `json:"url"`
}

// Repository is where the bundle's source lives, as the manifest says.
type Repository struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Server says how to start the server packed in the bundle.
type Server struct {
	Type       string    `json:"type"`
	EntryPoint string    `json:"entry_point"`
	MCPConfig  MCPConfig `json:"mcp_config"`
}

// MCPConfig is the command line and environment, with ${…} substitutions still in them.
type MCPConfig struct {
	Command           string                 `json:"command"`
	Args              []string               `json:"args"`
	Env               map[string]string      `json:"env"`
	PlatformOverrides map[string]CommandLine `json:"platform_overrides"`
}

// CommandLine is a platform's replacement for parts of MCPConfig.
type CommandLine struct {
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
}

// Setting is one user_config entry: something the person is asked before the server runs.
type Setting struct {
	Type        string   `json:"type"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Required    bool     `json:"required"`
	Default     any      `json:"default"`
	Sensitive   bool     `json:"sensitive"`
	Multiple    bool     `json:"multiple"`
	Min         *float64 `json:"min"`
	Max         *float64 `json:"max"`
}

// Compatibility says where the bundle runs.
type Compatibility struct {
	ClaudeDesktop string            `json:"claude_desktop"`
	Platforms     []string          `json:"platforms"`
	Runtimes      map[string]string `json:"runtimes"`
}

// Title is the name to show: display_name, else name.
func (m *Manifest) Title() string {
	if m.DisplayName != "" {
		return m.DisplayName
	}
	return m.Name
}

// shownTitle is Title for a sentence: what a bundle calls itself may hold terminal escapes
// and direction overrides, and sentences are printed as they are.
func (m *Manifest) shownTitle() string { return display.Line(m.Title()) }

// SettingKeys are the user_config keys in the order the manifest lists them.
func (m *Manifest) SettingKeys() []string { return append([]string(nil), m.order...) }

// structPaths are the objects of manifest.json that decode into Go structs: Go's decoder
// matches their member names in any case, so a member spelled in another case ("Server"
// beside "server") would be read by MCP Tray and ignored by Claude, or the other way round.
// A path is the object's members from the root, "*" for any key of a map.
var structPaths = map[string]bool{
	"":                                       true,
	"author":                                 true,
	"repository":                             true,
	"server":                                 true,
	"server.mcp_config":                      true,
	"server.mcp_config.platform_overrides.*": true,
	"user_config.*":                          true,
	"compatibility":                          true,
}

// knownMembers are the member names the structs above read.
var knownMembers = map[string]bool{}

func init() {
	for _, t := range []any{Manifest{}, Author{}, Repository{}, Server{}, MCPConfig{}, CommandLine{}, Setting{}, Compatibility{}} {
		for _, name := range jsonNames(t) {
			knownMembers[name] = true
		}
	}
}

// maxManifest bounds manifest.json: real ones are a few kilobytes.
const maxManifest = 1 << 20

// parseManifest decodes manifest.json, refusing a document that could be read in more than
// one way: a member given twice in one object, a member of a known object spelled in another
// case, text that is not UTF-8, or anything after the document.
func parseManifest(data []byte) (*Manifest, error) {
	if len(data) > maxManifest {
		return nil, refuse("The bundle's manifest.json is larger than 1 MB, which no real bundle needs, so it was not opened.")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, refuse("The bundle's manifest.json is not UTF-8 text, so it was not opened.")
	}
	order, err := checkMembers(data)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, refuse("The bundle's manifest.json could not be read (%s), so it was not opened.", plainJSONError(err))
	}
	m.order = order
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func plainJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s should be a %s", te.Field, te.Type)
	}
	return err.Error()
}

// checkMembers walks the document's tokens and refuses repeated or case-variant members; it
// returns user_config's keys in document order.
func checkMembers(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var order []string
	var walk func(path string, depth int) error
	walk = func(path string, depth int) error {
		if depth > 64 {
			return refuse("The bundle's manifest.json is nested too deeply, so it was not opened.")
		}
		tok, err := dec.Token()
		if err != nil {
			return refuse("The bundle's manifest.json is not valid JSON, so it was not opened.")
		}
		switch tok {
		case json.Delim('['):
			for dec.More() {
				if err := walk(path+".[]", depth+1); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		case json.Delim('{'):
			seen := map[string]string{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return refuse("The bundle's manifest.json is not valid JSON, so it was not opened.")
				}
				key := kt.(string)
				where := strings.TrimPrefix(path+"."+key, ".")
				if prev, ok := seen[strings.ToLower(key)]; ok {
					if prev == key {
						return refuse("The bundle's manifest.json gives %q twice, so it could be read in two ways and was not opened.", where)
					}
					if structPaths[path] {
						return refuse("The bundle's manifest.json gives both %q and %q, so it could be read in two ways and was not opened.", prev, key)
					}
				}
				seen[strings.ToLower(key)] = key
				if structPaths[path] && !knownMembers[key] && knownMembers[strings.ToLower(key)] {
					return refuse("The bundle's manifest.json spells %q as %q, which Claude would not read, so it was not opened.", strings.ToLower(key), key)
				}
				if path == "user_config" {
					order = append(order, key)
				}
				child := strings.TrimPrefix(path+"."+key, ".")
				if parentIsMap(path) {
					child = strings.TrimPrefix(path+".*", ".")
				}
				if err := walk(child, depth+1); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		}
		return nil
	}
	if err := walk("", 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, refuse("The bundle's manifest.json has more after its JSON document, so it was not opened.")
	}
	return order, nil
}

// parentIsMap says whether the object at path is a map whose keys are names the bundle
// chooses (settings, variables, platforms), not members of a struct.
func parentIsMap(path string) bool {
	switch path {
	case "user_config", "server.mcp_config.platform_overrides", "server.mcp_config.env",
		"compatibility.runtimes", "_meta":
		return true
	}
	return strings.HasSuffix(path, ".env")
}

// validate checks what every use of the manifest relies on.
func (m *Manifest) validate() error {
	v := m.ManifestVersion
	if v == "" {
		v = m.DXTVersion
	}
	if v == "" {
		return refuse("The bundle's manifest.json has no manifest_version, so it is not a bundle MCP Tray can read.")
	}
	if m.ManifestVersion != "" && m.DXTVersion != "" && m.ManifestVersion != m.DXTVersion {
		return refuse("The bundle's manifest.json gives two different versions (manifest_version and dxt_version), so it was not opened.")
	}
	if strings.TrimSpace(m.Name) == "" {
		return refuse("The bundle's manifest.json has no name, so it was not opened.")
	}
	if strings.TrimSpace(m.Version) == "" {
		return refuse("The bundle's manifest.json has no version, so it was not opened.")
	}
	if len(m.Version) > 128 || strings.ContainsAny(m.Version, "/\\:\x00 ") || strings.HasPrefix(m.Version, ".") {
		return refuse("The bundle's version %q cannot name a folder, so it was not opened.", m.Version)
	}
	switch m.Server.Type {
	case TypeNode, TypePython, TypeBinary, TypeUV:
	case "":
		return refuse("The bundle's manifest.json does not say what kind of server it holds (server.type), so it was not opened.")
	default:
		return refuse("The bundle holds a %q server, which MCP Tray cannot run (it runs node, python, uv and binary servers).", m.Server.Type)
	}
	if m.Server.EntryPoint == "" {
		return refuse("The bundle's manifest.json has no entry point (server.entry_point), so it was not opened.")
	}
	if strings.TrimSpace(m.Server.MCPConfig.Command) == "" {
		return refuse("The bundle's manifest.json does not say which command starts the server (server.mcp_config.command), so it was not opened.")
	}
	for _, k := range m.order {
		s := m.UserConfig[k]
		if !settingKeyRE(k) {
			return refuse("The bundle asks for a setting named %q, which MCP Tray cannot use as a name.", k)
		}
		switch s.Type {
		case ConfigString, ConfigNumber, ConfigBoolean, ConfigDirectory, ConfigFile:
		default:
			return refuse("The bundle's setting %q has the type %q, which MCP Tray does not know.", k, s.Type)
		}
		if s.Multiple && s.Sensitive {
			return refuse("The bundle's setting %q is both secret and a list, which MCP Tray cannot keep in the keychain.", k)
		}
	}
	return nil
}

// settingKeyRE accepts keys that can name a keychain item and an answer: letters, digits,
// "_", "-" and ".".
func settingKeyRE(k string) bool {
	if k == "" || len(k) > 100 {
		return false
	}
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}
