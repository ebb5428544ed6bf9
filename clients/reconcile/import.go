package reconcile

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/kube"
)

// Import takes over the servers a person configured by hand in an AI client: each becomes an
// MCP Tray server (command, arguments, working folder, environment), every environment value
// that looks like a credential goes to the keychain, and the client's entry is turned in
// place into `mcptray connect NAME`. A credential on the command line (a --password flag, a
// bearer token in --header, a redis://:password@ address: clients.CredentialsInArgs) goes to
// the keychain too, and the argument keeps a placeholder in its place: ${NAME} for a header
// of mcp-remote, which reads it from its environment, ${secret:NAME} otherwise, which the
// supervisor fills in when it starts the process (docs/clients.md); docker's -e NAME=value
// becomes -e NAME. A relative command (./run.sh) is made absolute against the entry's working
// folder, or the client file's folder if it has none (config.AbsCommand). It is file and
// keychain work and needs no daemon: the command line runs it itself, the window through the
// daemon, and a running daemon picks the result up from config.json.
//
// Undo is `client restore`, which puts back the file as it was. That copy must not keep the
// credentials on disk, so the import takes them out of every backup of the file, leaving a
// marker (mcptray-keychain:SERVER/KEY) that RestoreClient fills in from the keychain again.

// ImportOptions configure PlanImport and RestoreClient.
type ImportOptions struct {
	Home config.Home
	// Env says where AI client files are; the zero Env means clients.FromOS().
	Env clients.Env
	// Binary is the mcptray path written into entries; empty means DefaultBinary().
	Binary string
	// Keys receives the credentials (and gives them back on restore).
	Keys keychain.Store
}

// ImportPlan is what an import will do. Making it changes nothing.
type ImportPlan struct {
	// Client is the AI client whose entries are taken over, or nil when the servers come from
	// another manager's setup (PlanManagerImport).
	Client clients.Client
	// From is the name, for the person, of the client or manager the servers come from.
	From    string
	Servers []ImportServer
	Skipped []ImportSkip
	opts    ImportOptions
	prod    kube.Production
}

// ImportServer is one entry of the client's that becomes an MCP Tray server.
type ImportServer struct {
	Path string // the client file holding the entry
	Key  string // the entry's key there
	Name string // the MCP Tray server it becomes
	// Note explains a name other than Key, another entry becoming the same server, the one
	// project that uses it, and which of the entry's own settings MCP Tray keeps and which
	// not; empty when there is nothing to explain.
	Note string
	// Server is the new server: no secret values, only their names in Secrets.
	Server *config.Server
	// Same is true when an earlier entry (another VS Code profile, say) already becomes this
	// server; only the entry is rewritten.
	Same bool
	// KubeContext is, for an entry that reaches Kubernetes (kube.Recognise) and names a
	// kubeconfig file in KUBECONFIG, that file's current context: offered, never chosen, since
	// only the person may let a server reach a context (mcptray kube use). The server is
	// imported as a Kubernetes server with no context, so it does not start until then.
	KubeContext string
	// KubeProduction marks KubeContext as a production context (kube use then needs --yes).
	KubeProduction bool
	// Project is, for a server the client uses in one project only (Claude Code's local
	// scope), that project's folder; its entry stays in that project and the client does not
	// get the server anywhere else through it. "" for a server every session sees.
	Project string
	// AutoApprove are the tools the client called without asking the person. They become
	// allow rules only through ImportPlan.AllowAutoApproved, once the person agreed.
	AutoApprove []string
	// Moved names each credential taken off the command line, and where it was.
	Moved   []MovedCredential
	secrets map[string]string
	client  clients.Client // the client narrowed to the entry's file and scope
}

// MovedCredential is a credential an import takes off a command line into the keychain.
type MovedCredential struct {
	Key   string // the server's secret that keeps it
	Where string // where it was, for the person: "the --password flag"
	// InArgs is set when the started process gets it back on its command line (where other
	// programs of the computer can see it), rather than in its environment.
	InArgs bool
}

// ImportSkip is an entry the import leaves as it is, and why.
type ImportSkip struct {
	Path, Key, Reason string
}

// ImportResult says what Execute did.
type ImportResult struct {
	Files []clients.Result // one per rewritten entry
	// Backups are the copies of each file as it was before the import (credentials taken out).
	Backups []string
	// Warnings are sentences about things that did not go fully to plan.
	Warnings []string
}

