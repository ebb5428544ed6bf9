package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/mcptray/mcptray/sandbox"
)

// Runtime is the program that fetches and starts a package.
type Runtime string

// Runtimes, one per supported registry type.
const (
	RuntimeNPX    Runtime = "npx"    // npm packages; comes with Node.js
	RuntimeUVX    Runtime = "uvx"    // PyPI packages; comes with uv
	RuntimeDocker Runtime = "docker" // OCI images
)

// Tool is what a person installs to get the runtime's command.
func (r Runtime) Tool() string {
	switch r {
	case RuntimeNPX:
		return "Node.js"
	case RuntimeUVX:
		return "uv"
	case RuntimeDocker:
		return "Docker"
	}
	return string(r)
}

// InstallHint is the sentence to show when the runtime's command cannot be found, e.g.
// "This server needs Node.js; install it from https://nodejs.org and try again." It names
// the runtime in plain words (Plain).
func (r Runtime) InstallHint() string {
	var where string
	switch r {
	case RuntimeNPX:
		where = "https://nodejs.org"
	case RuntimeUVX:
		where = "https://docs.astral.sh/uv/"
	case RuntimeDocker:
		where = "https://www.docker.com/products/docker-desktop/"
	default:
		return fmt.Sprintf("This server needs %s, which was not found on this computer.", r)
	}
	it := "it"
	if r == RuntimeUVX {
		it = "them"
	}
	return fmt.Sprintf("This server needs %s; install %s from %s and try again.", r.Plain(), it, where)
}

// Question is one thing to ask a person before installing. Answers are passed to Plan in a
// map keyed by Question.Key. A repeated question takes several values joined by newlines
// (see JoinRepeated).
type Question struct {
	Key         string   `json:"key"`                   // answer map key: env var name, valueHint or flag name
	Label       string   `json:"label"`                 // short human label derived from the key
	Description string   `json:"description,omitempty"` // plain words from the entry
	Required    bool     `json:"required"`
	Secret      bool     `json:"secret"` // read without echo; stored in the keychain only
	Default     string   `json:"default,omitempty"`
	Choices     []string `json:"choices,omitempty"`
	Format      string   `json:"format"` // string, number, boolean or filepath
	Repeated    bool     `json:"repeated,omitempty"`
	Placeholder string   `json:"placeholder,omitempty"`
	// Kind is how to ask: KindText, KindSecret, KindChoice, KindCheckbox, KindPath or
	// KindNumber. A checkbox's Description says what ticking it does.
	Kind string `json:"kind"`
}

// JoinRepeated joins several answers to a repeated question into the one string Plan expects.
func JoinRepeated(values ...string) string { return strings.Join(values, "\n") }

// InstallPlan is everything needed to add a catalog entry as a server: the exact command,
// the environment, the secrets kept apart, and the questions that were (or must be) asked.
// It never holds a secret outside Secrets, whose values print as "[redacted]".
type InstallPlan struct {
	EntryID string `json:"entryId"` // catalog id the plan came from
	Name    string `json:"name"`    // suggested local server name, e.g. "github"
	Server  string `json:"server"`  // registry name, e.g. "io.github.github/github-mcp-server"
	Version string `json:"version"` // exact package version (image tag or digest for docker)

	// Runtime and Command are empty for a remote server.
	Runtime Runtime           `json:"runtime,omitempty"`
	Command string            `json:"command,omitempty"` // "npx", "uvx" or "docker"; resolve with PATH
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"` // non-secret environment only
	Secrets []Secret          `json:"secrets,omitempty"`
	Remote  *RemotePlan       `json:"remote,omitempty"`
	// Sandbox is what the server may touch when it runs confined (see sandboxFor); nil for
	// remote and Docker servers, which MCP Tray does not confine.
	Sandbox *sandbox.Spec `json:"sandbox,omitempty"`

	Questions []Question `json:"questions"`

	// launch is how many leading Args the runtime itself reads, through the package and the
	// program it names (0: unknown, all of them); Hazards looks only there.
	launch int
	// spec is the package as the plan names it to the runtime ("pkg@1.2.3", "pkg==1.2.3").
	spec string
}

// RemotePlan describes a server reached over HTTP instead of a local process.
type RemotePlan struct {
	Transport string            `json:"transport"` // "streamable-http" or "sse"
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"` // non-secret headers only
}

// Plan turns an entry and a person's answers into an InstallPlan. It uses the entry's first
// package, or its first remote when it has no package. It fails, naming the question, when
// a required answer is missing or an answer does not fit; it fails when an answer key matches
// no question; and it refuses entries that would put a secret on the command line or in a
// URL. Answers are trimmed of surrounding white space; an empty answer means "not answered"
// and falls back to the question's default. Plan does no I/O beyond looking up the home
// directory for "~/" paths; it is safe for concurrent use.
func Plan(e Entry, answers map[string]string) (InstallPlan, error) {
	return plan(e, answers, false)
}

// Questions lists what Plan will ask for, in the order the entry declares it, without
// needing any answers. Ask these, then call Plan.
func Questions(e Entry) ([]Question, error) {
	p, err := plan(e, nil, true)
	return p.Questions, err
}

