package bundle

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/sandbox"
)

// RegistryType is the MCP Registry's package type for bundles.
const RegistryType = "mcpb"

// Runtime is the InstallPlan runtime of a bundle's server.
const Runtime = catalog.RuntimeBundle

// IDPrefix starts the install id of a bundle file: "mcpb:sha256:HEX:PATH" names the file and
// the exact bytes the person was shown.
const IDPrefix = "mcpb:"

// ID is the install id of the bundle read from file.
func (b *Bundle) ID(file string) string { return IDPrefix + "sha256:" + b.SHA256 + ":" + file }

// ParseID splits an install id made by ID; ok is false for any other id.
func ParseID(id string) (sha, file string, ok bool) {
	rest, ok := strings.CutPrefix(id, IDPrefix+"sha256:")
	if !ok {
		return "", "", false
	}
	sha, file, ok = strings.Cut(rest, ":")
	if !ok || len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" || !filepath.IsAbs(file) {
		return "", "", false
	}
	return sha, file, true
}

// Entry is the bundle as a catalog entry (Origin catalog.OriginFile), so the install flow can
// show and record it like any other: its package is the bundle, pinned by its sha256.
func (b *Bundle) Entry() catalog.Entry {
	m := b.Manifest
	s := catalog.Server{
		// Prefixed, so a bundle can never pass for the catalog entry of the same name (an
		// update would then replace it with that entry's package).
		Name:        "mcpb/" + m.Name,
		Title:       m.Title(),
		Description: firstLine(m.Description),
		Version:     m.Version,
		WebsiteURL:  m.Homepage,
		Packages: []catalog.Package{{RegistryType: RegistryType, Identifier: "sha256:" + b.SHA256,
			Version: m.Version, FileSHA256: b.SHA256, Transport: catalog.Transport{Type: "stdio"}}},
	}
	if r := m.Repository; r != nil && r.URL != "" {
		s.Repository = &catalog.Repository{URL: r.URL, Source: r.Type}
	}
	return catalog.Entry{Server: s, Origin: catalog.OriginFile}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// Questions are the bundle's user_config settings as catalog questions, in manifest order:
// sensitive ones are secrets (kept in the keychain only), multiple ones repeated; defaults
// have ${HOME} and the other places filled in.
func (b *Bundle) Questions(places Places) []catalog.Question {
	m := b.Manifest
	var qs []catalog.Question
	for _, k := range m.order {
		s := m.UserConfig[k]
		q := catalog.Question{Key: k, Label: s.Title, Description: s.Description, Required: s.Required,
			Secret: s.Sensitive, Repeated: s.Multiple, Default: places.expand(defaultText(s.Default)), Format: catalog.FormatString, Kind: catalog.KindText}
		if q.Label == "" {
			q.Label = k
		}
		switch {
		case s.Sensitive:
			q.Kind = catalog.KindSecret
			q.Default = "" // a secret's default would sit in the manifest for all to read
		case s.Type == ConfigNumber:
			q.Format, q.Kind = catalog.FormatNumber, catalog.KindNumber
		case s.Type == ConfigBoolean:
			q.Format, q.Kind = catalog.FormatBoolean, catalog.KindCheckbox
		case s.Type == ConfigDirectory || s.Type == ConfigFile:
			q.Format, q.Kind = catalog.FormatFilepath, catalog.KindPath
		}
		qs = append(qs, q)
	}
	return qs
}

// defaultText is a manifest default as an answer: a list joined as a repeated answer.
func defaultText(v any) string {
	switch d := v.(type) {
	case nil:
		return ""
	case string:
		return d
	case bool:
		return strconv.FormatBool(d)
	case float64:
		return strconv.FormatFloat(d, 'f', -1, 64)
	case []any:
		var parts []string
		for _, p := range d {
			parts = append(parts, fmt.Sprint(p))
		}
		return catalog.JoinRepeated(parts...)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Places are the folders the manifest's ${HOME}, ${DESKTOP}, ${DOCUMENTS} and ${DOWNLOADS}
// name; PlacesOf fills them in from a home folder.
type Places struct{ Home, Desktop, Documents, Downloads string }

// PlacesOf is the usual places under home.
func PlacesOf(home string) Places {
	return Places{Home: home, Desktop: filepath.Join(home, "Desktop"), Documents: filepath.Join(home, "Documents"),
		Downloads: filepath.Join(home, "Downloads")}
}

var varRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// expand fills in ${HOME}, ${DESKTOP}, ${DOCUMENTS} and ${DOWNLOADS}.
func (p Places) expand(s string) string {
	return varRE.ReplaceAllStringFunc(s, func(v string) string {
		switch v[2 : len(v)-1] {
		case "HOME":
			return p.Home
		case "DESKTOP":
			return p.Desktop
		case "DOCUMENTS":
			return p.Documents
		case "DOWNLOADS":
			return p.Downloads
		}
		return v
	})
}

// Plan turns the bundle and a person's answers into the plan the installer runs: the command
// line and environment with every ${…} filled in, dir being the folder the bundle is unpacked
// into. Sensitive settings become secrets (the keychain, then the server's environment): one
// used anywhere but as a whole environment value is refused, as is a command that would run a
// program inside the bundle from outside dir. goos picks platform_overrides. Plan does no I/O.
func (b *Bundle) Plan(answers map[string]string, dir, goos string, places Places) (catalog.InstallPlan, error) {
	m := b.Manifest
	qs := b.Questions(places)
	for k := range answers {
		if !slices.ContainsFunc(qs, func(q catalog.Question) bool { return q.Key == k }) {
			return catalog.InstallPlan{}, refuse("%s has no setting named %q.", m.shownTitle(), k)
		}
	}
	expandPlaces := places.expand
	values := map[string][]string{}
	secrets := map[string]string{}
	var folders []string
	for _, q := range qs {
		s := m.UserConfig[q.Key]
		raw := strings.TrimSpace(answers[q.Key])
		if raw == "" {
			raw = q.Default
		}
		if raw == "" {
			if q.Required {
				return catalog.InstallPlan{}, refuse("%s needs a value for %q (%s).", m.shownTitle(), q.Label, q.Key)
			}
			continue
		}
		if s.Sensitive {
			secrets[q.Key] = raw
			continue
		}
		parts := []string{raw}
		if s.Multiple {
			parts = nil
			for _, p := range strings.Split(raw, "\n") {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
		}
		for i, p := range parts {
			v, err := checkAnswer(m.shownTitle(), q, s, p, places.Home)
			if err != nil {
				return catalog.InstallPlan{}, err
			}
			parts[i] = v
			if q.Format == catalog.FormatFilepath {
				folders = append(folders, v)
			}
		}
		values[q.Key] = parts
	}

	cl := CommandLine{Command: m.Server.MCPConfig.Command, Args: m.Server.MCPConfig.Args, Env: m.Server.MCPConfig.Env}
	if o, ok := m.Server.MCPConfig.PlatformOverrides[Platform(goos)]; ok {
		if o.Command != "" {
			cl.Command = o.Command
		}
		if o.Args != nil {
			cl.Args = o.Args
		}
		if o.Env != nil {
			cl.Env = o.Env
		}
	}
	sep := string(filepath.Separator)
	fill := func(where, s string) (string, error) {
		var err error
		out := varRE.ReplaceAllStringFunc(s, func(v string) string {
			name := v[2 : len(v)-1]
			switch name {
			case "__dirname":
				return dir
			case "pathSeparator", "/":
				return sep
			case "HOME", "DESKTOP", "DOCUMENTS", "DOWNLOADS":
				return expandPlaces(v)
			}
			key, ok := strings.CutPrefix(name, "user_config.")
			if !ok {
				return v // left as written, as Claude does
			}
			if _, secret := secrets[key]; secret || m.UserConfig[key].Sensitive {
				err = refuse("%s would put the secret %q into %s, where other programs can read it; MCP Tray passes secrets only as a whole environment variable.", m.shownTitle(), key, where)
				return v
			}
			vals := values[key]
			if len(vals) > 1 {
				err = refuse("%s puts the list %q inside %s, which MCP Tray cannot fill in.", m.shownTitle(), key, where)
			}
			return strings.Join(vals, "")
		})
		return out, err
	}

	p := catalog.InstallPlan{EntryID: b.Entry().ID(), Name: catalog.SuggestedName(b.Entry()), Server: m.Name,
		Version: m.Version, Runtime: Runtime, Env: map[string]string{}, Questions: qs}
	cmd, err := fill("the command", cl.Command)
	if err != nil {
		return catalog.InstallPlan{}, err
	}
	p.Command = cmd
	for _, a := range cl.Args {
		// A whole-argument list setting expands to one argument per value, as Claude does.
		if mm := varRE.FindStringSubmatch(a); mm != nil && mm[0] == a && strings.HasPrefix(mm[1], "user_config.") {
			key := strings.TrimPrefix(mm[1], "user_config.")
			if _, secret := secrets[key]; !secret && !m.UserConfig[key].Sensitive {
				if vals, ok := values[key]; ok {
					p.Args = append(p.Args, vals...)
				}
				if _, known := m.UserConfig[key]; known {
					continue
				}
			}
		}
		v, err := fill("the command line", a)
		if err != nil {
			return catalog.InstallPlan{}, err
		}
		p.Args = append(p.Args, v)
	}
	for _, k := range sortedKeys(cl.Env) {
		val := cl.Env[k]
		if mm := varRE.FindStringSubmatch(val); mm != nil && mm[0] == val {
			if key, ok := strings.CutPrefix(mm[1], "user_config."); ok && m.UserConfig[key].Sensitive {
				if v, ok := secrets[key]; ok {
					p.Secrets = append(p.Secrets, catalog.Secret{Env: k, Value: catalog.SecretValue(v)})
				}
				continue
			}
		}
		v, err := fill("the variable "+k, val)
		if err != nil {
			return catalog.InstallPlan{}, err
		}
		p.Env[k] = v
	}
	for _, a := range append([]string{p.Command}, p.Args...) {
		if ref := config.SecretRef.FindString(a); ref != "" {
			// MCP Tray fills ${secret:NAME} in from the keychain when the server starts.
			return catalog.InstallPlan{}, refuse("%s would put a saved secret (%s) on its command line, where other programs can read it; MCP Tray passes secrets only as a whole environment variable.", m.shownTitle(), ref)
		}
	}
	if err := checkCommand(m, p.Command, dir); err != nil {
		return catalog.InstallPlan{}, err
	}
	if len(p.Env) == 0 {
		p.Env = nil
	}
	p.Sandbox = &sandbox.Spec{Network: true, Write: folders}
	return p, nil
}

// checkCommand refuses a command that names a path outside the bundle: a bundle runs its
// own program or a runtime found on PATH (node, python, uv), nothing else by path.
func checkCommand(m *Manifest, cmd, dir string) error {
	if cmd == "" {
		return refuse("%s does not say which command starts it.", m.shownTitle())
	}
	if !strings.ContainsAny(cmd, `/\`) {
		return nil
	}
	clean := filepath.Clean(cmd)
	rel, err := filepath.Rel(dir, clean)
	if !filepath.IsAbs(clean) || err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return refuse("%s would run %s, a program outside the bundle, so it was not installed.", m.shownTitle(), display.Line(cmd))
	}
	return nil
}

// checkAnswer checks one value of a non-secret setting and returns it as it is used.
func checkAnswer(title string, q catalog.Question, s Setting, v, home string) (string, error) {
	switch s.Type {
	case ConfigNumber:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "", refuse("The setting %q of %s takes a number, not %q.", q.Label, title, v)
		}
		if s.Min != nil && n < *s.Min || s.Max != nil && n > *s.Max {
			return "", refuse("The setting %q of %s takes a number %s.", q.Label, title, rangeWords(s.Min, s.Max))
		}
	case ConfigBoolean:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", refuse("The setting %q of %s takes true or false, not %q.", q.Label, title, v)
		}
		return strconv.FormatBool(b), nil
	case ConfigDirectory, ConfigFile:
		if rest, ok := strings.CutPrefix(v, "~"); ok && (rest == "" || rest[0] == '/' || rest[0] == os.PathSeparator) {
			v = filepath.Join(home, rest)
		}
		if !filepath.IsAbs(v) {
			return "", refuse("The setting %q of %s takes a full path (like %s), not %q.", q.Label, title, filepath.Join(home, "Documents"), v)
		}
		return filepath.Clean(v), nil
	}
	return v, nil
}

func rangeWords(lo, hi *float64) string {
	f := func(x *float64) string { return strconv.FormatFloat(*x, 'f', -1, 64) }
	switch {
	case lo != nil && hi != nil:
		return "from " + f(lo) + " to " + f(hi)
	case lo != nil:
		return "of at least " + f(lo)
	default:
		return "of at most " + f(hi)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