// PlanImport reads the client's files and plans the import. It only reads. A file that does
// not parse gives its *clients.FileError.
func PlanImport(opts ImportOptions, id string) (*ImportPlan, error) {
	c, ok := clients.ByID(id)
	if !ok {
		return nil, fmt.Errorf("MCP Tray does not know an AI client called %q", id)
	}
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
	}
	cfg, err := opts.Home.Load()
	if err != nil {
		return nil, err
	}
	p := &ImportPlan{Client: c, From: c.Name(), opts: opts, prod: kube.Production{Patterns: cfg.Settings.ProductionPatterns, Contexts: cfg.Settings.ProductionContexts}}
	taken := map[string]bool{}
	for name := range cfg.Servers {
		taken[name] = true
	}
	for _, path := range c.Paths(opts.Env) {
		cur, err := clients.Read(c, path)
		if err != nil {
			return nil, err
		}
		for _, s := range cur.Servers {
			if !s.Ours {
				p.consider(c, path, s, "", taken)
			}
		}
	}
	b := cfg.Clients[c.ID()]
	everyServer := b != nil && b.Enabled && len(b.Servers) == 0
	for _, sc := range scopedServers(c, opts.Env) {
		switch {
		case sc.Server.Ours: // already MCP Tray's
		case sc.Shared():
			p.Skipped = append(p.Skipped, ImportSkip{Path: sc.Path, Key: sc.Server.Key, Reason: fmt.Sprintf(
				"%s uses it in the project %s only, from the project's own settings, which are usually shared with everyone who works on it; MCP Tray changes only your own files, so it leaves it there", c.Name(), sc.Project)})
		case p.consider(sc.Client(), sc.Path, sc.Server, sc.Project, taken):
			is := &p.Servers[len(p.Servers)-1]
			note := fmt.Sprintf("used in the project %s only (%s scope), where %s keeps starting it through MCP Tray", sc.Project, sc.Scope, c.Name())
			if everyServer {
				note = fmt.Sprintf("used in the project %s only (%s scope); %s is set to see every MCP Tray server, so it will see this one in every project", sc.Project, sc.Scope, c.Name())
			}
			is.Note = joinNotes(note, is.Note)
		}
	}
	return p, nil
}

// consider plans the import of the person's entry s in the file at path of client c (project
// is the one project that uses it, or ""), or records why it stays; it reports whether s
// was planned.
func (p *ImportPlan) consider(c clients.Client, path string, s clients.Server, project string, taken map[string]bool) bool {
	if why := notImportable(p.From, s); why != "" {
		p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: s.Key, Reason: why})
		return false
	}
	dir := p.entryDir(s)
	if dir == "" && project != "" {
		dir = project // the client starts a project's server in the project's folder
		s.Cwd = project
	}
	if dir == "" {
		dir = filepath.Dir(path)
	}
	cmd, err := config.AbsCommand(s.Command, dir)
	if err != nil {
		p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: s.Key, Reason: "its command cannot start: " + err.Error()})
		return false
	}
	s.Command = cmd
	is := p.plan(path, s, taken)
	is.Project, is.client = project, c
	p.Servers = append(p.Servers, is)
	return true
}

// scopedServers are the servers c uses in one project only: Claude Code's local and project
// scopes, Gemini CLI's and Qwen Code's project settings.
func scopedServers(c clients.Client, env clients.Env) []clients.ScopedServer {
	switch c.ID() {
	case "claude-code":
		var out []clients.ScopedServer
		for _, path := range c.Paths(env) {
			content, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			if scoped, err := clients.ClaudeCodeScoped(path, content); err == nil {
				out = append(out, scoped...)
			}
		}
		return out
	case "gemini-cli":
		return clients.GeminiScoped(env)
	case "qwen-code":
		return clients.QwenScoped(env)
	}
	return nil
}

