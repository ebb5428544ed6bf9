package daemon

import (
	"context"
	"errors"
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
// becomes -e NAME. A relative command
// (./run.sh) is made absolute against the entry's working folder, or the client file's
// folder if it has none (config.AbsCommand). It runs in the command-line process (it is file and
// keychain work, and needs no daemon); a running daemon picks the result up from config.json.
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
	Client  clients.Client
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
	// Note explains a name other than Key, or another entry becoming the same server; empty
	// when there is nothing to explain.
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
	// Moved names each credential taken off the command line, and where it was.
	Moved   []MovedCredential
	secrets map[string]string
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
	p := &ImportPlan{Client: c, opts: opts, prod: production(cfg)}
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
			if s.Ours {
				continue
			}
			if why := notImportable(c, s); why != "" {
				p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: s.Key, Reason: why})
				continue
			}
			dir := p.entryDir(s)
			if dir == "" {
				dir = filepath.Dir(path)
			}
			cmd, err := config.AbsCommand(s.Command, dir)
			if err != nil {
				p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: s.Key, Reason: "its command cannot start: " + err.Error()})
				continue
			}
			s.Command = cmd
			p.Servers = append(p.Servers, p.plan(path, s, taken))
		}
	}
	return p, nil
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
	moved := moveArgCredentials(srv, secrets)
	if _, ok := kube.Recognise(srv.Command, srv.Args, srv.Env, srv.Secrets); ok {
		srv.Kube = &config.Kube{} // no context: it does not start until the person chooses one
	}
	for _, earlier := range p.Servers {
		if !earlier.Same && earlier.Server.Equal(srv) && maps.Equal(earlier.secrets, secrets) {
			return ImportServer{Path: path, Key: s.Key, Name: earlier.Name, Server: srv, Same: true, Moved: moved, secrets: secrets,
				Note: fmt.Sprintf("the same server as %q in %s", earlier.Key, earlier.Path)}
		}
	}
	base := importName(s.Key)
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	taken[name] = true
	is := ImportServer{Path: path, Key: s.Key, Name: name, Server: srv, Moved: moved, secrets: secrets}
	switch {
	case name != base && p.planned(base):
		is.Note = fmt.Sprintf("named %q because another entry already becomes %q", name, base)
	case name != base:
		is.Note = fmt.Sprintf("named %q because MCP Tray already has a server called %q", name, base)
	case name != s.Key:
		is.Note = fmt.Sprintf("named %q because %q cannot be a server name", name, s.Key)
	}
	if kn := p.planKube(&is, s.Env); kn != "" {
		if is.Note != "" {
			is.Note += "; "
		}
		is.Note += kn
	}
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

// moveArgCredentials takes every credential off srv's command line into secrets (and
// srv.Secrets), leaving a placeholder in the argument, and says what it moved. A header of
// mcp-remote gets ${NAME}, which mcp-remote fills in from its environment, so the value never
// shows on a command line; docker's or podman's `-e NAME=value` becomes `-e NAME`, which they
// read from their environment; any other argument gets ${secret:NAME}, which the supervisor
// fills in at spawn. The same value twice is kept once.
func moveArgCredentials(srv *config.Server, secrets map[string]string) []MovedCredential {
	found := clients.CredentialsInArgs(srv.Args)
	if len(found) == 0 {
		return nil
	}
	remote := slices.ContainsFunc(append([]string{srv.Command}, srv.Args...), isMCPRemote)
	keys := make([]string, len(found))
	for i, c := range found {
		value := srv.Args[c.Arg][c.Start:c.End]
		for k, v := range secrets {
			if v == value && slices.Contains(srv.Secrets, k) && (keys[i] == "" || k < keys[i]) {
				keys[i] = k
			}
		}
		if keys[i] != "" {
			continue
		}
		key := c.Name
		for n := 2; secrets[key] != "" || srv.Env[key] != "" || slices.Contains(srv.Secrets, key); n++ {
			key = fmt.Sprintf("%s_%d", c.Name, n)
		}
		keys[i] = key
		secrets[key] = value
		srv.Secrets = append(srv.Secrets, key)
	}
	container := isContainerTool(srv.Command)
	var moved []MovedCredential
	for i := len(found) - 1; i >= 0; i-- { // from the end, so earlier spans of an argument stay put
		c := found[i]
		a := srv.Args[c.Arg]
		switch {
		case c.Header && remote:
			srv.Args[c.Arg] = a[:c.Start] + "${" + keys[i] + "}" + a[c.End:]
		case container && c.Arg > 0 && (srv.Args[c.Arg-1] == "-e" || srv.Args[c.Arg-1] == "--env") && a[:c.Start] == keys[i]+"=" && c.End == len(a):
			srv.Args[c.Arg] = keys[i] // docker run -e NAME passes the variable on from its own environment
		default:
			srv.Args[c.Arg] = a[:c.Start] + "${secret:" + keys[i] + "}" + a[c.End:]
			moved = append(moved, MovedCredential{Key: keys[i], Where: c.Where, InArgs: true})
			continue
		}
		moved = append(moved, MovedCredential{Key: keys[i], Where: c.Where})
	}
	slices.Reverse(moved)
	return moved
}

