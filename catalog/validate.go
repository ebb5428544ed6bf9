package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/config"
)

// oldestSchema is the first server.json schema with today's camelCase field names. Documents
// declaring an older schema use snake_case names that would silently read as empty, so they
// are refused. The shapes MCP Tray reads are the same from this date through 2025-10-17 and
// 2025-12-11, which is why registry entries published with 2025-09-29 still parse.
const oldestSchema = "2025-09-16"

var (
	serverNameRE = regexp.MustCompile(`^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`)
	schemaDateRE = regexp.MustCompile(`/schemas/(\d{4}-\d{2}-\d{2})/`)
	npmNameRE    = regexp.MustCompile(`^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$`)
	pypiNameRE   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)
	imageNameRE  = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$`)
	envNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	headerNameRE = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_|~-]+$`)
	varNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	hintRE       = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	flagRE       = regexp.MustCompile(`^--?[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	catalogIDRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	commandRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// remoteURLRE is the schema's pattern: a web address or a {variable}, possibly with more
	// {variables} inside (even in the host name), checked again once they are filled in.
	remoteURLRE = regexp.MustCompile(`^(https?://[^\s]+|\{[a-zA-Z_][a-zA-Z0-9_]*\}[^\s]*)$`)
)

// runtimeFor maps a registry type to the only runtime MCP Tray uses for it.
var runtimeFor = map[string]Runtime{
	RegistryNPM:  RuntimeNPX,
	RegistryPyPI: RuntimeUVX,
	RegistryOCI:  RuntimeDocker,
	RegistryMCPB: RuntimeBundle,
}

func invalid(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidEntry, path, fmt.Sprintf(format, args...))
}

// validateServer applies the schema's rules plus MCP Tray's: exact versions only, known
// package types only, stdio packages only, and names that cannot be mistaken for flags. A
// runtimeHint other than the runtime MCP Tray uses (npx, uvx, docker) is only an error when
// the package has runtime arguments, which would then be written for another program.
func validateServer(s *Server) error {
	if m := schemaDateRE.FindStringSubmatch(s.Schema); m != nil && m[1] < oldestSchema {
		return invalid("$schema", "schema %s is older than %s; MCP Tray reads the current server.json format", m[1], oldestSchema)
	}
	if !serverNameRE.MatchString(s.Name) || len(s.Name) > 200 {
		return invalid("name", "%q is not a reverse-DNS server name such as io.github.owner/server", s.Name)
	}
	if strings.TrimSpace(s.Description) == "" {
		return invalid("description", "missing")
	}
	if !isExactVersion(s.Version) {
		return invalid("version", "%q is not one exact version", s.Version)
	}
	if r := s.Repository; r != nil && (!isWebURL(r.URL) || r.Source == "") {
		return invalid("repository", "needs a web address and a source such as \"github\"")
	}
	if s.WebsiteURL != "" && !isWebURL(s.WebsiteURL) {
		return invalid("websiteUrl", "%q is not a web address", s.WebsiteURL)
	}
	if len(s.Packages) == 0 && len(s.Remotes) == 0 {
		return invalid("packages", "the entry has no package and no remote, so there is nothing to run")
	}
	for i := range s.Packages {
		if err := validatePackage(fmt.Sprintf("packages[%d]", i), &s.Packages[i]); err != nil {
			return err
		}
	}
	for i := range s.Remotes {
		if err := validateRemote(fmt.Sprintf("remotes[%d]", i), &s.Remotes[i]); err != nil {
			return err
		}
	}
	return nil
}

func validatePackage(path string, p *Package) error {
	rt, ok := runtimeFor[p.RegistryType]
	if !ok {
		return invalid(path+".registryType", "%q is not a package type MCP Tray can install (npm, pypi, oci or mcpb)", p.RegistryType)
	}
	if p.Identifier == "" {
		return invalid(path+".identifier", "missing")
	}
	switch p.RegistryType {
	case RegistryMCPB:
		if err := ValidateBundlePackage(path, *p); err != nil {
			return err
		}
	case RegistryNPM, RegistryPyPI:
		re := npmNameRE
		if p.RegistryType == RegistryPyPI {
			re = pypiNameRE
		}
		if !re.MatchString(p.Identifier) {
			return invalid(path+".identifier", "%q is not a valid %s package name", p.Identifier, p.RegistryType)
		}
		if !isExactPackageVersion(p.RegistryType, p.Version) {
			return invalid(path+".version", "%q is not one exact %s version", p.Version, p.RegistryType)
		}
	case RegistryOCI:
		ref := parseImageRef(p.Identifier)
		if !imageNameRE.MatchString(ref.Name) {
			return invalid(path+".identifier", "%q is not a valid image name", p.Identifier)
		}
		switch {
		case ref.Digest != "":
			if !digestRE.MatchString(ref.Digest) {
				return invalid(path+".identifier", "%q has a malformed digest", p.Identifier)
			}
		case ref.Tag != "":
			if !isPinnedTag(ref.Tag) {
				return invalid(path+".identifier", "tag %q can change under you; MCP Tray needs a version tag or a digest", ref.Tag)
			}
		case !isPinnedTag(p.Version):
			return invalid(path+".version", "%q is not one exact image version, and the identifier has no tag or digest", p.Version)
		}
	}
	if p.RegistryBaseURL != "" && !isWebURL(p.RegistryBaseURL) {
		return invalid(path+".registryBaseUrl", "%q is not a web address", p.RegistryBaseURL)
	}
	if len(p.RuntimeArguments) > 0 && p.RuntimeHint != "" && p.RuntimeHint != string(rt) {
		return invalid(path+".runtimeHint", "runtime arguments are written for %q, but MCP Tray runs %s packages with %s", p.RuntimeHint, p.RegistryType, rt)
	}
	if p.Transport.Type != "stdio" {
		return invalid(path+".transport", "type %q: MCP Tray runs local packages over stdio only", p.Transport.Type)
	}
	for i := range p.RuntimeArguments {
		if err := validateArgument(fmt.Sprintf("%s.runtimeArguments[%d]", path, i), &p.RuntimeArguments[i]); err != nil {
			return err
		}
	}
	for i := range p.PackageArguments {
		if err := validateArgument(fmt.Sprintf("%s.packageArguments[%d]", path, i), &p.PackageArguments[i]); err != nil {
			return err
		}
	}
	for i, kv := range p.EnvironmentVariables {
		kvPath := fmt.Sprintf("%s.environmentVariables[%d]", path, i)
		if !envNameRE.MatchString(kv.Name) {
			return invalid(kvPath+".name", "%q is not a valid environment variable name", kv.Name)
		}
		if err := validateInputWithVariables(kvPath, kv.InputWithVariables); err != nil {
			return err
		}
	}
	return nil
}