func joinNotes(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

// plan turns one entry into a server, naming it so it clashes with nothing in taken.
func (p *ImportPlan) plan(path string, s clients.Server, taken map[string]bool) ImportServer {
	srv := &config.Server{Command: s.Command, Args: slices.Clone(s.Args), Dir: p.entryDir(s)}
	secrets := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(s.Env)) {
		v := s.Env[k]
		if v != "" && clients.LooksLikeCredential(k, v) {
			secrets[k] = v
			srv.Secrets = append(srv.Secrets, k)
			continue
		}
		if srv.Env == nil {
			srv.Env = map[string]string{}
		}
		srv.Env[k] = v
	}
	carried := p.carrySettings(srv, s)
	moved := moveArgCredentials(srv, secrets)
	if _, ok := kube.Recognise(srv.Command, srv.Args, srv.Env, srv.Secrets); ok {
		srv.Kube = &config.Kube{} // no context: it does not start until the person chooses one
	}
	for _, earlier := range p.Servers {
		if !earlier.Same && earlier.Server.Equal(srv) && maps.Equal(earlier.secrets, secrets) {
			return ImportServer{Path: path, Key: s.Key, Name: earlier.Name, Server: srv, Same: true, Moved: moved, secrets: secrets,
				AutoApprove: s.AutoApprove, Note: joinNotes(fmt.Sprintf("the same server as %q in %s", earlier.Key, earlier.Path), carried)}
		}
	}
	base := importName(s.Key)
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	taken[name] = true
	is := ImportServer{Path: path, Key: s.Key, Name: name, Server: srv, Moved: moved, secrets: secrets, AutoApprove: s.AutoApprove}
	switch {
	case name != base && p.planned(base):
		is.Note = fmt.Sprintf("named %q because another entry already becomes %q", name, base)
	case name != base:
		is.Note = fmt.Sprintf("named %q because MCP Tray already has a server called %q", name, base)
	case name != s.Key:
		is.Note = fmt.Sprintf("named %q because %q cannot be a server name", name, s.Key)
	}
	is.Note = joinNotes(joinNotes(is.Note, p.planKube(&is, s.Env)), carried)
	return is
}

// entryDir is the entry's working folder, absolute (a relative one is taken from the
// person's home), or "" when it has none.
func (p *ImportPlan) entryDir(s clients.Server) string {
	if s.Cwd != "" && !filepath.IsAbs(s.Cwd) && p.opts.Env.Home != "" {
		return filepath.Join(p.opts.Env.Home, s.Cwd)
	}
	return s.Cwd
}

func (p *ImportPlan) planned(name string) bool {
	for _, s := range p.Servers {
		if s.Name == name {
			return true
		}
	}
	return false
}

// notImportable says why an entry of the program called from (a client, another manager)
// cannot be taken over, or "".
func notImportable(from string, s clients.Server) string {
	switch {
	case s.Remote || s.Command == "" && s.Source != "extension":
		return "it is a remote server; MCP Tray takes over only servers it starts itself"
	case s.Source == "extension":
		return fmt.Sprintf("it belongs to a %s extension, which %s starts itself", from, from)
	case s.Disabled:
		return fmt.Sprintf("it is switched off in %s", from)
	}
	for k, v := range s.Env {
		if !config.ValidEnvKey(k) {
			return fmt.Sprintf("its environment variable %q has a name a program cannot be given", k)
		}
		if isPlaceholder(v) {
			return fmt.Sprintf("its %s comes from %s itself (%s), which MCP Tray cannot read", k, from, v)
		}
	}
	for _, a := range append([]string{s.Command}, s.Args...) {
		if isPlaceholder(a) {
			return fmt.Sprintf("its command uses %s, which only %s fills in", a, from)
		}
	}
	if clients.LooksLikeCredential("", s.Command) {
		return "its command looks like a credential; add it with `mcptray server add NAME --secret KEY -- COMMAND` so the credential goes to the keychain"
	}
	return ""
}

// isPlaceholder reports a value the client fills in itself: ${input:…}, ${env:…}, $VAR.
func isPlaceholder(v string) bool {
	if strings.Contains(v, "${") {
		return true
	}
	return len(v) > 1 && v[0] == '$' && (v[1] == '_' || v[1] >= 'A' && v[1] <= 'Z' || v[1] >= 'a' && v[1] <= 'z')
}

// importName makes an entry's key a valid server name.
func importName(key string) string {
	var b strings.Builder
	for _, r := range key {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.TrimLeft(b.String(), "._-")
	if len(name) > 56 { // room for a -N suffix within the 64 allowed
		name = name[:56]
	}
	if name == "" {
		name = "server"
	}
	return name
}