// isContainerTool reports docker or podman, whose `run -e NAME` takes the value of NAME from
// their own environment.
func isContainerTool(command string) bool {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(command)), ".exe")
	return base == "docker" || base == "podman"
}

// isMCPRemote reports the mcp-remote bridge, as a package (mcp-remote, mcp-remote@1.2.3) or
// a path to its script.
func isMCPRemote(a string) bool {
	return a == "mcp-remote" || strings.HasPrefix(a, "mcp-remote@") || strings.Contains(a, "node_modules/mcp-remote/")
}

// planKube, for an entry imported as a Kubernetes server (it reaches Kubernetes, so plan gave
// it Kube with no context), offers the current context of the kubeconfig its KUBECONFIG names, and returns the sentence
// that tells the person so ("" for other entries).
func (p *ImportPlan) planKube(is *ImportServer, env map[string]string) string {
	srv := is.Server
	r, ok := kube.Recognise(srv.Command, srv.Args, srv.Env, srv.Secrets)
	if !ok || srv.Kube == nil {
		return ""
	}
	if c, ok := p.kubeCurrent(env["KUBECONFIG"]); ok {
		is.KubeContext, is.KubeProduction = c.Name, p.prod.Is(c)
		yes := ""
		if is.KubeProduction {
			yes = " --yes (it is a production context)"
		}
		if files, ok := p.kubeReadable(c.Name); !ok {
			return fmt.Sprintf("a Kubernetes server (%s): it starts once you choose its context; its kubeconfig's current context is %s, but MCP Tray reads contexts from %s, which has no context %s: add that file to KUBECONFIG where MCP Tray starts, then run: mcptray kube use %s %s%s", r.Reason, c.Name, strings.Join(files, ", "), c.Name, is.Name, c.Name, yes)
		}
		return fmt.Sprintf("a Kubernetes server (%s): it starts once you choose its context; its kubeconfig's current context is %s, to use it run: mcptray kube use %s %s%s", r.Reason, c.Name, is.Name, c.Name, yes)
	}
	return fmt.Sprintf("a Kubernetes server (%s): it starts once you choose its context: mcptray kube use %s CONTEXT", r.Reason, is.Name)
}

// kubeReadable reports whether the kubeconfig MCP Tray reads (KUBECONFIG of this process, or
// ~/.kube/config) has the named context, and which files that kubeconfig is.
func (p *ImportPlan) kubeReadable(name string) ([]string, bool) {
	files := kube.Sources(os.Getenv("KUBECONFIG"), p.opts.Env.Home)
	src, err := kube.Load(files)
	if err != nil {
		return files, false
	}
	_, ok := src.Context(name)
	return files, ok
}