func plan(e Entry, answers map[string]string, collect bool) (InstallPlan, error) {
	p := InstallPlan{
		EntryID: e.ID(),
		Name:    SuggestedName(e),
		Server:  e.Server.Name,
		Version: e.Server.Version,
		Env:     map[string]string{},
	}
	r := newResolver(answers, collect)
	if !collect {
		// A first pass merges every use of each key, so a value that is secret anywhere is
		// treated as secret everywhere, even where an earlier use did not say so.
		pre, err := plan(e, nil, true)
		if err != nil {
			return InstallPlan{}, err
		}
		r.secretKeys = map[string]bool{}
		for _, q := range pre.Questions {
			r.secretKeys[q.Key] = q.Secret
		}
	}
	var err error
	switch {
	case len(e.Server.Packages) > 0:
		err = r.planPackage(e, e.Server.Packages[0], &p)
	case len(e.Server.Remotes) > 0:
		err = r.planRemote(e.Server.Remotes[0], &p)
	default:
		err = fmt.Errorf("%w: the entry has nothing to run", ErrInvalidEntry)
	}
	if err == nil && !collect {
		err = r.checkUnknown()
	}
	if err != nil {
		return InstallPlan{}, fmt.Errorf("planning the install of %s: %w", e.ID(), err)
	}
	plainQuestions(r.questions)
	p.Questions = r.questions
	p.Sandbox = sandboxFor(e, p.Runtime, r.folders)
	if len(p.Env) == 0 {
		p.Env = nil
	}
	return p, nil
}

func (r *resolver) planPackage(e Entry, pkg Package, p *InstallPlan) error {
	rt := runtimeFor[pkg.RegistryType]
	p.Runtime, p.Command, p.Version = rt, string(rt), pkg.Version

	runtimeArgs, err := r.renderArgs("runtimeArguments", pkg.RuntimeArguments, rt == RuntimeDocker, pkg, p)
	if err != nil {
		return err
	}
	packageArgs, err := r.renderArgs("packageArguments", pkg.PackageArguments, false, pkg, p)
	if err != nil {
		return err
	}
	for i, kv := range pkg.EnvironmentVariables {
		if err := r.env(fmt.Sprintf("environmentVariables[%d]", i), kv, p); err != nil {
			return err
		}
	}

	args := runtimeArgs
	switch rt {
	case RuntimeNPX:
		args = append(args, "-y")
		if base := pkg.RegistryBaseURL; base != "" && !isHost(base, "registry.npmjs.org") {
			args = append(args, "--registry="+base)
		}
		spec := pkg.Identifier + "@" + pkg.Version
		p.spec = spec
		if e.Meta.Command != "" {
			args = append(args, "--package="+spec, e.Meta.Command)
		} else {
			args = append(args, spec)
		}
	case RuntimeUVX:
		if base := pkg.RegistryBaseURL; base != "" && !isHost(base, "pypi.org") {
			return fmt.Errorf("%w: it comes from the Python index at %s, and MCP Tray installs only from pypi.org", ErrUnsupported, base)
		}
		if cmd := e.Meta.Command; cmd != "" && cmd != pkg.Identifier {
			p.spec = pkg.Identifier + "==" + pkg.Version
			args = append(args, "--from", p.spec, cmd)
		} else {
			// uvx takes "name@version" for an exact version; "name==version" is refused.
			p.spec = pkg.Identifier + "@" + pkg.Version
			args = append(args, p.spec)
		}
	case RuntimeDocker:
		ref := imageReference(pkg)
		p.Version = firstNonEmpty(ref.Tag, ref.Digest)
		docker := []string{"run", "-i", "--rm"}
		for _, name := range r.envOrder {
			// "-e NAME" without a value: docker copies the value from its own environment,
			// so secrets never appear in the process list.
			docker = append(docker, "-e", name)
		}
		p.spec = ref.String()
		args = append(append(docker, args...), ref.String())
	}
	p.launch = len(args)
	p.Args = append(args, packageArgs...)
	return nil
}

// renderArgs renders a list of arguments. For docker runtime arguments it drops what MCP
// Tray adds itself ("run", -i, --rm, the image name) and turns "-e NAME=value" into an
// environment variable, so a secret variable ends up in the keychain instead of argv.
func (r *resolver) renderArgs(path string, list []Argument, dockerRuntime bool, pkg Package, p *InstallPlan) ([]string, error) {
	var out []string
	image := parseImageRef(pkg.Identifier)
	for i, a := range list {
		ap := fmt.Sprintf("%s[%d]", path, i)
		if dockerRuntime {
			skip, err := r.dockerRuntimeArg(ap, a, image, p)
			if err != nil {
				return nil, err
			}
			if skip {
				continue
			}
		}
		argv, err := r.renderArg(ap, a)
		if err != nil {
			return nil, err
		}
		out = append(out, argv...)
	}
	return out, nil
}