func validateArgument(path string, a *Argument) error {
	switch a.Type {
	case ArgNamed:
		if !flagRE.MatchString(a.Name) {
			return invalid(path+".name", "%q is not a command-line flag such as --port", a.Name)
		}
	case ArgPositional:
		if a.Value == "" && a.ValueHint == "" {
			return invalid(path, "a positional argument needs a value or a valueHint")
		}
	default:
		return invalid(path+".type", "%q is neither positional nor named", a.Type)
	}
	if a.ValueHint != "" && !hintRE.MatchString(a.ValueHint) {
		return invalid(path+".valueHint", "%q may only hold letters, digits, '.', '_' and '-'", a.ValueHint)
	}
	return validateInputWithVariables(path, a.InputWithVariables)
}

func validateInputWithVariables(path string, in InputWithVariables) error {
	if err := validateInput(path, in.Input); err != nil {
		return err
	}
	for name, v := range in.Variables {
		vp := path + ".variables." + name
		if !varNameRE.MatchString(name) {
			return invalid(vp, "not a valid variable name")
		}
		if err := validateInput(vp, v); err != nil {
			return err
		}
	}
	return nil
}

func validateInput(path string, in Input) error {
	switch in.Format {
	case "", FormatString, FormatNumber, FormatBoolean, FormatFilepath:
	default:
		return invalid(path+".format", "%q is not string, number, boolean or filepath", in.Format)
	}
	if strings.ContainsRune(in.Value+in.Default, 0) {
		return invalid(path, "contains a NUL character")
	}
	if in.Default != "" && len(in.Choices) > 0 && !slices.Contains(in.Choices, in.Default) {
		return invalid(path+".default", "%q is not one of the choices", in.Default)
	}
	return nil
}

func validateRemote(path string, r *Remote) error {
	if r.Type != "streamable-http" && r.Type != "sse" {
		return invalid(path+".type", "%q is neither streamable-http nor sse", r.Type)
	}
	if !remoteURLRE.MatchString(r.URL) {
		return invalid(path+".url", "%q is not a web address", r.URL)
	}
	for name, v := range r.Variables {
		if !varNameRE.MatchString(name) {
			return invalid(path+".variables."+name, "not a valid variable name")
		}
		if err := validateInput(path+".variables."+name, v); err != nil {
			return err
		}
	}
	for i, h := range r.Headers {
		hp := fmt.Sprintf("%s.headers[%d]", path, i)
		if !headerNameRE.MatchString(h.Name) {
			return invalid(hp+".name", "%q is not a valid HTTP header name", h.Name)
		}
		if err := validateInputWithVariables(hp, h.InputWithVariables); err != nil {
			return err
		}
	}
	return nil
}

func validateMeta(m Meta, s Server) error {
	path := "_meta." + MetaKey
	if !catalogIDRE.MatchString(m.ID) {
		return invalid(path+".id", "%q must be lowercase letters, digits and '-'", m.ID)
	}
	if m.Needs != "" {
		if !slices.Contains([]string{NeedsNode, NeedsPython, NeedsDocker}, m.Needs) {
			return invalid(path+".needs", "%q is not node, python or docker", m.Needs)
		}
		if len(s.Packages) > 0 && needsFor(s.Packages[0].RegistryType) != m.Needs {
			return invalid(path+".needs", "%q does not match the %s package", m.Needs, s.Packages[0].RegistryType)
		}
	}
	if m.Source != "" && !isWebURL(m.Source) {
		return invalid(path+".source", "%q is not a web address", m.Source)
	}
	if m.Command != "" && !commandRE.MatchString(m.Command) {
		return invalid(path+".command", "%q is not a plain program name", m.Command)
	}
	if m.Timeout != "" {
		if _, err := config.ParseTimeout(m.Timeout); err != nil {
			return invalid(path+".timeout", "%q is not a timeout such as 30s or 2m", m.Timeout)
		}
	}
	return nil
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