// kubeCurrent returns the current context of the kubeconfig files named by an entry's
// KUBECONFIG value (relative paths and ~ from the person's home), if they have one.
func (p *ImportPlan) kubeCurrent(value string) (kube.Context, bool) {
	if value == "" {
		return kube.Context{}, false
	}
	var files []string
	for _, f := range filepath.SplitList(value) {
		if rest, ok := strings.CutPrefix(f, "~"); ok && p.opts.Env.Home != "" {
			f = filepath.Join(p.opts.Env.Home, rest)
		} else if !filepath.IsAbs(f) && p.opts.Env.Home != "" {
			f = filepath.Join(p.opts.Env.Home, f)
		}
		files = append(files, f)
	}
	src, err := kube.Load(files)
	if err != nil || src.CurrentContext() == "" {
		return kube.Context{}, false
	}
	return src.Context(src.CurrentContext())
}

func (p *ImportPlan) planned(name string) bool {
	for _, s := range p.Servers {
		if s.Name == name {
			return true
		}
	}
	return false
}

// notImportable says why an entry cannot be taken over, or "".
func notImportable(c clients.Client, s clients.Server) string {
	switch {
	case s.Remote || s.Command == "":
		return "it is a remote server; MCP Tray takes over only servers it starts itself"
	case s.Disabled:
		return fmt.Sprintf("it is switched off in %s", c.Name())
	}
	for k, v := range s.Env {
		if !config.ValidEnvKey(k) {
			return fmt.Sprintf("its environment variable %q has a name a program cannot be given", k)
		}
		if isPlaceholder(v) {
			return fmt.Sprintf("its %s comes from %s itself (%s), which MCP Tray cannot read", k, c.Name(), v)
		}
	}
	for _, a := range append([]string{s.Command}, s.Args...) {
		if isPlaceholder(a) {
			return fmt.Sprintf("its command uses %s, which only %s fills in", a, c.Name())
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

// Execute carries the plan out: credentials into the keychain, the entries rewritten, the
// backups cleaned of credentials, the servers added to config.json and the client switched
// on for them. If a step fails, what was done is undone and nothing has changed. It blocks
// on the keychain (which may show an unlock prompt) and on file I/O.
func (p *ImportPlan) Execute(ctx context.Context) (ImportResult, error) {
	var res ImportResult
	if len(p.Servers) == 0 {
		return res, nil
	}
	binary := p.opts.Binary
	if binary == "" {
		var err error
		if binary, err = DefaultBinary(); err != nil {
			return res, err
		}
	}
	stored, err := p.storeSecrets(ctx)
	if err != nil {
		return res, err
	}
	backups := clients.BackupDir(p.opts.Home.BackupDir())
	first := map[string]string{} // file → its backup from before the import
	undo := func() {
		for path := range first {
			if _, _, err := restoreFile(ctx, p.Client, path, backups, p.opts.Keys); err != nil {
				res.Warnings = append(res.Warnings, errorSentence(err))
			}
		}
		for _, ref := range stored {
			p.opts.Keys.Delete(ctx, ref.server, ref.key)
		}
	}
	for _, s := range p.Servers {
		r, err := clients.ReplaceWithOurs(p.Client, s.Path, s.Key, clients.NewEntry(binary, s.Name), clients.ApplyOptions{Backups: backups})
		if err != nil {
			undo()
			return res, fmt.Errorf("MCP Tray changed nothing, because it could not rewrite %q: %w", s.Key, err)
		}
		if _, ok := first[s.Path]; !ok {
			first[s.Path] = r.BackupPath
			res.Backups = append(res.Backups, r.BackupPath)
		} else if r.BackupPath != "" {
			os.Remove(r.BackupPath) // a step of the import's own: restore goes back to before all of it
		}
		res.Files = append(res.Files, r)
	}
	for path, backup := range first {
		res.Warnings = append(res.Warnings, redactBackups(filepath.Dir(backup), path, stored, p.Client.Format() == "YAML")...)
		// Older copies may hold what this version knows for a credential (one on a command line).
		if err := backups.Clean(p.Client, path); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("MCP Tray could not take every credential out of the older backups of %s (%s); delete the folder %s once you no longer need to undo the import.", path, errorSentence(err), filepath.Dir(backup)))
		}
	}
	if err := p.opts.Home.Update(p.addServers); err != nil {
		undo()
		return ImportResult{Warnings: res.Warnings}, fmt.Errorf("MCP Tray changed nothing, because config.json could not take the new servers: %w", err)
	}
	return res, nil
}

// secretRef is one credential moved to the keychain.
type secretRef struct{ server, key, value string }

func (p *ImportPlan) storeSecrets(ctx context.Context) ([]secretRef, error) {
	var stored []secretRef
	for _, s := range p.Servers {
		if s.Same {
			continue
		}
		for _, k := range s.Server.Secrets {
			if p.opts.Keys == nil {
				return nil, errors.New("MCP Tray has no keychain to keep the credentials in, so it changed nothing")
			}
			if err := p.opts.Keys.Set(ctx, s.Name, k, s.secrets[k]); err != nil {
				for _, ref := range stored {
					p.opts.Keys.Delete(ctx, ref.server, ref.key)
				}
				return nil, fmt.Errorf("MCP Tray changed nothing, because it could not keep %s of %q in the system keychain: %w", k, s.Key, keychainReason(err))
			}
			stored = append(stored, secretRef{server: s.Name, key: k, value: s.secrets[k]})
		}
	}
	return stored, nil
}

// keychainReason is the keychain's own sentence for err, without the operation in front.
func keychainReason(err error) error {
	var op *keychain.OpError
	if errors.As(err, &op) {
		return op.Err
	}
	return err
}

// addServers is the config.json change of an import.
func (p *ImportPlan) addServers(c *config.Config) error {
	var names []string
	for _, s := range p.Servers {
		if s.Same {
			continue
		}
		if _, exists := c.Servers[s.Name]; exists {
			return fmt.Errorf("a server called %q appeared meanwhile; run the import again", s.Name)
		}
		c.Servers[s.Name] = s.Server
		names = append(names, s.Name)
	}
	id := p.Client.ID()
	if b := c.Clients[id]; b == nil || !b.Enabled || len(b.Servers) > 0 {
		EnableClient(c, id, names) // the client keeps seeing exactly what it saw, now through MCP Tray
	}
	return nil
}

// Restored says what RestoreClient did.
type Restored struct {
	Files    []clients.Restored
	Disabled bool     // MCP Tray stopped writing the client's files
	Warnings []string // sentences about credentials that could not be put back
}

// RestoreClient puts back the newest backup of each of the client's files and switches the
// client off in config.json, so MCP Tray does not add its entries again. Credentials an
// import took out of the backup come back from the keychain. It blocks on file I/O and the
// keychain.
func RestoreClient(ctx context.Context, opts ImportOptions, id string) (Restored, error) {
	var out Restored
	c, ok := clients.ByID(id)
	if !ok {
		return out, fmt.Errorf("MCP Tray does not know an AI client called %q", id)
	}
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
	}
	backups := clients.BackupDir(opts.Home.BackupDir())
	var firstErr error
	for _, path := range c.Paths(opts.Env) {
		r, warnings, err := restoreFile(ctx, c, path, backups, opts.Keys)
		switch {
		case errors.Is(err, clients.ErrNoBackup):
			if firstErr == nil {
				firstErr = err
			}
		case err != nil:
			return out, err
		default:
			out.Files = append(out.Files, r)
			out.Warnings = append(out.Warnings, warnings...)
		}
	}
	if len(out.Files) == 0 {
		return out, firstErr
	}
	err := opts.Home.Update(func(cfg *config.Config) error {
		if b := cfg.Clients[id]; b != nil && b.Enabled {
			DisableClient(cfg, id, nil)
			out.Disabled = true
		}
		return nil
	})
	return out, err
}