func (r *resolver) dockerRuntimeArg(path string, a Argument, image imageRef, p *InstallPlan) (skip bool, err error) {
	switch a.Type {
	case ArgPositional:
		return a.Value == "run" || a.Value == image.Name || a.Value == image.String(), nil
	case ArgNamed:
		switch a.Name {
		case "-i", "--interactive", "--rm":
			return true, nil
		case "-e", "--env":
			name, expr, hasValue := strings.Cut(a.Value, "=")
			if !envNameRE.MatchString(name) {
				return false, nil
			}
			if !hasValue {
				r.addEnvName(name)
				return true, nil
			}
			kv := KeyValueInput{Name: name, InputWithVariables: a.InputWithVariables}
			kv.Value = expr
			return true, r.env(path, kv, p)
		}
	}
	return false, nil
}

func (r *resolver) planRemote(rem Remote, p *InstallPlan) error {
	p.Runtime, p.Command = "", ""
	u, secret, ok, err := r.expand("remotes[0].url", InputWithVariables{Input: Input{Value: rem.URL}, Variables: rem.Variables}, true)
	if err != nil {
		return err
	}
	if secret {
		return fmt.Errorf("%w: the web address of this server would contain a secret", ErrSecretInArgs)
	}
	if ok && !isWebURL(u) && !r.collect {
		return fmt.Errorf("%w: the server address %q is not a web address", ErrBadAnswer, u)
	}
	p.Remote = &RemotePlan{Transport: rem.Type, URL: u, Headers: map[string]string{}}
	for i, h := range rem.Headers {
		val, secret, ok, err := r.keyValue(fmt.Sprintf("remotes[0].headers[%d]", i), h)
		if err != nil {
			return err
		}
		switch {
		case !ok:
		case secret:
			p.Secrets = append(p.Secrets, Secret{Header: h.Name, Value: SecretValue(val)})
		default:
			p.Remote.Headers[h.Name] = val
		}
	}
	if len(p.Remote.Headers) == 0 {
		p.Remote.Headers = nil
	}
	return nil
}

// Key is the name the secret is kept under in the keychain: its environment variable, or
// for a remote server's header the header's name as a secret's name ("X-Api-Key" →
// "X_API_KEY"), which config.json's header value names as ${secret:X_API_KEY}.
//
// Servers installed from the catalog have their header secrets stored under these names, so
// no header may ever get a different name (TestSecretKeySameAsBefore). That is also why it
// stays apart from clients' envName and cmd/mcptray's secretKeyFor, which read alike but
// answer otherwise and name other stored items: it turns a run of other characters into one
// _ (a--b → A_B, where both others give A__B), trims _ from both ends (-x- → X, where
// secretKeyFor gives _X_), puts H_ before an empty name or one that starts with a digit
// (envName, SECRET_), and lowers the case before it looks at a letter, not after, so ı gives
// H_ and the Kelvin sign K gives K (the others: I, and SECRET_ or _).
func (s Secret) Key() string {
	if s.Env != "" || s.Header == "" {
		return s.Env
	}
	key := strings.Trim(nameJunkRE.ReplaceAllString(strings.ToLower(s.Header), "_"), "_")
	if key == "" || key[0] >= '0' && key[0] <= '9' {
		key = "h_" + key
	}
	return strings.ToUpper(key)
}

// imageReference returns the pinned image to run: the identifier's tag or digest, or the
// package version as the tag. A registryBaseUrl other than Docker Hub is prefixed when the
// identifier names no registry host of its own.
func imageReference(pkg Package) imageRef {
	ref := parseImageRef(pkg.Identifier)
	if ref.Tag == "" && ref.Digest == "" {
		ref.Tag = pkg.Version
	}
	if base := pkg.RegistryBaseURL; base != "" && !hasRegistryHost(ref.Name) {
		if u, err := url.Parse(base); err == nil && u.Host != "" &&
			!strings.HasSuffix(u.Host, "docker.io") && !strings.HasSuffix(u.Host, "docker.com") {
			ref.Name = u.Host + "/" + ref.Name
		}
	}
	return ref
}

func hasRegistryHost(name string) bool {
	first, _, found := strings.Cut(name, "/")
	return found && (strings.ContainsAny(first, ".:") || first == "localhost")
}

func isHost(rawURL, host string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && strings.EqualFold(u.Hostname(), host)
}

var nameJunkRE = regexp.MustCompile(`[^a-z0-9]+`)

// SuggestedName is the local server name an entry installs under unless the person names it:
// the catalog id, else the registry name's last part cleaned up to a valid server name
// ("io.github.acme/Weather_Server" → "weather-server", at most 63 characters, "server" when
// nothing is left).
func SuggestedName(e Entry) string {
	if e.Meta.ID != "" {
		return e.Meta.ID
	}
	n := strings.Trim(nameJunkRE.ReplaceAllString(strings.ToLower(shortName(e.Server.Name)), "-"), "-")
	if len(n) > 63 {
		n = strings.Trim(n[:63], "-")
	}
	if n == "" {
		n = "server"
	}
	return n
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// PackageArgs are the arguments that go to the server itself, after the package (and the
// program it names); all of Args when the plan did not come from Plan.
func (p InstallPlan) PackageArgs() []string {
	if p.launch > 0 && p.launch <= len(p.Args) {
		return p.Args[p.launch:]
	}
	return p.Args
}
